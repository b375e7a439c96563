"""A Blockcerts world on loopback: one TLS server plays the issuer (profile, revocation list)
and an Esplora chain service (``/chain/tx/{txid}``); caches are fresh for every test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from ats_match.formats.extract import extract_bytes
from ats_match.formats.model import CredentialForm
from ats_match.settings import get_settings
from ats_match.verification import VerificationContext, VerificationReport, verify_credential
from ats_match.verification.chain import TRANSACTIONS
from ats_match.verification.did import clear_caches
from ats_match.verification.status import STATUS_LISTS
from tests.support import blockcerts as bc
from tests.support.issuer_server import IssuerServer
from tests.verification.vc.helpers import loopback_fetcher

LEARNER = "did:example:ada"
EMAIL = "ada@example.org"


@pytest.fixture(scope="module")
def _server() -> Iterator[IssuerServer]:
    with IssuerServer(tls=True) as server:
        yield server


@dataclass
class World:
    server: IssuerServer
    monkeypatch: pytest.MonkeyPatch

    @property
    def issuer(self) -> str:
        return self.server.url("/issuer.json")

    def configure_chain(self, services: dict[str, str] | None = None) -> None:
        if services is None:
            services = {"btc:testnet": self.server.url("/chain")}
        self.monkeypatch.setenv("ATS_MATCH_BLOCKCERTS_CHAIN_SERVICES", json.dumps(services))
        get_settings.cache_clear()

    def publish_profile(self, **kw: Any) -> None:
        self.server.serve("/issuer.json", bc.issuer_profile(self.issuer, **kw))

    def publish_transaction(self, batch: bc.Batch, **kw: Any) -> None:
        root = kw.pop("root", batch.root)
        tx = bc.esplora_transaction(batch.txid, root, **kw)
        self.server.serve(f"/chain/tx/{batch.txid}", tx)

    def v3_batch(self, count: int = 3) -> bc.Batch:
        docs = [
            bc.v3_certificate(self.issuer, f"Course {i}", subject=LEARNER, email=EMAIL)
            for i in range(count)
        ]
        return bc.anchor_v3(docs, self.issuer)

    def form(self, document: dict[str, Any]) -> CredentialForm:
        """The certificate as a candidate uploads it: JSON bytes through extraction."""
        result = extract_bytes(json.dumps(document).encode(), source="cert.json")
        assert not result.errors, result.errors
        (found,) = result.credentials
        return found

    def verify(self, document: dict[str, Any], **kw: Any) -> VerificationReport:
        kw.setdefault("proven_dids", (LEARNER,))
        kw.setdefault("applicant_emails", (EMAIL,))
        fetcher = loopback_fetcher(self.server.ca_path)
        return verify_credential(self.form(document), VerificationContext(fetcher=fetcher, **kw))


@pytest.fixture
def world(_server: IssuerServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    _server.up()
    _server.routes.clear()
    _server.requests.clear()
    clear_caches()
    TRANSACTIONS.clear()
    STATUS_LISTS.clear()
    found = World(_server, monkeypatch)
    found.configure_chain()
    found.publish_profile()
    yield found
    clear_caches()
    TRANSACTIONS.clear()
    STATUS_LISTS.clear()
    monkeypatch.delenv("ATS_MATCH_BLOCKCERTS_CHAIN_SERVICES", raising=False)
    get_settings.cache_clear()
