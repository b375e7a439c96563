"""Session fixation and the login rate limit, through the sign-in form as a browser uses it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.web.browse import form_token, sign_in
from tests.web.seed import Seeded

pytestmark = pytest.mark.attack("session")

COOKIE = "atsm_session"


def _attempt(client: TestClient, email: str, password: str) -> int:
    token = form_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return response.status_code


def _from(client: TestClient, address: str) -> TestClient:
    """Another browser of the same app, at ``address``."""
    return TestClient(client.app, client=(address, 40000))


def _signed_in_token(client: TestClient, email: str) -> str:
    """Sign in through the form; the session token the answer sets."""
    token = form_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": email, "password": "correct horse battery staple", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.cookies.get(COOKIE))


def planted_made_up_cookie(client: TestClient, seeded: Seeded) -> None:
    client.cookies.set(COOKIE, "attacker-chosen-value")
    assert _signed_in_token(client, seeded.email) not in ("attacker-chosen-value", "None")


def planted_attackers_own_session(client: TestClient, seeded: Seeded) -> None:
    """The attacker signs in, plants their own session in the victim's browser, and waits."""
    with _from(client, "203.0.113.7") as attacker:
        sign_in(attacker, seeded.viewer_email)
        planted = str(attacker.cookies.get(COOKIE))
        client.cookies.set(COOKIE, planted)
        assert _signed_in_token(client, seeded.email) not in (planted, "None")
        seen_by_attacker = attacker.get("/").text
        assert "Rita Recruiter" not in seen_by_attacker and "(viewer)" in seen_by_attacker


def signed_out_session_is_dead(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, seeded.email)
    old = client.cookies.get(COOKIE) or ""
    client.post("/logout", data={"csrf_token": form_token(client)})
    client.cookies.set(COOKIE, old)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def five_failures_lock_the_email(client: TestClient, seeded: Seeded) -> None:
    for n in range(5):
        with _from(client, f"198.51.100.{n + 1}") as browser:
            assert _attempt(browser, seeded.email, "wrong-password!") == 401
    with _from(client, "198.51.100.99") as browser:
        assert _attempt(browser, seeded.email, seeded.password) == 429


def email_spelling_does_not_reset_the_count(client: TestClient, seeded: Seeded) -> None:
    """Spaces and case name the same account (sign-in trims and lower-cases the e-mail), so
    they must count against the same limit, whichever address the attempts come from."""
    variants = [
        seeded.email,
        seeded.email.upper(),
        f" {seeded.email}",
        f"{seeded.email} ",
        "\t" + seeded.email,
    ]
    for n, email in enumerate(variants):
        with _from(client, f"192.0.2.{n + 1}") as browser:
            assert _attempt(browser, email, "wrong-password!") == 401
    with _from(client, "192.0.2.99") as browser:
        assert _attempt(browser, seeded.email, seeded.password) == 429


def one_address_spraying_many_emails(client: TestClient, seeded: Seeded) -> None:
    for n in range(5):
        assert _attempt(client, f"user{n}@example.org", "Winter2026!") == 401
    assert _attempt(client, seeded.email, seeded.password) == 429


def locked_answer_says_when_to_retry(client: TestClient, seeded: Seeded) -> None:
    for _ in range(5):
        _attempt(client, seeded.email, "wrong-password!")
    token = form_token(client, "/login")
    locked = client.post(
        "/login", data={"email": seeded.email, "password": "x", "csrf_token": token}
    )
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0


CASES: dict[str, Callable[[TestClient, Seeded], None]] = {
    "fixation-made-up-cookie": planted_made_up_cookie,
    "fixation-attackers-own-session": planted_attackers_own_session,
    "signed-out-session-is-dead": signed_out_session_is_dead,
    "rate-limit-per-email": five_failures_lock_the_email,
    "rate-limit-email-spellings": email_spelling_does_not_reset_the_count,
    "rate-limit-per-address": one_address_spraying_many_emails,
    "rate-limit-retry-after": locked_answer_says_when_to_retry,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_session_attack_is_refused(case: str, client: TestClient, seeded: Seeded) -> None:
    CASES[case](client, seeded)
