"""Issuer identifiers as trust decisions see them: a DID or an https URL, never a display name.

What: :func:`parse_issuer` turns the issuer id a verifier hands over into an :class:`IssuerId`
(the DID without fragment or query, or the https URL with its origin), and
:func:`entry_matches` decides whether an allow/deny/accreditation entry names that issuer.
:func:`validate_entry` is what the API uses to refuse entries that are neither (a name such as
"Nursing and Midwifery Council" is refused: anyone can call themselves that).

Why these rules:
- a DID entry matches the same DID exactly (a DID URL's ``#key-1`` or ``?service=`` is dropped);
- an https entry without a path covers its whole origin (scheme, host, port: never a longer host
  such as ``uni.example.evil.test``); with a path it covers that path and what lies below it, on a
  ``/`` boundary, because hosted platforms put many issuers on one origin;
- a ``did:web`` issuer is also matched as the https URL its DID document is served from, since
  whoever controls that origin controls the DID's keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_DID_RE = re.compile(r"^did:[a-z0-9]+:(?:[A-Za-z0-9._%-]*:)*[A-Za-z0-9._%-]+$")


@dataclass(frozen=True)
class IssuerId:
    """An issuer as it can be vouched for."""

    raw: str
    did: str | None = None
    url: str | None = None
    """The https URL (the issuer id itself, or a ``did:web``'s https equivalent)."""

    @property
    def key(self) -> str:
        """The identifier registries are keyed by: the DID, else the https URL."""
        return self.did or self.url or self.raw

    @property
    def origin(self) -> str | None:
        return _origin(self.url) if self.url else None


def parse_issuer(issuer_id: str | None) -> IssuerId | None:
    """The :class:`IssuerId` for ``issuer_id``, or ``None`` when it is neither a DID nor https."""
    if not issuer_id or not isinstance(issuer_id, str):
        return None
    raw = issuer_id.strip()
    if raw.startswith("did:"):
        did = raw.split("#", 1)[0].split("?", 1)[0]
        if not _DID_RE.match(did):
            return None
        return IssuerId(raw=raw, did=did, url=did_web_url(did))
    url = _https_url(raw)
    return IssuerId(raw=raw, url=url) if url else None


def did_web_url(did: str) -> str | None:
    """``did:web:host%3A8443:a:b`` -> ``https://host:8443/a/b`` (the DID's controlling URL)."""
    if not did.startswith("did:web:"):
        return None
    host, *path = did.removeprefix("did:web:").split(":")
    host = unquote(host).lower()
    if not host or "/" in host or "@" in host:
        return None
    return f"https://{host}" + "".join(f"/{unquote(p)}" for p in path)


def validate_entry(entry: str) -> str:
    """The canonical form of an allow/deny/accreditation entry; ``ValueError`` if it is not a
    DID or an https URL (without query, fragment or credentials)."""
    text = entry.strip()
    if text.startswith("did:"):
        if not _DID_RE.match(text):
            raise ValueError(f"{entry!r} is not a DID")
        return text
    url = _https_url(text)
    if url is None:
        raise ValueError(
            f"{entry!r} is neither a DID nor an https URL; issuers are identified by DID or "
            "https origin, never by the name they give themselves"
        )
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        raise ValueError(f"{entry!r}: an https entry has no query or fragment")
    return url.rstrip("/") if parts.path in ("", "/") else url


def entry_matches(entry: str, issuer: IssuerId) -> bool:
    """True when the (validated) ``entry`` names ``issuer``."""
    if entry.startswith("did:"):
        return issuer.did == entry
    if issuer.url is None:
        return False
    entry_parts, issuer_parts = urlsplit(entry), urlsplit(issuer.url)
    if _origin(entry) != _origin(issuer.url):
        return False
    prefix = entry_parts.path.rstrip("/")
    if not prefix:
        return True
    path = issuer_parts.path
    return path == prefix or path.startswith(prefix + "/")


def _https_url(text: str) -> str | None:
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() != "https" or not parts.hostname or parts.username or parts.password:
        return None
    host = parts.hostname.lower()
    netloc = host if port in (None, 443) else f"{host}:{port}"
    if ":" in host:  # an IPv6 literal keeps its brackets
        netloc = f"[{host}]" if port in (None, 443) else f"[{host}]:{port}"
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"https://{netloc}{rest}" + (f"#{parts.fragment}" if parts.fragment else "")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
