"""Dashboard pages over HTTP: sign-in, ranking, detail, and tenant isolation."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.browse import form_token, sign_in
from tests.web.seed import Seeded


def test_pages_redirect_to_sign_in(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_a_wrong_password_is_refused_with_a_message(client: TestClient, seeded: Seeded) -> None:
    token = form_token(client, "/login")
    response = client.post(
        "/login", data={"email": seeded.email, "password": "nope" * 4, "csrf_token": token}
    )
    assert response.status_code == 401
    assert "do not match" in response.text


def test_job_page_ranks_candidates_best_first(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, seeded.email)
    jobs = client.get("/")
    assert "Data Analyst" in jobs.text and "Secret Role" not in jobs.text
    page = client.get(f"/jobs/{seeded.job_id}").text
    assert page.index("Grace Hopper") < page.index("Alan Turing")
    assert "shortlist" in page
    only = client.get(f"/jobs/{seeded.job_id}?qualified=1").text
    assert "Grace Hopper" in only and "Alan Turing" not in only


def test_application_page_explains_checks_skills_and_points(
    client: TestClient, seeded: Seeded
) -> None:
    sign_in(client, seeded.email)
    page = client.get(f"/applications/{seeded.best_application_id}").text
    assert "The EdDSA signature is valid." in page
    assert "Python (computer programming) (93%)" in page
    assert "Python is proven by a verified credential." in page


def test_another_organisations_job_is_not_found(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, seeded.email)
    response = client.get(f"/jobs/{seeded.other_org_job_id}", headers={"accept": "text/html"})
    assert response.status_code == 404


def test_each_credential_says_what_it_is_and_how_it_came() -> None:
    from web.plain import form_words

    assert form_words("ob3-png", "badge.png") == (
        "Open Badges 3.0, baked into a PNG image, file badge.png"
    )
    assert form_words("blockcerts3-json", None).startswith("Blockcerts v3")
    assert form_words("edc-jades", "diploma.json").startswith("European Digital Credential, sealed")
    assert form_words("ob3-jwt", "wallet:oid4vp").endswith("wallet (OpenID4VP)")
    assert form_words("link", "https://x.example/b") == "a link, from a link the candidate gave"
