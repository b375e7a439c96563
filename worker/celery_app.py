"""The Celery application. The broker comes from settings: an embedded SQLite-backed transport
polled every 50 ms by default (no Redis needed, see ``worker.embedded_broker``), ``redis://``
in production."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from celery import Celery
from celery.signals import worker_init

from ats_match.settings import Settings, get_settings
from worker import redis_broker  # noqa: F401  (redis:// names its repaired transport)
from worker.embedded_broker import kombu_url

RELAY_INTERVAL_SECONDS = 5.0
REVERIFY_INTERVAL_SECONDS = 15 * 60.0
RETENTION_INTERVAL_SECONDS = 6 * 3600.0


def create_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    broker = kombu_url(settings.resolved_broker_url)
    app = Celery("ats_match", broker=broker, include=["worker.tasks"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue="ats-match",
        broker_connection_retry_on_startup=True,
        broker_transport_options=_transport_options(settings),
        worker_hijack_root_logger=False,
        beat_schedule={
            "relay-outbox": {"task": "ats_match.relay_outbox", "schedule": RELAY_INTERVAL_SECONDS},
            "deliver-due-events": {"task": "ats_match.deliver_due", "schedule": 30.0},
            "reverify-indeterminate": {
                "task": "ats_match.reverify_due",
                "schedule": REVERIFY_INTERVAL_SECONDS,
            },
            "enforce-retention": {
                "task": "ats_match.enforce_retention",
                "schedule": RETENTION_INTERVAL_SECONDS,
            },
        },
    )
    return app


def _transport_options(settings: Settings) -> dict[str, Any]:
    # kombu's SQLAlchemy transport hands its options to create_engine(); Redis takes its own.
    if settings.resolved_broker_url.startswith("sqla+"):
        return {"connect_args": {"timeout": 30}}
    # Jobs of a worker that died unacknowledged are scanned for every few seconds (kombu's
    # default is every ~100 s) and handed out again once the visibility timeout has passed.
    return {
        "visibility_timeout": settings.broker_visibility_timeout,
        "polling_interval": 0.5,
        "unacked_restore_interval": 5,
        "unacked_restore_throttle": 1,
    }


celery_app = create_celery()


def _preload(**_: Any) -> None:
    """Load the taxonomy and the skill matcher (~2 s of CPU, ~100 MB) in the worker's main
    process before its pool forks: every child starts warm and shares those pages, instead of
    each paying for its own copy on its first delivery."""
    from worker.evidence import skill_matcher, taxonomy_hooks

    taxonomy_hooks()
    skill_matcher()


worker_init.connect(_preload)


@lru_cache(maxsize=4)
def _producer_app(broker_url: str) -> Celery:
    return create_celery(get_settings())


def producer() -> Celery:
    """The app used to send jobs, following the current settings (tests switch brokers)."""
    settings = get_settings()
    if kombu_url(settings.resolved_broker_url) == celery_app.conf.broker_url:
        return celery_app
    return _producer_app(settings.resolved_broker_url)


def publish(task_name: str, args: list[Any], task_id: str) -> None:
    """Send one job to the broker, failing fast when it is down (the outbox keeps the job)."""
    producer().send_task(
        task_name,
        args=args,
        task_id=task_id,
        retry=True,
        retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
    )


def broker_ping(timeout: float = 2.0) -> None:
    """Raise if the broker cannot be reached."""
    with producer().connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
