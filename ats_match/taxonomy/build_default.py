"""Build the packaged default taxonomy from the ESCO files in ``shared/taxonomy``.

``ats-match taxonomy build [SOURCE_DIR]`` (or ``python -m ats_match.taxonomy.build_default``)
reads ESCO's own fields — ``esco_skills_en.csv.gz`` (all 13,939 skills: preferred and alternative
labels, description, skill type), ``broaderRelationsSkillPillar_v1.0.csv.gz`` (the hierarchy,
for ``include_narrower``), ``occupations_en_v1.1.1.csv.gz`` (job titles) and
``esco_ict_skills.json.gz`` (ESCO's ICT skills collection, for the scorer's domain sense check)
— and writes ``data/esco_default.json.gz``, ``data/esco_occupations.json.gz`` and
``data/esco_ict.json.gz``. No label is reconstructed:
every field is copied from the source. The label index (``data/esco_index.npz``) is written by
:mod:`ats_match.taxonomy.index_store` and the embedding index (``data/esco_vectors.npz``) is written
by :mod:`ats_match.taxonomy.semantic` in the same build.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from ats_match.taxonomy.loaders import load_esco_csv
from ats_match.taxonomy.occupations import load_occupations_csv

ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"
ESCO_OCCUPATION_PREFIX = "http://data.europa.eu/esco/occupation/"
DATA = Path(__file__).parent / "data"
OUTPUT = DATA / "esco_default.json.gz"
OCCUPATIONS = DATA / "esco_occupations.json.gz"
DEFAULT_SOURCE = Path(__file__).resolve().parents[3] / "shared" / "taxonomy"
SKILLS_FILE = "esco_skills_en.csv.gz"
BROADER_FILE = "broaderRelationsSkillPillar_v1.0.csv.gz"
OCCUPATIONS_FILE = "occupations_en_v1.1.1.csv.gz"
ATTRIBUTION = "ESCO, (c) European Union, CC BY 4.0 (Commission Decision 2011/833/EU)"


def build(source: Path) -> dict[str, Any]:
    """The compact default skills document from ESCO's skills and broader-relations files."""
    taxonomy = load_esco_csv(source / SKILLS_FILE, source / BROADER_FILE, include_hidden=False)
    skills: list[list[Any]] = []
    for skill in sorted(taxonomy, key=lambda s: s.uri):
        skills.append(
            [
                skill.uri.removeprefix(ESCO_SKILL_PREFIX),
                skill.preferred_label,
                list(skill.alt_labels),
                skill.description,
                skill.skill_type,
                [b.removeprefix(ESCO_SKILL_PREFIX) for b in skill.broader],
            ]
        )
    return {
        "format": "ats-match-taxonomy/2",
        "name": "ESCO skills pillar",
        "uri_prefix": ESCO_SKILL_PREFIX,
        "attribution": ATTRIBUTION,
        "source": [SKILLS_FILE, BROADER_FILE],
        "skills": skills,
    }


def build_occupations(source: Path) -> dict[str, Any]:
    """The compact occupations document: URI, label, alternative labels, ISCO group, description."""
    rows = [
        [
            o.uri.removeprefix(ESCO_OCCUPATION_PREFIX),
            o.preferred_label,
            list(o.alt_labels),
            o.isco_group,
            o.description,
        ]
        for o in sorted(load_occupations_csv(source / OCCUPATIONS_FILE), key=lambda o: o.uri)
    ]
    return {
        "format": "ats-match-occupations/1",
        "uri_prefix": ESCO_OCCUPATION_PREFIX,
        "attribution": ATTRIBUTION,
        "source": [OCCUPATIONS_FILE],
        "occupations": rows,
    }


def write_gzip_json(path: Path, document: dict[str, Any]) -> int:
    """Write ``document`` as gzipped compact JSON; mtime=0 keeps rebuilds byte-identical."""
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(payload)
    return path.stat().st_size


def main(argv: list[str] | None = None, *, with_vectors: bool = True) -> list[str]:
    """Write the package data from SOURCE_DIR (default ``../shared/taxonomy``); lines to print."""
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else DEFAULT_SOURCE
    document = build(source)
    lines = [
        f"wrote {OUTPUT.name}: {len(document['skills']):,} skills, "
        f"{write_gzip_json(OUTPUT, document):,} bytes"
    ]
    occupations = build_occupations(source)
    size = write_gzip_json(OCCUPATIONS, occupations)
    lines.append(
        f"wrote {OCCUPATIONS.name}: {len(occupations['occupations']):,} occupations, {size:,} bytes"
    )
    from ats_match.taxonomy.ict import ICT_DATA, build_ict

    ict = build_ict(
        source, {ESCO_SKILL_PREFIX + row[0] for row in document["skills"]}, ESCO_SKILL_PREFIX
    )
    lines.append(
        f"wrote {ICT_DATA}: {len(ict['skills']):,} ICT skills, "
        f"{write_gzip_json(DATA / ICT_DATA, ict):,} bytes"
    )
    from ats_match.taxonomy.index_store import build_index

    lines.append(build_index())
    if with_vectors:
        from ats_match.taxonomy.semantic import build_vectors
        from ats_match.taxonomy.tune import build_model

        lines.append(build_vectors())
        lines.append(build_model())
    return lines


if __name__ == "__main__":
    for line in main():
        print(line)
