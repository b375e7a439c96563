"""The attack suite: every test here carries ``pytest.mark.attack(<category>)``.

Fixtures come from the intake and web suites (a recruiter through the API, a seeded dashboard
organisation). At the end of a complete run, with ``ATS_MATCH_WRITE_SECURITY_COUNTS=1``, the
counts per category are written into docs/security.md (see :mod:`tests.attacks.counts`)."""

from __future__ import annotations

import pytest

from tests.attacks import counts
from tests.attacks.webhook import webhook  # noqa: F401 - a signed generic-vendor door
from tests.intake.conftest import recruiter  # noqa: F401 - a recruiter created through the API
from tests.web.conftest import _fresh_login_limiter, seeded  # noqa: F401

_TALLY = counts.Tally()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _TALLY.record(report)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _TALLY.collected(items)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _TALLY.write_if_complete()
