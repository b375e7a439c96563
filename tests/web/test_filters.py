"""The job page's filters, search, sort and pages, and the CSV export read back."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Candidate, Credential, VerificationResult
from tests.web.browse import sign_in
from tests.web.more_seed import add_signal_applicants
from tests.web.seed import Seeded


def _names(client: TestClient, seeded: Seeded, query: str = "") -> list[str]:
    page = client.get(f"/jobs/{seeded.job_id}{query}").text
    found = []
    for name in ("Grace Hopper", "Alan Turing", "Ada Lovelace", "Edsger Dijkstra"):
        if f">{name}</a>" in page:
            found.append((page.index(f">{name}</a>"), name))
    return [name for _, name in sorted(found)]


def _untrust_alan(database_url: str, org_id: uuid.UUID) -> None:
    """Alan's credential is checked again and its issuer is no longer vouched for."""
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        target = _credential_of(session, org_id, "Alan Turing")
        session.add(
            VerificationResult(
                organization_id=org_id,
                credential_id=target,
                status="verified",
                authenticity="genuine",
                validity="current",
                holder="bound",
                issuer_trust="unknown",
                verified_at=datetime(2030, 1, 1, tzinfo=UTC),
                attempt=2,
            )
        )
        session.commit()
    engine.dispose()


def _credential_of(session: Session, org_id: uuid.UUID, name: str) -> uuid.UUID:
    from ats_match.models import Application

    row = session.exec(
        select(Credential.id)
        .join(Application, col(Application.id) == col(Credential.application_id))
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .where(col(Candidate.name) == name, col(Credential.organization_id) == org_id)
    ).first()
    assert row is not None
    return row


@pytest.fixture
def four(client: TestClient, seeded: Seeded, database_url: str) -> Seeded:
    add_signal_applicants(database_url, seeded.job_id)
    sign_in(client, seeded.email)
    return seeded


def test_filters_narrow_the_ranking(client: TestClient, four: Seeded, database_url: str) -> None:
    assert _names(client, four) == [
        "Grace Hopper",
        "Alan Turing",
        "Ada Lovelace",
        "Edsger Dijkstra",
    ]
    assert _names(client, four, "?qualified=1") == ["Grace Hopper"]
    assert _names(client, four, "?needs_review=1") == ["Ada Lovelace"]
    assert _names(client, four, "?verified_only=1") == ["Grace Hopper", "Alan Turing"]
    assert _names(client, four, "?skill=python") == ["Grace Hopper", "Alan Turing"]
    assert _names(client, four, "?skill=cobol") == []
    _untrust_alan(database_url, four.org_id)
    assert _names(client, four, "?issuer_trusted=1") == ["Grace Hopper"]
    assert _names(client, four, "?q=ada") == ["Ada Lovelace"]
    assert _names(client, four, "?q=grace%40example") == ["Grace Hopper"]
    assert _names(client, four, "?q=%25") == []  # a wildcard is searched for as text


def test_sort_by_name_and_server_side_pages(
    client: TestClient, four: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _names(client, four, "?sort=name") == [
        "Ada Lovelace", "Alan Turing", "Edsger Dijkstra", "Grace Hopper",
    ]  # fmt: skip
    monkeypatch.setattr("web.ranking_page.PAGE_SIZE", 3)
    first = client.get(f"/jobs/{four.job_id}?sort=name").text
    assert "page 1 of 2" in first and 'href="?sort=name&amp;page=2"' in first
    assert _names(client, four, "?sort=name&page=2") == ["Grace Hopper"]


def test_csv_export_reads_back_with_explanations(client: TestClient, four: Seeded) -> None:
    response = client.get(f"/jobs/{four.job_id}/export.csv?verified_only=1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["candidate"] for r in rows] == ["Grace Hopper", "Alan Turing"]
    assert rows[0]["score"] == "82.5" and rows[0]["status"] == "shortlist"
    assert "Python is proven by a verified credential." in rows[0]["requirements"]
    everyone = list(csv.DictReader(io.StringIO(client.get(f"/jobs/{four.job_id}/export.csv").text)))
    review = next(r for r in everyone if r["candidate"] == "Ada Lovelace")
    assert review["status"] == "needs review" and "(SQL)" in review["summary"]


def test_csv_defuses_formulas_in_names(client: TestClient, four: Seeded, database_url: str) -> None:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        alan = session.exec(
            select(Candidate).where(
                col(Candidate.name) == "Alan Turing", col(Candidate.organization_id) == four.org_id
            )
        ).one()
        alan.name = '=HYPERLINK("https://evil.example","x")'
        session.add(alan)
        session.commit()
    engine.dispose()
    rows = list(csv.DictReader(io.StringIO(client.get(f"/jobs/{four.job_id}/export.csv").text)))
    assert '\'=HYPERLINK("https://evil.example","x")' in [r["candidate"] for r in rows]


def test_csv_needs_a_user(client: TestClient, seeded: Seeded) -> None:
    response = client.get(f"/jobs/{seeded.job_id}/export.csv")
    assert response.status_code == 401
