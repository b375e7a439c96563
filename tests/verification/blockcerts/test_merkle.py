"""The MerkleProof2019 codec against the public LDS Merkle Proof 2019 test vector, and the path
walk over trees we build."""

from __future__ import annotations

import pytest

from ats_match.verification.merkle import (
    MerkleError,
    build_tree,
    decode_proof_value,
    encode_proof_value,
    receipt_of_2017,
    root_of,
)

# blockchain-certificates/lds-merkle-proof-2019 (MIT), its README's example.
VECTOR = (
    "z6nGv6rMRybRe9CuMzbQbdu7sA858v1d13JU3hoAr1x93cheinB35kDXqCvaA93WTLWGtLZMdQSvvNCxEMZPhLvDa4"
    "CbUYkm4pCwBe7kCZAsuwHZwHxgyzCbRUWFbMXHhkVSHoPYmPzfi4arfHKMgKSurZ7oqe3GHRdi78TbHGvA65edK8J"
    "BEdTUt8SpCdc7wz5qiwj3THtcNAXfgK4LmCAu4fq8CnjLcMtGoEdfXfjy3turtaTapyM3katuYKAzbJF3FiE8i8NXB"
    "siBnEbvKk7k"
)


def test_public_vector_decodes_to_its_published_values() -> None:
    receipt = decode_proof_value(VECTOR)
    assert receipt.path == (
        ("right", "51b4e22ed024ec7f38dc68b0bf78c87eda525ab0896b75d2064bdb9fc60b2698"),
        ("right", "61c56cca660b2e616d0bd62775e728f50275ae44adf12d1bfb9b9c507a14766b"),
    )
    assert receipt.merkle_root == "3c9ee831b8705f2fbe09f8b3a92247eed88cdc90418c024924be668fdc92e781"
    assert receipt.target_hash == "c65c6184e3d5a945ddb5437e93ea312411fd33aa1def22b0746d6ecd4aa30f20"
    assert [a.blink for a in receipt.anchors] == [
        "blink:btc:testnet:582733d7cef8035d87cecc9ebbe13b3a2f6cc52583fbcd2b9709f20a6b8b56b3"
    ]
    assert root_of(receipt.target_hash, receipt.path) == receipt.merkle_root


def test_encoder_is_the_exact_inverse() -> None:
    assert encode_proof_value(decode_proof_value(VECTOR)) == VECTOR


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8])
def test_every_leaf_reaches_the_root(count: int) -> None:
    leaves = [bytes([i]).hex() * 32 for i in range(count)]
    root, paths = build_tree(leaves)
    assert all(root_of(leaf, path) == root for leaf, path in zip(leaves, paths, strict=True))
    assert root_of(leaves[0][:-2] + "ff", paths[0]) != root


@pytest.mark.parametrize("bad", ["", "abc", "z0OIl", "z" + "1" * 40, 17])
def test_unreadable_proof_values_are_refused(bad: object) -> None:
    with pytest.raises(MerkleError):
        decode_proof_value(bad)


def test_2017_receipt() -> None:
    root, paths = build_tree(["aa" * 32, "bb" * 32])
    signature = {
        "type": ["MerkleProof2017", "Extension"],
        "targetHash": "aa" * 32,
        "merkleRoot": root,
        "proof": [{side: sibling} for side, sibling in paths[0]],
        "anchors": [{"sourceId": "cd" * 32, "type": "BTCOpReturn", "chain": "bitcoinTestnet"}],
    }
    receipt = receipt_of_2017(signature)
    assert root_of(receipt.target_hash, receipt.path) == root
    assert receipt.anchors[0].service_key == "btc:testnet"
    with pytest.raises(MerkleError):
        receipt_of_2017({**signature, "anchors": [{"sourceId": "cd", "chain": "dogecoin"}]})


def test_nesting_and_size_bombs_are_refused_quickly() -> None:
    import time

    import base58

    deep = "z" + base58.b58encode(b"\x81" * 11000 + b"\x00").decode()
    started = time.process_time()
    for bomb in (deep, "z" + "2" * 20000):
        with pytest.raises(MerkleError):
            decode_proof_value(bomb)
    assert time.process_time() - started < 2.0
