"""Mutated real inputs never crash extraction: each yields forms or typed errors, nothing else."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from ats_match.formats import extract_bytes
from ats_match.formats.model import ExtractionErrorCode
from tests.support.baking import bake_png, bake_svg, bundle_clr, ob2_assertion


def samples(ob3_doc: dict[str, Any], ob3_jwt: str) -> dict[str, bytes]:
    return {
        "ob2-json": json.dumps(ob2_assertion()).encode(),
        "ob2-png": bake_png(ob2_assertion()),
        "ob3-svg": bake_svg(ob3_doc, ob3=True),
        "ob3-jwt": ob3_jwt.encode(),
        "clr": json.dumps(bundle_clr([ob3_doc, ob3_jwt])).encode(),
    }


def mutate(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    choice = rng.randrange(3)
    if choice == 0:  # flip bytes
        for _ in range(rng.randint(1, 8)):
            buffer[rng.randrange(len(buffer))] = rng.randrange(256)
    elif choice == 1:  # truncate
        del buffer[rng.randrange(1, len(buffer)) :]
    else:  # duplicate a slice
        start = rng.randrange(len(buffer))
        buffer[start:start] = buffer[start : start + rng.randint(1, 64)]
    return bytes(buffer)


@pytest.mark.parametrize("kind", ["ob2-json", "ob2-png", "ob3-svg", "ob3-jwt", "clr"])
def test_mutations_never_crash(kind: str, ob3_doc: dict[str, Any], ob3_jwt: str) -> None:
    rng = random.Random(kind)
    original = samples(ob3_doc, ob3_jwt)[kind]
    for _ in range(150):
        result = extract_bytes(mutate(original, rng), source=kind)
        assert result.credentials or result.errors or result.links
        assert all(e.code != ExtractionErrorCode.UNSUPPORTED for e in result.errors), result.errors
