"""VC-JWT from bytes, split: parse alone, verify alone, both, the floor, and raw Ed25519.

    .venv/bin/python bench/verify/bytes_split.py       # ~40 s on 2 vCPU

Best 200-token batch of CPU time (``time.process_time``) for each, every token distinct and
from its own did:key issuer (the ``vc-jwt-bytes`` inputs of ``run.py``), each token verified
once (the signature-result cache never hits). ``floor`` is the least any verifier of these
tokens must do (decode the token and the issuer's did:key, verify the signature). Meant for before/after comparisons of a change:
run it alternately in two source trees (``git archive <commit> ats_match tests bench``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("ATS_MATCH_DATA_DIR", tempfile.mkdtemp(prefix="ats-bench-"))


def best(fn: Callable[[Sequence[Any]], None], items: Sequence[Any], start: int) -> float:
    began = time.process_time()
    fn(items[start : start + 200])
    return (time.process_time() - began) / 200


def main(count: int = 6000) -> None:
    import run as bench  # bench/verify/run.py: the same inputs
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from ats_match.formats.extract import extract_bytes
    from ats_match.verification import VerificationContext, vcjwt, verify_credential
    from ats_match.verification.did import decode_multikey
    from tests.verification.vc.helpers import OfflineFetcher

    tokens = [token for _, token in bench.vc_inputs(count, 1, 1)["jwt_bytes"]]
    context = VerificationContext(fetcher=OfflineFetcher(), proven_dids=(bench.LEARNER,))
    assert verify_credential(extract_bytes(tokens[0]).credentials[0], context).status == "verified"
    half = count // 2
    raw_bytes, parsed = (
        tokens[1 : half + 1],
        [extract_bytes(t).credentials[0] for t in tokens[half + 1 :]],
    )
    key = ed25519.Ed25519PrivateKey.generate()
    public, message = key.public_key(), b"m" * 64
    signature = key.sign(message)

    def full(batch: Sequence[bytes]) -> None:
        for token in batch:
            verify_credential(extract_bytes(token).credentials[0], context)

    def verify(batch: Sequence[Any]) -> None:
        for form in batch:
            verify_credential(form, context)

    def parse(batch: Sequence[bytes]) -> None:
        for token in batch:
            extract_bytes(token)

    def raw(batch: Sequence[Any]) -> None:
        for _ in batch:
            public.verify(signature, message)

    def floor(batch: Sequence[bytes]) -> None:
        """What any verifier of these tokens must do: split and decode the token, decode the
        issuer's did:key, verify the signature. No checks, no report, no parser."""
        for token in batch:
            jwt = vcjwt.decode(token.decode())
            did = str(jwt.header["kid"]).partition("#")[0]
            key = decode_multikey(did.removeprefix("did:key:"))
            assert isinstance(key, ed25519.Ed25519PublicKey)
            key.verify(jwt.signature, jwt.signing_input)

    names = ("parse + verify", "verify (parsed)", "parse", "floor", "raw Ed25519")
    results = dict.fromkeys(names, 1.0)
    for start in range(0, half - 199, 200):
        for name, fn, items in (
            ("parse + verify", full, raw_bytes),
            ("verify (parsed)", verify, parsed),
            ("parse", parse, raw_bytes),
            ("floor", floor, raw_bytes),
            ("raw Ed25519", raw, raw_bytes),
        ):
            results[name] = min(results[name], best(fn, items, start))
    for name, seconds in results.items():
        print(f"  {name:16} {seconds * 1e6:7.1f} µs CPU  ({1 / seconds:8,.0f}/s)")
    for name in ("parse + verify", "floor"):
        print(f"  raw / ({name}) = {results['raw Ed25519'] / results[name]:.2f}")


if __name__ == "__main__":
    main()
