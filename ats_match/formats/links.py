"""Credential links in free text, and where to fetch each one.

What: :func:`find_credential_urls` picks the URLs in application answers, custom fields, cover
letters and resume text that point at credentials (Credly, Badgr / Canvas Credentials, or any
URL whose path names a badge, assertion or credential); :func:`fetch_url_for` maps a human
badge page to the URL that serves its Open Badges document.
Why a filter: a resume holds many links (LinkedIn, GitHub…); fetching each would be slow and
leak the applicant's reading list to third parties for nothing.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_LINKS = 100
_URL_RE = re.compile(r"https?://[^\s<>\"'`()\[\]{}|\\^]+", re.IGNORECASE)
_TRAILING = ".,;:!?*"
_CREDLY_RE = re.compile(
    r"^/(?:badges|earner/earned/badge)/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
    re.IGNORECASE,
)
_BADGR_RE = re.compile(r"^/public/assertions/([A-Za-z0-9_-]+)")
_KEYWORDS = ("badge", "assertion", "credential", "openbadge", "achievement", "/clr")
_BADGR_API = {
    "badgr.com": "api.badgr.io",
    "www.badgr.com": "api.badgr.io",
    "badgr.io": "api.badgr.io",
    "badges.instructure.com": "api.badgr.io",
    "eu.badgr.com": "api.eu.badgr.io",
    "eu.badgr.io": "api.eu.badgr.io",
    "ca.badgr.io": "api.ca.badgr.io",
    "au.badgr.io": "api.au.badgr.io",
}


def find_credential_urls(text: str) -> list[str]:
    """The credential-looking URLs in ``text``, deduplicated, in order of appearance."""
    seen: dict[str, None] = {}
    for match in _URL_RE.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if is_credential_url(url):
            seen.setdefault(url, None)
            if len(seen) >= MAX_LINKS:
                break
    return list(seen)


def is_credential_url(url: str) -> bool:
    """True for Credly / Badgr / Canvas Credentials badge URLs and badge-named paths."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host, path = parts.hostname.lower(), parts.path
    if host.endswith("credly.com"):
        return bool(_CREDLY_RE.match(path)) or "badge_assertions" in path
    if _is_badgr_host(host):
        return bool(_BADGR_RE.match(path))
    lowered = path.lower()
    return any(k in lowered for k in _KEYWORDS) or lowered.endswith((".json", ".jwt", ".jws"))


def fetch_url_for(url: str) -> str:
    """The URL that serves the machine-readable credential behind ``url``.

    Credly badge pages map to Credly's public Open Badges 2.0 export of the assertion
    (``api.credly.com/v1/obi/v2/badge_assertions/<id>``); Badgr and Canvas Credentials public
    assertion pages map to the API host with ``?v=2_0``. Anything else is fetched as given."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith("credly.com") and (match := _CREDLY_RE.match(parts.path)):
        return f"https://api.credly.com/v1/obi/v2/badge_assertions/{match.group(1)}"
    if _is_badgr_host(host) and (match := _BADGR_RE.match(parts.path)):
        api = host if host.startswith("api.") else _BADGR_API.get(host, "api.badgr.io")
        entity = match.group(1).removesuffix(".json")
        return f"https://{api}/public/assertions/{entity}?v=2_0"
    return url


def _is_badgr_host(host: str) -> bool:
    return host in _BADGR_API or host.endswith((".badgr.io", ".badgr.com"))
