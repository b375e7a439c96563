"""Fixtures for the web tests: one seeded organisation per test."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from ats_match import db
from tests.web.seed import Seeded, seed_org


@pytest.fixture
def seeded(database_url: str) -> Seeded:
    """An organisation with users, a job, a requirement set and two scored applicants
    (committed, since the app under test opens its own sessions)."""
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        data = seed_org(session)
        session.commit()
    engine.dispose()
    return data


@pytest.fixture(autouse=True)
def _fresh_login_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with no failed sign-ins counted (the limiter is per process)."""
    from ats_match.services import signin

    monkeypatch.setattr(signin, "LOGIN_LIMITER", signin.LoginLimiter())
