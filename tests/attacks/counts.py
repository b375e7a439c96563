"""The attack catalogue and the counts the suite writes into docs/security.md.

The catalogue is the ``CASES`` mapping of each attack module (one parametrised case each). A
run writes its table only when every case of the catalogue ran (a ``-k`` or single-file run
leaves the file alone) and ``ATS_MATCH_WRITE_SECURITY_COUNTS=1`` is set (CI leaves the tree
clean). :func:`committed_counts` reads the table back for the staleness test."""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SECURITY_MD = Path(__file__).resolve().parents[2] / "docs" / "security.md"
START, END = "<!-- attack-suite:start -->", "<!-- attack-suite:end -->"
WRITE_ENV = "ATS_MATCH_WRITE_SECURITY_COUNTS"
CATEGORIES = {
    "ssrf": "SSRF forms (link fetched by the worker)",
    "files": "Hostile files (verifier on bytes)",
    "jwt": "JWT attacks (verifier on bytes)",
    "jsonld": "JSON-LD attacks (verifier on bytes)",
    "bodies": "Deep and huge bodies (webhook, upload)",
    "xss": "XSS in user-visible fields (dashboard)",
    "csrf": "CSRF on every dashboard form",
    "session": "Session fixation and login rate limit",
}


def catalogue() -> dict[str, list[str]]:
    """Case names per category, from the attack modules themselves."""
    from tests.attacks import (
        test_bodies,
        test_csrf,
        test_files,
        test_jsonld,
        test_jwt,
        test_session,
        test_ssrf,
        test_xss,
    )

    modules = {
        "ssrf": test_ssrf,
        "files": test_files,
        "jwt": test_jwt,
        "jsonld": test_jsonld,
        "bodies": test_bodies,
        "xss": test_xss,
        "csrf": test_csrf,
        "session": test_session,
    }
    return {name: sorted(module.CASES) for name, module in modules.items()}


@dataclass
class Tally:
    """Outcomes of the attack items of one pytest session, by category and case."""

    cases: dict[str, tuple[str, str]] = field(default_factory=dict)
    runs: Counter[str] = field(default_factory=Counter)
    passed: Counter[str] = field(default_factory=Counter)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def collected(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker("attack")
            callspec = getattr(item, "callspec", None)
            if marker is None or callspec is None or "case" not in callspec.params:
                continue
            self.cases[item.nodeid] = (str(marker.args[0]), str(callspec.params["case"]))

    def record(self, report: pytest.TestReport) -> None:
        where = self.cases.get(report.nodeid)
        if where is None or not (report.when == "call" or report.failed or report.skipped):
            return
        category = where[0]
        self.runs[category] += 1
        self.passed[category] += int(report.passed and report.when == "call")
        self.seen.add(where)

    def complete(self) -> bool:
        wanted = {(c, n) for c, names in catalogue().items() for n in names}
        return wanted <= self.seen

    def write_if_complete(self) -> bool:
        if os.environ.get(WRITE_ENV) != "1" or not self.complete():
            return False
        write_section(render(catalogue(), self.runs, self.passed))
        return True


def render(cases: dict[str, list[str]], runs: Counter[str], passed: Counter[str]) -> str:
    rows = ["| Category | Cases | Runs | Passed |", "|---|---:|---:|---:|"]
    for name, title in CATEGORIES.items():
        rows.append(f"| {title} (`{name}`) | {len(cases[name])} | {runs[name]} | {passed[name]} |")
    total = sum(len(v) for v in cases.values())
    rows.append(f"| **Total** | {total} | {sum(runs.values())} | {sum(passed.values())} |")
    return "\n".join(rows)


def write_section(table: str) -> None:
    text = SECURITY_MD.read_text()
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    SECURITY_MD.write_text(f"{before}{START}\n{table}\n{END}{after}")


def committed_counts() -> dict[str, tuple[int, int, int]]:
    """(cases, runs, passed) per category as docs/security.md holds them."""
    section = SECURITY_MD.read_text().partition(START)[2].partition(END)[0]
    found: dict[str, tuple[int, int, int]] = {}
    for match in re.finditer(r"\(`(\w+)`\) \| (\d+) \| (\d+) \| (\d+) \|", section):
        found[match[1]] = (int(match[2]), int(match[3]), int(match[4]))
    return found
