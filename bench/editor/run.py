"""The requirement editor's server time: its pages and forms beside the job page (the
recruiter's ranking, the baseline) in the same run, on a job with the seeded applicants plus
``--extra`` scored ones (SQLite file, the app in process through ``TestClient``).

Run:  .venv/bin/python bench/editor/run.py [--extra 0 1000] [--repeat 15] [--one-by-one]

``--one-by-one`` reads the preview's evidence as before (four queries per application), the
baseline of the batched read.

Per request: median wall time and CPU time (``time.process_time``; the app runs in this
process) over ``--repeat`` after one warm-up. The first type-ahead of a process also builds
the label-prefix index; its cost is printed once.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
YAML = (ROOT / "rules/examples/data_analyst.yaml").read_text()


def _setup(extra: int) -> tuple[str, Any]:
    from sqlmodel import Session

    from ats_match import db
    from tests.web.more_seed import add_many_scored
    from tests.web.seed import seed_org
    from tests.web.test_browser_editor import _add_hiring_manager

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-editor')) / 'app.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        seeded = seed_org(session)
        session.commit()
    engine.dispose()
    _add_hiring_manager(url, seeded)
    if extra:
        add_many_scored(url, seeded.job_id, extra)
    return url, seeded


def _timed(call: Callable[[], Any], repeat: int) -> tuple[float, float]:
    call()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        response = call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert response.status_code in (200, 204, 303), response.status_code
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def _one_by_one() -> None:
    """The what-if's evidence read as before: ``application_evidence`` per application."""
    import web.drafts
    from worker.evidence import application_evidence

    def loop(session: Any, applications: Any) -> list[Any]:
        return [application_evidence(session, a) for a in applications]

    setattr(web.drafts, "many_evidence", loop)  # noqa: B010  (patched for this process only)


def run(extra: int, repeat: int) -> None:
    url, seeded = _setup(extra)
    os.environ["ATS_MATCH_DATABASE_URL"] = url
    from fastapi.testclient import TestClient

    from ats_match.settings import get_settings
    from tests.web.browse import form_token, sign_in
    from web.app import create_app

    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        sign_in(client, "hana@example.org")
        base = f"/jobs/{seeded.job_id}/requirements"
        token = form_token(client, base)
        client.post(base + "/save", data={"yaml": YAML, "csrf_token": token})
        started = time.process_time()
        client.get(base + "/skills", params={"skill_query": "pyth"})
        print(f"first type-ahead of the process: {time.process_time() - started:.2f} s CPU")

        def post(path: str) -> Callable[[], Any]:
            return lambda: client.post(base + path, data={"yaml": YAML, "csrf_token": token})

        requests: dict[str, Callable[[], Any]] = {
            "job page (baseline)": lambda: client.get(f"/jobs/{seeded.job_id}"),
            "editor page": lambda: client.get(base),
            "check": post("/check"),
            "preview": post("/preview"),
            "type-ahead 'SQL'": lambda: client.get(base + "/skills", params={"skill_query": "SQL"}),
            "type-ahead 'pyth'": lambda: client.get(
                base + "/skills", params={"skill_query": "pyth"}
            ),
            "occupations": lambda: client.get(
                base + "/occupations", params={"occupation_query": "data analyst"}
            ),
            "diff v1 -> v2": lambda: client.get(base + "/diff", params={"old": 1, "new": 2}),
        }
        print(f"\n{2 + extra} applicants, median of {repeat}")
        print(f"| {'request':22s} | wall ms | CPU ms |\n|{'-' * 24}|--------:|-------:|")
        for name, call in requests.items():
            wall, cpu = _timed(call, repeat)
            print(f"| {name:22s} | {wall:7.1f} | {cpu:6.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extra", type=int, nargs="+", default=[0, 1000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--one-by-one", action="store_true", help="the preview's evidence as before (baseline)"
    )
    args = parser.parse_args()
    if args.one_by_one:
        _one_by_one()
    import logging

    logging.disable(logging.INFO)
    for extra in args.extra:
        run(extra, args.repeat)


if __name__ == "__main__":
    main()
