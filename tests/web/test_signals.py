"""Honest signals: needs review instead of "not qualified", why a candidate with nothing
attached is out, the previous ranking kept during a re-score, no "0 / 0", plain words."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import REPO_ROOT
from tests.support.vendor_server import VendorServer
from tests.web.ats_link import link_to_greenhouse
from tests.web.browse import post_form, sign_in
from tests.web.more_seed import add_signal_applicants
from tests.web.seed import Seeded


def _row(page: str, name: str) -> str:
    start = page.index(name)
    return page[start : page.index("</tr>", start)]


def test_a_must_have_being_verified_reads_needs_review(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    ids = add_signal_applicants(database_url, seeded.job_id)
    sign_in(client, seeded.email)
    page = client.get(f"/jobs/{seeded.job_id}").text
    ada = _row(page, "Ada Lovelace")
    assert "needs review" in ada and "not qualified" not in ada
    assert "Needs review: must-have requirement can&#39;t be decided yet (SQL)" in ada
    edsger = _row(page, "Edsger Dijkstra")
    assert "knocked out" in edsger and "No credentials attached" in edsger
    detail = client.get(f"/applications/{ids['Ada Lovelace']}").text
    assert "0 / 0" not in detail and "must-have" in detail and "being checked" in detail
    assert "No points at stake" in detail
    nothing = client.get(f"/applications/{ids['Edsger Dijkstra']}").text
    assert "No credentials are attached to this application" in nothing
    only = client.get(f"/jobs/{seeded.job_id}?needs_review=1").text
    assert "Ada Lovelace" in only and "Grace Hopper" not in only


def test_a_rescore_keeps_the_previous_ranking_with_a_notice(
    client: TestClient, seeded: Seeded
) -> None:
    body = (REPO_ROOT / "rules/examples/data_analyst.yaml").read_text()
    saved = client.post(
        f"/api/v1/jobs/{seeded.job_id}/requirement-sets",
        content=body,
        headers={"authorization": f"Bearer {seeded.key}", "content-type": "application/yaml"},
    )
    assert saved.status_code == 201, saved.text
    sign_in(client, seeded.email)
    page = client.get(f"/jobs/{seeded.job_id}").text
    assert "Re-scoring against version 2: 0 of 2 done" in page
    assert '<progress value="0" max="2"' in page
    assert "until it finishes" in page
    assert page.index("Grace Hopper") < page.index("Alan Turing")
    assert "82.5" in _row(page, "Grace Hopper") and "not scored" not in page


def test_the_candidate_page_says_it_in_plain_words(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    with VendorServer() as vendor:
        link_to_greenhouse(database_url, seeded.org_id, vendor)
    sign_in(client, seeded.email)
    page = client.get(f"/applications/{seeded.best_application_id}").text
    for words in (
        "Genuine: the issuer&#39;s signature checks out",
        "In force",
        "Issued to this applicant",
        "badges.example.edu (did:web)",
        "calls itself “Example University”",
        "Trusted (Acme trusted issuers)",
        "issued 2025-06-01",
        "expires 2028-06-01",
        "Signed by the issuer (strongest)",
        "<strong>Signature</strong>: The EdDSA signature is valid.",
        'href="https://app.greenhouse.io/people/60304594?application_id=71980812"',
    ):
        assert words in page, words
    assert "jwt_claims" not in page and "<strong>proof</strong>" not in page


def test_jobs_list_counts_and_search(client: TestClient, seeded: Seeded, database_url: str) -> None:
    add_signal_applicants(database_url, seeded.job_id)
    sign_in(client, seeded.email)
    post_form(client, f"/applications/{seeded.best_application_id}/decide", {"action": "shortlist"})
    page = client.get("/").text
    row = page[page.index("Data Analyst") :]
    assert 'needs_review=1">1</a>' in row and 'qualified=1">1</a>' in row
    assert '<td class="num">4</td>' in row and '<td class="num">3</td>' in row  # 4 in, 3 new
    assert '<td class="num">1</td>' in row  # shortlisted
    assert "Data Analyst" not in client.get("/?q=nurse").text
    assert "Data Analyst" in client.get("/?q=analyst").text
