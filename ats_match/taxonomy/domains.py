"""Skill domains: clusters of the taxonomy's skill vectors, for a sense check against the text.

A misleading name ("Puppet Theatre", "Waterfall Abseiling") shares a word with a skill from
another field (the configuration tool Puppet, the waterfall software model). The skill's own
vector carries that word, so it still looks close; its *domain* — the centroid of the skills
around it (configuration management tools, software methodologies) — does not: a description
about puppet shows is far from it. ``ats-match taxonomy build`` groups the default taxonomy's
vectors by spherical k-means into ``data/esco_domains.npz`` (centroids only); every skill's
domain is its nearest centroid, computed at load, so an employer's own skills get one too.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

from ats_match.taxonomy.semantic import Matrix

DOMAINS_DATA = "esco_domains.npz"
DOMAINS = 48
_ITERATIONS = 25
_SEED = 20261203


def _unit_rows(rows: Matrix) -> Matrix:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    np.divide(rows, norms, out=rows, where=norms > 0)
    return rows


def spherical_kmeans(vectors: Matrix, k: int = DOMAINS, iterations: int = _ITERATIONS) -> Matrix:
    """Unit centroids of ``k`` clusters of unit ``vectors`` by cosine (seeded: reproducible)."""
    rng = np.random.default_rng(_SEED)
    centroids = vectors[rng.choice(len(vectors), size=k, replace=False)].copy()
    for _ in range(iterations):
        assignment = np.argmax(vectors @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assignment, vectors)
        empty = ~sums.any(axis=1)
        sums[empty] = centroids[empty]  # an empty cluster keeps its centroid
        centroids = _unit_rows(sums)
    return centroids


def assign(vectors: Matrix, centroids: Matrix) -> np.ndarray:
    """Each vector's nearest domain."""
    return np.asarray(np.argmax(vectors @ centroids.T, axis=1), dtype=np.int32)


@lru_cache(maxsize=1)
def default_centroids() -> Matrix | None:
    """The shipped domain centroids, or None when the package data lacks them."""
    ref = resources.files("ats_match.taxonomy") / "data" / DOMAINS_DATA
    if not ref.is_file():
        return None
    with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as data:
        return np.asarray(data["centroids"], dtype=np.float32)


def build_domains() -> str:
    """Cluster the shipped default vectors and write ``data/esco_domains.npz``; a line to print."""
    from ats_match.taxonomy.build_default import DATA
    from ats_match.taxonomy.semantic import default_vectors

    centroids = spherical_kmeans(default_vectors().matrix)
    path = DATA / DOMAINS_DATA
    with path.open("wb") as fh:
        np.savez(fh, centroids=centroids.astype(np.float32))
    default_centroids.cache_clear()
    return f"wrote {path.name}: {len(centroids)} domains, {path.stat().st_size:,} bytes"
