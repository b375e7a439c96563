"""Every pipeline task is idempotent under concurrency, on the real PostgreSQL: the same task
for one application run in parallel threads leaves exactly one result and fails nowhere, and a
job delivered twice (a duplicate publish, a redelivery) does its work once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from celery.local import Proxy
from sqlmodel import Session, col, func, select

from ats_match import db
from ats_match.models import (
    Application,
    Credential,
    OutboundEvent,
    Score,
    TaskOutbox,
    VerificationResult,
)
from ats_match.models.base import utcnow
from ats_match.services import outbox
from tests.worker.conftest import Product, genuine_tokens
from worker import tasks

pytestmark = [pytest.mark.postgres]
THREADS = 6


def _in_parallel(call: Callable[[], Any], n: int = THREADS) -> list[BaseException]:
    """Run ``call`` in ``n`` threads released at once; the exceptions they raised."""
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []
    # a worker has its task objects loaded before it runs anything; celery's lazy task proxies
    # are not thread-safe on first evaluation, which is not the race under test
    for value in vars(tasks).values():
        if isinstance(value, Proxy):
            value._get_current_object()

    def worker() -> None:
        barrier.wait()
        try:
            call()
        except BaseException as exc:  # collected and asserted on
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def _count(url: str, model: Any, *where: Any) -> int:
    engine = db.make_engine(url)
    with Session(engine) as session:
        found = session.exec(select(func.count()).select_from(model).where(*where)).one()
    engine.dispose()
    return int(found)


def test_parallel_scoring_of_one_application_leaves_one_score(product: Product) -> None:
    delivery = product.deliver("app-1", genuine_tokens(3))
    tasks.process_delivery(str(product.organization_id), str(delivery))
    app_id = product.application_id("app-1")
    assert _count(product.url, Score) == 1
    events_before = _count(product.url, OutboundEvent)

    errors = _in_parallel(
        lambda: tasks.score_application(str(product.organization_id), str(app_id))
    )

    assert errors == []
    assert _count(product.url, Score, col(Score.application_id) == app_id) == 1
    # nothing changed, so no second result event was sent to the ATS
    assert _count(product.url, OutboundEvent) == events_before == 1


def test_parallel_first_scores_collide_on_no_constraint(product: Product) -> None:
    """Credentials settled, no score yet: parallel scorers race to insert the first row."""
    delivery = product.deliver("app-2", genuine_tokens(2))
    tasks.process_delivery(str(product.organization_id), str(delivery))
    app_id = product.application_id("app-2")
    engine = db.make_engine(product.url)
    with Session(engine) as session:
        for score in session.exec(select(Score)).all():
            session.delete(score)
        session.commit()
    engine.dispose()

    errors = _in_parallel(
        lambda: tasks.score_application(str(product.organization_id), str(app_id))
    )

    assert errors == []
    assert _count(product.url, Score, col(Score.application_id) == app_id) == 1


def test_one_delivery_processed_in_parallel_is_ingested_once(product: Product) -> None:
    delivery = product.deliver("app-3", genuine_tokens(3))

    errors = _in_parallel(
        lambda: tasks.process_delivery(str(product.organization_id), str(delivery))
    )

    assert errors == []
    assert _count(product.url, Application) == 1
    assert _count(product.url, Credential) == 3
    assert _count(product.url, VerificationResult) == 3
    assert _count(product.url, Score) == 1


def test_a_job_published_twice_runs_once(product: Product) -> None:
    """The same outbox job delivered to two workers at once (a duplicate publish) and once
    more later (a redelivery): one verification, not three."""
    delivery = product.deliver("app-4", genuine_tokens(1))
    tasks.process_delivery(str(product.organization_id), str(delivery))
    engine = db.make_engine(product.url)
    with Session(engine, expire_on_commit=False) as session:
        credential = session.exec(select(Credential)).one()
        job = outbox.enqueue(
            session,
            product.organization_id,
            "ats_match.process_credential",
            str(product.organization_id),
            str(credential.id),
        )
        session.commit()
        job_id = str(job.id)
    engine.dispose()
    args = [str(product.organization_id), str(credential.id)]

    results: list[Any] = []
    errors = _in_parallel(
        lambda: results.append(tasks.process_credential.apply(args=args, task_id=job_id)), 2
    )
    results.append(tasks.process_credential.apply(args=args, task_id=job_id))

    assert errors == []
    assert all(r.successful() for r in results), [r.traceback for r in results]
    assert _count(product.url, VerificationResult) == 2  # the first run, then this job once
    assert _count(product.url, TaskOutbox, col(TaskOutbox.completed_at).is_not(None)) == 1


def test_a_job_the_broker_lost_is_published_again(product: Product) -> None:
    """Published, never completed, long past the visibility timeout: the periodic relay sends
    it again (once it ran, it is never sent again). Deliveries themselves are the inbox's
    (relayed from their rows); this is the outbox's guarantee for the jobs staged after them."""
    delivery = product.deliver("app-5", genuine_tokens(1))
    tasks.process_delivery(str(product.organization_id), str(delivery))
    app_id = product.application_id("app-5")
    engine = db.make_engine(product.url)
    with Session(engine, expire_on_commit=False) as session:
        job = outbox.enqueue(
            session,
            product.organization_id,
            "ats_match.score_application",
            str(product.organization_id),
            str(app_id),
        )
        job.dispatched_at = utcnow() - timedelta(hours=3)  # published; the message was lost
        session.commit()
    sent: list[str] = []
    lost = outbox.LostJobs(after=timedelta(hours=1), task_names=tasks.STAMPED_TASKS)
    assert outbox.relay(engine, lambda name, args, job_id: sent.append(job_id), lost=lost) == 1
    assert sent == [str(job.id)]
    tasks.score_application.apply(args=job.args, task_id=str(job.id))
    with Session(engine) as session:
        stale = session.get(TaskOutbox, job.id)
        assert stale is not None
        stale.dispatched_at = utcnow() - timedelta(hours=3)
        session.add(stale)
        session.commit()
    assert outbox.relay(engine, lambda *_: sent.append("again"), lost=lost) == 0
    engine.dispose()
    assert _count(product.url, Score) == 1
