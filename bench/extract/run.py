"""Extraction throughput per format and peak memory, side by side with ``openbadges-bakery``.

Run from the repository root::

    .venv/bin/python bench/extract/run.py            # about 1 minute on 2 vCPU
    .venv/bin/python bench/extract/run.py --quick    # short slices, for a smoke test

What it measures, one thread, on inputs built with the test helpers (sign, bake, bundle):

- ``extract``: :func:`ats_match.formats.extract_bytes`, the whole path (sniff, unwrap, bounded
  JSON, parse into :class:`CredentialForm`), in documents per second, for OB 2.0 JSON / JWS /
  PNG / SVG, OB 3.0 JSON (Data Integrity proof) / VC-JWT / PNG / SVG and a CLR 2.0 bundle (one
  JSON and one VC-JWT nested: one document, three forms);
- ``unbake``: only our chunk walk / SVG scan (:func:`png.baked_texts`, :func:`svg.baked_values`),
  the same job ``openbadges_bakery.unbake`` does, on the same image bytes;
- ``bakery``: ``openbadges_bakery.unbake`` (pypng / minidom) on the same images. It reads only the
  OB 2.0 keyword/element; on OB 3.0 images it finds nothing (PNG) or raises (SVG): reported.
- every contender on a format runs in 5 alternating slices and the median is reported (the
  machine is shared and noisy);
- peak memory: ``tracemalloc`` peak while extracting 100 documents of each format, and the
  process's maximum RSS at the end.

PNG inputs are the 1EdTech ``ob30/simple-json.png`` image (84 KB) re-baked with each payload;
SVGs are made by ``tests.support.baking.bake_svg``. Writes JSON to
``bench/results/extract-<UTC time>.json`` (gitignored) and prints a table.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import resource
import statistics
import struct
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ats_match.formats import Limits, extract_bytes  # noqa: E402
from ats_match.formats import png as ob_png  # noqa: E402
from ats_match.formats import svg as ob_svg  # noqa: E402
from tests.support.baking import bake_svg, bundle_clr, chunk, itxt, ob2_assertion  # noqa: E402
from tests.support.ob2 import rsa_key, sign  # noqa: E402
from tests.support.shared import shared_dir  # noqa: E402
from tests.support.signing import (  # noqa: E402
    TestKey,
    ob3_credential,
    sign_data_integrity,
    sign_vc_jwt,
)


def strip_badge_chunks(image: bytes) -> tuple[bytes, bytes]:
    """``(IHDR part, rest)`` of a PNG with every text chunk removed."""
    position, head, rest = 8, image[:8], b""
    while position < len(image):
        (length,) = struct.unpack(">I", image[position : position + 4])
        kind = image[position + 4 : position + 8]
        end = position + 12 + length
        if kind == b"IHDR":
            head += image[position:end]
        elif kind not in (b"iTXt", b"tEXt", b"zTXt"):
            rest += image[position:end]
        position = end
    return head, rest


def bake_real_png(base: bytes, payload: str, keyword: str) -> bytes:
    head, rest = strip_badge_chunks(base)
    return head + chunk(b"iTXt", itxt(keyword, payload)) + rest


def inputs() -> dict[str, bytes]:
    """One document per format; PNGs on a real 84 KB badge image."""
    base = (shared_dir() / "conformance/1edtech/ob30/simple-json.png").read_bytes()
    rsa, ed = rsa_key(), TestKey.generate("Ed25519")
    ob2 = ob2_assertion()
    ob2_jws = sign(ob2_assertion(signed=True), rsa)
    ob3 = sign_data_integrity(ob3_credential(ed.did_key()), ed, ed.did_key_vm())
    ob3_jwt = sign_vc_jwt(ob3_credential(ed.did_key()), ed, kid=ed.did_key_vm())
    clr = bundle_clr([ob3, ob3_jwt])
    return {
        "OB2 JSON": json.dumps(ob2).encode(),
        "OB2 JWS": ob2_jws.encode(),
        "OB2 PNG": bake_real_png(base, json.dumps(ob2), "openbadges"),
        "OB2 SVG": bake_svg(ob2),
        "OB3 JSON": json.dumps(ob3).encode(),
        "OB3 JWT": ob3_jwt.encode(),
        "OB3 PNG": bake_real_png(base, json.dumps(ob3), "openbadgecredential"),
        "OB3 SVG": bake_svg(ob3, ob3=True),
        "CLR": json.dumps(clr).encode(),
    }


def rate(work: Callable[[], object], seconds: float) -> float:
    """Calls per second over at least ``seconds`` (after one warm-up call)."""
    work()
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(20):
            work()
        count += 20
    return count / elapsed


def interleaved(works: dict[str, Callable[[], object]], seconds: float) -> dict[str, float]:
    """Median rate of each contender over ``ROUNDS`` alternating slices.

    The machine is shared: alternating short slices exposes every contender to the same noise,
    and the median drops slices that a neighbour's burst spoiled."""
    samples: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(ROUNDS):
        for name, work in works.items():
            samples[name].append(rate(work, seconds / ROUNDS))
    return {name: statistics.median(values) for name, values in samples.items()}


def peak_bytes(work: Callable[[], object], calls: int = 100) -> int:
    tracemalloc.start()
    try:
        for _ in range(calls):
            work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def our_extract(data: bytes) -> Callable[[], object]:
    def run() -> object:
        result = extract_bytes(data, limits=LIMITS)
        assert result.credentials and not result.errors, result.errors
        return result

    return run


def our_unbake(data: bytes) -> Callable[[], object]:
    if data.startswith(ob_png.SIGNATURE):
        return lambda: ob_png.baked_texts(io.BytesIO(data), LIMITS)
    return lambda: ob_svg.baked_values(data, LIMITS)


def bakery_unbake(data: bytes) -> Callable[[], object]:
    from openbadges_bakery import unbake

    return lambda: unbake(io.BytesIO(data))


def bakery_status(data: bytes) -> str:
    try:
        found = bakery_unbake(data)()
    except Exception as exc:
        return f"raises {type(exc).__name__}"
    return "ok" if found else "finds nothing"


LIMITS = Limits()
ROUNDS = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seconds = 0.3 if args.quick else 2.0
    rows: list[dict[str, Any]] = []
    for name, data in inputs().items():
        row: dict[str, Any] = {"format": name, "bytes": len(data)}
        works = {"extract_per_s": our_extract(data)}
        if name.endswith(("PNG", "SVG")):
            works["unbake_per_s"] = our_unbake(data)
            row["bakery_status"] = bakery_status(data)
            if row["bakery_status"] == "ok":
                works["bakery_per_s"] = bakery_unbake(data)
                row["bakery_peak_kib"] = peak_bytes(bakery_unbake(data)) / 1024
        row.update(interleaved(works, seconds * len(works)))
        row["extract_peak_kib"] = peak_bytes(our_extract(data)) / 1024
        rows.append(row)
        print_row(row)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {maxrss:.1f} MiB")
    write(rows, maxrss, args.quick)


def print_row(row: dict[str, Any]) -> None:
    def num(key: str) -> str:
        return f"{row[key]:>10.0f}" if key in row else f"{'-':>10}"

    def kib(key: str) -> str:
        return f"{row[key]:>9.0f}" if key in row else f"{'-':>9}"

    if row["format"] == "OB2 JSON":
        print(
            f"{'format':<9} {'bytes':>7} {'extract/s':>10} {'peak KiB':>9} {'unbake/s':>10} "
            f"{'bakery/s':>10} {'bak.KiB':>9}  bakery"
        )
    print(
        f"{row['format']:<9} {row['bytes']:>7} {num('extract_per_s')} {kib('extract_peak_kib')} "
        f"{num('unbake_per_s')} {num('bakery_per_s')} {kib('bakery_peak_kib')}  "
        f"{row.get('bakery_status', '')}"
    )


def write(rows: list[dict[str, Any]], maxrss: float, quick: bool) -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = {
        "when": stamp,
        "quick": quick,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "max_rss_mib": maxrss,
        "rows": rows,
    }
    path = out / f"extract-{stamp}.json"
    path.write_text(json.dumps(payload, indent=2))
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
