"""Ingest throughput: signed webhook deliveries from a second process on loopback against a real
``ats-match serve``, on PostgreSQL (broker: a private Redis) and on the SQLite default (embedded
broker). Run from the repository root::

    PYTHONPATH=. .venv/bin/python bench/ingest/run.py                   # both backends
    PYTHONPATH=. .venv/bin/python bench/ingest/run.py --backend postgres --n 5000 --workers 2

Per backend: an integration is created through the admin API and its generated secret signs
every delivery (Standard Webhooks, the ``standardwebhooks`` library); a warm-up, then ``--n``
distinct deliveries at ``--concurrency`` keep-alive connections: accepted/s, p50/p99 latency and
**server CPU per delivery** (user+system time of the server's processes, read from /proc before
and after, the relay's batched broker publish included: the reading is taken once every
delivery has been relayed). Then every delivery is sent 3 more times (the ATS redelivering) and
the inbox is counted: it must equal the number of distinct deliveries sent.
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
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ats_match import db  # noqa: E402
from ats_match.webhook_signing import headers as signed_headers  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BASELINE = "wave-1 baseline: 35-58/s, p99 0.8-2.5 s, 5-17 ms server CPU/delivery"
TICKS = os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--n", type=int, default=3000, help="distinct deliveries timed")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--warmup", type=int, default=300)
    args = parser.parse_args()
    backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
    results = [run_backend(b, args) for b in backends]
    print()
    print(
        f"{'backend':10} {'accepted/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/dlv':>11} "
        f"{'inbox=sent':>11}"
    )
    for r in results:
        print(
            f"{r['backend']:10} {r['rate']:11.0f} {r['p50']:8.1f} {r['p99']:8.1f} "
            f"{r['cpu_ms']:11.3f} {r['exactly_once']!s:>11}"
        )
    print(BASELINE)
    print("targets (PostgreSQL): >= 1,000/s, p99 < 50 ms, <= 1 ms server CPU/delivery")
    print(json.dumps(results))


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp, _database(backend, tmp) as url:
        db.upgrade(url)
        key = _admin_key(url)
        with _broker(backend, Path(tmp)) as broker, _server(url, broker, tmp, args.workers) as port:
            integration = _create_integration(port, key)
            secret, path = integration["webhook_secret"], f"/webhooks/{integration['id']}"
            _send(port, path, _deliveries(secret, args.warmup, "warm"), args.concurrency)
            timed = _deliveries(secret, args.n, "evt")
            before = _server_cpu(port)
            load = _send(port, path, timed, args.concurrency)
            _wait_relayed(url)
            cpu = _server_cpu(port) - before
            redelivered = [_send(port, path, timed, args.concurrency) for _ in range(3)]
            stored = _count(url)
    latencies = sorted(load["latencies_ms"])
    accepted = sum(n for code, n in load["statuses"].items() if code.startswith("2"))
    expected = args.n + args.warmup
    again_ok = all(set(r["statuses"]) <= {"202"} for r in redelivered)
    result = {
        "backend": backend,
        "sent": args.n,
        "accepted": accepted,
        "statuses": load["statuses"],
        "rate": accepted / load["wall_s"],
        "p50": _percentile(latencies, 50),
        "p99": _percentile(latencies, 99),
        "cpu_ms": cpu * 1000 / args.n,
        "server_workers": args.workers,
        "concurrency": args.concurrency,
        "inbox_rows": stored,
        "expected_rows": expected,
        "exactly_once": stored == expected and again_ok,
    }
    print(f"{backend}: {json.dumps(result)}", flush=True)
    return result


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(len(values) * pct / 100))]


def _deliveries(secret: str, n: int, prefix: str) -> list[tuple[dict[str, str], str]]:
    run = uuid.uuid4().hex[:8]
    out = []
    for i in range(n):
        body = json.dumps(
            {
                "type": "application.created",
                "data": {
                    "application": {
                        "id": f"{prefix}-{run}-{i}",
                        "applied_at": "2026-12-01T10:00:00Z",
                    },
                    "candidate": {
                        "id": f"c-{run}-{i}",
                        "name": "Ada Lovelace",
                        "email": "ada@x.org",
                    },
                    "job": {"id": "job-da", "title": "Data Analyst"},
                },
            }
        ).encode()
        headers = signed_headers(secret, f"{prefix}-{run}-{i}", int(time.time()), body)
        headers["content-type"] = "application/json"
        out.append((headers, base64.b64encode(body).decode()))
    return out


def _send(port: int, path: str, requests: list[Any], concurrency: int) -> dict[str, Any]:
    job = {
        "host": "127.0.0.1",
        "port": port,
        "path": path,
        "requests": requests,
        "concurrency": concurrency,
    }
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("client.py"))],
        input=json.dumps(job).encode(),
        capture_output=True,
        check=True,
    )
    return dict(json.loads(done.stdout))


# -- the server and its CPU --------------------------------------------------------------------
@contextmanager
def _server(url: str, broker: str, data_dir: str, workers: int) -> Iterator[int]:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ATS_MATCH_DATABASE_URL": url,
        "ATS_MATCH_BROKER_URL": broker,
        "ATS_MATCH_DATA_DIR": data_dir,
    }
    argv = [
        sys.executable,
        "-m",
        "ats_match.cli.main",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
    ]
    log = open(Path(data_dir) / "server.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT
    )
    _SERVERS[port] = process.pid
    try:
        _wait_healthy(port, process)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


_SERVERS: dict[int, int] = {}


def _wait_healthy(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited; see server.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _server_cpu(port: int) -> float:
    """User + system seconds of the server process and all its descendants (live ones)."""
    root = _SERVERS[port]
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / TICKS
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(times.get(pid, 0.0) for pid in tree)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- database, broker, admin -------------------------------------------------------------------
@contextmanager
def _database(backend: str, tmp: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp}/ats-match.db"
        return
    name = f"bench_ingest_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def _broker(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield ""  # the embedded default
        return
    from tests.support.redis_server import PrivateRedis  # a private redis-server: no shared keys

    redis = PrivateRedis(tmp)
    redis.start()
    try:
        yield redis.url
    finally:
        redis.stop()


def _admin_key(url: str) -> str:
    from sqlmodel import Session

    from ats_match.models import Organization, Role, User
    from ats_match.security import new_api_key

    engine = db.make_engine(url)
    with Session(engine) as session:
        org = Organization(name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}")
        session.add(org)
        session.flush()
        key, key_hash = new_api_key()
        session.add(
            User(
                organization_id=org.id,
                email="admin@bench.example",
                role=Role.ADMIN,
                api_key_hash=key_hash,
            )
        )
        session.commit()
    engine.dispose()
    return key


def _create_integration(port: int, key: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/integrations",
        data=json.dumps({"name": "Bench ATS", "vendor": "generic"}).encode(),
        headers={"authorization": f"Bearer {key}", "content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.loads(response.read()))


def _wait_relayed(url: str, timeout: float = 30.0) -> None:
    engine = db.make_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                waiting = connection.execute(
                    sa.text("SELECT count(*) FROM webhook_delivery WHERE dispatched_at IS NULL")
                ).scalar()
            if not waiting:
                return
            time.sleep(0.1)
    finally:
        engine.dispose()


def _count(url: str) -> int:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        found = int(
            connection.execute(sa.text("SELECT count(*) FROM webhook_delivery")).scalar_one()
        )
    engine.dispose()
    return found


if __name__ == "__main__":
    main()
