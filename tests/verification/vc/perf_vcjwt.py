"""VC-JWT verification rate against raw Ed25519 and openbadgeslib (not collected by pytest).

Run: ``.venv/bin/python -m tests.verification.vc.perf_vcjwt``. Three figures, all offline
(did:key issuer, warm key cache): distinct tokens (every signature verified), the same token
again (remembered signature result), openbadgeslib's ``OB3Verifier`` on the same tokens.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

from tests.support.signing import TestKey, ob3_credential, sign_vc_jwt, vc_claims
from tests.verification.vc.helpers import OfflineFetcher, context, form

N = 2000


def _rate(calls: list[Callable[[], Any]]) -> float:
    calls[0]()
    start = time.perf_counter()
    for call in calls:
        call()
    return len(calls) / (time.perf_counter() - start)


def main() -> None:
    warnings.simplefilter("ignore")
    from openbadgeslib.ob3.verifier import OB3Verifier

    from ats_match.verification.vc import verify_vc

    key = TestKey.generate()
    learner = "did:example:learner"
    ctx = context(OfflineFetcher(), proven_dids=(learner,))
    tokens = []
    for i in range(N):
        vc = ob3_credential(key.did_key(), subject_id=learner, cred_id=f"urn:uuid:{i:036d}")
        claims = {k: v for k, v in vc_claims(vc).items() if k != "vc"}
        tokens.append(sign_vc_jwt(vc, key, kid=key.did_key_vm(), form="vcdm2", claims=claims))
    forms = [form(t) for t in tokens]
    assert verify_vc(forms[0], ctx).status.value == "verified"
    public, message = key.private.public_key(), b"x" * 64
    signature = key.private.sign(message)
    raw = _rate([lambda: public.verify(signature, message)] * N)
    distinct = _rate([lambda f=f: verify_vc(f, ctx) for f in forms[1:]])
    repeated = _rate([lambda: verify_vc(forms[0], ctx)] * N)
    oblib = OB3Verifier.for_issuer_did(key.did_key())
    theirs = _rate([lambda t=t: oblib.verify(t) for t in tokens])
    print(f"raw Ed25519 verify          {raw:8.0f}/s")
    print(f"verify_vc, distinct tokens  {distinct:8.0f}/s  ({distinct / raw:.2f} x raw)")
    print(f"verify_vc, same token again {repeated:8.0f}/s  ({repeated / raw:.2f} x raw)")
    print(
        f"openbadgeslib OB3Verifier   {theirs:8.0f}/s  (ours distinct {distinct / theirs:.1f}x, "
        f"repeated {repeated / theirs:.1f}x)"
    )


if __name__ == "__main__":
    main()
