"""bench/web runs end to end with a small job (the benchmark itself is not a test)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import PG_HOST, PG_PORT, REPO_ROOT, need_service
from tests.support.processes import product_env

pytestmark = [pytest.mark.postgres]


def test_bench_web_prints_every_request_for_a_small_job() -> None:
    need_service("PostgreSQL", PG_HOST, PG_PORT)
    done = subprocess.run(
        [sys.executable, "bench/web/run.py", "--sizes", "300", "--repeat", "1"],
        cwd=REPO_ROOT,
        env=product_env(PYTHONPATH=str(REPO_ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    for line in ("dashboard first page", "dashboard sorted page", "API ranking limit=10"):
        assert line in done.stdout, done.stdout + done.stderr
    assert "wave 1:" in done.stdout and "memory at" in done.stdout
