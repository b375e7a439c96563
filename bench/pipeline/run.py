"""The pipeline at volume: a real Celery worker on Redis + PostgreSQL settles applications that
each carry genuine credentials of mixed formats (OB 3.0 VC-JWT as text, OB 3.0 baked PNG with a
VC-JWT inside, OB 3.0 Data Integrity ``eddsa-rdfc-2022`` JSON; all did:key, so no network).

Run:  .venv/bin/python bench/pipeline/run.py [--applications 5000] [--steady 1000 --rate 50]
      [--concurrency 2]

Two phases on a fresh database and Redis db:
- burst: every delivery stored in the inbox and outbox at once (as the ingest path leaves them),
  then the relay publishes; throughput = applications / (first receipt -> last score);
- steady: deliveries arrive at ``--rate``/s; p50/p95 from receipt (the inbox row's
  ``received_at``) to the score row's ``scored_at``.

Worker CPU is the user+system time of the worker's whole process group (/proc), divided by the
applications settled; database and Redis server CPU are not included. After each phase the run
checks exactly once: one application, three credentials, three verdicts and one score each.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from statistics import quantiles
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, col, func, select  # noqa: E402

from ats_match import db  # noqa: E402
from ats_match.models import (  # noqa: E402
    Application,
    CandidateSkill,
    Credential,
    Integration,
    Job,
    Organization,
    RequirementSet,
    Score,
    TaskOutbox,
    VerificationResult,
    WebhookDelivery,
)
from ats_match.services import inbox, outbox  # noqa: E402
from rules import load_requirement_set  # noqa: E402

BASELINE = "wave 1: 3.7-17 applications/s, 75-150 ms worker CPU per application, p95 11-268 s"
TARGET = "target: >= 200 applications/s, <= 10 ms worker CPU per application, p95 < 2 s at 50/s"
COALESCE_SECONDS = 0.05
"""Steady phase: relay at most this often, as the web process's relay coalesces wake-ups."""
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
EMAIL = "applicant@example.org"


# -- data ---------------------------------------------------------------------------------------
COURSES = [
    ("Python for Data Analysis", "Writing Python programs that clean and analyse data."),
    ("SQL Fundamentals", "Querying relational databases with SQL: joins, aggregation, subqueries."),
    ("Statistics with R", "Statistical analysis and modelling in the R programming language."),
    ("Excel for Business", "Spreadsheets in Microsoft Excel: formulas, pivot tables and charts."),
    ("Data Visualisation", "Presenting data visually with charts and dashboards."),
    ("Machine Learning Basics", "Supervised learning, regression and classification models."),
]
"""Six achievements (three map to ESCO skills the requirement set asks for, three map to none),
each with its own id, as many applicants of one job would hold the same few courses."""


def credentials(n: int, *, unique: bool = False) -> list[list[tuple[str, str, bytes]]]:
    """``n`` applications' attachments: (filename, content type, bytes), three formats each,
    every credential distinct (own id, own signature). ``unique``: every achievement's text is
    distinct too (no two credentials share a skill match: the matcher's worst case)."""
    from tests.support.baking import bake_png
    from tests.support.signing import TestKey, ob3_credential, sign_data_integrity, sign_vc_jwt

    keys = [TestKey.generate("Ed25519") for _ in range(8)]
    out = []
    for i in range(n):
        key = keys[i % len(keys)]

        def vc(j: int, key: Any = key, i: int = i) -> dict[str, Any]:
            k = (i + j) % len(COURSES)
            name, description = COURSES[k]
            credential = ob3_credential(
                key.did_key(), email=EMAIL, name=name, cred_id=f"urn:uuid:{uuid.uuid4()}"
            )
            achievement = credential["credentialSubject"]["achievement"]
            achievement["id"] = f"https://example.edu/achievements/{k}"
            achievement["description"] = f"{description} Cohort {i}-{j}." if unique else description
            return credential

        jwt = sign_vc_jwt(vc(0), key, kid=key.did_key_vm())
        png = bake_png(sign_vc_jwt(vc(1), key, kid=key.did_key_vm()), ob3=True)
        di = json.dumps(sign_data_integrity(vc(2), key, key.did_key_vm())).encode()
        out.append(
            [
                ("badge.jwt", "text/plain", jwt.encode()),
                ("badge.png", "image/png", png),
                ("badge.json", "application/json", di),
            ]
        )
    return out


def payload(app_id: str, attachments: list[tuple[str, str, bytes]]) -> bytes:
    return json.dumps(
        {
            "type": "application.created",
            "data": {
                "application": {
                    "id": app_id,
                    "applied_at": "2026-11-20T10:00:00Z",
                    "attachments": [
                        {
                            "filename": name,
                            "content_type": kind,
                            "content_base64": base64.b64encode(data).decode(),
                        }
                        for name, kind, data in attachments
                    ],
                },
                "candidate": {"id": f"cand-{app_id}", "name": app_id, "email": EMAIL},
                "job": {"id": "job-da", "title": "Data Analyst"},
            },
        }
    ).encode()


# -- product setup ------------------------------------------------------------------------------
def fresh_database() -> str:
    name = f"atsm_bench_pipeline_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    db.upgrade(url)
    return url


def drop_database(url: str) -> None:
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        )
    admin.dispose()


def seed(engine: sa.Engine) -> tuple[uuid.UUID, uuid.UUID]:
    with Session(engine, expire_on_commit=False) as session:
        org = Organization(name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}")
        session.add(org)
        session.flush()
        integration = Integration(organization_id=org.id, name="ATS", webhook_secret="x" * 32)
        job = Job(organization_id=org.id, title="Data Analyst", external_id="job-da")
        session.add_all([integration, job])
        session.flush()
        job.integration_id = integration.id
        rs = load_requirement_set(ROOT / "rules/examples/data_analyst.yaml")
        session.add(
            RequirementSet(
                organization_id=org.id,
                job_id=job.id,
                version=1,
                name=rs.name or rs.id,
                body=rs.model_dump(mode="json", exclude_none=True),
            )
        )
        session.commit()
        return org.id, integration.id


def store_deliveries(
    engine: sa.Engine,
    org_id: uuid.UUID,
    integration_id: uuid.UUID,
    bodies: list[tuple[str, bytes]],
    *,
    jobs: bool = True,
) -> None:
    """What the ingest path leaves per delivery: an inbox row (which is the job, relayed in
    batches by ``inbox.relay_deliveries``); with ``jobs`` also a ``process_delivery`` job in the
    outbox per delivery (how the wave-2 ingest path left it)."""
    with Session(engine) as session:
        for app_id, body in bodies:
            delivery = WebhookDelivery(
                organization_id=org_id,
                integration_id=integration_id,
                external_id=f"evt-{app_id}",
                event_type="application.created",
                headers={},
                body=body,
            )
            session.add(delivery)
            if jobs:
                outbox.enqueue(
                    session, org_id, "ats_match.process_delivery", str(org_id), str(delivery.id)
                )
        session.commit()


# -- the worker ---------------------------------------------------------------------------------
def start_worker(env: dict[str, str], concurrency: int, log: Path) -> subprocess.Popen[bytes]:
    argv = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "worker.celery_app:celery_app",
        "worker",
        "--loglevel=WARNING",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    out = log.open("wb")
    return subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def group_cpu_seconds(pgid: int, *, main_only: bool = False) -> float:
    """User + system CPU of every live process in the group (the worker and its children), or
    of the worker's main process alone (the consumer: broker I/O, acks, handing jobs out)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (main_only and int(entry.name) != pgid):
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 (pgrp), counted after the command name
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# -- measuring ----------------------------------------------------------------------------------
def scored_count(engine: sa.Engine, prefix: str) -> int:
    with Session(engine) as session:
        return int(
            session.exec(
                select(func.count())
                .select_from(Score)
                .join(Application, col(Application.id) == col(Score.application_id))
                .where(col(Application.external_id).startswith(prefix))
            ).one()
        )


def latencies(engine: sa.Engine, prefix: str) -> tuple[list[float], float]:
    """Receipt -> score per application (seconds), and first receipt -> last score."""
    with Session(engine) as session:
        received = dict(
            session.exec(
                select(WebhookDelivery.external_id, WebhookDelivery.received_at).where(
                    col(WebhookDelivery.external_id).startswith(f"evt-{prefix}")
                )
            ).all()
        )
        scored = session.exec(
            select(Application.external_id, Score.scored_at)
            .join(Score, col(Score.application_id) == col(Application.id))
            .where(col(Application.external_id).startswith(prefix))
        ).all()
    pairs = [(received[f"evt-{app}"], at) for app, at in scored]
    if not pairs:
        return [float("nan")], float("nan")
    waits = [(at - got).total_seconds() for got, at in pairs]
    span = (max(at for _, at in pairs) - min(got for got, _ in pairs)).total_seconds()
    return waits, span


def exactly_once(engine: sa.Engine, prefix: str, n: int) -> dict[str, int]:
    with Session(engine) as session:
        apps = select(Application.id).where(col(Application.external_id).startswith(prefix))

        def count(model: Any, *where: Any) -> int:
            return int(session.exec(select(func.count()).select_from(model).where(*where)).one())

        creds = select(Credential.id).where(col(Credential.application_id).in_(apps))
        return {
            "applications": count(Application, col(Application.external_id).startswith(prefix)),
            "credentials": count(Credential, col(Credential.application_id).in_(apps)),
            "verdicts": count(VerificationResult, col(VerificationResult.credential_id).in_(creds)),
            "verified": count(
                VerificationResult,
                col(VerificationResult.credential_id).in_(creds),
                col(VerificationResult.status) == "verified",
            ),
            "scores": count(Score, col(Score.application_id).in_(apps)),
            "skill links": count(CandidateSkill, col(CandidateSkill.credential_id).in_(creds)),
            "jobs not completed": count(
                TaskOutbox,
                col(TaskOutbox.task_name) == "ats_match.process_delivery",
                col(TaskOutbox.completed_at).is_(None),
            ),
            "deliveries not handled": count(
                WebhookDelivery,
                col(WebhookDelivery.external_id).startswith(f"evt-{prefix}"),
                col(WebhookDelivery.handled_at).is_(None),
            ),
        }


@dataclass(frozen=True)
class Relay:
    """How deliveries reach the worker: outbox jobs (one per delivery) or the inbox relay's
    batches of up to ``batch`` deliveries."""

    jobs: bool
    batch: int

    def __call__(self, engine: sa.Engine, publish: Any, limit: int = 1000) -> int:
        if self.jobs:
            return outbox.relay(engine, publish, limit=limit)
        sent = 0
        while (n := inbox.relay_deliveries(engine, publish, limit=min(limit, self.batch))) > 0:
            sent += n
            if sent >= limit:
                break
        return sent + outbox.relay(engine, publish, limit=limit)


def run_phase(
    name: str,
    engine: sa.Engine,
    ids: tuple[uuid.UUID, uuid.UUID],
    payloads: list[tuple[str, bytes]],
    rate: float,
    worker: subprocess.Popen[bytes],
    publish: Any,
    relay: Relay,
) -> dict[str, Any]:
    prefix = payloads[0][0].split("-")[0] + "-"
    n = len(payloads)
    cpu_before = group_cpu_seconds(worker.pid)
    main_before = group_cpu_seconds(worker.pid, main_only=True)
    started = time.monotonic()
    if rate <= 0:
        for start in range(0, n, 500):
            store_deliveries(engine, *ids, payloads[start : start + 500], jobs=relay.jobs)
        while relay(engine, publish, limit=1000):
            pass
    else:
        relayed = 0.0
        for i, item in enumerate(payloads):
            delay = started + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            store_deliveries(engine, *ids, [item], jobs=relay.jobs)
            if time.monotonic() - relayed >= COALESCE_SECONDS:  # as web.relay coalesces
                relay(engine, publish, limit=50)
                relayed = time.monotonic()
    deadline = time.monotonic() + 120 + n / 5
    while scored_count(engine, prefix) < n and time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit("the worker died")
        relay(engine, publish)
        time.sleep(0.2)
    cpu = group_cpu_seconds(worker.pid) - cpu_before
    main = group_cpu_seconds(worker.pid, main_only=True) - main_before
    waits, span = latencies(engine, prefix)
    p = quantiles(waits, n=100) if len(waits) > 1 else [waits[0]] * 99
    return {
        "phase": name,
        "applications": n,
        "scored": len(waits),
        "apps_per_s": len(waits) / span if span else float("nan"),
        "cpu_ms_per_app": cpu / max(1, len(waits)) * 1000,
        "main_ms_per_app": main / max(1, len(waits)) * 1000,
        "p50_s": p[49],
        "p95_s": p[94],
        "checks": exactly_once(engine, prefix, n),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=5000, help="burst phase size")
    parser.add_argument("--steady", type=int, default=1000, help="steady phase size (0: skip)")
    parser.add_argument("--rate", type=float, default=50.0, help="steady arrivals per second")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--redis",
        default="",
        help="broker URL (default: a private redis-server of this run: the shared one is used by "
        "other runs, and a run that flushes its db would take this one's jobs with it)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--outbox-jobs",
        action="store_true",
        help="one process_delivery outbox job per delivery (the wave-2 path) instead of the "
        "inbox relay's batches",
    )
    parser.add_argument("--batch", type=int, default=50, help="deliveries per relayed job")
    parser.add_argument(
        "--unique-achievements",
        action="store_true",
        help="every achievement text distinct (no remembered skill match is ever reused)",
    )
    args = parser.parse_args()
    # a timeout's SIGTERM still stops the worker and drops the database (``finally`` below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    print(f"generating {args.applications + args.steady} applications x 3 credentials ...")
    creds = credentials(args.applications + args.steady, unique=args.unique_achievements)
    burst = [(f"b-{i:06d}", payload(f"b-{i:06d}", c)) for i, c in enumerate(creds)]
    steady = [(f"s-{i:06d}", payload(f"s-{i:06d}", c)) for i, c in enumerate(creds)]
    burst, steady = burst[: args.applications], steady[args.applications :]
    url = fresh_database()
    engine = db.make_engine(url)
    tmp = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    private = None
    if not args.redis:
        from tests.support.redis_server import PrivateRedis

        private = PrivateRedis(tmp)
        private.start()
        args.redis = private.url
    os.environ.update(ATS_MATCH_DATABASE_URL=url, ATS_MATCH_BROKER_URL=args.redis)
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    from ats_match.settings import get_settings
    from worker.celery_app import publish

    get_settings.cache_clear()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATS_MATCH_")}
    env.update(
        ATS_MATCH_DATABASE_URL=url,
        ATS_MATCH_BROKER_URL=args.redis,
        ATS_MATCH_DATA_DIR=str(tmp),
        ATS_MATCH_ENVIRONMENT="testing",
        PYTHONPATH=str(ROOT),
    )
    ids = seed(engine)
    worker = start_worker(env, args.concurrency, tmp / "worker.log")
    results = []
    try:
        warm = [(f"w-{i:03d}", payload(f"w-{i:03d}", creds[i])) for i in range(3)]
        relay = Relay(jobs=args.outbox_jobs, batch=args.batch)
        run_phase("warm-up", engine, ids, warm, 0, worker, publish, relay)
        results.append(run_phase("burst", engine, ids, burst, 0, worker, publish, relay))
        if steady:
            phase = f"steady {args.rate:g}/s"
            results.append(run_phase(phase, engine, ids, steady, args.rate, worker, publish, relay))
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
        engine.dispose()
        if private is not None:
            private.stop()
        if not args.keep:
            drop_database(url)
    errors = sum("ERROR" in line for line in (tmp / "worker.log").read_text().splitlines())
    how = "outbox job per delivery" if args.outbox_jobs else f"inbox relay, batches of {args.batch}"
    print(
        f"\nworker: prefork x{args.concurrency}, Redis + PostgreSQL, {how}; "
        f"worker log errors: {errors}"
    )
    print(
        f"{'phase':<14}{'apps':>7}{'apps/s':>9}{'CPU ms/app':>12}{'(main)':>8}"
        f"{'p50 s':>9}{'p95 s':>9}"
    )
    for r in results:
        print(
            f"{r['phase']:<14}{r['scored']:>7}{r['apps_per_s']:>9.1f}{r['cpu_ms_per_app']:>12.1f}"
            f"{r['main_ms_per_app']:>8.1f}{r['p50_s']:>9.3f}{r['p95_s']:>9.3f}"
        )
    print("(main): of the CPU per application, the worker's main process (consumer, acks)")
    print(BASELINE)
    print(TARGET)
    for r in results:
        expected = r["applications"]
        checks = r["checks"]
        ok = (
            checks["applications"] == expected
            and checks["scores"] == expected
            and checks["credentials"] == checks["verdicts"] == checks["verified"] == 3 * expected
            and checks["jobs not completed"] == checks["deliveries not handled"] == 0
        )
        print(f"exactly once ({r['phase']}): {'yes' if ok else 'NO'} {checks}")


if __name__ == "__main__":
    main()
