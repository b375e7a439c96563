"""A holder whose DID is a did:web, its document served by the test on loopback over TLS and
fetched by the server through the safe fetcher: an authentication key proves the holder, an
assertion-only key does not, an unreachable document is "try again later", never proven."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ats_match.net.http import HttpFetcher
from ats_match.verification.did import clear_caches
from tests.support.issuer_server import IssuerServer
from tests.support.signing import did_web
from tests.support.wallet import Issuer, Wallet
from tests.wallets.conftest import new_request, path_of
from tests.web.seed import Seeded
from worker import pipeline


@pytest.fixture
def holder_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[IssuerServer]:
    with IssuerServer(tls=True) as server:
        fetcher = HttpFetcher(ca_path=server.ca_path)
        monkeypatch.setattr(pipeline, "shared_fetcher", lambda: fetcher)
        clear_caches()
        yield server
        clear_caches()
        fetcher.close()


@pytest.fixture
def web_wallet(holder_server: IssuerServer, issuer: Issuer) -> Wallet:
    holder = Wallet(did_web=did_web(holder_server.host))
    holder.credentials = [issuer.ldp_badge(holder.did)]
    return holder


def test_did_web_authentication_key_proves_the_holder(
    client: TestClient, seeded: Seeded, web_wallet: Wallet, holder_server: IssuerServer
) -> None:
    holder_server.serve("/.well-known/did.json", web_wallet.did_document())
    req = new_request(client, seeded)
    vp = web_wallet.ldp_vp(req["challenge"], req["domain"])
    response = client.post(path_of(req["url"]) + "/vp", json=vp)
    assert response.status_code == 200, response.text
    assert response.json()["holder"] == web_wallet.did
    assert "/.well-known/did.json" in holder_server.requests[0]


def test_assertion_only_key_is_not_a_holder_proof(
    client: TestClient, seeded: Seeded, web_wallet: Wallet, holder_server: IssuerServer
) -> None:
    holder_server.serve("/.well-known/did.json", web_wallet.did_document(authentication=False))
    req = new_request(client, seeded)
    token = web_wallet.jwt_vp(req["nonce"], req["domain"])
    response = client.post(path_of(req["url"]) + "/vp", content=token)
    assert response.status_code == 400
    assert "not an authentication key" in response.json()["detail"]


def test_unreachable_did_document_is_try_again_later(
    client: TestClient, seeded: Seeded, web_wallet: Wallet, holder_server: IssuerServer
) -> None:
    holder_server.down()
    req = new_request(client, seeded)
    response = client.post(
        path_of(req["url"]) + "/vp", json=web_wallet.ldp_vp(req["challenge"], req["domain"])
    )
    assert response.status_code == 503
    assert response.json()["error"] == "holder_key_unavailable"
    holder_server.up()
    holder_server.serve("/.well-known/did.json", web_wallet.did_document())
    retry = client.post(
        path_of(req["url"]) + "/vp", json=web_wallet.ldp_vp(req["challenge"], req["domain"])
    )
    assert retry.status_code == 200, retry.text
