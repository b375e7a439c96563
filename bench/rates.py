"""The table two verification benches print: per row, the median pass of interleaved rounds as
CPU µs per credential, CPU credentials per second and wall credentials per second."""

from __future__ import annotations

import statistics


def print_rates(samples: dict[str, list[tuple[float, float]]], n: int, rounds: int) -> None:
    """``samples``: per row, one (CPU seconds, wall seconds) pair per pass over ``n`` items."""
    print(f"n={n} per pass, {rounds} interleaved rounds, median pass")
    print(f"{'row':24} {'CPU µs/cred':>12} {'CPU creds/s':>12} {'wall creds/s':>13}")
    for name, rows in samples.items():
        cpu = statistics.median(c for c, _ in rows) / n
        wall = statistics.median(w for _, w in rows) / n
        print(f"{name:24} {cpu * 1e6:12.0f} {1 / cpu:12.0f} {1 / wall:13.0f}")
