"""CPU time per credential: Blockcerts v3 and sealed EDCs, next to OB 3.0 Data Integrity.

Rows (each a pool of distinct credentials, parsed from bytes beforehand, verified once each per
round; rounds interleave the rows so a noisy neighbour hits all of them alike):

- ``blockcerts-v3``: ``verify_credential`` on a Blockcerts v3 certificate of one 64-certificate
  batch; the chain stand-in and the issuer profile are on a loopback TLS server, the anchoring
  transaction and the profile are cached after the first certificate (the warm-up), as in a
  worker verifying a batch.
- ``blockcerts-v3-offline``: only the offline Merkle proof (target hash in safe mode + path).
- ``edc-jades-rs256``: ``verify_credential`` on a JAdES-sealed EDC (RS256, 2-certificate chain
  validated at signing time with cryptography's path validation), each sealed by its own key.
- ``di-eddsa-rdfc-2022`` (baseline): an OB 3.0 credential with an ``eddsa-rdfc-2022`` proof by a
  did:key issuer, the product's existing verifier.

The canonical-form cache is emptied before each pass, so every document is canonicalised.
Run: ``PYTHONPATH=. .venv/bin/python bench/credentials_ledger/run.py [--n 64] [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.rates import interleaved_rounds, print_rates, warmed

os.environ.setdefault("ATS_MATCH_FETCH_ALLOW_HOSTS", "127.0.0.1")

from ats_match.formats.extract import extract_bytes
from ats_match.formats.model import CredentialForm
from ats_match.net.http import HttpFetcher
from ats_match.settings import get_settings
from ats_match.verification import (
    VerificationContext,
    dataintegrity,
    verify_credential,
)
from ats_match.verification.blockcerts import check_merkle_proof
from tests.support import blockcerts as bc
from tests.support import edc
from tests.support.issuer_server import IssuerServer
from tests.support.signing import TestKey, ob3_credential, sign_data_integrity


def _form(doc: dict[str, Any] | str) -> CredentialForm:
    raw = doc.encode() if isinstance(doc, str) else json.dumps(doc).encode()
    (found,) = extract_bytes(raw).credentials
    return found


def _blockcerts(server: IssuerServer, n: int) -> list[CredentialForm]:
    issuer = server.url("/issuer.json")
    docs = [
        bc.v3_certificate(issuer, f"Course {i}", subject="did:example:ada", email="a@x.org")
        for i in range(n + 1)
    ]
    batch = bc.anchor_v3(docs, issuer)
    server.serve("/issuer.json", bc.issuer_profile(issuer))
    server.serve(f"/chain/tx/{batch.txid}", bc.esplora_transaction(batch.txid, batch.root))
    os.environ["ATS_MATCH_BLOCKCERTS_CHAIN_SERVICES"] = json.dumps(
        {"btc:testnet": server.url("/chain")}
    )
    return [_form(c) for c in batch.certificates]


def _edc(n: int, folder: Path) -> list[CredentialForm]:
    root = edc.make_authority()
    middle = edc.make_authority("Bench e-Seal CA", root)
    (folder / "anchors.pem").write_bytes(root.pem)
    os.environ["ATS_MATCH_EDC_TRUST_ANCHORS"] = str(folder / "anchors.pem")
    forms = []
    for _ in range(n + 1):
        key = edc.rsa_key()
        leaf = edc.seal_certificate(
            middle,
            key,
            not_before=datetime(2024, 1, 1, tzinfo=UTC),
            not_after=datetime(2030, 1, 1, tzinfo=UTC),
        )
        sealed = edc.seal(
            edc.edc_credential(),
            key,
            [leaf, middle.cert],
            signed_at=datetime(2024, 6, 1, tzinfo=UTC),
        )
        forms.append(_form(sealed))
    return forms


def _di(n: int) -> list[CredentialForm]:
    key = TestKey.generate("Ed25519")
    return [
        _form(
            sign_data_integrity(
                ob3_credential(key.did_key(), cred_id=f"urn:uuid:bench-{i}"), key, key.did_key_vm()
            )
        )
        for i in range(n + 1)
    ]


def _fresh_canonical_forms(row: str) -> None:
    dataintegrity._CACHE.clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with IssuerServer(tls=True) as server, tempfile.TemporaryDirectory() as tmp:
        pools = {
            "blockcerts-v3": _blockcerts(server, args.n),
            "edc-jades-rs256": _edc(args.n, Path(tmp)),
            "di-eddsa-rdfc-2022": _di(args.n),
        }
        pools["blockcerts-v3-offline"] = pools["blockcerts-v3"]
        get_settings.cache_clear()
        fetcher = HttpFetcher(ca_path=server.ca_path)
        context = VerificationContext(fetcher=fetcher, proven_dids=("did:example:ada",))
        runs: dict[str, Callable[[CredentialForm], Any]] = {
            "blockcerts-v3": lambda f: verify_credential(f, context),
            "blockcerts-v3-offline": lambda f: check_merkle_proof(f.document, v2=False),
            "edc-jades-rs256": lambda f: verify_credential(f, context),
            "di-eddsa-rdfc-2022": lambda f: verify_credential(f, context),
        }
        pools = warmed(pools, context)
        samples = interleaved_rounds(
            pools, lambda row, f: runs[row](f), args.rounds, _fresh_canonical_forms
        )
        fetcher.close()
    print_rates(samples, args.n, args.rounds)


if __name__ == "__main__":
    main()
