"""Blockcerts through the product's pipeline: stored from an attachment, verified by the worker
stage, ``indeterminate`` and scheduled again while the chain service is down, verified on the
retry once it is back. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import Session

from ats_match.formats import extract_bytes
from ats_match.models import Application, Candidate, Job
from ats_match.models.base import utcnow
from ats_match.net.http import HttpFetcher
from tests.factories import make_org
from tests.verification.blockcerts.conftest import EMAIL, World
from worker import pipeline


def _application(session: Session) -> Application:
    org = make_org(session)
    job = Job(organization_id=org.id, title="Engineer")
    candidate = Candidate(organization_id=org.id, name="Ada", emails=[EMAIL])
    session.add_all([job, candidate])
    session.flush()
    application = Application(organization_id=org.id, candidate_id=candidate.id, job_id=job.id)
    session.add(application)
    session.flush()
    return application


def test_chain_down_then_verified_on_retry(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetcher = HttpFetcher(ca_path=world.server.ca_path)
    monkeypatch.setattr(pipeline, "shared_fetcher", lambda: fetcher)
    batch = world.v3_batch(3)
    world.publish_transaction(batch)
    raw = json.dumps(batch.certificates[1]).encode()
    application = _application(session)
    [credential] = pipeline.store_extraction(
        session, application, extract_bytes(raw), raw, "diploma.json"
    )
    assert credential.format == "blockcerts3-json"

    world.server.down()
    pipeline.process_credential(session, application.organization_id, credential.id)
    first = pipeline.latest_verification(session, credential.id)
    assert first is not None and first.status == "indeterminate"
    assert first.retry_at is not None
    anchor = next(c for c in first.checks if c["name"] == "anchor")
    assert anchor["status"] == "indeterminate"

    world.server.up()
    first.retry_at = utcnow() - timedelta(seconds=1)
    session.add(first)
    pipeline.process_credential(session, application.organization_id, credential.id)
    latest = pipeline.latest_verification(session, credential.id)
    assert latest is not None and latest.status == "verified" and latest.attempt == 2
    assert latest.retry_at is None
    fetcher.close()
