"""The ingest bench runs end to end with a small N (a real ``ats-match serve`` on SQLite, the
load from a second process), keeps exactly-once, and leaves no server behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO_ROOT


def test_ingest_bench_smoke_on_sqlite() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("ATS_MATCH_DATABASE_URL", None)
    done = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "bench/ingest/run.py"),
            "--backend",
            "sqlite",
            "--n",
            "60",
            "--warmup",
            "10",
            "--workers",
            "1",
            "--concurrency",
            "4",
        ],
        env=env,
        capture_output=True,
        timeout=300,
        check=True,
    )
    [result] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert result["accepted"] == 60 and result["exactly_once"], result
    assert result["cpu_ms"] > 0
