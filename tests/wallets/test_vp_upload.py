"""W3C Verifiable Presentation upload (and the VC-API exchange the Learner Credential Wallet
runs): the recruiter creates a request through the API, the test wallet answers it; success
records the proven DID and stores the credentials, each refusal says why."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Credential, PresentationRequest, ProvenDid, TaskOutbox
from ats_match.models.base import utcnow
from tests.support.signing import TestKey
from tests.support.wallet import Issuer, Wallet
from tests.wallets.conftest import new_request, path_of
from tests.web.seed import Seeded


def _rows(url: str, seeded: Seeded, model: Any, *where: Any) -> list[Any]:
    """Rows of ``model`` in the seeded organisation (the SQLite database is shared)."""
    engine = db.make_engine(url)
    with Session(engine) as session:
        scoped = select(model).where(col(model.organization_id) == seeded.org_id, *where)
        found = list(session.exec(scoped).all())
    engine.dispose()
    return found


def test_request_has_link_qr_challenge_and_domain(client: TestClient, seeded: Seeded) -> None:
    req = new_request(client, seeded)
    assert req["challenge"] == req["nonce"] and len(req["nonce"]) >= 32
    assert req["domain"] == "127.0.0.1:8000"
    assert req["openid4vp_url"].startswith("openid4vp://?client_id=decentralized_identifier")
    page = client.get(path_of(req["url"]), headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "<svg" in page.text and "Scan with your wallet" in page.text
    assert req["challenge"] in page.text


def test_other_organisation_cannot_create_a_request(client: TestClient, seeded: Seeded) -> None:
    response = client.post(
        f"/api/v1/applications/{seeded.other_org_job_id}/presentation-requests",
        headers={"Authorization": f"Bearer {seeded.key}"},
    )
    assert response.status_code == 404
    viewer = client.post(
        f"/api/v1/applications/{seeded.best_application_id}/presentation-requests",
        headers={"Authorization": f"Bearer {seeded.viewer_key}"},
    )
    assert viewer.status_code == 403


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "Ed25519Signature2020"])
def test_signed_presentation_proves_the_holder(
    client: TestClient,
    seeded: Seeded,
    wallet: Wallet,
    issuer: Issuer,
    database_url: str,
    suite: str,
) -> None:
    req = new_request(client, seeded)
    if suite == "Ed25519Signature2020":  # VCDM 1.1 presentation: VCDM 1.1 credentials inside
        wallet.credentials[0] = issuer.ldp_badge(wallet.did, v1=True)
    vp = wallet.ldp_vp(req["challenge"], req["domain"], suite=suite)
    response = client.post(path_of(req["url"]) + "/vp", json=vp)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["holder"] == wallet.did and body["credentials"] == 2 and body["bound"] == 2
    [proven] = _rows(database_url, seeded, ProvenDid, col(ProvenDid.did) == wallet.did)
    assert str(proven.request_id) == req["request_id"]
    stored = _rows(database_url, seeded, Credential, col(Credential.source).startswith("wallet:"))
    assert len(stored) == 2
    jobs = [j.task_name for j in _rows(database_url, seeded, TaskOutbox)]
    assert "ats_match.settle_application" in jobs


def test_vp_jwt_proves_the_holder(client: TestClient, seeded: Seeded, wallet: Wallet) -> None:
    req = new_request(client, seeded)
    token = wallet.jwt_vp(req["nonce"], req["domain"])
    response = client.post(
        path_of(req["url"]) + "/vp", content=token, headers={"content-type": "application/jwt"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["holder"] == wallet.did


def test_vc_api_exchange_as_the_learner_credential_wallet(
    client: TestClient, seeded: Seeded, wallet: Wallet, issuer: Issuer
) -> None:
    req = new_request(client, seeded)
    exchange = path_of(req["url"]) + "/exchange"
    vpr = client.post(exchange, json={}).json()["verifiablePresentationRequest"]
    assert vpr["query"][0]["type"] == "DIDAuthentication"
    wallet.credentials = [issuer.ldp_badge(wallet.did, v1=True)]
    vp = wallet.ldp_vp(vpr["challenge"], vpr["domain"], suite="Ed25519Signature2020")
    answer = client.post(exchange, json={"verifiablePresentation": vp})
    assert answer.status_code == 200, answer.text
    assert answer.json()["holder"] == wallet.did


def test_unsigned_presentation_binds_nothing(
    client: TestClient, seeded: Seeded, wallet: Wallet, database_url: str
) -> None:
    req = new_request(client, seeded)
    response = client.post(path_of(req["url"]) + "/vp", json=wallet.ldp_vp(None, None))
    assert response.status_code == 200, response.text
    assert response.json()["holder"] is None
    assert "not linked to you" in response.json()["message"]
    assert _rows(database_url, seeded, ProvenDid) == []
    assert (
        len(_rows(database_url, seeded, Credential, col(Credential.source).startswith("wallet:")))
        == 2
    )


def test_replay_is_refused(client: TestClient, seeded: Seeded, wallet: Wallet) -> None:
    req = new_request(client, seeded)
    vp = wallet.ldp_vp(req["challenge"], req["domain"])
    assert client.post(path_of(req["url"]) + "/vp", json=vp).status_code == 200
    again = client.post(path_of(req["url"]) + "/vp", json=vp)
    assert again.status_code == 409
    assert again.json()["error"] == "replay"
    assert "already been answered" in again.json()["detail"]


def test_presentation_for_another_request_is_refused(
    client: TestClient, seeded: Seeded, wallet: Wallet
) -> None:
    first, second = new_request(client, seeded), new_request(client, seeded)
    vp = wallet.ldp_vp(first["challenge"], first["domain"])
    response = client.post(path_of(second["url"]) + "/vp", json=vp)
    assert response.status_code == 400
    assert response.json()["error"] == "wrong_challenge"


@pytest.mark.parametrize("form", ["ldp", "jwt"])
def test_wrong_domain_is_refused(
    client: TestClient, seeded: Seeded, wallet: Wallet, form: str
) -> None:
    req = new_request(client, seeded)
    vp = (
        wallet.ldp_vp(req["challenge"], "evil.example")
        if form == "ldp"
        else wallet.jwt_vp(req["nonce"], "evil.example")
    )
    response = client.post(
        path_of(req["url"]) + "/vp",
        **({"json": vp} if form == "ldp" else {"content": vp}),  # type: ignore[arg-type]
    )
    assert response.status_code == 400
    assert response.json()["error"] == "wrong_domain"
    assert "another" in response.json()["detail"]


def test_expired_request_is_refused(
    client: TestClient, seeded: Seeded, wallet: Wallet, database_url: str
) -> None:
    req = new_request(client, seeded)
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        row = session.get(PresentationRequest, __import__("uuid").UUID(req["request_id"]))
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
        session.commit()
    engine.dispose()
    vp = wallet.ldp_vp(req["challenge"], req["domain"])
    response = client.post(path_of(req["url"]) + "/vp", json=vp)
    assert response.status_code == 410
    assert "expired" in response.json()["detail"]


def test_holder_who_is_not_the_subject_is_refused(
    client: TestClient, seeded: Seeded, issuer: Issuer, database_url: str
) -> None:
    """Someone else's badge (issued to another DID) in a presentation signed by my key."""
    victim, thief = Wallet(), Wallet()
    thief.credentials = [issuer.ldp_badge(victim.did)]
    req = new_request(client, seeded)
    response = client.post(
        path_of(req["url"]) + "/vp", json=thief.ldp_vp(req["challenge"], req["domain"])
    )
    assert response.status_code == 403
    assert response.json()["error"] == "holder_not_subject"
    assert victim.did in response.json()["detail"]
    assert _rows(database_url, seeded, ProvenDid) == []
    # the refusal did not use the request up: the right wallet can still answer it
    victim.credentials = thief.credentials
    ok = client.post(
        path_of(req["url"]) + "/vp", json=victim.ldp_vp(req["challenge"], req["domain"])
    )
    assert ok.status_code == 200, ok.text


def test_presentation_signed_by_another_key_than_its_holder_is_refused(
    client: TestClient, seeded: Seeded, wallet: Wallet
) -> None:
    req = new_request(client, seeded)
    vp = wallet.ldp_vp(req["challenge"], req["domain"], signer=TestKey.generate())
    response = client.post(path_of(req["url"]) + "/vp", json=vp)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_holder_proof"


def test_tampered_presentation_is_refused(
    client: TestClient, seeded: Seeded, wallet: Wallet, issuer: Issuer
) -> None:
    req = new_request(client, seeded)
    vp = wallet.ldp_vp(req["challenge"], req["domain"])
    vp["verifiableCredential"] = [*vp["verifiableCredential"], issuer.ldp_badge(wallet.did, "X")]
    response = client.post(path_of(req["url"]) + "/vp", json=vp)
    assert response.status_code == 400
    assert "does not verify" in response.json()["detail"]


def test_assertion_proof_is_not_an_authentication(
    client: TestClient, seeded: Seeded, wallet: Wallet
) -> None:
    req = new_request(client, seeded)
    vp = wallet.ldp_vp(req["challenge"], req["domain"], purpose="assertionMethod")
    response = client.post(path_of(req["url"]) + "/vp", json=vp)
    assert response.status_code == 400
    assert "authentication" in response.json()["detail"]


def test_expired_vp_jwt_is_refused(client: TestClient, seeded: Seeded, wallet: Wallet) -> None:
    req = new_request(client, seeded)
    token = wallet.jwt_vp(req["nonce"], req["domain"], exp=int(utcnow().timestamp()) - 3600)
    response = client.post(path_of(req["url"]) + "/vp", content=token)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_holder_proof"


def test_interaction_url_offers_both_protocols(client: TestClient, seeded: Seeded) -> None:
    """A VCALM interaction URL (``?iuv=1``), as the Learner Credential Wallet reads it."""
    req = new_request(client, seeded)
    protocols = client.get(path_of(req["url"]), params={"iuv": "1"}).json()["protocols"]
    assert protocols["vcapi"] == req["url"] + "/exchange"
    assert protocols["OID4VP"] == req["openid4vp_url"]


def test_plain_file_upload_is_stored_unbound(
    client: TestClient, seeded: Seeded, wallet: Wallet, database_url: str
) -> None:
    req = new_request(client, seeded)
    badge = json.dumps(wallet.credentials[0]).encode()
    token = wallet.credentials[1].encode()
    response = client.post(
        path_of(req["url"]) + "/files",
        files=[("files", ("badge.json", badge, "application/json")), ("files", ("b.jwt", token))],
    )
    assert response.status_code == 200, response.text
    assert response.json()["credentials"] == 2 and response.json()["holder"] is None
    assert "not linked" in response.json()["message"]
    assert _rows(database_url, seeded, ProvenDid) == []
    # the request is still open: the wallet can prove the holder afterwards
    vp = wallet.ldp_vp(req["challenge"], req["domain"])
    assert client.post(path_of(req["url"]) + "/vp", json=vp).status_code == 200


def test_two_concurrent_answers_one_wins(
    client: TestClient, seeded: Seeded, wallet: Wallet, database_url: str
) -> None:
    """The same presentation sent twice at once: the single-use UPDATE lets exactly one in."""
    from concurrent.futures import ThreadPoolExecutor

    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers with a lock timeout; the race is PostgreSQL's")
    req = new_request(client, seeded)
    vp = wallet.ldp_vp(req["challenge"], req["domain"])
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = sorted(
            pool.map(
                lambda _: client.post(path_of(req["url"]) + "/vp", json=vp).status_code, [1, 2]
            )
        )
    assert codes == [200, 409]
    assert len(_rows(database_url, seeded, ProvenDid)) == 1


def test_candidates_other_applications_are_reverified(
    client: TestClient, seeded: Seeded, wallet: Wallet, database_url: str
) -> None:
    """A badge issued to the DID sits in the candidate's application to another job; proving
    the DID on this application re-queues that badge too."""
    from ats_match.formats import extract_bytes
    from ats_match.models import Application, Job
    from worker.pipeline import store_extraction

    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        first = session.get(Application, seeded.best_application_id)
        assert first is not None
        job = Job(organization_id=seeded.org_id, title="BI Developer")
        session.add(job)
        session.flush()
        other = Application(
            organization_id=seeded.org_id, candidate_id=first.candidate_id, job_id=job.id
        )
        session.add(other)
        session.flush()
        token = wallet.credentials[1].encode()
        [badge] = store_extraction(session, other, extract_bytes(token), token, "badge.jwt")
        session.commit()
    engine.dispose()
    req = new_request(client, seeded)
    assert (
        client.post(
            path_of(req["url"]) + "/vp", json=wallet.ldp_vp(req["challenge"], req["domain"])
        ).status_code
        == 200
    )
    jobs = _rows(database_url, seeded, TaskOutbox)
    assert ["ats_match.process_credential", str(seeded.org_id), str(badge.id)] in [
        [j.task_name, *j.args] for j in jobs
    ]
