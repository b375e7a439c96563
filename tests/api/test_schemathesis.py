"""Schemathesis over the whole document: no server error, every answer as declared."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from tests.api.fuzz import fuzz
from tests.api.orgs import admin_key_of_new_org


def test_every_operation_holds_under_generated_requests(
    client: TestClient, database_url: str
) -> None:
    key = admin_key_of_new_org(database_url)
    started = time.monotonic()
    report = fuzz(client.app, {"Authorization": f"Bearer {key}"}, max_examples=10)
    print(
        f"\nschemathesis: {report.operations} operations, {report.cases} cases, "
        f"{len(report.failures)} failing operations, {time.monotonic() - started:.1f} s, "
        f"statuses {dict(sorted(report.statuses.items()))}"
    )
    for label, failure in report.failures.items():
        print(f"FAIL {label}: {failure}")
    assert report.operations > 60 and report.cases > 5 * report.operations
    assert report.failures == {}
