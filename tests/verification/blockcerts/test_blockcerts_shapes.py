"""Blockcerts v3.2 contexts with the MerkleProof2019 suite context, and hostile receipts."""

from __future__ import annotations

import copy

from tests.support import blockcerts as bc
from tests.verification.blockcerts.conftest import EMAIL, LEARNER, World


def test_v3_2_on_vcdm_2_with_the_suite_context(world: World) -> None:
    docs = []
    for i in range(2):
        doc = bc.v3_certificate(world.issuer, f"Course {i}", subject=LEARNER, email=EMAIL)
        doc["@context"] = [
            "https://www.w3.org/ns/credentials/v2",
            "https://w3id.org/blockcerts/v3.2",
            "https://w3id.org/security/suites/merkle-2019/v1",
        ]
        doc["validFrom"] = doc.pop("issuanceDate")
        docs.append(doc)
    batch = bc.anchor_v3(docs, world.issuer)
    world.publish_transaction(batch)
    report = world.verify(batch.certificates[1])
    assert report.authenticity.status == "genuine", report.checks


def test_v3_2_terms_no_context_defines_are_refused(world: World) -> None:
    """The v3.2 context alone (on VCDM 1.1) defines no ``name``: what the JSON says under it
    would not be covered by the hash (an issuer's pyld silently drops it), so not genuine."""
    doc = bc.v3_certificate(world.issuer, "Course", subject=LEARNER, email=EMAIL)
    doc["@context"] = ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/blockcerts/v3.2"]
    batch = bc.anchor_v3([doc], world.issuer)
    world.publish_transaction(batch)
    report = world.verify(batch.certificates[0])
    assert report.authenticity.status == "forged"
    assert "name" in report.authenticity.reason


def test_unpinned_context_is_unknown_not_fetched(world: World) -> None:
    batch = world.v3_batch(1)
    world.publish_transaction(batch)
    doc = copy.deepcopy(batch.certificates[0])
    doc["@context"].append("https://example.org/my-context.json")
    report = world.verify(doc)
    assert report.authenticity.status == "unknown" and "not pinned" in report.authenticity.reason
    assert world.server.requests == []


def test_hostile_proof_values_are_never_genuine(world: World) -> None:
    batch = world.v3_batch(1)
    world.publish_transaction(batch)
    for value in ("z", "zzzz", "z" + "2" * 5000, "u" + "A" * 40, 12):
        doc = copy.deepcopy(batch.certificates[0])
        doc["proof"]["proofValue"] = value
        report = world.verify(doc)
        assert report.authenticity.status == "forged", (value, report.checks)


def test_bitstring_status_list_anchored_in_the_batch(world: World) -> None:
    """A VCDM 2.0 Blockcerts certificate with a BitstringStatusListEntry; the list is itself a
    Blockcerts credential of the issuer, anchored in the same batch."""
    from tests.support.signing import bitstring_list_credential, status_entry

    list_url = world.server.url("/status/1")
    docs = []
    for i in range(2):
        doc = bc.v3_certificate(world.issuer, f"Course {i}", subject=LEARNER, email=EMAIL)
        doc["@context"] = [
            "https://www.w3.org/ns/credentials/v2",
            "https://w3id.org/blockcerts/v3.2",
            "https://w3id.org/security/suites/merkle-2019/v1",
        ]
        doc["validFrom"] = doc.pop("issuanceDate")
        doc["credentialStatus"] = status_entry(list_url, 10 + i)
        docs.append(doc)
    docs.append(bitstring_list_credential(list_url, world.issuer, "revocation", [11]))
    batch = bc.anchor_v3(docs, world.issuer)
    world.publish_transaction(batch)
    world.server.serve("/status/1", batch.certificates[2])
    current, revoked = (world.verify(c) for c in batch.certificates[:2])
    assert current.authenticity.status == "genuine", current.checks
    assert current.validity.status == "current", current.checks
    assert revoked.validity.status == "revoked", revoked.checks
    # a list that is not the issuer's Blockcerts credential is not trusted
    world.server.serve("/status/1", {**batch.certificates[2], "issuer": "https://evil.example/"})
    from ats_match.verification.status import STATUS_LISTS

    STATUS_LISTS.clear()
    assert world.verify(batch.certificates[0]).validity.status == "unknown"
