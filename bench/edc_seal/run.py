"""CPU time per sealed EDC: what a signature timestamp and a signed trusted list add.

Rows (each a pool of distinct EDCs sealed by their own RSA-2048 keys, parsed from bytes
beforehand, verified once each per pass with ``verify_credential``; passes interleave the rows
so a noisy neighbour hits all of them alike; each row's settings are switched in before its
pass):

- ``jades-b`` (baseline): seal, leaf at ``sigT``, 2-certificate chain at ``sigT``; no TSA
  anchors, no trusted list (qualified: not configured).
- ``jades-t``: the same seals with a ``sigTst`` token (test TSA, RSA-2048), verified with
  ``rfc3161-client`` against ``edc_tsa_anchors``; the signing time is the token's genTime.
- ``jades-t-qualified``: as ``jades-t``, plus ``edc_trusted_list`` (a signed national list,
  verified once: the parsed anchors are cached by file and mtime) and the qualified path
  validation.
- ``jades-t-untrusted-tsa``: tokens by a TSA that chains to no configured anchor (ignored).

Run: ``PYTHONPATH=. .venv/bin/python bench/edc_seal/run.py [--n 64] [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ats_match.formats.extract import extract_bytes
from ats_match.formats.model import CredentialForm
from ats_match.settings import get_settings
from ats_match.verification import VerificationContext, verify_credential
from bench.rates import interleaved_rounds, print_rates, warmed
from tests.support import edc, tsa
from tests.support import trusted_list as tl
from tests.verification.vc.helpers import OfflineFetcher

SIGNED = datetime(2024, 6, 1, tzinfo=UTC)


def _form(text: str) -> CredentialForm:
    (found,) = extract_bytes(text.encode(), source="diploma.jades.json").credentials
    return found


def _sealed(middle: edc.Authority, n: int) -> list[str]:
    texts = []
    for _ in range(n + 1):
        key = edc.rsa_key()
        leaf = edc.seal_certificate(
            middle, key, not_before=datetime(2024, 1, 1, tzinfo=UTC), not_after=SIGNED.replace(2025)
        )
        texts.append(edc.seal(edc.edc_credential(), key, [leaf, middle.cert], signed_at=SIGNED))
    return texts


def _setup(
    folder: Path, n: int
) -> tuple[dict[str, list[CredentialForm]], dict[str, dict[str, str]]]:
    root = edc.make_authority()
    middle = edc.make_authority("Bench e-Seal CA", root)
    authority = tsa.make_tsa(edc.make_authority("Bench TSA Root"))
    stranger = tsa.make_tsa(edc.make_authority("Stranger TSA Root"))
    operator = tl.make_signer()
    files = {
        "anchors.pem": root.pem,
        "tsa.pem": authority.ca.pem,
        "tl-signer.pem": operator.pem,
        "LB.xml": tl.signed(tl.national_list([tl.Service(middle.cert)]), operator, xades=True),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    base = {"ATS_MATCH_EDC_TRUST_ANCHORS": str(folder / "anchors.pem")}
    with_tsa = {**base, "ATS_MATCH_EDC_TSA_ANCHORS": str(folder / "tsa.pem")}
    listed = {
        **with_tsa,
        "ATS_MATCH_EDC_TRUSTED_LIST": str(folder / "LB.xml"),
        "ATS_MATCH_EDC_TRUSTED_LIST_SIGNER": str(folder / "tl-signer.pem"),
    }
    sealed = _sealed(middle, n)
    stamp = SIGNED + timedelta(minutes=1)
    stamped = [tsa.timestamped(s, authority, stamp) for s in sealed]
    pools = {
        "jades-b": [_form(s) for s in sealed],
        "jades-t": [_form(s) for s in stamped],
        "jades-t-qualified": [_form(s) for s in stamped],
        "jades-t-untrusted-tsa": [_form(tsa.timestamped(s, stranger, stamp)) for s in sealed],
    }
    settings = {"jades-b": base, "jades-t": with_tsa, "jades-t-qualified": listed}
    settings["jades-t-untrusted-tsa"] = with_tsa
    return pools, settings


def _use(env: dict[str, str]) -> None:
    for name in [k for k in os.environ if k.startswith("ATS_MATCH_EDC_")]:
        del os.environ[name]
    os.environ.update(env)
    get_settings.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    context = VerificationContext(fetcher=OfflineFetcher(), proven_dids=(edc.LEARNER,))
    with tempfile.TemporaryDirectory() as tmp:
        pools, settings = _setup(Path(tmp), args.n)

        def switch(row: str) -> None:
            _use(settings[row])

        pools = warmed(pools, context, switch)
        samples = interleaved_rounds(
            pools, lambda _, f: verify_credential(f, context), args.rounds, switch
        )
    print_rates(samples, args.n, args.rounds)


if __name__ == "__main__":
    main()
