"""OpenID for Verifiable Presentations 1.0: the test wallet scans the link, fetches and checks
the signed request object (JAR, did:web client), answers the DCQL query with a VP bound to the
nonce and client_id, and posts it back (direct_post)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.wallet import Wallet
from tests.wallets.conftest import new_request, path_of
from tests.web.seed import Seeded


def _scan(
    client: TestClient, seeded: Seeded, wallet: Wallet
) -> tuple[dict[str, Any], dict[str, Any]]:
    req = new_request(client, seeded)
    return req, wallet.read_oid4vp_request(client, req["openid4vp_url"])


def _post(client: TestClient, request: dict[str, Any], form: dict[str, str]) -> Any:
    return client.post(path_of(request["response_uri"]), data=form)


def test_request_object_is_signed_and_asks_for_open_badges(
    client: TestClient, seeded: Seeded, wallet: Wallet
) -> None:
    req, request = _scan(client, seeded, wallet)
    assert request["response_type"] == "vp_token"
    assert request["response_mode"] == "direct_post"
    assert request["nonce"] == req["nonce"]
    formats = {c["format"] for c in request["dcql_query"]["credentials"]}
    assert formats == {"ldp_vc", "jwt_vc_json"}
    types = {t for c in request["dcql_query"]["credentials"] for t in c["meta"]["type_values"][0]}
    assert "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential" in types


@pytest.mark.parametrize("form", ["ldp_vp", "jwt_vp"])
def test_wallet_presents_and_the_holder_is_proven(
    client: TestClient, seeded: Seeded, wallet: Wallet, form: str
) -> None:
    _, request = _scan(client, seeded, wallet)
    vp: Any = (
        wallet.ldp_vp(request["nonce"], request["client_id"])
        if form == "ldp_vp"
        else wallet.jwt_vp(request["nonce"], request["client_id"])
    )
    response = _post(client, request, wallet.answer_oid4vp(request, vp))
    assert response.status_code == 200, response.text
    assert response.json()["holder"] == wallet.did


def test_vp_bound_to_another_verifier_is_refused(
    client: TestClient, seeded: Seeded, wallet: Wallet
) -> None:
    req, request = _scan(client, seeded, wallet)
    vp = wallet.ldp_vp(request["nonce"], req["domain"])  # the upload domain, not the client_id
    response = _post(client, request, wallet.answer_oid4vp(request, vp))
    assert response.status_code == 400
    assert response.json()["error"] == "wrong_domain"


def test_wrong_nonce_and_wrong_state_are_refused(
    client: TestClient, seeded: Seeded, wallet: Wallet
) -> None:
    _, request = _scan(client, seeded, wallet)
    stale = wallet.jwt_vp("an-old-nonce", request["client_id"])
    response = _post(client, request, wallet.answer_oid4vp(request, stale))
    assert response.json()["error"] == "wrong_challenge"
    vp = wallet.jwt_vp(request["nonce"], request["client_id"])
    form = {**wallet.answer_oid4vp(request, vp), "state": "not-this-one"}
    assert _post(client, request, form).status_code == 400


def test_replayed_response_is_refused(client: TestClient, seeded: Seeded, wallet: Wallet) -> None:
    _, request = _scan(client, seeded, wallet)
    form = wallet.answer_oid4vp(request, wallet.jwt_vp(request["nonce"], request["client_id"]))
    assert _post(client, request, form).status_code == 200
    again = _post(client, request, form)
    assert again.status_code == 409 and again.json()["error"] == "replay"
    # the used request is not served to wallets any more either
    assert (
        client.get(
            path_of(request["response_uri"]).replace("/response", "/request.jwt")
        ).status_code
        == 409
    )


def test_wallet_declining_is_reported(client: TestClient, seeded: Seeded, wallet: Wallet) -> None:
    _, request = _scan(client, seeded, wallet)
    form = {
        "error": "access_denied",
        "error_description": "user cancelled",
        "state": request["state"],
    }
    response = _post(client, request, form)
    assert response.status_code == 400
    assert "declined" in response.json()["detail"]
