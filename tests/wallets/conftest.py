"""Fixtures for the wallet tests: a seeded organisation, the app, a wallet and an issuer."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from ats_match import db
from tests.support.wallet import Issuer, Wallet
from tests.web.seed import Seeded, seed_org


@pytest.fixture
def seeded(database_url: str) -> Seeded:
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        data = seed_org(session)
        session.commit()
    engine.dispose()
    return data


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
def wallet(issuer: Issuer) -> Wallet:
    holder = Wallet()
    holder.credentials = [issuer.ldp_badge(holder.did), issuer.jwt_badge(holder.did)]
    return holder


def new_request(client: TestClient, seeded: Seeded) -> dict[str, Any]:
    """What the recruiter (or the ATS) gets to send the candidate."""
    response = client.post(
        f"/api/v1/applications/{seeded.best_application_id}/presentation-requests",
        headers={"Authorization": f"Bearer {seeded.key}"},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def path_of(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path
