"""CSRF on every dashboard form: each POST route of the app that is not under ``/api``,
``/webhooks``, ``/partners`` or ``/present`` (those take no cookie: bearer keys, vendor
signatures, a presentation request's own capability URL), posted by a signed-in admin's browser
without a token and with another session's token, must be refused with 403.

The routes are read from the app itself, so a new form joins the catalogue by existing (and
the committed counts in docs/security.md go stale until refreshed)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from ats_match import db
from ats_match.models import Role
from ats_match.settings import get_settings
from tests.web.browse import form_token, sign_in
from tests.web.seed import Seeded, seed_org, user_with_role

pytestmark = pytest.mark.attack("csrf")

MACHINE_PREFIXES = ("/api", "/webhooks", "/partners", "/present", "/static")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    for route in routes:
        if hasattr(route, "original_router"):  # an included router (FastAPI >= 0.116)
            inner = getattr(route.include_context, "prefix", "") or ""
            yield from _walk(route.original_router.routes, prefix + inner)
        elif hasattr(route, "routes") and not hasattr(route, "methods"):
            yield from _walk(route.routes, prefix + getattr(route, "path", ""))
        elif getattr(route, "methods", None):
            yield prefix + route.path, set(route.methods)


def dashboard_forms() -> list[str]:
    from web.app import create_app

    found = {
        path
        for path, methods in _walk(create_app().routes)
        if methods & UNSAFE and not path.startswith(MACHINE_PREFIXES)
    }
    return sorted(found)


TOKENS = {"no-token": None, "other-session-token": "other"}
CASES = {f"{path} {token}": (path, token) for path in dashboard_forms() for token in TOKENS}


def _fill(path: str, seeded: Seeded) -> str:
    values = {"application_id": seeded.best_application_id, "job_id": seeded.job_id}
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m[1], uuid.uuid4())), path)


@dataclass
class Browsers:
    """A signed-in admin's browser (the victim) and another session's CSRF tokens."""

    victim: TestClient
    seeded: Seeded
    other_form_token: str
    other_login_token: str


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def browsers(request: pytest.FixtureRequest) -> Iterator[Browsers]:
    """Signed in once per database (argon2 is slow on purpose), used by every route's case."""
    from web.app import create_app

    url = str(request.getfixturevalue(f"{request.param}_url"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ATS_MATCH_DATABASE_URL", url)
        get_settings.cache_clear()
        engine = db.make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            seeded = seed_org(session)
            session.commit()
        engine.dispose()
        app = create_app()
        with TestClient(app) as victim, TestClient(app) as other:
            sign_in(victim, user_with_role(url, seeded.org_id, Role.ADMIN))
            victim.get("/login")  # the victim's browser holds a sign-in form token too
            sign_in(other, seeded.viewer_email)
            yield Browsers(victim, seeded, form_token(other), form_token(other, "/login"))
    get_settings.cache_clear()


@pytest.mark.parametrize("case", sorted(CASES))
def test_dashboard_form_without_its_own_token_is_refused(case: str, browsers: Browsers) -> None:
    path, token = CASES[case]
    other = browsers.other_login_token if path.startswith("/login") else browsers.other_form_token
    data = {} if token is None else {"csrf_token": other}
    response = browsers.victim.post(
        _fill(path, browsers.seeded),
        data=data,
        headers={"accept": "text/html"},
        follow_redirects=False,
    )
    assert response.status_code == 403, (path, response.status_code, response.text[:300])
    assert browsers.victim.get("/", follow_redirects=False).status_code == 200  # still signed in
