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
    """A path under ``shared/conformance``. When the fixtures are absent the test is skipped,
    or fails under ``ATS_MATCH_REQUIRE_SERVICES=1`` (CI), where they must be present."""
    path = shared_dir().joinpath("conformance", *parts)
    if not path.exists():
        message = f"conformance fixtures not found at {path}"
        if os.environ.get("ATS_MATCH_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path
