"""PostgreSQL "restarted" in the middle of a run: every connection to the product's database is
killed, again and again, while deliveries arrive and a real worker settles them. After it,
every application is scored exactly once per version, no credential or verdict is stored
twice, and each application has one result event row (one event id, whose delivery is retried
from that row: at least once).

Why terminating backends models a restart: a restart ends every server process and with it
every open connection and transaction; clients see their next statement (or their commit) fail
with a dropped connection and must reconnect. ``pg_terminate_backend`` on all of the database's
backends does exactly that to every client of the database, repeatedly and at random points of
their transactions, without taking the shared server away from other tests on this machine.
What it does not model, the server being unreachable for a while, is covered by the kills
coming every 300 ms for as long as it takes (new connections are killed too).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from ats_match import db
from ats_match.services import inbox, outbox
from tests.conftest import PG_ADMIN_URL
from tests.resilience.test_pipeline_faults import (
    Worker,
    _counts,
    _exactly_once,
    redis,
    worker,
)
from tests.worker.conftest import Product, genuine_tokens
from worker.celery_app import publish

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]
__all__ = ["redis", "worker"]  # fixtures, imported for this module's tests

N = 40
KILL_EVERY = 0.3
MAX_APPLICATIONS = 200
STORM_SECONDS = 60.0


class Terminator:
    """Kills every backend of one database every ``KILL_EVERY`` seconds while running."""

    def __init__(self, url: str) -> None:
        self.database = sa.make_url(url).database
        self.admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self.killed = 0
        self.rounds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        statement = sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"
        )
        with self.admin.connect() as connection:
            while not self._stop.wait(KILL_EVERY):
                self.killed += int(
                    connection.execute(statement, {"name": self.database}).scalar_one()
                )
                self.rounds += 1

    @contextmanager
    def storm(self) -> Iterator[None]:
        self._thread.start()
        try:
            yield
        finally:
            self._stop.set()
            self._thread.join(timeout=10)
            self.admin.dispose()


def _deliver(product: Product, app_id: str, tokens: list[str]) -> None:
    """As an ATS does: redeliver the same event until it is accepted (a dropped database
    connection answers 5xx, or the test client raises)."""
    for _ in range(100):
        with suppress(AssertionError, DBAPIError):
            product.deliver(app_id, tokens)
            return
        time.sleep(0.1)
    raise AssertionError(f"{app_id} never accepted")


def _relay_and_count(product: Product) -> int:
    """What the periodic relay does, tolerating a connection killed under it (it runs again)."""
    with suppress(DBAPIError):
        outbox.relay(db.get_engine(), publish)
        inbox.relay_deliveries(db.get_engine(), publish)
    return _scored(product)


def _scored(product: Product) -> int:
    """How many are scored, read again when the storm kills the reading connection (a killed
    read is not "none scored")."""
    for _ in range(100):
        with suppress(DBAPIError):
            return int(_counts(product.url)["scored"])
        time.sleep(0.05)
    raise AssertionError("the scored count could not be read through the storm")


def _wait_all_scored(product: Product, worker: Worker, n: int, timeout: float = 180) -> None:
    """Supervised like ``test_pipeline_faults``: a worker that exited is started again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _relay_and_count(product) >= n:
            return
        if worker.process is not None and worker.process.poll() is not None:
            worker.stop()
            worker.start()
        time.sleep(0.3)
    raise AssertionError(f"not all {n} scored: {_counts(product.url)}; see {worker.log}")


def _worker_was_hit(worker: Worker) -> bool:
    """Whether a worker transaction died with its connection (and was retried)."""
    logs = "".join(
        (worker.tmp_path / f"worker-{run}.log").read_text(errors="replace")
        for run in range(1, worker.runs + 1)
    )
    return "handed to its own job" in logs or "Retry in" in logs


def test_database_connections_killed_mid_run_leave_every_application_scored_once(
    product: Product, worker: Worker
) -> None:
    for i in range(N // 4):
        _deliver(product, f"pg-{i:03d}", genuine_tokens(3))
    terminator = Terminator(product.url)
    scored_before = _relay_and_count(product)
    with terminator.storm():
        # deliveries keep coming until a worker transaction has died with its connection
        n = N // 4
        while n < N or (not _worker_was_hit(worker) and n < MAX_APPLICATIONS):
            _deliver(product, f"pg-{n:03d}", genuine_tokens(3))
            _relay_and_count(product)
            n += 1
        # and the storm goes on until the worker has settled half the run under it
        deadline = time.monotonic() + STORM_SECONDS
        while _relay_and_count(product) < n // 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        scored_in_storm = _relay_and_count(product) - scored_before
    assert scored_before < n, "the run was settled before the database went away"
    assert scored_in_storm > 0, "nothing was settled while the connections were being killed"
    assert terminator.killed > 10, f"the storm hit {terminator.killed} connections only"
    assert _worker_was_hit(worker), "no worker transaction was interrupted"
    _wait_all_scored(product, worker, n)
    time.sleep(2)  # a duplicate job still in flight would show up now
    _exactly_once(product, n, 3 * n)
