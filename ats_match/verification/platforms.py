"""Evidence tiers for links that are not (yet) signed credentials: which platform, what backs it.

:func:`recognise` knows the verification-URL shapes of Credly, Accredible, Coursera, LinkedIn
Learning, edX, Udacity, Microsoft Learn, AWS (Certmetrics; AWS badges themselves are Credly's)
and PMI's certification registry (sources and what is unconfirmed: ``docs/trust.md``).
:func:`assess_link` then gives a link its :class:`~.answers.EvidenceTier`:

- ``issuer_record`` (2): the platform's own machine-readable record for that credential id,
  fetched over https from the platform's record hosts (Credly's OB 2.0 hosted assertion,
  Accredible's credential JSON, a Microsoft Learn transcript), or a signed credential the issuer
  serves (Credly's OB 3.0 ``open_badge_credentials``) with ``verify_as_credential`` set: the
  verifier decides whether it is ``cryptographic`` (1), so recognition never downgrades it;
- ``platform_page`` (3): the verification page exists on the platform's own hosts (title and,
  where the page shows it, holder name recorded);
- ``claimed`` (4): anything else; an unrecognised URL is not fetched at all.

Every fetch goes through the safe fetcher, https only, and only to the hosts listed for that
platform (a per-platform allow-list: the URL and the final URL after redirects must both be on
it). A platform that cannot be reached leaves the link ``claimed`` with ``retry`` set.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from pydantic import BaseModel

from ats_match.net.fetcher import Fetcher, FetchError, FetchErrorKind, FetchResponse
from ats_match.verification.answers import EvidenceTier
from ats_match.verification.platform_records import NotARecord, read_page, read_record

MAX_PAGE_BYTES = 2 * 1024 * 1024
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_TRACKING = re.compile(r"^(utm_.*|trk|lipi|_gl|ref|src)$", re.IGNORECASE)


@dataclass(frozen=True)
class Shape:
    hosts: frozenset[str]
    path: re.Pattern[str]
    kind: str
    """``page``, ``record`` (machine-readable), ``signed`` (a signed credential), ``search``."""
    record: Callable[[re.Match[str]], str] | None = None
    page: Callable[[re.Match[str]], str] | None = None


@dataclass(frozen=True)
class Platform:
    name: str
    shapes: tuple[Shape, ...]
    page_hosts: frozenset[str]
    record_hosts: frozenset[str]


def _hosts(*names: str) -> frozenset[str]:
    return frozenset(names)


def _shape(
    hosts: frozenset[str], pattern: str, kind: str, **kw: Callable[[re.Match[str]], str]
) -> Shape:
    return Shape(hosts, re.compile(pattern), kind, **kw)


_CREDLY_WEB = _hosts("www.credly.com", "credly.com", "www.youracclaim.com", "youracclaim.com")
_ACCREDIBLE = _hosts("credential.net", "www.credential.net")


def _credly_record(match: re.Match[str]) -> str:
    """Credly's public OB 2.0 assertion JSON for a badge id (the issuer's own record)."""
    return f"https://api.credly.com/v1/obi/v2/badge_assertions/{match['id'].lower()}"


def _credly_page(match: re.Match[str]) -> str:
    return f"https://www.credly.com/badges/{match['id'].lower()}"


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "Credly",
        (
            _shape(
                _CREDLY_WEB,
                rf"^/(?:badges|earner/earned/badge)/(?P<id>{_UUID})(?:/(?:public_url|embed|linked_in_profile))?/?$",
                "page",
                record=_credly_record,
                page=_credly_page,
            ),
            _shape(
                _hosts("api.credly.com"),
                rf"^/v1/obi/v2/badge_assertions/(?P<id>{_UUID})$",
                "record",
                record=_credly_record,
                page=_credly_page,
            ),
            _shape(
                _hosts("www.credly.com"),
                rf"^/api/v1/obi/v3/open_badge_credentials/(?P<id>{_UUID})$",
                "signed",
                record=lambda m: (
                    f"https://www.credly.com/api/v1/obi/v3/open_badge_credentials/{m['id']}"
                ),
            ),
        ),
        _CREDLY_WEB,
        _hosts("api.credly.com", "www.credly.com"),
    ),
    Platform(
        "Accredible",
        (
            _shape(
                _ACCREDIBLE | _hosts("google.accredible.com", "edu.google.accredible.com"),
                rf"^/(?P<id>{_UUID}|[0-9]{{5,12}})/?$",
                "page",
                record=lambda m: (
                    f"https://api.accredible.com/v1/credential-net/credentials/{m['id'].lower()}"
                ),
            ),
        ),
        _ACCREDIBLE | _hosts("google.accredible.com", "edu.google.accredible.com"),
        _hosts("api.accredible.com"),
    ),
    Platform(
        "Coursera",
        (
            _shape(
                _hosts("www.coursera.org", "coursera.org"),
                r"^/(?:verify|account/accomplishments/(?:verify|certificate|specialization|professional-cert)(?:/certificate)?)/(?P<id>[A-Za-z0-9]{8,16})/?$",
                "page",
            ),
        ),
        _hosts("www.coursera.org", "coursera.org"),
        frozenset(),
    ),
    Platform(
        "LinkedIn Learning",
        (
            _shape(
                _hosts("www.linkedin.com", "linkedin.com"),
                r"^/learning/certificates/(?P<id>[0-9a-f]{64})/?$",
                "page",
            ),
        ),
        _hosts("www.linkedin.com", "linkedin.com"),
        frozenset(),
    ),
    Platform(
        "edX",
        (
            _shape(_hosts("credentials.edx.org"), r"^/credentials/(?P<id>[0-9a-f]{32})/?$", "page"),
            _shape(_hosts("courses.edx.org"), r"^/certificates/(?P<id>[0-9a-f]{32})/?$", "page"),
        ),
        _hosts("credentials.edx.org", "courses.edx.org"),
        frozenset(),
    ),
    Platform(
        "Udacity",
        (
            _shape(
                _hosts("confirm.udacity.com"), rf"^/(?:e/)?(?P<id>[A-Z0-9]{{8}}|{_UUID})/?$", "page"
            ),
            _shape(
                _hosts("graduation.udacity.com"), r"^/confirm/(?P<id>[A-Za-z0-9-]{6,40})/?$", "page"
            ),
        ),
        _hosts("confirm.udacity.com", "graduation.udacity.com"),
        frozenset(),
    ),
    Platform(
        "Microsoft Learn",
        (
            _shape(
                _hosts("learn.microsoft.com"),
                r"^/api/credentials/share/[a-z]{2}-[a-z]{2}/[^/]+/(?P<id>[0-9A-F]{16})/?$",
                "page",
            ),
            _shape(
                _hosts("learn.microsoft.com"),
                r"^/[a-z]{2}-[a-z]{2}/users/[^/]+/credentials/(?P<id>[0-9a-fA-F]{16})/?$",
                "page",
            ),
            _shape(
                _hosts("learn.microsoft.com"),
                r"^/[a-z]{2}-[a-z]{2}/users/[^/]+/transcript/(?P<id>[A-Za-z0-9]{6,40})/?$",
                "page",
                record=lambda m: (
                    f"https://learn.microsoft.com/api/profiles/transcript/share/{m['id']}?locale=en-us"
                ),
            ),
        ),
        _hosts("learn.microsoft.com"),
        _hosts("learn.microsoft.com"),
    ),
    Platform(
        "AWS Certification",
        (
            _shape(
                _hosts("cp.certmetrics.com"),
                r"^/amazon/en/public/verify/credential/(?P<id>[0-9a-fA-F]{32}|[A-Z0-9]{16})/?$",
                "page",
            ),
        ),
        _hosts("cp.certmetrics.com"),
        frozenset(),
    ),
    Platform(
        "PMI Certification Registry",
        (_shape(_hosts("certification.pmi.org"), r"^/registry\.aspx$", "search"),),
        frozenset(),
        frozenset(),
    ),
)


@dataclass(frozen=True)
class Recognised:
    platform: Platform
    kind: str
    credential_id: str | None
    url: str
    """The link, https, without tracking parameters."""
    record_url: str | None
    page_url: str | None


class LinkFacts(BaseModel):
    """What :func:`assess_link` found, ``{status, reason, ...}`` like an answer."""

    status: EvidenceTier
    reason: str
    url: str
    platform: str | None = None
    credential_id: str | None = None
    record_url: str | None = None
    title: str | None = None
    holder_name: str | None = None
    issuer_name: str | None = None
    issued_on: str | None = None
    expires_on: str | None = None
    revoked: bool = False
    retry: bool = False
    verify_as_credential: bool = False
    """The record is a signed credential: verify it; ``cryptographic`` if genuine."""


def recognise(url: str) -> Recognised | None:
    """The platform and shape of ``url``, or ``None``."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    for platform in PLATFORMS:
        for shape in platform.shapes:
            if host in shape.hosts and (match := shape.path.match(parts.path)):
                query = [(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)]
                clean = f"https://{host}{parts.path}" + (f"?{urlencode(query)}" if query else "")
                return Recognised(
                    platform=platform,
                    kind=shape.kind,
                    credential_id=match.groupdict().get("id"),
                    url=clean,
                    record_url=shape.record(match) if shape.record else None,
                    page_url=(shape.page(match) if shape.page else clean)
                    if shape.kind in ("page", "record")
                    else None,
                )
    return None


def assess_link(url: str, fetcher: Fetcher) -> tuple[EvidenceTier, LinkFacts]:
    """The evidence tier of a link found in an application, with what was found."""
    found = recognise(url)
    if found is None:
        return _claimed(url, "This is not a recognised verification address; nothing was fetched.")
    if found.kind == "search":
        facts = _facts(
            found,
            status=EvidenceTier.CLAIMED,
            reason=f"{found.platform.name} is a search form, not a page for this credential; "
            "look the holder up by name.",
        )
        return facts.status, facts
    retry = False
    if found.record_url:
        outcome = _from_record(found, fetcher)
        if isinstance(outcome, LinkFacts):
            return outcome.status, outcome
        retry = outcome
    if found.page_url and found.platform.page_hosts:
        outcome = _from_page(found, fetcher)
        if isinstance(outcome, LinkFacts):
            return outcome.status, outcome
        retry = retry or outcome
    reason = (
        f"{found.platform.name} could not be reached; the link stays claimed until it can."
        if retry
        else f"{found.platform.name} has no such credential."
    )
    facts = _facts(found, status=EvidenceTier.CLAIMED, reason=reason, retry=retry)
    return facts.status, facts


def _from_record(found: Recognised, fetcher: Fetcher) -> LinkFacts | bool:
    """Tier 2 facts, or whether trying again may help."""
    assert found.record_url is not None
    response = _get(found.record_url, found.platform.record_hosts, fetcher, "application/json")
    if isinstance(response, bool):
        return response
    if response is None:  # 410 Gone: the issuer withdrew it
        return _facts(
            found,
            status=EvidenceTier.ISSUER_RECORD,
            reason=f"{found.platform.name} says this credential was withdrawn (410).",
            record_url=found.record_url,
            revoked=True,
        )
    if found.kind == "signed":
        return _facts(
            found,
            status=EvidenceTier.ISSUER_RECORD,
            reason="The issuer serves this signed credential over https; verify it as one.",
            record_url=found.record_url,
            verify_as_credential=True,
        )
    try:
        facts = read_record(found.platform.name, found.record_url, response.json())
    except (NotARecord, ValueError, RecursionError):
        return False
    state = "revoked" if facts.revoked else "on record"
    return _facts(
        found,
        status=EvidenceTier.ISSUER_RECORD,
        reason=f"{found.platform.name}'s own record of this credential says it is {state}.",
        record_url=found.record_url,
        title=facts.title,
        holder_name=facts.holder_name,
        issuer_name=facts.issuer_name,
        issued_on=facts.issued_on,
        expires_on=facts.expires_on,
        revoked=facts.revoked,
    )


def _from_page(found: Recognised, fetcher: Fetcher) -> LinkFacts | bool:
    assert found.page_url is not None
    response = _get(found.page_url, found.platform.page_hosts, fetcher, "text/html")
    if isinstance(response, bool) or response is None:
        return bool(response)
    facts = read_page(found.platform.name, response.content)
    return _facts(
        found,
        status=EvidenceTier.PLATFORM_PAGE,
        reason=f"The verification page exists on {found.platform.name}.",
        title=facts.title,
        holder_name=facts.holder_name,
        issuer_name=facts.issuer_name,
    )


def _get(
    url: str, hosts: frozenset[str], fetcher: Fetcher, accept: str
) -> FetchResponse | bool | None:
    """The response; ``None`` for 410; ``True``/``False`` for a failure worth / not worth
    retrying. The URL and the final URL after redirects must be https on ``hosts``."""
    if not _on(url, hosts):
        return False
    try:
        response = fetcher.get(url, accept=accept, max_bytes=MAX_PAGE_BYTES)
    except FetchError as exc:
        if exc.kind == FetchErrorKind.HTTP_ERROR and exc.status == 410:
            return None
        return exc.is_transient
    if not _on(response.url, hosts):
        return False
    return response


def _on(url: str, hosts: frozenset[str]) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and (parts.hostname or "").lower() in hosts


def _claimed(url: str, reason: str) -> tuple[EvidenceTier, LinkFacts]:
    result = LinkFacts(status=EvidenceTier.CLAIMED, reason=reason, url=url)
    return result.status, result


def _facts(found: Recognised, **values: Any) -> LinkFacts:
    return LinkFacts(
        url=found.url, platform=found.platform.name, credential_id=found.credential_id, **values
    )
