"""Small, total readers for untrusted JSON values: never raise, return ``None`` instead.

Why: credentials in the wild put a string where the spec says an object, a list where it says
one value, a Unix time where it says ISO 8601. The parsers read every field through these.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

_MAX_TIMESTAMP = 253402300799  # 9999-12-31T23:59:59Z
_NUMBERS = (int, float)  # a tuple: ``int | float`` builds a union object on every call


_NODE_KEYS = frozenset({"id", "type", "@id", "@type"})


def text(value: Any) -> str | None:
    """A string value, the ``@value`` of a JSON-LD literal, or the first entry of a language
    map (``{"en": …, "de": …}``); a node (an object with an id or type) is not text."""
    if value is None:  # the common case: an absent field
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("@value"), str):
            return str(value["@value"])
        if _NODE_KEYS & value.keys() or not all(isinstance(v, str) for v in value.values()):
            return None
        return next(iter(value.values()), None)
    if isinstance(value, list) and value:
        return text(value[0])
    return None


def as_list(value: Any) -> list[Any]:
    """``value`` as a list (``None`` → ``[]``, a single value → ``[value]``)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def node_id(value: Any) -> str | None:
    """The id of a node given inline (``{"id": …}``) or by reference (a string)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return text(value.get("id"))
    return None


def types_of(doc: dict[str, Any]) -> set[str]:
    """The ``type`` / ``@type`` names of a node (prefixes such as ``obi:`` stripped)."""
    names = as_list(doc.get("type")) + as_list(doc.get("@type"))
    return {n.rsplit(":", 1)[-1] for n in names if isinstance(n, str)}


def contexts_of(doc: dict[str, Any]) -> list[str]:
    """The string entries of ``@context``."""
    return [c for c in as_list(doc.get("@context")) if isinstance(c, str)]


def strings(value: Any) -> list[str]:
    """Every string in ``value`` (a string or a list)."""
    return [v for v in as_list(value) if isinstance(v, str)]


def timestamp(value: Any) -> datetime | None:
    """An ISO 8601 date(-time) or Unix time as an aware UTC datetime; ``None`` if unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, _NUMBERS) or (isinstance(value, str) and value.isdigit()):
        seconds = float(value)
        if not 0 <= seconds <= _MAX_TIMESTAMP:
            return None
        return datetime.fromtimestamp(seconds, tz=UTC)
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
