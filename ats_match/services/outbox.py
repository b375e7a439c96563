"""The task outbox: background jobs are rows written in the caller's transaction.

They are published to the broker only after that transaction commits (``relay``), so a job never
runs against data that was rolled back, and a broker outage leaves the rows waiting instead of
losing them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ats_match.models import TaskOutbox
from ats_match.models.base import utcnow

_STAGED = "ats_match.staged_jobs"

Publisher = Callable[[str, list[Any], str], None]
"""Sends one job to the broker: (task name, args, outbox row id as the task id)."""


def enqueue(session: Session, organization_id: uuid.UUID, task_name: str, *args: Any) -> TaskOutbox:
    """Stage a job in the current transaction; ``staged(session)`` lists what was staged."""
    row = TaskOutbox(organization_id=organization_id, task_name=task_name, args=list(args))
    session.add(row)
    session.info.setdefault(_STAGED, []).append(row.id)
    return row


def staged(session: Session) -> list[uuid.UUID]:
    """Ids of the jobs staged in this session, to relay once its transaction has committed."""
    return list(session.info.get(_STAGED, []))


def clear_staged(session: Session) -> None:
    session.info.pop(_STAGED, None)


def relay(
    engine: Engine,
    publish: Publisher,
    *,
    ids: Sequence[uuid.UUID] | None = None,
    limit: int = 500,
) -> int:
    """Publish pending jobs (optionally only ``ids``) and stamp them; returns how many went out.

    A job whose publish raises stays pending with the error noted and is retried by the next
    relay. Publishing uses the outbox row id as the Celery task id, and tasks are idempotent, so
    a crash between publish and stamp at worst runs a job twice, never zero times.
    """
    sent = 0
    with Session(engine, expire_on_commit=False) as session:
        statement = select(TaskOutbox).where(col(TaskOutbox.dispatched_at).is_(None))
        if ids is not None:
            statement = statement.where(col(TaskOutbox.id).in_(list(ids)))
        rows = session.exec(statement.order_by(col(TaskOutbox.created_at)).limit(limit)).all()
        for row in rows:
            row.attempts += 1
            try:
                publish(row.task_name, list(row.args), str(row.id))
            except Exception as exc:
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                session.add(row)
                session.commit()
                break  # the broker is down: the rest would fail the same way
            row.dispatched_at = utcnow()
            row.last_error = None
            session.add(row)
            session.commit()
            sent += 1
    return sent


def pending_count(engine: Engine) -> int:
    with Session(engine) as session:
        rows = session.exec(
            select(TaskOutbox.id).where(col(TaskOutbox.dispatched_at).is_(None))
        ).all()
        return len(rows)
