"""A test trust world for EDC seals: a root CA and an intermediate, the root configured as
the trust anchor (``edc_trust_anchors``), and a helper that verifies bytes as uploaded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ats_match.formats.extract import extract_bytes
from ats_match.formats.model import CredentialForm
from ats_match.settings import get_settings
from ats_match.verification import VerificationContext, VerificationReport, verify_credential
from tests.support import edc
from tests.verification.vc.helpers import OfflineFetcher

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@dataclass
class Seals:
    root: edc.Authority
    intermediate: edc.Authority
    folder: Path
    monkeypatch: pytest.MonkeyPatch

    def trust(self, *authorities: edc.Authority, setting: str = "EDC_TRUST_ANCHORS") -> None:
        path = self.folder / f"{setting.lower()}.pem"
        path.write_bytes(b"".join(a.pem for a in authorities))
        self.monkeypatch.setenv(f"ATS_MATCH_{setting}", str(path))
        get_settings.cache_clear()

    def sealed(
        self,
        *,
        signed_at: datetime,
        not_before: datetime,
        not_after: datetime,
        document: dict[str, Any] | None = None,
        authority: edc.Authority | None = None,
        key: Any = None,
        unencoded: bool = True,
        content_token: Callable[[bytes], bytes] | None = None,
    ) -> str:
        key = key or edc.rsa_key()
        authority = authority or self.intermediate
        leaf = edc.seal_certificate(authority, key, not_before=not_before, not_after=not_after)
        chain = [leaf, authority.cert] if authority is not self.root else [leaf]
        return edc.seal(
            document or edc.edc_credential(),
            key,
            chain,
            signed_at=signed_at,
            unencoded=unencoded,
            content_token=content_token,
        )

    def form(self, text: str) -> CredentialForm:
        result = extract_bytes(text.encode(), source="diploma.jades.json")
        assert not result.errors, result.errors
        (found,) = result.credentials
        return found

    def verify(self, text: str, **kw: Any) -> VerificationReport:
        kw.setdefault("proven_dids", (edc.LEARNER,))
        context = VerificationContext(fetcher=OfflineFetcher(), now=NOW, **kw)
        return verify_credential(self.form(text), context)


@pytest.fixture(scope="module")
def _authorities() -> tuple[edc.Authority, edc.Authority]:
    root = edc.make_authority()
    return root, edc.make_authority("Loopback Qualified e-Seal CA", root)


@pytest.fixture
def seals(
    _authorities: tuple[edc.Authority, edc.Authority],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Seals]:
    found = Seals(*_authorities, tmp_path, monkeypatch)
    found.trust(found.root)
    for setting in ("QUALIFIED_ANCHORS", "TSA_ANCHORS", "TRUSTED_LIST", "TRUSTED_LIST_SIGNER"):
        monkeypatch.delenv(f"ATS_MATCH_EDC_{setting}", raising=False)
    yield found
    get_settings.cache_clear()
