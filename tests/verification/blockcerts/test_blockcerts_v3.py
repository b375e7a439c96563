"""Blockcerts v3 (MerkleProof2019) end to end: a batch of three certificates anchored by one
transaction served by a loopback chain stand-in, the issuer profile on loopback."""

from __future__ import annotations

import copy

from ats_match.formats.model import Spec
from tests.support import blockcerts as bc
from tests.verification.blockcerts.conftest import World


def test_each_certificate_of_a_batch_is_genuine(world: World) -> None:
    batch = world.v3_batch(3)
    world.publish_transaction(batch)
    for certificate in batch.certificates:
        form = world.form(certificate)
        assert form.spec == Spec.BLOCKCERTS3 and form.format == "blockcerts3-json"
        assert form.achievement.name and form.achievement.name.startswith("Course")
        report = world.verify(certificate)
        assert report.authenticity.status == "genuine", report.checks
        assert report.validity.status == "current"
        assert report.holder.status == "proven"
        names = {c.name: c.status.value for c in report.checks}
        assert names["proof"] == names["anchor"] == names["issuer_key"] == "pass"
    # one lookup of the shared transaction for the whole batch
    assert world.server.requests.count(f"/chain/tx/{batch.txid}") == 1


def test_tampered_certificate_is_forged(world: World) -> None:
    batch = world.v3_batch(3)
    world.publish_transaction(batch)
    tampered = copy.deepcopy(batch.certificates[1])
    tampered["credentialSubject"]["claim"]["name"] = "Course 9 (with honours)"
    report = world.verify(tampered)
    assert report.authenticity.status == "forged"
    assert "changed after issuing" in report.authenticity.reason
    assert not any(r.startswith("/chain/") for r in world.server.requests)


def test_undeclared_term_is_forged(world: World) -> None:
    batch = world.v3_batch(1)
    world.publish_transaction(batch)
    added = {**batch.certificates[0], "grade": "A+"}
    assert world.verify(added).authenticity.status == "forged"


def test_wrong_root_on_chain_is_forged(world: World) -> None:
    batch = world.v3_batch(3)
    world.publish_transaction(batch, root="ab" * 32)
    report = world.verify(batch.certificates[0])
    assert report.authenticity.status == "forged"
    assert "another root" in report.authenticity.reason


def test_chain_down_is_unknown_and_retried(world: World) -> None:
    batch = world.v3_batch(2)
    world.publish_transaction(batch)
    world.server.down()
    report = world.verify(batch.certificates[0])
    assert report.authenticity.status == "unknown"
    assert report.authenticity.detail["retry"] is True
    assert report.retryable


def test_no_chain_service_configured_is_unknown_never_genuine(world: World) -> None:
    batch = world.v3_batch(2)
    world.publish_transaction(batch)
    world.configure_chain({})
    report = world.verify(batch.certificates[0])
    assert report.authenticity.status == "unknown"
    assert "no chain service is configured for btc:testnet" in report.authenticity.reason
    assert report.retryable


def test_unconfirmed_transaction_is_unknown(world: World) -> None:
    batch = world.v3_batch(1)
    world.publish_transaction(batch, confirmed=False)
    report = world.verify(batch.certificates[0])
    assert report.authenticity.status == "unknown" and report.retryable


def test_sent_by_another_address_is_forged(world: World) -> None:
    batch = world.v3_batch(1)
    world.publish_transaction(batch, sender=bc.OTHER_ADDRESS)
    report = world.verify(batch.certificates[0])
    assert report.authenticity.status == "forged"
    assert "not by a key of the issuer" in report.authenticity.reason


def test_key_dates_are_judged_at_the_block_time(world: World) -> None:
    batch = world.v3_batch(1)
    world.publish_transaction(batch)
    world.publish_profile(expires="2025-06-01T00:00:00Z")  # expired since: still genuine
    assert world.verify(batch.certificates[0]).authenticity.status == "genuine"
    world.publish_profile(revoked="2025-01-01T00:00:00Z")  # revoked before the anchoring
    from ats_match.verification.did import clear_caches

    clear_caches()
    report = world.verify(batch.certificates[0])
    assert report.authenticity.status == "forged" and "revoked" in report.authenticity.reason
    world.publish_profile(created="2025-02-01T00:00:00Z")  # key created after the anchoring
    clear_caches()
    assert world.verify(batch.certificates[0]).authenticity.status == "forged"


def test_issuer_profile_unreachable_is_unknown(world: World) -> None:
    batch = world.v3_batch(1)
    world.publish_transaction(batch)
    world.server.routes.pop("/issuer.json")
    world.server.serve("/issuer.json", {"error": "down"}, status=503)
    report = world.verify(batch.certificates[0])
    assert report.authenticity.status == "unknown" and report.retryable


def test_revocation_list(world: World) -> None:
    batch = world.v3_batch(2)
    world.publish_transaction(batch)
    revoked_id = batch.certificates[0]["id"]
    url = world.server.serve(
        "/revocations.json",
        {"revokedAssertions": [{"id": revoked_id, "revocationReason": "issued in error"}]},
    )
    world.publish_profile(revocation_list=url)
    first, second = (world.verify(c) for c in batch.certificates)
    assert first.authenticity.status == "genuine" and first.validity.status == "revoked"
    assert "issued in error" in first.validity.reason
    assert second.validity.status == "current"


def test_wrong_learner_is_a_mismatch(world: World) -> None:
    batch = world.v3_batch(1)
    world.publish_transaction(batch)
    report = world.verify(
        batch.certificates[0], proven_dids=(), applicant_emails=("someone@example.org",)
    )
    assert report.authenticity.status == "genuine"
    assert report.holder.status == "mismatch"


def test_mocknet_anchor_is_never_genuine(world: World) -> None:
    from ats_match.verification.merkle import (
        Anchor,
        MerkleReceipt,
        decode_proof_value,
        encode_proof_value,
    )

    batch = world.v3_batch(1)
    certificate = copy.deepcopy(batch.certificates[0])
    receipt = decode_proof_value(certificate["proof"]["proofValue"])
    mock = MerkleReceipt(
        receipt.target_hash, receipt.merkle_root, receipt.path, (Anchor("mocknet", "", "00" * 32),)
    )
    certificate["proof"]["proofValue"] = encode_proof_value(mock)
    report = world.verify(certificate)
    assert report.authenticity.status == "unknown" and not report.retryable
    assert "mocknet" in report.authenticity.reason
