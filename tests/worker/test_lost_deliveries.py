"""A delivery whose job the broker lost (relayed, never handled) is relayed again by the
worker's periodic relay, and settled once even if the first job turns up after all."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from ats_match import db
from ats_match.models import Score, WebhookDelivery
from ats_match.services import inbox
from tests.worker.conftest import Product, genuine_tokens
from worker import tasks

pytestmark = [pytest.mark.postgres]


def _dispatched(url: str) -> bool:
    engine = db.make_engine(url)
    with Session(engine) as session:
        found = session.exec(select(WebhookDelivery.dispatched_at)).first()
    engine.dispose()
    return found is not None


def _scores(url: str) -> int:
    engine = db.make_engine(url)
    with Session(engine) as session:
        found = int(session.exec(select(func.count()).select_from(Score)).one())
    engine.dispose()
    return found


def test_a_lost_delivery_job_is_relayed_again_and_settled_once(product: Product) -> None:
    product.deliver("lost-1", genuine_tokens(2))
    deadline = time.monotonic() + 10
    while not _dispatched(product.url) and time.monotonic() < deadline:
        time.sleep(0.05)  # the web process's relay publishes it (to a broker nobody reads)
    assert _dispatched(product.url)
    engine = db.get_engine()
    assert inbox.requeue_lost(engine, timedelta(minutes=30)) == 0  # not long enough ago

    assert inbox.requeue_lost(engine, timedelta(0)) == 1
    published: list[tuple[str, list[Any]]] = []
    inbox.relay_deliveries(engine, lambda name, args, _id: published.append((name, args)))
    assert [name for name, _ in published] == [inbox.PROCESS_TASK]
    tasks.process_deliveries(*published[0][1])
    tasks.process_deliveries(*published[0][1])  # the first job turning up after all

    assert _scores(product.url) == 1
    assert inbox.requeue_lost(engine, timedelta(0)) == 0  # handled: nothing to relay again
    with Session(engine) as session:
        waiting = session.exec(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(col(WebhookDelivery.handled_at).is_(None))
        ).one()
    assert waiting == 0
