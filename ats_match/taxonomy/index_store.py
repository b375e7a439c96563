"""The default taxonomy's label index, built at ``ats-match taxonomy build`` time into package data.

Tokenising and stemming ~100k labels took ~0.5 s CPU in every process before its first match.
``data/esco_index.npz`` holds what that work produces as plain arrays — the normalised labels,
the stemmed tokens with their posting lists (CSR: offsets into one id array) and each label's
weight — so loading it is a decompression and a few list conversions. No pickle: only numeric
and byte arrays. The label texts and URIs are not stored; they come from the taxonomy itself,
and a fingerprint of its labels guards against an index shipped for another taxonomy.
"""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np

from ats_match.taxonomy.index import LabelIndex
from ats_match.taxonomy.model import Taxonomy

INDEX_DATA = "esco_index.npz"
FORMAT = "ats-match-label-index/1"


def _labels(taxonomy: Taxonomy) -> tuple[list[str], list[str]]:
    """Every label and its skill's URI, in the order :class:`LabelIndex` numbers them."""
    texts: list[str] = []
    uris: list[str] = []
    for skill in taxonomy:
        labels = skill.labels
        texts.extend(labels)
        uris.extend([skill.uri] * len(labels))
    return texts, uris


def fingerprint(texts: list[str], uris: list[str]) -> str:
    """A digest of the labels and their owners, in index order."""
    digest = hashlib.sha256()
    digest.update("\x1f".join(texts).encode("utf-8"))
    digest.update("\x1f".join(uris).encode("utf-8"))
    return digest.hexdigest()


def _joined(strings: list[str]) -> np.ndarray:
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def _split(array: np.ndarray) -> list[str]:
    return array.tobytes().decode("utf-8").split("\n")


def index_arrays(index: LabelIndex, taxonomy: Taxonomy) -> dict[str, np.ndarray]:
    """The arrays ``data/esco_index.npz`` holds for ``index`` (a synonym-free index)."""
    tokens = sorted(index.postings)  # a fresh build's order follows string hashing
    offsets = np.zeros(len(tokens) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(index.postings[t]) for t in tokens])
    ids = np.fromiter(
        (i for t in tokens for i in index.postings[t]), dtype=np.int32, count=int(offsets[-1])
    )
    return {
        "format": np.array(FORMAT),
        "fingerprint": np.array(fingerprint(*_labels(taxonomy))),
        "normed": _joined(index.normed),
        "tokens": _joined(tokens),
        "offsets": offsets,
        "ids": ids,
        "weight": np.asarray(index.weight, dtype=np.float64),
    }


def index_from_arrays(arrays: dict[str, np.ndarray], taxonomy: Taxonomy) -> LabelIndex | None:
    """The index the arrays describe, or None when they were built for other labels."""
    texts, uris = _labels(taxonomy)
    if str(arrays["format"]) != FORMAT or str(arrays["fingerprint"]) != fingerprint(texts, uris):
        return None
    flat = arrays["ids"].tolist()
    bounds = arrays["offsets"].tolist()
    postings = {
        tok: flat[lo:hi]
        for tok, lo, hi in zip(_split(arrays["tokens"]), bounds, bounds[1:], strict=False)
    }
    return LabelIndex.from_parts(
        texts=texts,
        normed=_split(arrays["normed"]),
        uris=uris,
        postings=postings,
        weight=arrays["weight"].tolist(),
    )


def shipped_index(taxonomy: Taxonomy) -> LabelIndex | None:
    """The shipped index if it was built for ``taxonomy``'s labels, else None."""
    ref = resources.files("ats_match.taxonomy") / "data" / INDEX_DATA
    if not ref.is_file():
        return None
    with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    return index_from_arrays(arrays, taxonomy)


def build_index() -> str:
    """Index the packaged default taxonomy and write ``data/esco_index.npz``; a line to print."""
    from ats_match.taxonomy.build_default import DATA
    from ats_match.taxonomy.loaders import default_taxonomy

    default_taxonomy.cache_clear()
    taxonomy = default_taxonomy()
    arrays = index_arrays(LabelIndex(taxonomy, {}), taxonomy)
    path = DATA / INDEX_DATA
    with path.open("wb") as fh:
        np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]
    size = path.stat().st_size
    return f"wrote {path.name}: {len(arrays['weight']):,} labels, {size:,} bytes"
