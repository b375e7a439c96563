"""Build the packaged default ESCO skills file from the two source dumps in ``shared/taxonomy``.

Run once (``python -m ats_match.taxonomy.build_default [SOURCE_DIR]``); the output,
``data/esco_default.json.gz``, is committed so users never need the source files.

The full skills pillar only comes as one run-on ``text`` per concept (preferred label, then
alternative labels, then description, joined by spaces), so labels are recovered heuristically:

* the description starts at the first capitalised word (not repeating an earlier word, so proper
  nouns such as "Haskell" are skipped) followed by at least three more words;
* the label region before it is cut into labels before words that often open a preferred label
  (learned from the first words of all 13,939 texts) or that repeat the current label's first
  word ("teamwork principles teamwork approaches"), unless the previous word is a function word.

The 877 ICT skills come with clean labels and descriptions; for those the clean data wins and the
text-derived segments are kept only as extra alternative labels.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"
OUTPUT = Path(__file__).parent / "data" / "esco_default.json.gz"
DEFAULT_SOURCE = Path(__file__).resolve().parents[3] / "shared" / "taxonomy"
_FUNCTION_WORDS = frozenset(
    [
        "to",
        "of",
        "and",
        "for",
        "the",
        "a",
        "an",
        "in",
        "on",
        "with",
        "or",
        "from",
        "by",
        "as",
        "at",
        "into",
        "about",
        "their",
        "its",
        "your",
        "that",
        "is",
        "are",
        "be",
    ]
)
_MIN_START_COUNT = 3
_MIN_START_RATIO = 0.02


def split_description(text: str) -> tuple[list[str], str]:
    """Split one run-on ESCO text into label-region words and the description sentence(s)."""
    words = text.split(" ")
    for i in range(1, len(words)):
        word = words[i]
        capitalised = word[:1].isupper() and (len(word) == 1 or any(c.islower() for c in word[1:]))
        if capitalised and word not in words[:i] and len(words) - i >= 4:
            return words[:i], " ".join(words[i:])
    return words, ""


class LabelSegmenter:
    """Cuts a label region into labels using first-word statistics over the whole pillar."""

    def __init__(self, regions: Iterable[list[str]]) -> None:
        regions = list(regions)
        self._first = Counter(r[0].lower() for r in regions if r)
        self._any = Counter(w.lower() for r in regions for w in r)

    def _opens_label(self, word: str) -> bool:
        low = word.lower()
        count = self._first[low]
        return count >= _MIN_START_COUNT and count / self._any[low] >= _MIN_START_RATIO

    def segment(self, words: list[str]) -> list[str]:
        """Return the labels in order; the first is the best guess at the preferred label."""
        if not words:
            return []
        labels: list[list[str]] = [[words[0]]]
        for word in words[1:]:
            current = labels[-1]
            if (
                len(current) >= 2
                and current[-1].lower() not in _FUNCTION_WORDS
                and (self._opens_label(word) or word.lower() == current[0].lower())
            ):
                labels.append([word])
            else:
                current.append(word)
        return [" ".join(label) for label in labels]


def _dedupe(labels: Iterable[str], exclude: str) -> list[str]:
    seen = {exclude.casefold()}
    out: list[str] = []
    for label in labels:
        key = label.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(label.strip())
    return out


def build(source: Path) -> dict[str, Any]:
    """Combine the two source dumps into the compact default taxonomy document."""
    with gzip.open(source / "esco_skills_text.csv.gz", "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with gzip.open(source / "esco_ict_skills.json.gz", "rt", encoding="utf-8") as fh:
        ict = {item["uri"]: item for item in json.load(fh)}
    split = {row["conceptUri"]: split_description(row["text"]) for row in rows}
    segmenter = LabelSegmenter(region for region, _ in split.values())
    skills: list[list[Any]] = []
    stats = Counter[str]()
    for uri in sorted(set(split) | set(ict)):
        region, description = split.get(uri, ([], ""))
        derived = segmenter.segment(region)
        clean = ict.get(uri)
        if clean is not None:
            label = clean["label"]
            alts = _dedupe([*clean.get("altLabel", []), *derived], label)
            description = (clean.get("description") or description).replace("\xa0", " ")
            skill_type = clean.get("skillType") or ""
            stats["clean"] += 1
            if derived and label.casefold() == derived[0].casefold():
                stats["heuristic_label_agrees_with_clean"] += 1
            if region:
                stats["ict_in_text"] += 1
        else:
            label, alts, skill_type = derived[0], _dedupe(derived[1:], derived[0]), ""
            stats["derived"] += 1
        skills.append(
            [uri.removeprefix(ESCO_SKILL_PREFIX), label, alts, description, skill_type, []]
        )
    return {
        "format": "ats-match-taxonomy/1",
        "name": "ESCO skills pillar (default, derived)",
        "uri_prefix": ESCO_SKILL_PREFIX,
        "attribution": "ESCO, (c) European Union, CC BY 4.0 (Commission Decision 2011/833/EU)",
        "stats": dict(stats),
        "skills": skills,
    }


HELDOUT = Path(__file__).parent / "data" / "eval" / "esco_heldout.jsonl"


def build_heldout(source: Path) -> list[dict[str, Any]]:
    """A labelled set from ESCO's own alternative labels, each held out of the index at eval time.

    For every ICT skill with a clean alternative label that is neither contained in nor contains
    its preferred label, and that no other skill also uses, one such label is chosen (by a hash of
    the URI, so the set is reproducible). The text is the input, the skill URI the truth, and
    ``holdout`` tells the harness to drop that label (and any label containing it) from the index.
    """
    with gzip.open(source / "esco_ict_skills.json.gz", "rt", encoding="utf-8") as fh:
        ict = json.load(fh)
    owners = Counter[str]()
    for item in ict:
        for text in {_norm(t) for t in [item["label"], *item.get("altLabel", [])]}:
            owners[text] += 1
    rows: list[dict[str, Any]] = []
    for item in sorted(ict, key=lambda i: i["uri"]):
        label = _norm(item["label"])
        options = sorted(
            alt
            for alt in set(item.get("altLabel", []))
            if _norm(alt) not in label and label not in _norm(alt) and owners[_norm(alt)] == 1
        )
        if options:
            pick = options[int(hashlib.sha256(item["uri"].encode()).hexdigest(), 16) % len(options)]
            rows.append({"text": pick, "expected": [item["uri"]], "holdout": True})
    return rows


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def main(argv: list[str] | None = None) -> None:
    """Write ``data/esco_default.json.gz`` from SOURCE_DIR (default ``../shared/taxonomy``)."""
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else DEFAULT_SOURCE
    document = build(source)
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0 keeps the committed file byte-identical across rebuilds.
    with gzip.GzipFile(OUTPUT, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(payload)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size:,} bytes): {document['stats']}")
    heldout = build_heldout(source)
    HELDOUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in heldout))
    print(f"wrote {HELDOUT} ({len(heldout)} labelled texts)")


if __name__ == "__main__":
    main()
