"""Blockcerts Merkle proofs: the MerkleProof2019 ``proofValue`` codec and the path walk.

What: :func:`decode_proof_value` reads a MerkleProof2019 ``proofValue`` (multibase base58btc of
CBOR, in the LDS Merkle Proof 2019 keymap) into a :class:`MerkleReceipt`; :func:`receipt_of_2017`
reads the JSON ``signature`` of a Blockcerts v2 (MerkleProof2017) certificate into the same
shape; :func:`root_of` walks the path from the target hash to the root. :func:`build_tree` and
:func:`encode_proof_value` are the issuing side (fixtures, demo), kept next to their inverse.

Why a codec of our own: the keymap is tiny and fixed ({merkleRoot: 0, targetHash: 1, anchors: 2,
path: 3}, path {left: 0, right: 1}, chains btc 0 / eth 1 / mocknet -1), so ``cbor2`` plus a
table is safer than a dependency. Byte values are themselves CBOR-encoded byte strings; they are
shown as hex. Anchors are written as ``blink:<chain>:<network>:<txid>``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import base58
import cbor2

ROOT_KEYS = {0: "merkleRoot", 1: "targetHash", 2: "anchors", 3: "path"}
SIDES = {0: "left", 1: "right"}
CHAINS: dict[int, tuple[str, dict[int, str]]] = {
    0: ("btc", {1: "mainnet", 3: "testnet"}),
    1: ("eth", {1: "mainnet", 3: "ropsten", 4: "rinkeby", 5: "goerli", 11155111: "sepolia"}),
    -1: ("mocknet", {}),
}
# Blockcerts v2 anchors name their chain in words.
CHAINS_2017 = {
    "bitcoinMainnet": ("btc", "mainnet"),
    "bitcoinTestnet": ("btc", "testnet"),
    "ethereumMainnet": ("eth", "mainnet"),
    "ethereumRopsten": ("eth", "ropsten"),
    "ethereumRinkeby": ("eth", "rinkeby"),
    "ethereumGoerli": ("eth", "goerli"),
    "ethereumSepolia": ("eth", "sepolia"),
    "mockchain": ("mocknet", ""),
}
MAX_PROOF_BYTES = 16 * 1024
MAX_PATH = 64


class MerkleError(Exception):
    """A proof value or receipt that cannot be read."""


@dataclass(frozen=True)
class Anchor:
    """Where the Merkle root was published: a chain, a network and a transaction id."""

    chain: str
    network: str
    txid: str

    @property
    def service_key(self) -> str:
        """The key of the chain service setting for this anchor (``btc:testnet``, ``mocknet``)."""
        return f"{self.chain}:{self.network}" if self.network else self.chain

    @property
    def blink(self) -> str:
        return f"blink:{self.service_key}:{self.txid}"


@dataclass(frozen=True)
class MerkleReceipt:
    """What a Merkle proof states: the leaf, the path to the root, the root and its anchors."""

    target_hash: str
    merkle_root: str
    path: tuple[tuple[str, str], ...] = ()
    """``(side, sibling hex)`` from the leaf up; ``left``: the sibling is on the left."""
    anchors: tuple[Anchor, ...] = field(default_factory=tuple)


def root_of(target_hash: str, path: tuple[tuple[str, str], ...]) -> str:
    """The root the path leads to from ``target_hash`` (``left``: sha256(sibling || node),
    ``right``: sha256(node || sibling))."""
    node = bytes.fromhex(target_hash)
    for side, sibling in path:
        other = bytes.fromhex(sibling)
        pair = other + node if side == "left" else node + other
        node = hashlib.sha256(pair).digest()
    return node.hex()


# -- MerkleProof2019 -------------------------------------------------------------------------


def decode_proof_value(value: Any) -> MerkleReceipt:
    """A MerkleProof2019 ``proofValue`` (``z`` + base58btc of the CBOR keymap)."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) > MAX_PROOF_BYTES:
        raise MerkleError("proofValue is not a base58btc multibase string")
    try:
        raw = base58.b58decode(value[1:])
        decoded = cbor2.loads(raw)
    except (ValueError, cbor2.CBORDecodeError) as exc:
        raise MerkleError(f"proofValue is not CBOR in base58btc: {exc}") from exc
    entries = _pairs(decoded, ROOT_KEYS, "proof")
    try:
        path = tuple(_path_step(step) for step in _items(entries.get("path", []), MAX_PATH))
        anchors = tuple(_anchor(item) for item in _items(entries.get("anchors", []), 16))
        return MerkleReceipt(
            target_hash=_hex(entries["targetHash"]),
            merkle_root=_hex(entries["merkleRoot"]),
            path=path,
            anchors=anchors,
        )
    except KeyError as exc:
        raise MerkleError(f"proofValue has no {exc.args[0]}") from exc


def _pairs(value: Any, keys: dict[int, str], what: str) -> dict[str, Any]:
    """A keymap object: a CBOR map or (as the reference encoder writes it) a list of pairs."""
    items = list(value.items()) if isinstance(value, dict) else value
    if not isinstance(items, list):
        raise MerkleError(f"{what} is not a keymap")
    found: dict[str, Any] = {}
    for pair in items:
        if not isinstance(pair, list | tuple) or len(pair) != 2 or pair[0] not in keys:
            raise MerkleError(f"{what} holds an unknown entry")
        found[keys[pair[0]]] = pair[1]
    return found


def _items(value: Any, limit: int) -> list[Any]:
    if not isinstance(value, list) or len(value) > limit:
        raise MerkleError("proof list is not a list or too long")
    return value


def _hex(value: Any) -> str:
    """A byte value: a CBOR-encoded byte string inside a byte string."""
    if not isinstance(value, bytes):
        raise MerkleError("proof byte value is not bytes")
    try:
        inner = cbor2.loads(value)
    except cbor2.CBORDecodeError as exc:
        raise MerkleError("proof byte value is not a CBOR byte string") from exc
    if not isinstance(inner, bytes):
        raise MerkleError("proof byte value is not a CBOR byte string")
    return inner.hex()


def _path_step(step: Any) -> tuple[str, str]:
    if not isinstance(step, list) or len(step) != 2 or step[0] not in SIDES:
        raise MerkleError("proof path step is not {left|right: hash}")
    return SIDES[step[0]], _hex(step[1])


def _anchor(value: Any) -> Anchor:
    entries = _pairs(value, {0: "chain", 1: "network", 2: "txid"}, "anchor")
    chain = CHAINS.get(entries.get("chain"))  # type: ignore[arg-type]
    if chain is None:
        raise MerkleError(f"anchor names an unknown chain {entries.get('chain')!r}")
    name, networks = chain
    network = networks.get(entries.get("network"), "") if networks else ""  # type: ignore[arg-type]
    if networks and not network:
        raise MerkleError(f"anchor names an unknown {name} network {entries.get('network')!r}")
    return Anchor(chain=name, network=network, txid=_hex(entries.get("txid")))


# -- MerkleProof2017 (Blockcerts v2 ``signature``) -------------------------------------------


def receipt_of_2017(signature: Any) -> MerkleReceipt:
    """A Blockcerts v2 ``signature`` block: ``targetHash``, ``merkleRoot``, ``proof`` (a list of
    ``{left|right: hex}``) and ``anchors`` (``{sourceId, type, chain}``)."""
    if not isinstance(signature, dict):
        raise MerkleError("signature is not an object")
    try:
        path = tuple(_step_2017(step) for step in _items(signature.get("proof") or [], MAX_PATH))
        anchors = tuple(_anchor_2017(a) for a in _items(signature.get("anchors") or [], 16))
        return MerkleReceipt(
            target_hash=_hex_text(signature["targetHash"]),
            merkle_root=_hex_text(signature["merkleRoot"]),
            path=path,
            anchors=anchors,
        )
    except KeyError as exc:
        raise MerkleError(f"signature has no {exc.args[0]}") from exc


def _hex_text(value: Any) -> str:
    try:
        bytes.fromhex(value)
    except (TypeError, ValueError) as exc:
        raise MerkleError(f"{value!r} is not a hex hash") from exc
    return str(value).lower()


def _step_2017(step: Any) -> tuple[str, str]:
    if not isinstance(step, dict) or len(step) != 1 or next(iter(step)) not in ("left", "right"):
        raise MerkleError("signature proof step is not {left|right: hash}")
    side, sibling = next(iter(step.items()))
    return str(side), _hex_text(sibling)


def _anchor_2017(value: Any) -> Anchor:
    if not isinstance(value, dict) or not isinstance(value.get("sourceId"), str):
        raise MerkleError("signature anchor has no sourceId")
    chain, network = CHAINS_2017.get(str(value.get("chain") or "bitcoinMainnet"), ("", ""))
    if not chain:
        raise MerkleError(f"signature anchor names an unknown chain {value.get('chain')!r}")
    return Anchor(chain=chain, network=network, txid=_hex_text(value["sourceId"]))


# -- issuing side ----------------------------------------------------------------------------

_CHAIN_IDS = {name: (cid, {v: k for k, v in nets.items()}) for cid, (name, nets) in CHAINS.items()}


def build_tree(leaves: list[str]) -> tuple[str, list[tuple[tuple[str, str], ...]]]:
    """The root of the Merkle tree over hex ``leaves`` and each leaf's path (an odd node is
    carried up unchanged, as Blockcerts' merkletools does)."""
    if not leaves:
        raise MerkleError("a Merkle tree needs at least one leaf")
    level = [bytes.fromhex(leaf) for leaf in leaves]
    positions = list(range(len(leaves)))
    paths: list[list[tuple[str, str]]] = [[] for _ in leaves]
    while len(level) > 1:
        for leaf, index in enumerate(positions):
            sibling = index ^ 1
            if sibling < len(level):
                side = "left" if sibling < index else "right"
                paths[leaf].append((side, level[sibling].hex()))
            positions[leaf] = index // 2
        level = [
            hashlib.sha256(level[i] + level[i + 1]).digest() if i + 1 < len(level) else level[i]
            for i in range(0, len(level), 2)
        ]
    return level[0].hex(), [tuple(p) for p in paths]


def encode_proof_value(receipt: MerkleReceipt) -> str:
    """The MerkleProof2019 ``proofValue`` of ``receipt`` (the inverse of
    :func:`decode_proof_value`)."""

    def wrapped(hex_value: str) -> bytes:
        return cbor2.dumps(bytes.fromhex(hex_value))

    anchors = []
    for anchor in receipt.anchors:
        chain_id, networks = _CHAIN_IDS[anchor.chain]
        entry: list[list[Any]] = [[0, chain_id]]
        if anchor.network:
            entry.append([1, networks[anchor.network]])
        entry.append([2, wrapped(anchor.txid)])
        anchors.append(entry)
    path = [[0 if side == "left" else 1, wrapped(sibling)] for side, sibling in receipt.path]
    keymap = [
        [3, path],
        [0, wrapped(receipt.merkle_root)],
        [1, wrapped(receipt.target_hash)],
        [2, anchors],
    ]
    return "z" + base58.b58encode(cbor2.dumps(keymap)).decode()
