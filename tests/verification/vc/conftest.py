"""Fixtures for VC tests: a TLS loopback issuer with did:web keys, fresh caches per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from ats_match.verification.did import clear_caches
from ats_match.verification.status import STATUS_LISTS
from tests.support.issuer_server import IssuerServer
from tests.support.signing import TestKey, did_document, did_web
from tests.verification.vc.helpers import context, loopback_fetcher

LEARNER = "did:example:learner"
EMAIL = "ada@example.org"


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    clear_caches()
    STATUS_LISTS.clear()
    yield
    clear_caches()
    STATUS_LISTS.clear()


@dataclass
class Issuer:
    """A did:web issuer on a TLS loopback server, with one key of each kind."""

    server: IssuerServer
    did: str
    keys: dict[str, TestKey] = field(default_factory=dict)

    def vm(self, kind: str = "Ed25519") -> str:
        return f"{self.did}#{kind.lower()}"

    def publish(self, **extra: Any) -> None:
        doc = did_document(self.did, {k.lower(): v for k, v in self.keys.items()})
        doc.update(extra)
        self.server.serve("/.well-known/did.json", doc)

    def context(self, **kw: Any) -> Any:
        kw.setdefault("proven_dids", (LEARNER,))
        kw.setdefault("applicant_emails", (EMAIL,))
        return context(loopback_fetcher(self.server.ca_path), **kw)


@pytest.fixture(scope="module")
def _keys() -> dict[str, TestKey]:
    return {kind: TestKey.generate(kind) for kind in ("Ed25519", "P-256", "RSA")}


@pytest.fixture(scope="module")
def _server() -> Iterator[IssuerServer]:
    with IssuerServer(tls=True) as server:
        yield server


@pytest.fixture
def issuer(_keys: dict[str, TestKey], _server: IssuerServer) -> Issuer:
    """The module's server, reset: up, no routes but the DID document, no request log."""
    _server.up()
    _server.routes.clear()
    _server.requests.clear()
    found = Issuer(_server, did_web(_server.host), dict(_keys))
    found.publish()
    return found
