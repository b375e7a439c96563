"""The read path at volume: a job with 10,000 and with 100,000 scored applications (inserted in
bulk on PostgreSQL, each with two credentials, their verdicts and a real score explanation),
then the recruiter's requests through the app in process.

Run:  .venv/bin/python bench/web/run.py [--sizes 10000 100000] [--repeat 7]

Timed per request (median and worst of ``--repeat``, after one warm-up): the dashboard's first
page, a sorted page (by score, page 3), a filtered page (qualified only), and
``GET /api/v1/jobs/{id}/ranking?limit=10``; CPU time per request from ``time.process_time``
(the app runs in this process). Memory: this process's RSS after the requests and its growth
during them (VmHWM reset through /proc/self/clear_refs), per job size, to show it stays flat.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from ats_match import db  # noqa: E402
from ats_match.models import (  # noqa: E402
    Application,
    Candidate,
    Credential,
    Job,
    Organization,
    RequirementSet,
    Role,
    Score,
    User,
    VerificationResult,
)
from ats_match.security import new_api_key  # noqa: E402
from rules import CandidateEvidence, compile_requirement_set, load_requirement_set  # noqa: E402

BASELINE = "wave 1: 12-26 s and ~16 s CPU to open a 10,000-application job; server RSS 1.16 GB"
TARGET = "target: < 200 ms per request, memory flat in the job size"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CHUNK = 5000


def fresh_database() -> str:
    name = f"atsm_bench_web_{uuid.uuid4().hex[:8]}"
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
        name = url.rsplit("/", 1)[1]
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def explanation() -> dict[str, Any]:
    """A real explanation (the data analyst example scored for one applicant), as stored."""
    rs = load_requirement_set(ROOT / "rules/examples/data_analyst.yaml")
    compiled = compile_requirement_set(rs, datetime.now(UTC).date())
    evidence = CandidateEvidence(candidate_id="x", name="x", credentials=[], skills=[])
    return compiled.explain(evidence).model_dump(mode="json")


def seed(engine: sa.Engine, n: int) -> tuple[str, uuid.UUID]:
    """An organisation, a recruiter's API key and a job with ``n`` scored applications."""
    rs = load_requirement_set(ROOT / "rules/examples/data_analyst.yaml")
    with Session(engine, expire_on_commit=False) as session:
        org = Organization(name=f"Bench {n}", slug=f"bench-{uuid.uuid4().hex[:6]}")
        session.add(org)
        session.flush()
        key, key_hash = new_api_key()
        session.add(
            User(
                organization_id=org.id,
                email="r@x.example",
                role=Role.RECRUITER,
                api_key_hash=key_hash,
            )
        )
        job = Job(organization_id=org.id, title=f"Analyst ({n})")
        session.add(job)
        session.flush()
        reqs = RequirementSet(
            organization_id=org.id,
            job_id=job.id,
            version=1,
            name=rs.name or rs.id,
            body=rs.model_dump(mode="json", exclude_none=True),
        )
        session.add(reqs)
        session.commit()
    body = explanation()
    form = {"achievement": {"name": "Python for Data Analysis"}, "issuer": {"name": "Example U"}}
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for start in range(0, n, CHUNK):
            rows = range(start, min(n, start + CHUNK))
            cands = [
                {
                    "id": uuid.uuid4(),
                    "organization_id": org.id,
                    "name": f"Applicant {i}",
                    "emails": [f"a{i}@x.example"],
                    "dids": [],
                    "created_at": now,
                }
                for i in rows
            ]
            apps = [
                {
                    "id": uuid.uuid4(),
                    "organization_id": org.id,
                    "candidate_id": c["id"],
                    "job_id": job.id,
                    "status": "scored",
                    "answers": {},
                    "external_id": f"app-{i}",
                    "applied_at": now - timedelta(days=i % 60),
                    "created_at": now,
                }
                for i, c in zip(rows, cands, strict=True)
            ]
            creds = [
                {
                    "id": uuid.uuid4(),
                    "organization_id": org.id,
                    "application_id": a["id"],
                    "format": "ob3-jwt",
                    "digest": uuid.uuid4().hex * 2,
                    "raw": b"x",
                    "form": form,
                    "created_at": now,
                }
                for a in apps
                for _ in range(2)
            ]
            verdicts = [
                {
                    "id": uuid.uuid4(),
                    "organization_id": org.id,
                    "credential_id": c["id"],
                    "status": "verified" if j % 5 else "failed",
                    "checks": [],
                    "verified_at": now,
                    "attempt": 1,
                }
                for j, c in enumerate(creds)
            ]
            scores = []
            for i, a in zip(rows, apps, strict=True):
                total = (i * 37) % 101
                qualified, shortlisted = total >= 50, total >= 80
                knocked = i % 17 == 0
                scores.append(
                    {
                        "id": uuid.uuid4(),
                        "organization_id": org.id,
                        "application_id": a["id"],
                        "requirement_set_id": reqs.id,
                        "requirement_set_version": 1,
                        "total": total,
                        "max_total": 100,
                        "normalised": float(total),
                        "qualified": qualified,
                        "shortlisted": shortlisted,
                        "knocked_out": knocked,
                        "tier": 3 if knocked else 0 if shortlisted else 1 if qualified else 2,
                        "not_evaluable": i % 3,
                        "explanation": body,
                        "scored_at": now,
                    }
                )
            for model, values in (
                (Candidate, cands),
                (Application, apps),
                (Credential, creds),
                (VerificationResult, verdicts),
                (Score, scores),
            ):
                connection.execute(sa.insert(model.__table__), values)  # type: ignore[attr-defined]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))  # the steady state autovacuum keeps
    return key, job.id


def rss_kib() -> tuple[int, int]:
    status = Path("/proc/self/status").read_text().splitlines()
    values = {line.split(":")[0]: int(line.split()[1]) for line in status if line.startswith("Vm")}
    return values["VmRSS"], values["VmHWM"]


def reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def dashboard_session(engine: Any, job_id: uuid.UUID) -> str:
    """A signed-in dashboard session for the job's recruiter (as the sign-in form opens one)."""
    from ats_match.services.signin import open_session

    with Session(engine, expire_on_commit=False) as session:
        job = session.get(Job, job_id)
        assert job is not None
        user = session.exec(
            select(User).where(col(User.organization_id) == job.organization_id)
        ).one()
        token, _ = open_session(session, user)
        session.commit()
    return token


def time_requests(client: Any, key: str, job_id: uuid.UUID, repeat: int) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {key}"}
    requests = {
        "dashboard first page": f"/jobs/{job_id}",
        "dashboard sorted page": f"/jobs/{job_id}?sort=score&page=3",
        "dashboard filtered page": f"/jobs/{job_id}?qualified=1",
        "API ranking limit=10": f"/api/v1/jobs/{job_id}/ranking?limit=10",
    }
    out = {}
    for name, path in requests.items():
        walls, cpus = [], []
        for attempt in range(repeat + 1):
            cpu, wall = time.process_time(), time.perf_counter()
            response = client.get(path, headers=headers)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            assert response.status_code == 200, (path, response.status_code, response.text[:300])
            if attempt:
                walls.append(wall)
                cpus.append(cpu)
        out[name] = (statistics.median(walls), max(walls), statistics.median(cpus))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    url = fresh_database()
    os.environ["ATS_MATCH_DATABASE_URL"] = url
    os.environ["ATS_MATCH_BROKER_URL"] = "memory://"
    from fastapi.testclient import TestClient

    from ats_match.settings import get_settings
    from web.app import create_app
    from web.deps import SESSION_COOKIE

    get_settings.cache_clear()
    engine = db.make_engine(url)
    results = []
    try:
        with TestClient(create_app()) as client:
            for n in args.sizes:
                started = time.perf_counter()
                key, job_id = seed(engine, n)
                print(f"seeded {n:,} scored applications in {time.perf_counter() - started:.1f} s")
                client.cookies.set(SESSION_COOKIE, dashboard_session(engine, job_id))
                reset_peak()
                before, _ = rss_kib()
                timings = time_requests(client, key, job_id, args.repeat)
                after, peak = rss_kib()
                results.append((n, timings, after, peak - before))
    finally:
        engine.dispose()
        if not args.keep:
            drop_database(url)
    print(f"\n{'request':<26}{'apps':>9}{'median ms':>11}{'worst ms':>10}{'CPU ms':>8}")
    for n, timings, _, _ in results:
        for name, (median, worst, cpu) in timings.items():
            print(f"{name:<26}{n:>9,}{median * 1000:>11.1f}{worst * 1000:>10.1f}{cpu * 1000:>8.1f}")
    for n, _, rss, growth in results:
        print(
            f"memory at {n:>7,} applications: RSS {rss / 1024:.0f} MiB, peak growth during the requests {growth / 1024:.1f} MiB"
        )
    print(BASELINE)
    print(TARGET)


if __name__ == "__main__":
    main()
