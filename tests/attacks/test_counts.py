"""The counts in docs/security.md belong to this catalogue: a case added or removed without
refreshing them (see docs/security.md) fails here."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from tests.attacks import counts

pytestmark = pytest.mark.attack("counts")


def test_committed_counts_match_the_catalogue() -> None:
    if os.environ.get(counts.WRITE_ENV) == "1":
        pytest.skip("this run rewrites the counts at its end")
    committed = counts.committed_counts()
    catalogue = counts.catalogue()
    assert set(committed) == set(counts.CATEGORIES) == set(catalogue)
    for name, (cases, runs, passed) in committed.items():
        assert cases == len(catalogue[name]), f"{name}: refresh docs/security.md"
        assert runs >= cases and passed == runs, f"{name}: written from a run that failed"


def test_every_category_has_cases_and_unique_names() -> None:
    for name, cases in counts.catalogue().items():
        assert cases and len(cases) == len(set(cases)), name


def test_the_section_is_rewritten_between_its_markers_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "security.md"
    page.write_text(f"# Security\n\n## API\nkept\n\n{counts.START}\nold\n{counts.END}\n\ntail\n")
    monkeypatch.setattr(counts, "SECURITY_MD", page)
    catalogue = counts.catalogue()
    runs = Counter({name: 2 * len(cases) for name, cases in catalogue.items()})
    counts.write_section(counts.render(catalogue, runs, runs))
    text = page.read_text()
    assert text.startswith("# Security\n\n## API\nkept\n\n") and text.endswith("\n\ntail\n")
    assert "old" not in text
    assert (
        counts.committed_counts()["ssrf"]
        == (len(catalogue["ssrf"]),) + (2 * len(catalogue["ssrf"]),) * 2
    )


def test_a_partial_run_does_not_write(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(counts.WRITE_ENV, "1")
    tally = counts.Tally()
    tally.seen.add(("ssrf", counts.catalogue()["ssrf"][0]))
    assert not tally.complete() and not tally.write_if_complete()
