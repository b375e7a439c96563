"""Hostile files, as an applicant uploads them: the verifier on the file's bytes must end with a
typed refusal, nothing genuine, memory bounded and nothing fetched."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable

import pytest

from tests.attacks.support import verify_bytes
from tests.formats.test_hostile import (
    billion_laughs,
    declared_200mb_idat,
    declared_200mb_itxt,
    external_entity,
    idat_past_end,
    itxt_bomb,
)
from tests.support.baking import bake_png, bake_svg, chunk, itxt, plain_png
from tests.support.signing import TestKey, forge_unsigned_jwt, ob3_credential, sign_vc_jwt

pytestmark = pytest.mark.attack("files")

MAX_PEAK_BYTES = 40 * 1024 * 1024


def _genuine_token() -> str:
    key = TestKey.generate("Ed25519")
    return sign_vc_jwt(ob3_credential(key.did_key()), key, kid=key.did_key_vm())


def _xxe_parameter_entity() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY % remote SYSTEM '
        b'"http://127.0.0.1:9/evil.dtd"> %remote;]><svg xmlns="http://www.w3.org/2000/svg"/>'
    )


CASES: dict[str, Callable[[], bytes]] = {
    "png-compressed-itxt-bomb": itxt_bomb,
    "png-declared-200mb-itxt": declared_200mb_itxt,
    "png-declared-200mb-idat": declared_200mb_idat,
    "png-chunk-past-end": idat_past_end,
    "png-many-itxt-chunks": lambda: plain_png(
        *[chunk(b"iTXt", itxt("openbadges", "{}")) for _ in range(5000)]
    ),
    "png-truncated-genuine-badge": lambda: bake_png(_genuine_token(), ob3=True)[:-60],
    "png-baked-alg-none-token": lambda: bake_png(
        forge_unsigned_jwt(ob3_credential("did:web:victim.example")), ob3=True
    ),
    "svg-xxe-file": external_entity,
    "svg-xxe-parameter-entity": _xxe_parameter_entity,
    "svg-billion-laughs": billion_laughs,
    "svg-truncated-genuine-badge": lambda: bake_svg(_genuine_token(), ob3=True)[:-80],
    "zip-like-garbage": lambda: b"PK\x03\x04" + os.urandom(32 * 1024),
    "random-bytes": lambda: os.urandom(64 * 1024),
    "truncated-jwt": lambda: _genuine_token()[:-30].encode(),
    "utf16-bom-garbage": lambda: b"\xff\xfe" + os.urandom(4096),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_is_refused_without_harm(case: str) -> None:
    data = CASES[case]()
    tracemalloc.start()
    try:
        verdicts = verify_bytes(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not verdicts.any_genuine and not verdicts.any_verified, case
    assert verdicts.extraction.errors or verdicts.reports, "neither an error nor a verdict"
    assert all(e.detail for e in verdicts.extraction.errors)
    assert verdicts.fetched == [], verdicts.fetched
    assert peak < MAX_PEAK_BYTES, f"{case}: peak {peak} bytes"


def test_control_the_same_path_finds_a_genuine_badge_genuine() -> None:
    """Not an attack: the harness above would also see a genuine badge, so its passes mean
    something."""
    verdicts = verify_bytes(bake_png(_genuine_token(), ob3=True))
    assert verdicts.any_genuine and not verdicts.extraction.errors
