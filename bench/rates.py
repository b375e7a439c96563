"""What two verification benches share: a warm-up, interleaved rounds of timed passes over
pools of credentials, and the table they print (per row, the median pass as CPU µs per credential, CPU
credentials per second and wall credentials per second)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping

from ats_match.formats.model import CredentialForm
from ats_match.verification import VerificationContext, verify_credential

Samples = dict[str, list[tuple[float, float]]]


def _nothing(row: str) -> None:
    return None


def warmed(
    pools: Mapping[str, list[CredentialForm]],
    context: VerificationContext,
    switch: Callable[[str], None] = _nothing,
) -> dict[str, list[CredentialForm]]:
    """Each row's first credential verified once (after ``switch(row)``), untimed, so the
    passes find the caches a worker would have warm; it must be genuine. The pools without
    it."""
    for row, pool in pools.items():
        switch(row)
        report = verify_credential(pool[0], context)
        assert report.authenticity.status == "genuine", (row, report.checks)
    return {row: pool[1:] for row, pool in pools.items()}


def interleaved_rounds(
    pools: Mapping[str, list[CredentialForm]],
    run: Callable[[str, CredentialForm], object],
    rounds: int,
    switch: Callable[[str], None] = _nothing,
) -> Samples:
    """Per row, one (CPU seconds, wall seconds) pair per round: each round passes over every
    row's pool in turn (``switch(row)`` first, untimed), so a noisy neighbour hits every row
    alike."""
    samples: Samples = {row: [] for row in pools}
    for _ in range(rounds):
        for row, pool in pools.items():
            switch(row)
            cpu, wall = time.process_time(), time.perf_counter()
            for item in pool:
                run(row, item)
            samples[row].append((time.process_time() - cpu, time.perf_counter() - wall))
    return samples


def print_rates(samples: Samples, n: int, rounds: int) -> None:
    """``samples``: per row, one (CPU seconds, wall seconds) pair per pass over ``n`` items."""
    print(f"n={n} per pass, {rounds} interleaved rounds, median pass")
    print(f"{'row':24} {'CPU µs/cred':>12} {'CPU creds/s':>12} {'wall creds/s':>13}")
    for name, rows in samples.items():
        cpu = statistics.median(c for c, _ in rows) / n
        wall = statistics.median(w for _, w in rows) / n
        print(f"{name:24} {cpu * 1e6:12.0f} {1 / cpu:12.0f} {1 / wall:13.0f}")
