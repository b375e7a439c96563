"""Dashboard pages over HTTP: sign-in, ranking, detail, and tenant isolation."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.seed import Seeded


def _sign_in(client: TestClient, key: str) -> None:
    response = client.post("/login", data={"api_key": key}, follow_redirects=False)
    assert response.status_code == 303


def test_pages_redirect_to_sign_in(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_wrong_key_is_refused_with_a_message(client: TestClient) -> None:
    response = client.post("/login", data={"api_key": "atsm_nope"})
    assert response.status_code == 401
    assert "not valid" in response.text


def test_job_page_ranks_candidates_best_first(client: TestClient, seeded: Seeded) -> None:
    _sign_in(client, seeded.key)
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
    _sign_in(client, seeded.key)
    page = client.get(f"/applications/{seeded.best_application_id}").text
    assert "The EdDSA signature is valid." in page
    assert "Python (computer programming) (93%)" in page
    assert "Python is proven by a verified credential." in page


def test_another_organisations_job_is_not_found(client: TestClient, seeded: Seeded) -> None:
    _sign_in(client, seeded.key)
    response = client.get(f"/jobs/{seeded.other_org_job_id}", headers={"accept": "text/html"})
    assert response.status_code == 404
