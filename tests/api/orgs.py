"""Organisations for the API contract tests, committed (the app opens its own sessions)."""

from __future__ import annotations

from sqlmodel import Session

from ats_match import db
from ats_match.models import Role
from tests.factories import make_org, make_user


def admin_key_of_new_org(database_url: str, name: str = "Acme") -> str:
    """A new organisation with one admin; that admin's API key."""
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        org = make_org(session, name)
        _, key = make_user(session, org, Role.ADMIN)
        session.commit()
    engine.dispose()
    return key
