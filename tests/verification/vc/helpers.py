"""Helpers for the VC / CLR verification tests: forms from documents, fetchers, fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ats_match.formats.model import CredentialForm, Envelope, IssuerInfo, Spec
from ats_match.net.fetcher import FetchError, FetchErrorKind, FetchResponse
from ats_match.verification.report import VerificationContext

SHARED = Path(__file__).resolve().parents[4] / "shared" / "conformance"
OB30 = SHARED / "1edtech" / "ob30"
CLR20 = SHARED / "1edtech" / "clr20"
W3C = SHARED / "w3c-vc-di-eddsa"


def load(path: Path) -> Any:
    return json.loads(path.read_text())


def form(source: dict[str, Any] | str, spec: Spec = Spec.OB3) -> CredentialForm:
    """A CredentialForm as the parser would make it (document or compact JWT)."""
    if isinstance(source, str):
        import base64

        body = source.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        doc = claims.get("vc", claims)
        return CredentialForm(
            spec=spec,
            envelope=Envelope.JWT,
            document=doc,
            compact=source,
            raw=source.encode(),
            issuer=_issuer(doc),
        )
    return CredentialForm(
        spec=spec,
        envelope=Envelope.JSON,
        document=source,
        raw=json.dumps(source).encode(),
        issuer=_issuer(source),
    )


def _issuer(doc: dict[str, Any]) -> IssuerInfo:
    issuer = doc.get("issuer")
    return IssuerInfo(id=issuer.get("id") if isinstance(issuer, dict) else issuer)


class OfflineFetcher:
    """No network at all: every URL is unreachable (plays an offline worker)."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def get(
        self, url: str, *, accept: str | None = None, max_bytes: int | None = None
    ) -> FetchResponse:
        self.urls.append(url)
        raise FetchError(FetchErrorKind.UNREACHABLE, url, "offline test")


def loopback_fetcher(ca_path: str | None) -> Any:
    """The product's HttpFetcher trusting the test CA (the suite's conftest allow-lists
    loopback addresses through ATS_MATCH_FETCH_ALLOW_HOSTS)."""
    from ats_match.net.http import HttpFetcher

    return HttpFetcher(ca_path=ca_path)


def context(fetcher: Any, **kw: Any) -> VerificationContext:
    return VerificationContext(fetcher=fetcher, **kw)
