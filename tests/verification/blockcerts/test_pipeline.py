"""Blockcerts through the product's pipeline: stored from an attachment, verified by the worker
stage, ``indeterminate`` and scheduled again while the chain service is down, verified on the
retry once it is back. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import Session

from ats_match.models.base import utcnow
from ats_match.net.http import HttpFetcher
from tests.support.pipeline import application_of, attach
from tests.verification.blockcerts.conftest import EMAIL, World
from worker import pipeline


def test_chain_down_then_verified_on_retry(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetcher = HttpFetcher(ca_path=world.server.ca_path)
    monkeypatch.setattr(pipeline, "shared_fetcher", lambda: fetcher)
    batch = world.v3_batch(3)
    world.publish_transaction(batch)
    raw = json.dumps(batch.certificates[1]).encode()
    application = application_of(session, EMAIL)
    credential = attach(session, application, raw, "diploma.json")
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
