"""bench/verify/run.py runs end to end on tiny inputs (a smoke test, not a measurement)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "verify"


@pytest.mark.slow
def test_verify_bench_runs_on_small_inputs() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import run as bench  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCH))
    vc = bench.vc_inputs(20, 5, 3)
    mine, lib = bench.in_process(
        vc, {"signed": [], "hosted": []}, 0.05, formats=("vc-jwt-bytes", "di-eddsa-rdfc-2022")
    )
    assert mine["vc-jwt-bytes"]["verdict"] == "verified"
    assert mine["di-eddsa-rdfc-2022"]["tampered_verdict"] == "failed"
    assert mine["vc-jwt-bytes"]["cpu_us"] > 0 and lib["vc-jwt-bytes"]["cpu_rate"]


@pytest.mark.slow
def test_verify_bench_times_the_ceiling_for_a_row_without_vc_jwt() -> None:
    """``run.py --only di-eddsa-rdfc-2022`` once failed with ``KeyError: 'ed25519-raw'``."""
    sys.path.insert(0, str(BENCH))
    try:
        import run as bench  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCH))
    vc = bench.vc_inputs(2, 3, 1)
    mine, _ = bench.in_process(
        vc, {"signed": [], "hosted": []}, 0.05, formats=("di-eddsa-rdfc-2022",)
    )
    assert mine["ed25519-raw"]["cpu_rate"] > 0
    assert mine["di-eddsa-rdfc-2022"]["verdict"] == "verified"
