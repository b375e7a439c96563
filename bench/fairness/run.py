"""The adverse-impact report at volume: a job with N scored applications (random self-reported
categories, scores and decisions, inserted in bulk) on SQLite and PostgreSQL; the report is
timed beside the job's first ranking page (the recruiter's everyday read of the same job).

Run:  .venv/bin/python bench/fairness/run.py [--sizes 10000 50000] [--repeat 5]

Per request, median of ``--repeat`` after one warm-up: wall time, this process's CPU
(``time.process_time``) and, on PostgreSQL, the server backend's CPU (``/proc/<pid>/stat`` of
``pg_backend_pid()``); CPU per 1,000 applications for the report.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

from ats_match import db  # noqa: E402
from ats_match.fairness.categories import RACE_ETHNICITY_LABELS  # noqa: E402
from ats_match.models import (  # noqa: E402
    Application,
    ApplicationDecision,
    Candidate,
    Job,
    Organization,
    RequirementSet,
    Role,
    Score,
    User,
)
from ats_match.services.adverse_impact import adverse_impact  # noqa: E402
from ats_match.services.ranking import RankingQuery, job_ranking  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CHUNK = 5000
TICKS = os.sysconf("SC_CLK_TCK")


def _pg_database() -> str:
    name = f"atsm_bench_fair_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop_pg(url: str) -> None:
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        )
    admin.dispose()


def populate(session: Session, n: int) -> tuple[User, uuid.UUID]:
    rng = random.Random(14)
    org = Organization(name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}")
    session.add(org)
    session.flush()
    user = User(organization_id=org.id, email="admin@bench.example", role=Role.ADMIN)
    job = Job(organization_id=org.id, title="Analyst")
    session.add_all([user, job])
    session.flush()
    reqs = RequirementSet(organization_id=org.id, job_id=job.id, version=1, name="v1", body={})
    session.add(reqs)
    session.flush()
    races = [*RACE_ETHNICITY_LABELS, None]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for base in range(0, n, CHUNK):
        candidates, applications, scores, decisions = [], [], [], []
        for i in range(base, min(n, base + CHUNK)):
            cid, aid = uuid.uuid4(), uuid.uuid4()
            candidates.append(
                {
                    "id": cid,
                    "organization_id": org.id,
                    "name": f"P{i}",
                    "emails": [],
                    "dids": [],
                    "created_at": start,
                }
            )
            applications.append({
                "id": aid, "organization_id": org.id, "candidate_id": cid, "job_id": job.id,
                "status": "scored", "answers": {}, "created_at": start,
                "eeo_sex": rng.choice(["female", "male", None]), "eeo_race_ethnicity": rng.choice(races),
            })  # fmt: skip
            total = rng.uniform(0, 100)
            scores.append({
                "id": uuid.uuid4(), "organization_id": org.id, "application_id": aid,
                "requirement_set_id": reqs.id, "requirement_set_version": 1, "total": total,
                "max_total": 100, "normalised": total, "qualified": total > 50,
                "shortlisted": total > 75, "knocked_out": False, "tier": 0 if total > 75 else 1,
                "not_evaluable": 0, "explanation": {"summary": "bench"}, "scored_at": start,
            })  # fmt: skip
            for step, action in enumerate(
                rng.choice([[], ["shortlist"], ["shortlist", "advance"], ["reject"]])
            ):
                decisions.append({
                    "id": uuid.uuid4(), "organization_id": org.id, "application_id": aid,
                    "action": action, "reason": "bench", "write_back": "not_applicable",
                    "created_at": start + timedelta(minutes=step),
                })  # fmt: skip
        for model, values in (
            (Candidate, candidates),
            (Application, applications),
            (Score, scores),
            (ApplicationDecision, decisions),
        ):
            if values:
                session.execute(sa.insert(model), values)
    session.commit()
    session.execute(sa.text("ANALYZE"))  # what autovacuum / a real database's stats would do
    session.commit()
    return user, job.id


def _backend_cpu(session: Session) -> Callable[[], float]:
    if session.get_bind().dialect.name != "postgresql":
        return lambda: 0.0
    pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()

    def read() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    return read


def timed(
    call: Callable[[], Any], server: Callable[[], float], repeat: int
) -> tuple[float, float, float]:
    call()  # warm-up
    walls, cpus, servers = [], [], []
    for _ in range(repeat):
        s0, c0, w0 = server(), time.process_time(), time.perf_counter()
        call()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        servers.append(server() - s0)
    return statistics.median(walls), statistics.median(cpus), statistics.median(servers)


def run(backend: str, url: str, n: int, repeat: int) -> None:
    db.upgrade(url)
    engine = db.make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        t0 = time.perf_counter()
        user, job_id = populate(session, n)
        setup = time.perf_counter() - t0
        server = _backend_cpu(session)
        report = timed(lambda: adverse_impact(session, user, job_id), server, repeat)
        ranking = timed(
            lambda: job_ranking(session, user.organization_id, job_id, RankingQuery(limit=50)),
            server,
            repeat,
        )
        applicants = adverse_impact(session, user, job_id).applicants
    engine.dispose()
    assert applicants == n
    for name, (wall, cpu, srv) in (
        ("adverse-impact report", report),
        ("ranking page 1 (peer)", ranking),
    ):
        per_k = f"{(cpu + srv) / n * 1000 * 1000:.2f} ms" if name.startswith("adverse") else "-"
        print(
            f"| {backend} | {n:,} | {name} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | "
            f"{srv * 1000:.0f} ms | {per_k} |"
        )
    print(f"<!-- {backend} {n}: setup {setup:.1f} s -->", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(
        "| backend | applications | request | wall (median) | client CPU | server CPU | CPU per 1k applications |"
    )
    print("|---|---:|---|---:|---:|---:|---:|")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/bench.db", n, args.repeat)
        url = _pg_database()
        try:
            run("PostgreSQL", url, n, args.repeat)
        finally:
            _drop_pg(url)


if __name__ == "__main__":
    main()
