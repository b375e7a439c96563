"""The shared processed-context and IRI memos are safe across threads: concurrent Data
Integrity verifications of distinct credentials all give the single-threaded answers, hostile
documents in between included. (The poison-graph work cap through the same pipeline:
tests/verification/vc/test_dataintegrity.py::test_poison_graph_is_refused_quickly.)"""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ats_match.verification import VerificationContext, dataintegrity, verify_credential
from tests.support.signing import TestKey, ob3_credential, sign_data_integrity
from tests.verification.vc.helpers import OfflineFetcher, form

LEARNER = "did:example:learner"


def _docs(key: TestKey, n: int) -> list[dict[str, Any]]:
    return [
        sign_data_integrity(
            ob3_credential(key.did_key(), subject_id=LEARNER, cred_id=f"urn:uuid:thread-{i}"),
            key,
            key.did_key_vm(),
        )
        for i in range(n)
    ]


def test_concurrent_verifications_agree_with_serial_ones() -> None:
    key = TestKey.generate()
    genuine = _docs(key, 24)
    forged = []
    for doc in genuine[:8]:
        bad = copy.deepcopy(doc)
        bad["credentialSubject"]["undefinedHonour"] = "cum laude"
        forged.append(bad)
    everything = genuine + forged
    dataintegrity._CACHE.clear()
    context = VerificationContext(fetcher=OfflineFetcher(), proven_dids=(LEARNER,))

    def verdict(doc: dict[str, Any]) -> str:
        return verify_credential(form(doc), context).status.value

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(verdict, everything * 2))
    assert results[: len(genuine)] == ["verified"] * len(genuine)
    assert results[len(genuine) : len(everything)] == ["failed"] * len(forged)
    assert results[len(everything) :] == results[: len(everything)]
