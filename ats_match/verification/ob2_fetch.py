"""Fetching and validating the documents an Open Badges 2.0 assertion points to.

What: :func:`fetch_node` GETs a badge object (assertion, BadgeClass, issuer Profile,
CryptographicKey, RevocationList) through the product fetcher and checks it is a JSON object of
the expected type; :class:`NodeUnavailable` carries the check to record when that fails.

Why a failure becomes *indeterminate* or *fail*: any HTTP error from the issuer's side (down,
slow, rate-limiting, 5xx, and also 404 or 410 on a badge class, issuer profile, key or
revocation list: sites move, documents get lost) says nothing about whether the credential is
genuine, so the verdict stays open (``indeterminate``, retried by the worker). Only the issuer's
own statement revokes: HTTP 410 Gone on the hosted assertion itself is the OB 2.0 way of saying
"revoked" (fail, worded as a revocation). A document that was fetched and is wrong (not JSON,
wrong type), a private address, or a body over the size cap is a defect of the credential as
presented (``fail``).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

from ats_match.net.fetcher import Fetcher, FetchError, FetchErrorKind
from ats_match.verification.report import Check, CheckStatus

OB2_CONTEXTS = frozenset(
    {
        "https://w3id.org/openbadges/v2",
        "http://w3id.org/openbadges/v2",
        "https://w3id.org/openbadges/v2/",
        "https://openbadgespec.org/v2/context.json",
    }
)
OB1_CONTEXTS = frozenset({"https://w3id.org/openbadges/v1", "http://w3id.org/openbadges/v1"})
ACCEPT = "application/ld+json, application/json;q=0.9"
T = TypeVar("T")


class NodeUnavailable(Exception):
    """A document could not be used; ``check`` says why (``fail`` or ``indeterminate``)."""

    def __init__(self, check: Check) -> None:
        super().__init__(check.detail)
        self.check = check


def fetch_node(
    fetcher: Fetcher, url: str, *, check: str, what: str, types: set[str]
) -> dict[str, Any]:
    """GET ``url`` and return its JSON object, which must have one of ``types`` (if given)."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise NodeUnavailable(_fail(check, f"The {what} is not named by an HTTP(S) URL: {url!r}."))
    try:
        response = fetcher.get(url, accept=ACCEPT)
    except FetchError as exc:
        raise NodeUnavailable(fetch_error_check(exc, check, what)) from exc
    try:
        node, node_types = _PARSED.parse_typed(url, response.content)
    except ValueError as exc:
        raise NodeUnavailable(_fail(check, f"The {what} at {url} is not JSON.")) from exc
    if isinstance(node, dict) and (not types or types & node_types):
        return node
    return check_node(node, check=check, what=what, types=types, url=url)


def derived(node: dict[str, Any], name: str, build: Callable[[dict[str, Any]], T]) -> T:
    """``build(node)``, computed once per document returned by :func:`fetch_node`.

    Only for fetched documents (they are shared, parsed once and never mutated, see
    :class:`_ParsedDocuments`); the memo holds the document itself, so an entry can never
    answer for another object that happens to reuse its ``id``. Callers must not mutate the
    value either."""
    return _DERIVED.get(node, name, build)


class _ParsedDocuments:
    """Parsed JSON of recently fetched bodies, keyed by URL and the exact bytes.

    Why: with warm fetch caches the same issuer profile, badge class, key and revocation list
    bytes come back for every assertion; parsing them again was a fifth of the cost. The key
    includes the body, so a changed document is always parsed afresh. Callers never mutate
    the returned objects.
    """

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, bytes], tuple[Any, frozenset[str]]] = OrderedDict()
        self._lock = threading.Lock()

    def parse(self, url: str, content: bytes) -> Any:
        return self.parse_typed(url, content)[0]

    def parse_typed(self, url: str, content: bytes) -> tuple[Any, frozenset[str]]:
        """The parsed body and its type names (for a JSON object), both computed once."""
        key = (url, content)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        parsed = json.loads(content)
        entry = (parsed, frozenset(type_names(parsed)) if isinstance(parsed, dict) else frozenset())
        with self._lock:
            self._items[key] = entry
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return entry


class _Derived:
    """Values computed from a shared parsed document, keyed by the document's identity."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, str], tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, node: Any, name: str, build: Callable[[Any], T]) -> T:
        key = (id(node), name)
        with self._lock:
            entry = self._items.get(key)
        if entry is not None and entry[0] is node:
            return cast(T, entry[1])
        value = build(node)
        with self._lock:
            self._items[key] = (node, value)  # holding ``node`` keeps its id from being reused
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


_PARSED = _ParsedDocuments()
_DERIVED = _Derived()


def check_node(node: Any, *, check: str, what: str, types: set[str], url: str) -> dict[str, Any]:
    """The node must be a JSON object whose ``type`` is one of ``types`` (if any are given)."""
    if not isinstance(node, dict):
        raise NodeUnavailable(_fail(check, f"The {what} at {url} is not a JSON object."))
    if types and not types & set(type_names(node)):
        found = ", ".join(type_names(node)) or "none"
        raise NodeUnavailable(
            _fail(check, f"The {what} at {url} has type {found}, expected {' or '.join(types)}.")
        )
    return node


def fetch_error_check(exc: FetchError, check: str, what: str) -> Check:
    """Turn a fetch failure into the check to record: the issuer's HTTP errors and transient
    failures -> indeterminate; 410 on the hosted assertion -> revoked (fail); else fail."""
    if exc.kind == FetchErrorKind.HTTP_ERROR and exc.status == 410 and check == "hosted":
        return Check(
            name="revocation",
            status=CheckStatus.FAIL,
            outcome="revoked",
            detail=f"Revoked: the issuer withdrew this assertion ({exc.url} answers HTTP 410 "
            "Gone).",
        )
    if exc.is_transient or exc.kind == FetchErrorKind.HTTP_ERROR:
        return Check(
            name=check,
            status=CheckStatus.INDETERMINATE,
            detail=f"The {what} could not be fetched from {exc.url} ({exc.detail}); "
            "it will be tried again later.",
        )
    reasons = {
        FetchErrorKind.BLOCKED: "it points at an address we never contact",
        FetchErrorKind.TOO_LARGE: "it is larger than we accept",
        FetchErrorKind.INVALID: "the address is not valid",
    }
    reason = reasons.get(exc.kind, exc.detail)
    failed = _fail(check, f"The {what} at {exc.url} cannot be used: {reason} ({exc.detail}).")
    if exc.status:
        failed.facts["http_status"] = exc.status
    return failed


def type_names(node: dict[str, Any]) -> list[str]:
    """The node's ``type`` values as strings, with the ``obi:`` prefix removed."""
    raw = node.get("type", node.get("@type"))
    values = raw if isinstance(raw, list) else [raw]
    return [v.removeprefix("obi:") for v in values if isinstance(v, str)]


def as_list(value: Any) -> list[Any]:
    """``None`` -> ``[]``, a scalar -> ``[scalar]``, a list stays a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def node_id(value: Any) -> str | None:
    """The id of a reference that is either an IRI string or an object with ``id``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _fail(check: str, detail: str) -> Check:
    return Check(name=check, status=CheckStatus.FAIL, detail=detail)
