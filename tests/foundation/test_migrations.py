"""The migrations build the schema the models describe, on both backends."""

from __future__ import annotations

from alembic import command

from ats_match import db


def test_alembic_check_reports_no_drift(database_url: str) -> None:
    command.check(db.alembic_config(database_url))  # raises on drift


def test_downgrade_and_upgrade_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    db.upgrade(url)
    command.downgrade(db.alembic_config(url), "base")
    db.upgrade(url)
    command.check(db.alembic_config(url))


def test_migration_0004_converts_stored_results(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Results stored before the four answers get them from their stored checks: an authentic
    credential naming no recipient was ``failed`` and becomes genuine, unaddressed and
    ``indeterminate``; an expired one is genuine and expired; a forgery stays forged."""
    import sqlalchemy as sa
    from sqlmodel import Session

    from ats_match.models import Application, Candidate, Credential, Job, VerificationResult
    from tests.factories import make_org

    url = f"sqlite:///{tmp_path / 'convert.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    legacy = {
        "unaddressed": [
            {"name": "proof", "status": "pass", "detail": "eddsa-rdfc-2022 proof verified."},
            {"name": "validity", "status": "pass", "detail": "Within its validity window."},
            {
                "name": "recipient",
                "status": "fail",
                "detail": "The credential does not name a recipient.",
            },
        ],
        "expired": [
            {"name": "signature", "status": "pass", "detail": "Signed by the issuer's key."},
            {"name": "validity", "status": "fail", "detail": "Expired on 2025-10-03."},
            {"name": "recipient", "status": "pass", "detail": "Issued to the applicant."},
        ],
        "forged": [
            {"name": "proof", "status": "fail", "detail": "The signature does not match."},
            {"name": "validity", "status": "pass", "detail": "Within its validity window."},
            {"name": "recipient", "status": "pass", "detail": "Issued to the applicant."},
        ],
    }
    ids = {}
    with Session(engine) as session:
        org = make_org(session)
        candidate = Candidate(organization_id=org.id, name="Ada", emails=["ada@example.org"])
        job = Job(organization_id=org.id, title="Nurse")
        session.add_all([candidate, job])
        session.flush()
        application = Application(organization_id=org.id, candidate_id=candidate.id, job_id=job.id)
        session.add(application)
        session.flush()
        for name, checks in legacy.items():
            credential = Credential(
                organization_id=org.id, application_id=application.id, digest=name, raw=b"{}"
            )
            session.add(credential)
            session.flush()
            row = VerificationResult(
                organization_id=org.id,
                credential_id=credential.id,
                status="failed",
                checks=checks,
            )
            session.add(row)
            session.flush()
            ids[name] = row.id
        session.commit()
    engine.dispose()
    command.downgrade(db.alembic_config(url), "0003")
    db.upgrade(url)
    engine = db.make_engine(url)
    with engine.connect() as connection:
        rows = {
            row.id: row
            for row in connection.execute(
                sa.text(
                    "SELECT id, status, authenticity, validity, holder, answers "
                    "FROM verification_result"
                )
            )
        }
    engine.dispose()

    def found(name: str) -> tuple[str, str, str, str]:
        row = rows[ids[name].hex] if ids[name].hex in rows else rows[str(ids[name])]
        return row.status, row.authenticity, row.validity, row.holder

    assert found("unaddressed") == ("indeterminate", "genuine", "current", "unaddressed")
    assert found("expired") == ("failed", "genuine", "expired", "bound")
    assert found("forged") == ("failed", "forged", "current", "bound")


def test_migration_0020_gives_every_connection_its_domains(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Connections stored before ``sso_domain`` are found by their domains after it."""
    import sqlalchemy as sa
    from sqlmodel import Session

    from ats_match.models import SsoConnection
    from tests.factories import make_org

    url = f"sqlite:///{tmp_path / 'domains.db'}"
    db.upgrade(url)
    command.downgrade(db.alembic_config(url), "0019")
    engine = db.make_engine(url)
    with Session(engine) as session:
        for name, domains in (("A", ["a.example", "mail.a.example"]), ("B", ["b.example"])):
            org = make_org(session, name)
            session.add(
                SsoConnection(
                    organization_id=org.id,
                    issuer="https://idp.example",
                    client_id=name,
                    email_domains=domains,
                )
            )
        session.commit()
    engine.dispose()
    db.upgrade(url)
    engine = db.make_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            sa.text(
                "SELECT d.domain, c.client_id FROM sso_domain d "
                "JOIN sso_connection c ON c.id = d.connection_id ORDER BY d.domain"
            )
        ).all()
    engine.dispose()
    assert [tuple(row) for row in found] == [
        ("a.example", "A"),
        ("b.example", "B"),
        ("mail.a.example", "A"),
    ]
