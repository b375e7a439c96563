"""Verification throughput per format per core, side by side with peer verifiers, in one run.

Run from the repository root::

    .venv/bin/python bench/verify/run.py            # about 1-2 minutes on 2 vCPU
    .venv/bin/python bench/verify/run.py --quick    # smaller samples, for a smoke test

What it measures (one thread = one core; every figure is credentials per second):

- ``ed25519-raw``: ``cryptography`` Ed25519 verify of a 64-byte message: the ceiling, timed in
  the same interleaved slices as the VC-JWT verifiers (the machine is shared and noisy);
- ours, with warm caches (issuer profiles, keys, DID documents, status lists already fetched):
  VC-JWT (EdDSA, did:key), Data Integrity ``eddsa-rdfc-2022``, OB 2.0 signed (RS256 JWS), OB 2.0
  hosted (one loopback HTTP GET of the assertion each: that fetch *is* the hosted check), CLR 2.0
  (a VC-JWT bundle holding two VC-JWTs). Every input is distinct, so no per-credential result is
  ever reused; every credential is checked end to end (signature, validity, recipient, trust).
- peers on the same inputs: ``openbadgeslib`` 4.6.3 (``OB3Verifier`` for VC-JWT,
  ``OB3LdpVerifier`` for Data Integrity, ``OB2Verifier`` for signed OB 2.0 with the key given)
  in this venv; ``openbadges`` 1.1.2 (badgecheck, validator-core) for OB 2.0 hosted and signed,
  installed by this script into ``bench/.peers/ob2`` and driven in a subprocess
  (``peer_openbadges.py``).

Writes the figures as JSON to ``bench/results/verify-<UTC time>.json`` (gitignored).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / "bench" / ".peers"
PEER_PYTHON = PEERS / "ob2" / "bin" / "python"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ATS_MATCH_DATA_DIR", tempfile.mkdtemp(prefix="ats-bench-"))

LEARNER = "did:example:learner"
CLR_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


# -- timing -----------------------------------------------------------------------------------------
class Contender:
    """One verifier on one pool of distinct inputs, timed in slices."""

    def __init__(self, fn: Callable[[Any], Any], items: list[Any]) -> None:
        self.fn, self.items = fn, items
        self.next, self.elapsed, self.cpu = 0, 0.0, 0.0

    def run_slice(self, seconds: float) -> None:
        start, cpu_start = time.perf_counter(), time.process_time()
        while self.next < len(self.items) and time.perf_counter() - start < seconds:
            for item in self.items[self.next : self.next + 20]:
                self.fn(item)
            self.next = min(self.next + 20, len(self.items))
        self.elapsed += time.perf_counter() - start
        self.cpu += time.process_time() - cpu_start

    @property
    def rate(self) -> float:
        """Credentials per wall-clock second (one thread)."""
        return self.next / self.elapsed if self.elapsed else 0.0

    @property
    def cpu_rate(self) -> float:
        """Credentials per CPU second of this process: what one core does, whatever the
        neighbours steal."""
        return self.next / self.cpu if self.cpu else 0.0

    @property
    def cpu_us(self) -> float:
        """CPU time per credential, in microseconds."""
        return self.cpu / self.next * 1e6 if self.next else 0.0


def interleaved(contenders: list[Contender], seconds: float, slice_s: float = 0.2) -> None:
    """Alternate the contenders in short slices, so noisy neighbours on a shared machine hit
    each about equally; each stops when its time is used or its distinct inputs run out."""
    while any(c.elapsed < seconds and c.next < len(c.items) for c in contenders):
        for contender in contenders:
            if contender.elapsed < seconds:
                contender.run_slice(slice_s)


# -- inputs ---------------------------------------------------------------------------------------
def vc_inputs(n_jwt: int, n_di: int, n_clr: int) -> dict[str, Any]:
    from tests.support.signing import (
        TestKey,
        ob3_credential,
        sign_data_integrity,
        sign_vc_jwt,
        vc_claims,
    )

    key = TestKey.generate()
    did = key.did_key()

    def credential(i: int) -> dict[str, Any]:
        return ob3_credential(
            did, subject_id=LEARNER, cred_id=f"urn:uuid:{i:08d}-0000-4000-8000-000000000000"
        )

    def jwt(i: int, signer: TestKey = key) -> str:
        vc = ob3_credential(
            signer.did_key(),
            subject_id=LEARNER,
            cred_id=f"urn:uuid:{i:08d}-0000-4000-8000-000000000000",
        )
        claims = {k: v for k, v in vc_claims(vc).items() if k != "vc"}
        return sign_vc_jwt(vc, signer, kid=signer.did_key_vm(), form="vcdm2", claims=claims)

    def jwt_own_issuer(i: int) -> tuple[str, bytes]:
        """A token whose issuer (a did:key) signs nothing else in the run."""
        signer = TestKey.generate()
        return signer.did_key(), jwt(20_000_000 + i, signer).encode()

    def di(i: int) -> dict[str, Any]:
        """Distinct document and distinct proof options (its own creation time)."""
        created = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=i)
        return sign_data_integrity(credential(i), key, key.did_key_vm(), created=created)

    def clr(i: int) -> str:
        bundle = {
            "@context": CLR_CONTEXT,
            "id": f"urn:uuid:{i:08d}-1111-4a4a-9b9b-000000000001",
            "type": ["VerifiableCredential", "ClrCredential"],
            "issuer": {"id": did, "type": ["Profile"], "name": "Example University"},
            "validFrom": "2024-01-01T00:00:00Z",
            "name": "Transcript",
            "credentialSubject": {
                "id": LEARNER,
                "type": ["ClrSubject"],
                "verifiableCredential": [jwt(10_000_000 + 2 * i), jwt(10_000_001 + 2 * i)],
            },
        }
        return sign_vc_jwt(bundle, key, kid=key.did_key_vm(), form="vcdm2")

    return {
        "key": key,
        "did": did,
        "jwt": [jwt(i) for i in range(n_jwt + 1)],
        "jwt_bytes": [jwt_own_issuer(i) for i in range(n_jwt + 1)],
        "di": [di(i) for i in range(n_di + 1)],
        "clr": [clr(i) for i in range(n_clr + 1)],
    }


def ob2_inputs(server: Any, n_signed: int, n_hosted: int) -> dict[str, Any]:
    from tests.support.ob2 import Ob2Issuer, public_pem, rsa_key

    issuer = Ob2Issuer(server, rsa_key())
    issuer.publish()
    server.serve("/badge.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    return {
        "issuer": issuer,
        "pem": public_pem(issuer.key),
        "signed": [issuer.signed() for _ in range(n_signed + 1)],
        "hosted": [issuer.hosted() for _ in range(n_hosted + 1)],
    }


# -- in-process verifiers: ours and openbadgeslib, interleaved -----------------------------------
def in_process(
    vc: dict[str, Any],
    ob2: dict[str, Any],
    seconds: float,
    formats: tuple[str, ...] | None = None,
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Rates of our verifier and openbadgeslib's on the same distinct inputs, per format
    (``formats``: only these rows, e.g. for the smoke test)."""
    from ats_match.formats.model import Spec
    from ats_match.net.http import HttpFetcher
    from ats_match.verification import VerificationContext, dataintegrity, verify_credential
    from tests.support.ob2 import EMAIL
    from tests.verification.vc.helpers import OfflineFetcher, form

    offline = VerificationContext(fetcher=OfflineFetcher(), proven_dids=(LEARNER,))
    loopback = VerificationContext(
        fetcher=HttpFetcher(allow_hosts=("127.0.0.1",)), applicant_emails=(EMAIL,)
    )
    builders: dict[str, Callable[[], tuple[list[Any], VerificationContext, Any]]] = {
        "vc-jwt-bytes": lambda: (vc["jwt_bytes"], offline, _parsed),
        "vc-jwt": lambda: ([form(t) for t in vc["jwt"]], offline, _same),
        "di-eddsa-rdfc-2022": lambda: ([form(d) for d in vc["di"]], offline, _same),
        "clr-vc-jwt": lambda: ([form(t, Spec.CLR2) for t in vc["clr"]], offline, _same),
        "ob2-signed": lambda: (ob2["signed"], loopback, _same),
        "ob2-hosted": lambda: (ob2["hosted"], loopback, _same),
    }
    cases = {name: build() for name, build in builders.items() if not formats or name in formats}
    peers = openbadgeslib_verifiers(vc, ob2)
    # Signing the inputs in this process ran the same canonicaliser, whose per-document cache
    # would make Data Integrity look free: empty it so every document is canonicalised.
    dataintegrity._CACHE.clear()
    mine: dict[str, dict[str, Any]] = {}
    lib: dict[str, dict[str, Any]] = {}
    for name, (items, context, parse) in cases.items():
        first = verify_credential(parse(items[0]), context)  # warms profile / context caches
        forged = verify_credential(tampered(parse(items[0])), context)
        ours_c = Contender(functools.partial(_verify, context=context, parse=parse), items[1:])
        contenders = [ours_c]
        if name.startswith("vc-jwt"):  # the ceiling, timed in the same slices
            contenders.append(raw_c := raw_ed25519())
        peer = peers.get(name)
        if peer is not None:
            fn, peer_items = peer
            verdict = _peer_verdict(fn, peer_items[0])
            if verdict == "valid":
                contenders.append(peer_c := Contender(_tolerant(fn), peer_items[1:]))
        interleaved(contenders, seconds)
        mine[name] = {
            "rate": ours_c.rate,
            "cpu_rate": ours_c.cpu_rate,
            "cpu_us": ours_c.cpu_us,
            "count": ours_c.next,
            "verdict": first.status.value,
            "tampered_verdict": forged.status.value,
        }
        if name.startswith("vc-jwt"):
            mine[name]["raw_cpu_rate"] = raw_c.cpu_rate
            mine[name]["raw_rate"] = raw_c.rate
            mine.setdefault("ed25519-raw", {"rate": raw_c.rate, "cpu_rate": raw_c.cpu_rate})
        if peer is not None:
            ok = verdict == "valid"
            lib[name] = {
                "rate": peer_c.rate if ok else None,
                "cpu_rate": peer_c.cpu_rate if ok else None,
                "cpu_us": peer_c.cpu_us if ok else None,
                "verdict": verdict,
            }
    if "ed25519-raw" not in mine:  # --only without a VC-JWT row: the ceiling on its own
        raw_c = raw_ed25519()
        interleaved([raw_c], seconds)
        mine["ed25519-raw"] = {"rate": raw_c.rate, "cpu_rate": raw_c.cpu_rate}
    return mine, lib


def _same(item: Any) -> Any:
    return item


def _parsed(item: tuple[str, bytes]) -> Any:
    """The product's own parser on the token's bytes (what an upload goes through)."""
    from ats_match.formats.extract import extract_bytes

    return extract_bytes(item[1]).credentials[0]


def _verify(item: Any, context: Any, parse: Callable[[Any], Any] = _same) -> Any:
    from ats_match.verification import verify_credential

    return verify_credential(parse(item), context)


def raw_ed25519() -> Contender:
    """``cryptography`` Ed25519 verify of one 64-byte message, over and over."""
    from cryptography.hazmat.primitives.asymmetric import ed25519

    private = ed25519.Ed25519PrivateKey.generate()
    public, message = private.public_key(), b"m" * 64
    signature = private.sign(message)
    return Contender(lambda _: public.verify(signature, message), [None] * 1_000_000)


def tampered(credential: Any) -> Any:
    """A copy with one signed byte changed (signature or subject): it must not verify."""
    copy = credential.model_copy(deep=True)
    if copy.compact:
        head, body, signature = copy.compact.split(".")
        middle = len(signature) // 2
        flipped = "A" if signature[middle] != "A" else "B"
        copy.compact = f"{head}.{body}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"
    elif "recipient" in copy.document:
        copy.document["recipient"] = {"type": "email", "identity": "mallory@example.org"}
    else:
        copy.document["name"] = str(copy.document.get("name")) + " (forged)"
    return copy


def openbadgeslib_verifiers(
    vc: dict[str, Any], ob2: dict[str, Any]
) -> dict[str, tuple[Callable[[Any], Any], list[Any]]]:
    """openbadgeslib's verifiers for the formats it covers, on the same inputs as ours."""
    from openbadgeslib.ob2.verifier import OB2Verifier
    from openbadgeslib.ob3.ldp import OB3LdpVerifier
    from openbadgeslib.ob3.verifier import OB3Verifier

    from tests.support.ob2 import EMAIL

    jwt_verifier = OB3Verifier.for_issuer_did(vc["did"])
    ldp_verifier = OB3LdpVerifier.for_issuer_did(vc["did"])
    ob2_verifier = OB2Verifier(pubkey_pem=ob2["pem"]) if "pem" in ob2 else None

    def from_bytes(item: tuple[str, bytes]) -> Any:
        """openbadgeslib with the issuer's did:key resolved per token (each has its own)."""
        return OB3Verifier.for_issuer_did(item[0]).verify(item[1].decode())

    return {
        "vc-jwt-bytes": (from_bytes, vc["jwt_bytes"]),
        "vc-jwt": (jwt_verifier.verify, vc["jwt"]),
        "di-eddsa-rdfc-2022": (ldp_verifier.verify, vc["di"]),
        **(
            {
                "ob2-signed": (
                    lambda c: ob2_verifier.verify(c.compact, expected_recipient=EMAIL),
                    ob2["signed"],
                )
            }
            if ob2_verifier
            else {}
        ),
    }


def _peer_verdict(fn: Callable[[Any], Any], item: Any) -> str:
    try:
        fn(item)
    except Exception as exc:
        return f"refused: {type(exc).__name__}: {str(exc)[:120]}"
    return "valid"


def _tolerant(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def call(item: Any) -> Any:
        try:
            return fn(item)
        except Exception:
            return None

    return call


def ensure_badgecheck() -> str | None:
    """Create ``bench/.peers/ob2`` with ``openbadges==1.1.2``; returns why not, or ``None``."""
    if PEER_PYTHON.exists():
        return None
    pip = [str(PEER_PYTHON), "-m", "pip", "install", "--quiet"]
    steps = [
        [sys.executable, "-m", "venv", str(PEERS / "ob2")],
        [*pip, "openbadges==1.1.2"],
        # pycryptodome 3.6.6 (pinned) has Python-2 literals that do not compile on 3.11.
        [*pip, "--no-deps", "pycryptodome==3.23.0"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            return f"{' '.join(step[-2:])} failed: {done.stderr.strip()[-400:]}"
    return None


def badgecheck_peer(ob2: dict[str, Any], seconds: float) -> dict[str, dict[str, Any]]:
    from tests.support.ob2 import EMAIL

    problem = ensure_badgecheck()
    if problem:
        return {k: {"rate": None, "verdict": problem} for k in ("ob2-signed", "ob2-hosted")}
    inputs = {
        "ob2-signed": [c.compact for c in ob2["signed"]],
        "ob2-hosted": [c.document["id"] for c in ob2["hosted"]],
    }
    results: dict[str, dict[str, Any]] = {}
    for name, items in inputs.items():
        job = {"inputs": items, "email": EMAIL, "seconds": seconds, "check": 1}
        done = subprocess.run(
            [str(PEER_PYTHON), str(Path(__file__).with_name("peer_openbadges.py"))],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            results[name] = {"rate": None, "verdict": done.stderr.strip()[-300:]}
            continue
        found = json.loads(done.stdout)
        valid = found["outcomes"][0]["valid"]
        results[name] = {"rate": found["rate"], "verdict": "valid" if valid else "invalid"}
    return results


# -- report -----------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small samples (smoke test)")
    parser.add_argument("--seconds", type=float, default=None, help="time per measurement")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated rows to measure, e.g. vc-jwt-bytes (default: all)",
    )
    args = parser.parse_args()
    only = tuple(name for name in args.only.split(",") if name) or None
    seconds = args.seconds or (0.5 if args.quick else 3.0)
    scale = 0.1 if args.quick else 1.0
    warnings.simplefilter("ignore")

    from tests.support.issuer_server import IssuerServer

    print("preparing distinct signed inputs ...", file=sys.stderr)
    vc = vc_inputs(int(15000 * scale), int(400 * scale), int(2000 * scale))
    with IssuerServer() as server:
        ob2 = ob2_inputs(server, int(4000 * scale), int(1500 * scale))
        print("measuring ...", file=sys.stderr)
        mine, lib = in_process(vc, ob2, seconds, only)
        wants_ob2 = not only or any(name.startswith("ob2") for name in only)
        badgecheck = badgecheck_peer(ob2, seconds) if wants_ob2 else {}
    raw = mine.pop("ed25519-raw")
    print_table(raw, mine, lib, badgecheck)
    save(raw, mine, lib, badgecheck, seconds)


def print_table(
    raw: dict[str, Any], mine: dict[str, Any], lib: dict[str, Any], bc: dict[str, Any]
) -> None:
    """Per format: wall-clock rate, CPU rate (credentials per CPU second = per core) and CPU
    time per credential, ours and the peers', and the ratios on CPU time."""

    def cell(entry: dict[str, Any] | None, key: str = "cpu_rate") -> str:
        if not entry:
            return "n/a"
        if entry.get(key) is None:
            return f"({str(entry.get('verdict'))[:30]})"
        return f"{entry[key]:9,.0f}"

    print(
        f"\nraw Ed25519 verify (cryptography): {raw['rate']:,.0f}/s wall, "
        f"{raw['cpu_rate']:,.0f}/s per CPU second\n"
    )
    print(
        f"{'format':20} {'ours/s':>9} {'ours cpu/s':>10} {'µs cpu':>8} {'verdict':>13} "
        f"{'oblib cpu/s':>12} {'oblib µs':>9} {'badgecheck/s':>12}  ours/raw  ours/peer (cpu)"
    )
    for name, entry in mine.items():
        peer = lib.get(name)
        ratios = []
        if peer and peer.get("cpu_rate"):
            ratios.append(f"{entry['cpu_rate'] / peer['cpu_rate']:5.2f}x openbadgeslib")
        if name in bc and bc[name]["rate"]:
            ratios.append(f"{entry['rate'] / bc[name]['rate']:5.1f}x badgecheck (wall)")
        raw_cpu = entry.get("raw_cpu_rate") or raw["cpu_rate"]
        print(
            f"{name:20} {entry['rate']:9,.0f} {entry['cpu_rate']:10,.0f} {entry['cpu_us']:8.0f} "
            f"{entry['verdict']:>13} {cell(peer):>12} {cell(peer, 'cpu_us'):>9} "
            f"{cell(bc.get(name), 'rate'):>12}  {entry['cpu_rate'] / raw_cpu:7.2f}  "
            + (" ".join(ratios) or "-")
        )
    forged = {n: e["tampered_verdict"] for n, e in mine.items()}
    print(f"\ntampered copies (must not verify): {forged}")


def save(raw: dict[str, Any], mine: Any, lib: Any, bc: Any, seconds: float) -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"verify-{stamp}.json"
    payload = {
        "when": stamp,
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "seconds_per_measurement": seconds,
        "ed25519_raw": raw,
        "ours": mine,
        "openbadgeslib": lib,
        "openbadges_badgecheck": bc,
    }
    path.write_text(json.dumps(payload, indent=2))
    print(f"\nsaved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
