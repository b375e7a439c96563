"""JSON-LD attacks on a Data Integrity (eddsa-rdfc-2022) OB 3.0 credential, each document
uploaded as a JSON file: whatever the change does to the graph, the credential must never be
``genuine``, and no context may be fetched from the attacker's address."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from tests.attacks.support import verify_bytes
from tests.support.signing import TestKey, ob3_credential, sign_data_integrity

pytestmark = pytest.mark.attack("jsonld")

LEARNER = "did:example:learner"
ATTACKER = "https://attacker.example"
Doc = dict[str, Any]


def _with_context(doc: Doc, entry: Any, **terms: Any) -> None:
    doc["@context"] = [*doc["@context"], entry]
    doc.update(terms)


def _signed_with_dropped_term(issuer: TestKey) -> Doc:
    """The issuer itself signed a term no context defines: the JSON says more than was signed."""
    doc = ob3_credential(issuer.did_key(), subject_id=LEARNER)
    doc["credentialSubject"]["score"] = "99"
    return sign_data_integrity(doc, issuer, issuer.did_key_vm(), unsafe=True)


Change = Callable[[Doc], None]
CHANGES: dict[str, Change] = {
    "undefined-term-top": lambda d: d.update(degreeAwarded="Doctor of Medicine"),
    "undefined-term-subject": lambda d: d["credentialSubject"].update(grade="A+"),
    "vocab-injection": lambda d: _with_context(
        d, {"@vocab": f"{ATTACKER}/#"}, degreeAwarded="Doctor of Medicine"
    ),
    "remote-context-attacker": lambda d: _with_context(
        d, f"{ATTACKER}/context.jsonld", licence="NMC-12345"
    ),
    "remote-context-loopback": lambda d: _with_context(
        d, "http://127.0.0.1:9/context.jsonld", licence="NMC-12345"
    ),
    "inline-context-new-term": lambda d: _with_context(
        d, {"licence": f"{ATTACKER}/licence"}, licence="NMC-12345"
    ),
    "inline-context-redefines-name": lambda d: _with_context(d, {"name": f"{ATTACKER}/name"}),
    "property-written-as-iri": lambda d: d.update({"https://schema.org/award": "Nobel Prize"}),
    "type-added-as-iri": lambda d: d["type"].append(f"{ATTACKER}/LicensedPractitioner"),
    "subject-id-swapped": lambda d: d["credentialSubject"].update(id="did:example:attacker"),
    "context-removed": lambda d: d.update({"@context": [d["@context"][0]]}),
}


def _changed(change: Change, _issuer: TestKey, signed: Doc) -> Doc:
    forged = copy.deepcopy(signed)
    change(forged)
    return forged


CASES: dict[str, Callable[[TestKey, Doc], Doc]] = {
    **{name: partial(_changed, change) for name, change in CHANGES.items()},
    "issuer-signed-dropped-term": lambda issuer, _signed: _signed_with_dropped_term(issuer),
}


@pytest.fixture(scope="module")
def issuer() -> TestKey:
    return TestKey.generate()


@pytest.fixture(scope="module")
def signed(issuer: TestKey) -> Doc:
    doc = ob3_credential(issuer.did_key(), subject_id=LEARNER)
    return sign_data_integrity(doc, issuer, issuer.did_key_vm(), cryptosuite="eddsa-rdfc-2022")


@pytest.mark.parametrize("case", sorted(CASES))
def test_jsonld_attack_is_never_genuine(case: str, issuer: TestKey, signed: Doc) -> None:
    document = CASES[case](issuer, signed)
    verdicts = verify_bytes(json.dumps(document).encode(), proven_dids=(LEARNER,))
    assert not verdicts.any_genuine, [r.authenticity for r in verdicts.reports]
    assert not verdicts.any_verified
    assert verdicts.extraction.errors or verdicts.reports
    leaked = [u for u in verdicts.fetched if u.startswith((ATTACKER, "http://127.0.0.1:9"))]
    assert leaked == [], leaked


def test_control_the_signed_document_is_genuine(signed: Doc) -> None:
    verdicts = verify_bytes(json.dumps(signed).encode(), proven_dids=(LEARNER,))
    assert verdicts.any_genuine and verdicts.any_verified, verdicts.reports
