"""ESCO's ICT skills collection: which skills are about computers (programming languages,
software tools, ICT methods), for the domain sense check of the scorer.

A word in a credential's name that is also the name of a programming language or a software
tool ("Jenkins Ridge Trail Ranger", "Erlang staffing for contact centres") proposes an ICT
skill; when the description's own nearest skills are almost never ICT skills, the credential is
about something else. ``ats-match taxonomy build`` writes ``data/esco_ict.json.gz`` from the
collection's export (``esco_ict_skills.json.gz``), keeping the URIs the default taxonomy has.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Collection
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

ICT_DATA = "esco_ict.json.gz"
ICT_SOURCE_FILE = "esco_ict_skills.json.gz"


def build_ict(source: Path, uris: Collection[str], prefix: str) -> dict[str, Any]:
    """The compact ICT document: the collection's URIs that ``uris`` (the taxonomy) holds."""
    with gzip.open(source / ICT_SOURCE_FILE, "rt", encoding="utf-8") as fh:
        rows = json.load(fh)
    kept = sorted({row["uri"] for row in rows} & set(uris))
    return {
        "format": "ats-match-ict/1",
        "name": "ESCO ICT skills collection",
        "uri_prefix": prefix,
        "source": [ICT_SOURCE_FILE],
        "skills": [uri.removeprefix(prefix) for uri in kept],
    }


@lru_cache(maxsize=1)
def default_ict_skills() -> frozenset[str]:
    """URIs of the default taxonomy's skills in ESCO's ICT skills collection (empty when the
    package data is missing, which turns the domain sense check off)."""
    ref = resources.files("ats_match.taxonomy") / "data" / ICT_DATA
    if not ref.is_file():
        return frozenset()
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        document = json.load(fh)
    prefix = str(document["uri_prefix"])
    return frozenset(prefix + suffix for suffix in document["skills"])
