"""Peak memory and CPU time of a block, for the bench/rules scripts (no engine imports)."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class PeakRss:
    """Peak RSS growth (MiB) inside a block; Linux only (VmHWM reset via clear_refs)."""

    def __enter__(self) -> PeakRss:
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")
        self.start = _status_kb("VmRSS")
        return self

    def __exit__(self, *exc: object) -> None:
        self.mib = max(0, _status_kb("VmHWM") - self.start) / 1024


class Timer:
    """Wall and CPU time (this process) of a block, in seconds."""

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
