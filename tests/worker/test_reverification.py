"""An issuer that cannot be reached gives ``indeterminate`` (never verified, never a silent
failure), the credential is scheduled for another try, and the retry verifies it once the
issuer's status list is back. Pipeline stages run directly on the database session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from ats_match.formats import extract_bytes
from ats_match.models import Credential, TaskOutbox
from ats_match.models.base import utcnow
from ats_match.net.http import HttpFetcher
from ats_match.verification.status import STATUS_LISTS
from tests.support.issuer_server import IssuerServer
from tests.support.pipeline import application_of, attach
from tests.support.signing import (
    TestKey,
    bitstring_list_credential,
    ob3_credential,
    sign_vc_jwt,
    status_entry,
)
from worker import pipeline


@pytest.fixture
def fresh_fetcher(monkeypatch: pytest.MonkeyPatch) -> Iterator[HttpFetcher]:
    fetcher = HttpFetcher(allow_hosts=["127.0.0.1"])
    monkeypatch.setattr(pipeline, "shared_fetcher", lambda: fetcher)
    STATUS_LISTS.clear()
    yield fetcher
    STATUS_LISTS.clear()
    fetcher.close()


def test_unreachable_status_list_is_indeterminate_then_verified_on_retry(
    session: Session, fresh_fetcher: HttpFetcher
) -> None:
    key = TestKey.generate("Ed25519")
    with IssuerServer() as issuer:
        status_url = issuer.url("/status/revocation")
        status_list = bitstring_list_credential(status_url, key.did_key(), "revocation", [])
        issuer.serve(
            "/status/revocation",
            sign_vc_jwt(status_list, key, kid=key.did_key_vm(), form="vcdm2"),
            content_type="application/vc+jwt",
        )
        vc = ob3_credential(
            key.did_key(), email="kim@example.org", status=status_entry(status_url, 5)
        )
        token = sign_vc_jwt(vc, key, kid=key.did_key_vm())
        application = application_of(session, "kim@example.org", "Kim", "Analyst")
        credential = attach(session, application, token.encode(), "badge.jwt")

        issuer.down()
        pipeline.process_credential(session, application.organization_id, credential.id)
        first = pipeline.latest_verification(session, credential.id)
        assert first is not None and first.status == "indeterminate"
        assert first.retry_at is not None and first.retry_at > utcnow()
        status_check = next(c for c in first.checks if c["name"] == "status")
        assert status_check["status"] == "indeterminate"

        issuer.up()
        first.retry_at = utcnow() - timedelta(seconds=1)
        session.add(first)
        pipeline.reverify_due(session)
        session.flush()
        queued = session.exec(
            select(TaskOutbox).where(col(TaskOutbox.task_name) == "ats_match.process_credential")
        ).all()
        assert str(credential.id) in {job.args[1] for job in queued}

        pipeline.process_credential(session, application.organization_id, credential.id)
        latest = pipeline.latest_verification(session, credential.id)
        assert latest is not None and latest.status == "verified" and latest.attempt == 2
        assert latest.retry_at is None


def test_the_same_attachment_twice_is_stored_once(session: Session) -> None:
    key = TestKey.generate("Ed25519")
    token = sign_vc_jwt(ob3_credential(key.did_key()), key, kid=key.did_key_vm()).encode()
    application = application_of(session, "kim@example.org", "Kim", "Analyst")
    first = pipeline.store_extraction(session, application, extract_bytes(token), token, "a.jwt")
    again = pipeline.store_extraction(session, application, extract_bytes(token), token, "b.jwt")
    assert len(first) == 1 and again == []
    rows = session.exec(
        select(Credential).where(col(Credential.application_id) == application.id)
    ).all()
    assert len(rows) == 1


def test_garbage_is_stored_with_its_typed_reason(session: Session) -> None:
    application = application_of(session, "kim@example.org", "Kim", "Analyst")
    [row] = pipeline.store_extraction(
        session, application, extract_bytes(b"\x00\x01garbage"), b"\x00\x01garbage", "x.bin"
    )
    assert row.error_code in {"not_a_badge", "unknown_format"}
    assert row.error_detail
