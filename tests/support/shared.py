"""Where the read-only public conformance fixtures live (``../shared`` next to the repo).

Tests read them in place; ``ATS_MATCH_SHARED_DIR`` overrides the location.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """The shared data directory (``$ATS_MATCH_SHARED_DIR`` or ``<repo>/../shared``)."""
    return Path(os.environ.get("ATS_MATCH_SHARED_DIR", REPO_ROOT / ".." / "shared")).resolve()


def conformance(*parts: str) -> Path:
    """A path under ``shared/conformance``; skips the test when the fixtures are absent."""
    path = shared_dir().joinpath("conformance", *parts)
    if not path.exists():
        pytest.skip(f"conformance fixtures not found at {path}")
    return path
