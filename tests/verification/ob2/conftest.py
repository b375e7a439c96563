"""A loopback OB 2.0 issuer shared by a module, reset before every test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from ats_match.formats.model import CredentialForm
from ats_match.net.http import HttpFetcher
from ats_match.verification import VerificationContext, VerificationReport, verify_credential
from tests.support.issuer_server import IssuerServer
from tests.support.ob2 import EMAIL, Ob2Issuer, fixed_now, rsa_key


@pytest.fixture(scope="session")
def issuer_key() -> rsa.RSAPrivateKey:
    return rsa_key()


@pytest.fixture(scope="session")
def other_key() -> rsa.RSAPrivateKey:
    return rsa_key()


@pytest.fixture(scope="module")
def server() -> Iterator[IssuerServer]:
    with IssuerServer() as s:
        yield s


@pytest.fixture
def issuer(server: IssuerServer, issuer_key: rsa.RSAPrivateKey) -> Ob2Issuer:
    server.up()
    server.routes.clear()
    server.requests.clear()
    found = Ob2Issuer(server, issuer_key)
    found.publish()
    return found


@pytest.fixture
def fetcher() -> HttpFetcher:
    return HttpFetcher(allow_hosts=("127.0.0.1", "localhost"))


@pytest.fixture
def verify(fetcher: HttpFetcher) -> Any:
    """``verify(form, **context)`` with the applicant's e-mail and a fixed clock by default."""

    def run(credential: CredentialForm, **kw: Any) -> VerificationReport:
        kw.setdefault("applicant_emails", (EMAIL,))
        kw.setdefault("now", fixed_now())
        return verify_credential(credential, VerificationContext(fetcher=fetcher, **kw))

    return run
