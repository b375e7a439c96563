"""Manual intake cost: ``POST /api/v1/applications`` uploads beside signed webhook deliveries of
the same content (the peer: the path both share), against a real ``ats-match serve`` from a
second process on loopback, on PostgreSQL (broker: a private Redis) and on the SQLite default;
then ``ats-match import`` of a folder, first run and re-run. Run from the repository root::

    PYTHONPATH=. .venv/bin/python bench/intake/run.py                    # both backends
    PYTHONPATH=. .venv/bin/python bench/intake/run.py --backend postgres --n 2000

Per backend: an admin creates a job and a generic integration through the API. ``--n`` webhook
deliveries, each one application with one VC-JWT attachment (base64 in JSON), then ``--n``
multipart uploads of the same JWT file for distinct candidates: accepted/s, p50/p99 and **server
CPU per request** (user+system time of the server's processes from /proc, the relay's batched
publish included). Every upload is then sent again (a double submit): the inbox must hold one
delivery per distinct upload. Last, ``ats-match import`` over ``--import-n`` candidate folders
(CPU of the command per candidate, from ``RUSAGE_CHILDREN``, less the same command's start-up over
an empty folder), then the same command again: all skipped, nothing stored twice.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "ingest"))

import run as ingest  # noqa: E402 - bench/ingest/run.py: server, broker, database, CPU helpers

from ats_match import db  # noqa: E402
from ats_match.webhook_signing import headers as signed_headers  # noqa: E402

BOUNDARY = "----ats-match-bench-boundary"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--n", type=int, default=1000, help="requests timed per path")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--import-n", type=int, default=200, help="candidate folders imported")
    args = parser.parse_args()
    backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
    results = [run_backend(b, args) for b in backends]
    print()
    print(
        f"{'backend':9} {'path':9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms/req':>10} "
        f"{'stored once':>11}"
    )
    for r in results:
        for path in ("webhook", "upload"):
            p = r[path]
            print(
                f"{r['backend']:9} {path:9} {p['rate']:7.0f} {p['p50']:7.1f} {p['p99']:7.1f} "
                f"{p['cpu_ms']:10.2f} {p.get('stored_once', '-')!s:>11}"
            )
        i = r["import"]
        print(
            f"{r['backend']:9} {'import':9} {i['rate']:7.0f} {'':7} {'':7} {i['cpu_ms']:10.2f} "
            f"{i['rerun_all_skipped']!s:>11}   (candidates/s; re-run {i['rerun_s']:.1f} s)"
        )
    print(json.dumps(results))


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp,
        ingest._database(backend, tmp) as url,
    ):
        db.upgrade(url)
        key = ingest._admin_key(url)
        token = _token()
        with (
            ingest._broker(backend, Path(tmp)) as broker,
            ingest._server(url, broker, tmp, args.workers) as port,
        ):
            job_id = _post_json(port, key, "/api/v1/jobs", {"title": "Data Analyst"})["id"]
            hook = _post_json(port, key, "/api/v1/integrations", {"name": "B", "vendor": "generic"})
            hook_path = f"/webhooks/{hook['id']}"
            _timed(port, hook_path, _deliveries(hook["webhook_secret"], token, args.warmup), args)
            webhook = _timed(
                port, hook_path, _deliveries(hook["webhook_secret"], token, args.n), args, url
            )
            auth = {"authorization": f"Bearer {key}"}
            warm = _uploads(auth, job_id, token, args.warmup, "warm")
            _timed(port, "/api/v1/applications", warm, args)
            uploads = _uploads(auth, job_id, token, args.n, "u")
            upload = _timed(port, "/api/v1/applications", uploads, args, url)
            again = ingest._send(port, "/api/v1/applications", uploads, args.concurrency)
            stored = _count(url, "manual")
            upload["stored_once"] = stored == args.n + args.warmup and set(again["statuses"]) == {
                "202"
            }
        imported = _import(url, tmp, job_id, token, args.import_n, broker_dir=tmp)
    result = {"backend": backend, "webhook": webhook, "upload": upload, "import": imported}
    print(f"{backend}: {json.dumps(result)}", flush=True)
    return result


def _timed(
    port: int, path: str, requests: list[Any], args: argparse.Namespace, url: str | None = None
) -> dict[str, Any]:
    before = ingest._server_cpu(port)
    load = ingest._send(port, path, requests, args.concurrency)
    if url is not None:
        ingest._wait_relayed(url)
    cpu = ingest._server_cpu(port) - before
    latencies = sorted(load["latencies_ms"])
    accepted = sum(n for code, n in load["statuses"].items() if code.startswith("2"))
    return {
        "sent": len(requests),
        "accepted": accepted,
        "statuses": load["statuses"],
        "rate": accepted / load["wall_s"],
        "p50": ingest._percentile(latencies, 50),
        "p99": ingest._percentile(latencies, 99),
        "cpu_ms": cpu * 1000 / len(requests),
    }


def _token() -> str:
    from tests.worker.conftest import genuine_tokens

    return genuine_tokens(1)[0]


def _deliveries(secret: str, token: str, n: int) -> list[tuple[dict[str, str], str]]:
    run = uuid.uuid4().hex[:8]
    attachment = {"filename": "b.jwt", "content_base64": base64.b64encode(token.encode()).decode()}
    out = []
    for i in range(n):
        body = json.dumps(
            {
                "type": "application.created",
                "data": {
                    "application": {"id": f"a-{run}-{i}", "attachments": [attachment]},
                    "candidate": {"id": f"c-{run}-{i}", "name": "Ada", "email": f"{i}@x.org"},
                    "job": {"id": "job-da", "title": "Data Analyst"},
                },
            }
        ).encode()
        headers = signed_headers(secret, f"evt-{run}-{i}", int(time.time()), body)
        headers["content-type"] = "application/json"
        out.append((headers, base64.b64encode(body).decode()))
    return out


def _uploads(
    auth: dict[str, str], job_id: str, token: str, n: int, prefix: str
) -> list[tuple[dict[str, str], str]]:
    run = uuid.uuid4().hex[:8]
    headers = {**auth, "content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    return [
        (headers, base64.b64encode(_multipart(job_id, f"{prefix}-{run}-{i}@x.org", token)).decode())
        for i in range(n)
    ]


def _multipart(job_id: str, email: str, token: str) -> bytes:
    parts = [
        _field("job_id", job_id),
        _field("candidate_name", "Ada Lovelace"),
        _field("candidate_email", email),
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="b.jwt"\r\n'
            f"Content-Type: text/plain\r\n\r\n{token}\r\n"
        ),
    ]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


def _field(name: str, value: str) -> str:
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'


def _post_json(port: int, key: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"authorization": f"Bearer {key}", "content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.loads(response.read()))


def _import(url: str, tmp: str, job_id: str, token: str, n: int, broker_dir: str) -> dict[str, Any]:
    folder = Path(tmp) / "import"
    for i in range(n):
        (folder / f"p{i}@x.org").mkdir(parents=True)
        (folder / f"p{i}@x.org" / "b.jwt").write_text(token)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ATS_MATCH_DATABASE_URL": url,
        "ATS_MATCH_BROKER_URL": "memory://",  # the relay's publish is not what is measured
        "ATS_MATCH_DATA_DIR": broker_dir,
    }
    empty = Path(tmp) / "empty"
    empty.mkdir()
    command = [sys.executable, "-m", "ats_match.cli.main", "import"]
    _, start_s, start_cpu = _command([*command, str(empty), "--job", job_id, "--json"], env)
    first, first_s, cpu = _command([*command, str(folder), "--job", job_id, "--json"], env)
    second, rerun_s, _ = _command([*command, str(folder), "--job", job_id, "--json"], env)
    return {
        "candidates": n,
        "imported": first["imported"],
        "rate": n / max(first_s - start_s, 1e-9),
        "cpu_ms": (cpu - start_cpu) * 1000 / n,
        "startup_cpu_s": start_cpu,
        "rerun_all_skipped": second["skipped"] == n and second["imported"] == 0,
        "rerun_s": rerun_s,
    }


def _command(argv: list[str], env: dict[str, str]) -> tuple[dict[str, Any], float, float]:
    """The command's JSON summary, wall seconds and CPU seconds (it is our only child then)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr.decode()[-2000:])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return dict(json.loads(done.stdout)), wall, cpu


def _count(url: str, vendor: str) -> int:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            sa.text(
                "SELECT count(*) FROM webhook_delivery d JOIN integration i "
                "ON i.id = d.integration_id WHERE i.vendor = :vendor"
            ),
            {"vendor": vendor},
        ).scalar_one()
    engine.dispose()
    return int(found)


if __name__ == "__main__":
    main()
