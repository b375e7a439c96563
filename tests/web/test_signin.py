"""Sign-in a company would accept: argon2id passwords, server-side sessions in secure cookies,
CSRF tokens on every form, a login rate limit; API keys stay for the API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import User
from tests.web.browse import form_token, post_form, sign_in
from tests.web.seed import Seeded


def _attempt(client: TestClient, email: str, password: str) -> int:
    token = form_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    ).status_code


def test_passwords_are_stored_as_argon2id(seeded: Seeded, database_url: str) -> None:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        user = session.exec(select(User).where(col(User.email) == seeded.email)).one()
    engine.dispose()
    assert user.password_hash and user.password_hash.startswith("$argon2id$")
    assert seeded.password not in user.password_hash


def test_session_cookie_is_httponly_lax_and_secure_over_https(
    client: TestClient, seeded: Seeded
) -> None:
    client.base_url = client.base_url.copy_with(scheme="https")
    token = form_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": seeded.email, "password": seeded.password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and "atsm_session" in v
    )
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=lax" in lowered and "secure" in lowered


def test_unknown_email_and_wrong_password_read_the_same(client: TestClient, seeded: Seeded) -> None:
    assert _attempt(client, "nobody@x.example", "whatever-password") == 401
    assert _attempt(client, seeded.email, "wrong-password!") == 401


def test_sign_in_without_its_csrf_token_is_refused(client: TestClient, seeded: Seeded) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"email": seeded.email, "password": seeded.password, "csrf_token": "x"}
    )
    assert response.status_code == 403 and "expired" in response.text


def test_five_failures_lock_the_email_out_for_a_while(client: TestClient, seeded: Seeded) -> None:
    for _ in range(5):
        assert _attempt(client, seeded.email, "wrong-password!") == 401
    token = form_token(client, "/login")
    locked = client.post(
        "/login", data={"email": seeded.email, "password": seeded.password, "csrf_token": token}
    )
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert "Too many sign-in attempts" in locked.text


def test_dashboard_forms_need_the_session_csrf_token(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, seeded.email)
    url = f"/applications/{seeded.best_application_id}/decide"
    for token in ({}, {"csrf_token": "forged"}):
        response = client.post(
            url, data={"action": "shortlist", **token}, headers={"accept": "text/html"}
        )
        assert response.status_code == 403, token
    assert post_form(client, url, {"action": "shortlist"}).status_code == 200


def test_sign_out_ends_the_session(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, seeded.email)
    old = client.cookies.get("atsm_session")
    post_form(client, "/logout", {})
    client.cookies.set("atsm_session", old or "")
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_api_keys_work_for_the_api_not_as_a_dashboard_cookie(
    client: TestClient, seeded: Seeded
) -> None:
    api = client.get("/api/v1/jobs", headers={"authorization": f"Bearer {seeded.key}"})
    assert api.status_code == 200
    client.cookies.set("atsm_session", seeded.key)
    assert client.get("/", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/jobs").status_code == 401


@pytest.mark.parametrize("path", ["/", "/login"])
def test_pages_answer_with_html(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-type"].startswith("text/html")
