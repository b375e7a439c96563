"""Where a worker's CPU goes per application: ``process_delivery`` run in this process (no
Celery, no broker) on a fresh PostgreSQL database, under cProfile.

Run:  .venv/bin/python bench/pipeline/profile_worker.py [--applications 300] [--top 40]

Prints CPU ms per application (``time.process_time``, with and without the profiler), the
statements issued per application, and the top functions by cumulative and own time.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "pipeline"))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as worker/__init__ does, before numpy loads

import run as bench  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from ats_match.models import TaskOutbox, WebhookDelivery  # noqa: E402


def jobs(engine: sa.Engine, prefix: str) -> list[tuple[str, list[str]]]:
    """The ``process_delivery`` jobs of deliveries ``prefix-*`` (stored, not yet run)."""
    with Session(engine) as session:
        rows = session.exec(
            select(TaskOutbox.id, TaskOutbox.args)
            .where(col(TaskOutbox.task_name) == "ats_match.process_delivery")
            .where(col(TaskOutbox.completed_at).is_(None))
            .order_by(col(TaskOutbox.created_at))
        ).all()
        wanted = set(delivery_ids(session, prefix))
    return [(str(i), list(a)) for i, a in rows if a[1] in wanted]


def delivery_ids(session: Session, prefix: str) -> list[str]:
    rows = session.exec(
        select(WebhookDelivery.id).where(
            col(WebhookDelivery.external_id).startswith(f"evt-{prefix}-")
        )
    ).all()
    return [str(i) for i in rows]


def run_batches(jobs: list[tuple[str, list[str]]], size: int) -> None:
    """Each delivery in its own transaction, as ``process_deliveries`` runs them (without the
    outbox stamp: a relayed batch has no outbox row)."""
    from worker import tasks

    try:
        from worker.batch import batch
    except ImportError:  # a tree without per-batch settings (the baseline)
        batch = contextlib.nullcontext
    for start in range(0, len(jobs), max(1, size)):
        with batch():
            for _job_id, args in jobs[start : start + max(1, size)]:
                tasks._ingest(None, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--only", default="", help="regex: list only these functions")
    parser.add_argument("--unique-achievements", action="store_true")
    parser.add_argument(
        "--batch", type=int, default=50, help="deliveries per batch, as the inbox relay sends them"
    )
    args = parser.parse_args()
    n = args.applications
    creds = bench.credentials(2 * n + 3, unique=args.unique_achievements)
    url = bench.fresh_database()
    os.environ.update(
        ATS_MATCH_DATABASE_URL=url,
        ATS_MATCH_ENVIRONMENT="testing",
        ATS_MATCH_DATA_DIR=tempfile.mkdtemp(prefix="bench-profile-"),
    )
    from ats_match.db import get_engine
    from ats_match.settings import get_settings

    get_settings.cache_clear()
    engine = get_engine()
    statements = [0]
    sa.event.listen(
        engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1)
    )
    from worker import tasks

    try:
        ids = bench.seed(engine)

        def phase(
            prefix: str, items: list[list[tuple[str, str, bytes]]]
        ) -> list[tuple[str, list[str]]]:
            bodies = [
                (f"{prefix}-{i:06d}", bench.payload(f"{prefix}-{i:06d}", c))
                for i, c in enumerate(items)
            ]
            bench.store_deliveries(engine, *ids, bodies)
            return jobs(engine, prefix)

        for job_id, a in phase("w", creds[:3]):  # warm-up: caches, matcher index, compiled rules
            tasks._ingest(job_id, *a)
        plain = phase("p", creds[3 : 3 + n])
        statements[0] = 0
        started = time.process_time()
        run_batches(plain, args.batch)
        cpu = (time.process_time() - started) / n * 1000
        per_app = statements[0] / n
        profiled = phase("q", creds[3 + n : 3 + 2 * n])
        profiler = cProfile.Profile(
            time.process_time
        )  # CPU, not wall: waits on the database drop out
        started = time.process_time()
        profiler.enable()
        run_batches(profiled, args.batch)
        profiler.disable()
        cpu_profiled = (time.process_time() - started) / n * 1000
    finally:
        engine.dispose()
        bench.drop_database(url)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(args.sort).print_stats(*([args.only] if args.only else []), args.top)
    print(out.getvalue())
    dump = Path(tempfile.gettempdir()) / "perf" / "last.prof"
    dump.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(dump)
    print(
        f"process_delivery in process: {cpu:.2f} ms CPU per application ({per_app:.1f} SQL statements); under cProfile {cpu_profiled:.2f} ms"
    )
    print(f"profile written to {dump}")


if __name__ == "__main__":
    main()
