"""Schemathesis over the app's own OpenAPI document, in process, bounded per operation.

Used by ``tests/api/test_schemathesis.py``; kept apart so the counts it returns can be read
(and written to ``docs/security.md``) without the test's assertions in the way."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks as st_checks
from schemathesis.core.result import Ok
from schemathesis.openapi import checks as oa_checks  # noqa: F401  (registers the checks)

CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.response_schema_conformance,
    st_checks.content_type_conformance,
]


@dataclass
class FuzzReport:
    operations: int = 0
    cases: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    """The first failure of each failing operation: ``"POST /api/v1/jobs" -> message``."""
    statuses: Counter[int] = field(default_factory=Counter)


def fuzz(app: Any, headers: dict[str, str], max_examples: int = 10) -> FuzzReport:
    """Call every operation of the app's document ``max_examples`` times with generated
    requests (authenticated with ``headers``) and check each answer against the document."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    report = FuzzReport()
    for result in schema.get_all_operations():
        report.operations += 1
        if not isinstance(result, Ok):  # the document itself is wrong for this operation
            report.failures[f"operation {report.operations}"] = str(result.err())
            continue
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        try:
            _run(operation, headers, max_examples, report)
        except (Exception, BaseExceptionGroup) as exc:  # recorded; the walk goes on
            report.failures[label] = _summary(exc)
    return report


def _run(operation: Any, headers: dict[str, str], max_examples: int, report: FuzzReport) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        response = case.call(headers=headers)
        report.cases += 1
        report.statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    call()


def _summary(exc: BaseException) -> str:
    """The failures' titles and the first lines of their messages, for a readable assert."""
    parts = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
    return "; ".join(" ".join(str(p).split())[:300] for p in parts)
