"""Semantic similarity from WordLlama static embeddings, loaded from the installed wheel only.

WordLlama (MIT) ships its 256-dimension token embedding and its tokenizer inside the PyPI wheel;
a text's vector is the mean of its tokens' vectors, so embedding costs a tokenisation and a
gather, no neural network at query time. ``WordLlama.load()`` would look for the tokenizer in the
wrong folder and then try Hugging Face, so this module opens the two files itself and never
touches the network. The taxonomy's vectors are computed once at build time
(``ats-match taxonomy build``) and shipped as int8 in ``data/esco_vectors.npz``.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ats_match.taxonomy.model import Skill, Taxonomy

VECTORS_DATA = "esco_vectors.npz"
MODEL_NAME = "wordllama-l2-supercat-256"
_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
_MAX_TOKENS = 96  # a long description adds little after its first sentences
# Weights of a skill's vector parts, chosen on the dev split (docs/taxonomy.md).
LABEL_WEIGHT, ALT_WEIGHT, DESCRIPTION_WEIGHT = 1.0, 0.6, 0.5

Matrix = npt.NDArray[np.float32]


class EmbedderUnavailable(RuntimeError):
    """The wordllama wheel is not installed: the matcher falls back to the lexical path."""


class Embedder:
    """Mean-pooled, L2-normalised WordLlama vectors for texts (thread-safe)."""

    def __init__(self, embedding: npt.NDArray[np.floating[Any]], tokenizer_file: Path) -> None:
        from tokenizers import Tokenizer

        # Kept as shipped (float16): widening all 32k rows costs ~0.1 s at start-up, widening
        # the few rows a text gathers costs nothing, and the float32 means are the same.
        self.matrix = np.ascontiguousarray(embedding)
        self.dim = int(self.matrix.shape[1])
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Matrix:
        """One unit vector per text (a zero vector for a text with no tokens)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        with self._lock:  # the Rust tokenizer's truncation settings are shared state
            encoded = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        vocab = self.matrix.shape[0] - 1
        for i, enc in enumerate(encoded):
            ids = np.fromiter(enc.ids, dtype=np.int64)
            if ids.size:
                out[i] = self.matrix[np.minimum(ids, vocab)].mean(axis=0, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


def _package_file(parts: tuple[str, str]) -> Path:
    # Found, not imported: importing wordllama costs ~0.16 s CPU and only its files are used.
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise EmbedderUnavailable("wordllama is not installed")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    if not path.exists():
        raise EmbedderUnavailable(f"{path} is missing from the wordllama wheel")
    return path


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    """The WordLlama embedder from the installed wheel's own files (no download, ever)."""
    from safetensors import safe_open

    with safe_open(str(_package_file(_WEIGHTS)), framework="np") as fh:
        embedding = fh.get_tensor("embedding.weight")
    return Embedder(embedding, _package_file(_TOKENIZER))


def skill_vectors(embedder: Embedder, skills: Sequence[Skill]) -> Matrix:
    """Each skill's unit vector: its preferred label, alternative labels and description mixed."""
    labels = embedder.embed([s.preferred_label for s in skills])
    alts = embedder.embed([" ; ".join(s.alt_labels[:12]) for s in skills])
    descs = embedder.embed([s.description for s in skills])
    mixed: Matrix = LABEL_WEIGHT * labels + ALT_WEIGHT * alts + DESCRIPTION_WEIGHT * descs
    norms = np.linalg.norm(mixed, axis=1, keepdims=True)
    np.divide(mixed, norms, out=mixed, where=norms > 0)
    return mixed


def quantise(vectors: Matrix) -> npt.NDArray[np.int8]:
    """Unit vectors to int8 (components of a 256-d unit vector are far below 1)."""
    scale = 127.0 / max(float(np.abs(vectors).max()), 1e-6)
    return np.round(vectors * scale).astype(np.int8)


class SkillVectors:
    """A unit vector per skill URI, as a matrix whose rows follow ``uris``."""

    def __init__(self, uris: Sequence[str], matrix: Matrix) -> None:
        self.uris = list(uris)
        self.row = {uri: i for i, uri in enumerate(self.uris)}
        self.matrix = np.ascontiguousarray(matrix, dtype=np.float32)

    @classmethod
    def for_taxonomy(cls, taxonomy: Taxonomy, embedder: Embedder) -> SkillVectors:
        """Vectors for every skill of ``taxonomy``: the shipped ones where the URI and labels are
        the default's, freshly embedded ones for an employer's own or changed skills."""
        shipped = default_vectors()
        skills = list(taxonomy)
        missing = [s for s in skills if s.uri not in shipped.row]
        matrix = np.zeros((len(skills), embedder.dim), dtype=np.float32)
        fresh = dict(zip((s.uri for s in missing), skill_vectors(embedder, missing), strict=True))
        for i, skill in enumerate(skills):
            vec = fresh.get(skill.uri)
            matrix[i] = vec if vec is not None else shipped.matrix[shipped.row[skill.uri]]
        return cls([s.uri for s in skills], matrix)


@lru_cache(maxsize=1)
def default_vectors() -> SkillVectors:
    """The shipped vectors of the default taxonomy's skills."""
    ref = resources.files("ats_match.taxonomy") / "data" / VECTORS_DATA
    with ref.open("rb") as fh, np.load(fh) as data:
        prefix = str(data["prefix"])
        uris = [prefix + str(u) for u in data["uris"]]
        matrix = data["vectors"].astype(np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return SkillVectors(uris, matrix)


def build_vectors() -> str:
    """Embed the packaged default taxonomy and write ``data/esco_vectors.npz``; a line to print."""
    from ats_match.taxonomy.build_default import DATA, ESCO_SKILL_PREFIX
    from ats_match.taxonomy.loaders import default_taxonomy

    default_taxonomy.cache_clear()
    skills = sorted(default_taxonomy(), key=lambda s: s.uri)
    vectors = skill_vectors(default_embedder(), skills)
    path = DATA / VECTORS_DATA
    with path.open("wb") as fh:
        np.savez_compressed(
            fh,
            model=np.str_(MODEL_NAME),
            prefix=np.str_(ESCO_SKILL_PREFIX),
            uris=np.array([s.uri.removeprefix(ESCO_SKILL_PREFIX) for s in skills]),
            vectors=quantise(vectors),
        )
    default_vectors.cache_clear()
    size = path.stat().st_size
    return f"wrote {path.name}: {len(skills):,} x {vectors.shape[1]} int8, {size:,} bytes"
