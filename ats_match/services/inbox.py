"""The webhook inbox: every delivery stored durably and idempotently before it is answered.

The inbox row is also the job: one ``INSERT … ON CONFLICT DO NOTHING`` before the
acknowledgement, and the relay (:func:`relay_deliveries`) publishes the rows still waiting in
batches. An event id stored again with the same body is a redelivery (ignored); with another
body it is a conflict, kept beside the original under a derived key and shown to admins.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from ats_match.models import DeliveryStatus, WebhookDelivery
from ats_match.models.base import utcnow

PROCESS_TASK = "ats_match.process_deliveries"
"""The relay publishes one job per batch of deliveries (per organisation), not one per row."""

_TABLE: sa.Table = WebhookDelivery.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Stored:
    """The outcome of storing one delivery."""

    delivery_id: uuid.UUID
    status: DeliveryStatus
    duplicate: bool
    reason: str | None = None
    conflict_of: uuid.UUID | None = None


@dataclass(frozen=True)
class Incoming:
    """One verified delivery, as the endpoint hands it to the inbox."""

    organization_id: uuid.UUID
    integration_id: uuid.UUID
    external_id: str
    event_type: str
    headers: dict[str, Any]
    body: bytes
    status: DeliveryStatus
    reason: str | None = None


def store(connection: Connection, incoming: Incoming) -> Stored:
    """Insert the delivery (the caller commits); a redelivery or conflict is recognised by the
    unique (integration, event id) key and the body's SHA-256."""
    digest = hashlib.sha256(incoming.body).hexdigest()
    new_id = _insert(connection, incoming, incoming.external_id, digest)
    if new_id is not None:
        return Stored(new_id, incoming.status, False, incoming.reason)
    first = _existing(connection, incoming.integration_id, incoming.external_id)
    if first.body_sha256 in ("", digest):
        return Stored(first.id, DeliveryStatus(first.status), True, first.error)
    conflict = Incoming(
        **{
            **incoming.__dict__,
            "status": DeliveryStatus.CONFLICT,
            "reason": f"event id '{incoming.external_id}' was already received with another "
            f"body (delivery {first.id}); this body is kept, not processed",
        }
    )
    key = f"{incoming.external_id[:200]}#conflict:{digest[:32]}"
    conflict_id = _insert(connection, conflict, key, digest, conflict_of=first.id)
    if conflict_id is not None:
        return Stored(conflict_id, DeliveryStatus.CONFLICT, False, conflict.reason, first.id)
    again = _existing(connection, incoming.integration_id, key)
    return Stored(again.id, DeliveryStatus.CONFLICT, True, again.error, first.id)


def _insert(
    connection: Connection,
    incoming: Incoming,
    external_id: str,
    digest: str,
    conflict_of: uuid.UUID | None = None,
) -> uuid.UUID | None:
    now = utcnow()
    is_job = incoming.status == DeliveryStatus.RECEIVED
    values = {
        "id": uuid.uuid4(),
        "organization_id": incoming.organization_id,
        "integration_id": incoming.integration_id,
        "external_id": external_id,
        "event_type": incoming.event_type[:120],
        "headers": incoming.headers,
        "body": incoming.body,
        "received_at": now,
        "handled_at": None if is_job else now,
        "error": incoming.reason[:2000] if incoming.reason else None,
        "attempts": 0,
        "status": incoming.status.value,
        "body_sha256": digest,
        "dispatched_at": None if is_job else now,
        "conflict_of": conflict_of,
    }
    if connection.dialect.name == "postgresql":
        return _insert_postgresql(connection, values)
    return connection.execute(_insert_statement(connection.dialect.name), values).scalar()


def _insert_postgresql(connection: Connection, values: dict[str, Any]) -> uuid.UUID | None:
    """The same INSERT as driver SQL (psycopg prepares it after a few runs): per delivery, no
    statement cache-key walk or bind/result processing, and SQLAlchemy still wraps the driver's
    errors and invalidates a connection the server dropped."""
    sql, defaults = _postgresql_insert_sql(connection.dialect)
    params = {**defaults, **values, "headers": orjson.dumps(values["headers"]).decode()}
    found = connection.exec_driver_sql(sql, params).scalar()
    return None if found is None else uuid.UUID(str(found))


@functools.cache
def _postgresql_insert_sql(dialect: sa.Dialect) -> tuple[str, dict[str, Any]]:
    """The dialect's own text of :func:`_insert_statement` (every column a parameter) and the
    value of each column the caller leaves out: its scalar default, else NULL."""
    statement = _insert_statement("postgresql")
    sql = str(statement.compile(dialect=dialect))
    defaults: dict[str, Any] = {}
    for column in _TABLE.c:
        default = column.default
        scalar = default is not None and getattr(default, "is_scalar", False)
        defaults[column.name] = getattr(default, "arg", None) if scalar else None
    return sql, defaults


@functools.cache
def _insert_statement(dialect_name: str) -> Any:
    """Built once per dialect (its compiled form is cached by SQLAlchemy): the values come as
    parameters, so a delivery costs no statement construction."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (
        dialect.insert(_TABLE)
        .on_conflict_do_nothing(index_elements=["integration_id", "external_id"])
        .returning(_TABLE.c.id)
    )


def _existing(connection: Connection, integration_id: uuid.UUID, external_id: str) -> Any:
    return connection.execute(
        sa.select(_TABLE.c.id, _TABLE.c.body_sha256, _TABLE.c.status, _TABLE.c.error).where(
            _TABLE.c.integration_id == integration_id, _TABLE.c.external_id == external_id
        )
    ).one()


def record_delivery(
    session: Session,
    *,
    organization_id: uuid.UUID,
    integration_id: uuid.UUID,
    external_id: str,
    event_type: str,
    headers: dict[str, Any],
    body: bytes,
) -> tuple[WebhookDelivery, bool]:
    """ORM form of :func:`store` for callers holding a session: the stored row and whether it
    is new (a redelivery returns the original row and ``False``)."""
    session.flush()
    stored = store(
        session.connection(),
        Incoming(
            organization_id,
            integration_id,
            external_id,
            event_type,
            headers,
            body,
            DeliveryStatus.RECEIVED,
        ),
    )
    row = session.get(WebhookDelivery, stored.delivery_id)
    assert row is not None
    return row, not stored.duplicate


def mark_handled(
    delivery: WebhookDelivery,
    error: str | None = None,
    status: DeliveryStatus | None = None,
) -> None:
    """Stamp ``handled_at`` and the outcome; with ``error`` the delivery stays visible as
    failed."""
    delivery.handled_at = utcnow()
    delivery.error = error[:2000] if error else None
    delivery.status = status or (DeliveryStatus.FAILED if error else DeliveryStatus.PROCESSED)
    delivery.attempts += 1


def record_failure(engine: Engine, delivery_id: uuid.UUID, reason: str) -> None:
    """Store why the worker could not ingest a delivery (its own transaction: the work was
    rolled back)."""
    with Session(engine) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status == DeliveryStatus.PROCESSED:
            return
        mark_handled(delivery, reason)
        session.add(delivery)
        session.commit()


BatchPublisher = Callable[[str, list[Any], str], None]


def relay_deliveries(
    engine: Engine, publish: BatchPublisher, *, limit: int = 500, raise_errors: bool = False
) -> int:
    """Publish the deliveries still waiting, one job per organisation and batch; returns how
    many went out. Rows are claimed with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL), so the relays
    of several server processes never publish one twice; the job is idempotent anyway (the
    worker locks the delivery and skips it once handled). A failed publish leaves the rest
    waiting; with ``raise_errors`` it is raised after what went out is stamped."""
    failure: Exception | None = None
    with engine.begin() as connection:  # Core, not the ORM: it runs once per batch, hot
        rows = connection.execute(
            sa.select(_TABLE.c.id, _TABLE.c.organization_id)
            .where(
                _TABLE.c.dispatched_at.is_(None),
                _TABLE.c.status == DeliveryStatus.RECEIVED.value,
            )
            .order_by(_TABLE.c.received_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return 0
        batches: dict[uuid.UUID, list[uuid.UUID]] = {}
        for delivery_id, organization_id in rows:
            batches.setdefault(organization_id, []).append(delivery_id)
        sent: list[uuid.UUID] = []
        for organization_id, ids in batches.items():
            try:
                publish(PROCESS_TASK, [str(organization_id), [str(i) for i in ids]], str(ids[0]))
            except Exception as exc:
                failure = exc
                break  # the broker is down: these stay waiting for the next relay
            sent.extend(ids)
        if sent:
            connection.execute(
                sa.update(_TABLE).where(_TABLE.c.id.in_(sent)).values(dispatched_at=utcnow())
            )
    if failure is not None and raise_errors:
        raise failure
    return len(sent)


def requeue_lost(engine: Engine, after: timedelta) -> int:
    """Deliveries relayed more than ``after`` ago and still not handled go back to waiting, so
    the next relay publishes them again: the broker lost their job (flushed, restarted without
    its data, a batch handed on whose publish failed). Safe if the job was only slow: the worker
    locks a delivery and skips it once handled. Returns how many."""
    with Session(engine) as session:
        result = session.execute(
            sa.update(_TABLE)
            .where(
                _TABLE.c.status == DeliveryStatus.RECEIVED,
                _TABLE.c.handled_at.is_(None),
                _TABLE.c.dispatched_at < utcnow() - after,
            )
            .values(dispatched_at=None)
        )
        session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def waiting_ids(session: Session, organization_id: uuid.UUID) -> Sequence[uuid.UUID]:
    """Deliveries of the organisation stored but not yet relayed (for tests and health)."""
    return session.exec(
        select(WebhookDelivery.id).where(
            col(WebhookDelivery.organization_id) == organization_id,
            col(WebhookDelivery.dispatched_at).is_(None),
        )
    ).all()
