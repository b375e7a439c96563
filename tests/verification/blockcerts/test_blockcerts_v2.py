"""Blockcerts v2 (MerkleProof2017 ``signature`` on an Open Badges 2.0 assertion)."""

from __future__ import annotations

import copy

from ats_match.formats.model import Spec
from tests.support import blockcerts as bc
from tests.verification.blockcerts.conftest import EMAIL, World


def _batch(world: World, count: int = 3) -> bc.Batch:
    docs = [bc.v2_certificate(world.issuer, f"Module {i}", email=EMAIL) for i in range(count)]
    return bc.anchor_v2(docs)


def test_v2_certificates_are_genuine_and_bound_by_hashed_email(world: World) -> None:
    batch = _batch(world)
    world.publish_transaction(batch)
    for certificate in batch.certificates:
        form = world.form(certificate)
        assert form.spec == Spec.BLOCKCERTS2 and form.format == "blockcerts2-json"
        assert form.issuer.id == world.issuer and form.achievement.name
        report = world.verify(certificate)
        assert report.authenticity.status == "genuine", report.checks
        assert report.holder.status == "bound"
        assert report.validity.status == "current"


def test_v2_tampered_is_forged(world: World) -> None:
    batch = _batch(world)
    world.publish_transaction(batch)
    tampered = copy.deepcopy(batch.certificates[2])
    tampered["badge"]["name"] = "Module 7"
    assert world.verify(tampered).authenticity.status == "forged"


def test_v2_wrong_root_is_forged(world: World) -> None:
    batch = _batch(world, 2)
    world.publish_transaction(batch, root="cd" * 32)
    assert world.verify(batch.certificates[0]).authenticity.status == "forged"


def test_v2_chain_down_is_unknown(world: World) -> None:
    batch = _batch(world, 2)
    world.publish_transaction(batch)
    world.server.down()
    report = world.verify(batch.certificates[0])
    assert report.authenticity.status == "unknown" and report.retryable


def test_v2_signature_path_edited_is_forged(world: World) -> None:
    batch = _batch(world, 3)
    world.publish_transaction(batch)
    edited = copy.deepcopy(batch.certificates[0])
    edited["signature"]["proof"][0] = {"right": "ee" * 32}
    report = world.verify(edited)
    assert report.authenticity.status == "forged"
    assert "does not lead to the stated root" in report.authenticity.reason
