"""End to end through the API and the pipeline: an ATS delivers an application whose badges are
issued to the candidate's DID (``holder: unproven``); the recruiter sends a presentation link;
the candidate's wallet answers over OpenID4VP; the jobs the answer staged run, and the badge
issued to that DID becomes ``holder: proven`` while one issued to another DID stays unproven."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import TaskOutbox
from tests.support.signing import TestKey, ob3_credential, sign_vc_jwt
from tests.support.wallet import Wallet
from tests.worker.conftest import Product
from worker import tasks
from worker.celery_app import celery_app


def _badge(issuer: TestKey, subject: str, name: str) -> str:
    vc = ob3_credential(
        issuer.did_key(), subject_id=subject, name=name, cred_id=f"urn:uuid:{uuid.uuid4()}"
    )
    return sign_vc_jwt(vc, issuer, kid=issuer.did_key_vm())


def _holders(product: Product, application_id: uuid.UUID) -> dict[str, str]:
    detail = product.client.get(
        f"/api/v1/applications/{application_id}",
        headers={"Authorization": f"Bearer {product.key}"},
    ).json()
    return {c["title"]: c["verification"]["holder"]["status"] for c in detail["credentials"]}


def _run_staged_jobs(url: str) -> list[str]:
    """Run the jobs the presentation staged, as the worker would."""
    engine = db.make_engine(url)
    with Session(engine) as session:
        jobs = session.exec(
            select(TaskOutbox)
            .where(col(TaskOutbox.completed_at).is_(None))
            .where(
                col(TaskOutbox.task_name).in_(
                    ["ats_match.process_credential", "ats_match.settle_application"]
                )
            )
            .order_by(col(TaskOutbox.created_at))
        ).all()
        staged = [(j.task_name, list(j.args)) for j in jobs]
    engine.dispose()
    for name, args in staged:
        celery_app.tasks[name](*args)
    return [name for name, _ in staged]


def test_wallet_presentation_makes_the_holder_proven(product: Product) -> None:
    issuer, wallet, stranger = TestKey.generate(), Wallet(), Wallet()
    mine = _badge(issuer, wallet.did, "SQL Fundamentals")
    theirs = _badge(issuer, stranger.did, "Statistics with R")
    delivery = product.deliver("app-wallet", [mine, theirs])
    tasks.process_delivery(str(product.organization_id), str(delivery))
    application_id = product.application_id("app-wallet")
    assert _holders(product, application_id) == {
        "SQL Fundamentals": "unproven",
        "Statistics with R": "unproven",
    }

    created = product.client.post(
        f"/api/v1/applications/{application_id}/presentation-requests",
        headers={"Authorization": f"Bearer {product.key}"},
    )
    assert created.status_code == 201, created.text
    request = wallet.read_oid4vp_request(product.client, created.json()["openid4vp_url"])
    wallet.credentials = [mine, _badge(issuer, wallet.did, "Python for Data Analysis")]
    vp = wallet.jwt_vp(request["nonce"], request["client_id"])
    answer = product.client.post(
        request["response_uri"].split("127.0.0.1:8000", 1)[1],
        data=wallet.answer_oid4vp(request, vp),
    )
    assert answer.status_code == 200, answer.text

    ran = _run_staged_jobs(product.url)
    assert "ats_match.process_credential" in ran and "ats_match.settle_application" in ran
    holders: dict[str, Any] = _holders(product, application_id)
    assert holders == {
        "SQL Fundamentals": "proven",
        "Python for Data Analysis": "proven",
        "Statistics with R": "unproven",
    }

    detail = product.client.get(
        f"/api/v1/applications/{application_id}",
        headers={"Authorization": f"Bearer {product.key}"},
    ).json()
    assert detail["candidate"]["proven_dids"] == [wallet.did]
    presented = {c["title"]: c["presented"] for c in detail["credentials"]}
    assert presented["Python for Data Analysis"] == "oid4vp"
    assert presented["Statistics with R"] is None  # came from the ATS
    _sign_in_as_the_products_user(product)
    page = product.client.get(f"/applications/{application_id}")
    assert "presented from a wallet (OpenID4VP)" in page.text
    assert wallet.did in page.text


def _sign_in_as_the_products_user(product: Product) -> None:
    """Give the product's API-key user a password and sign in through the dashboard form."""
    from sqlmodel import Session, select

    from ats_match import db
    from ats_match.models import User
    from ats_match.services.signin import hash_password
    from tests.web.browse import sign_in

    engine = db.make_engine(product.url)
    with Session(engine) as session:
        user = session.exec(
            select(User).where(User.organization_id == product.organization_id)
        ).first()
        assert user is not None
        user.password_hash = hash_password("correct horse battery staple")
        email = user.email
        session.add(user)
        session.commit()
    engine.dispose()
    sign_in(product.client, email)
