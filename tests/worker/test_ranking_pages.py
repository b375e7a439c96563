"""The ranking read path over applications that came through the pipeline: pages, sorts and
filters run in SQL and agree with the full ranking; unscored applications come last."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import TaskOutbox
from rules import loads_requirement_set
from tests.conftest import REPO_ROOT
from tests.worker.conftest import Product, genuine_tokens
from worker import tasks

pytestmark = [pytest.mark.postgres]


def _tier(row: dict[str, Any]) -> int:
    if row["knocked_out"]:
        return 3
    return 0 if row["shortlisted"] else 1 if row["qualified"] else 2


def _get(product: Product, **params: Any) -> tuple[list[dict[str, Any]], int]:
    response = product.client.get(
        f"/api/v1/jobs/{product.job_id}/ranking",
        params=params,
        headers={"authorization": f"Bearer {product.key}"},
    )
    assert response.status_code == 200, response.text
    return response.json(), int(response.headers["x-total-count"])


@pytest.fixture
def scored(product: Product) -> Product:
    for i, n in enumerate([0, 1, 3, 2, 1, 0, 3]):
        delivery = product.deliver(f"app-{i}", genuine_tokens(n))
        tasks.process_delivery(str(product.organization_id), str(delivery))
    return product


def test_pages_concatenate_to_the_full_ranking_in_rank_order(scored: Product) -> None:
    full, total = _get(scored, limit=500)
    assert total == len(full) == 7
    assert all(r["score"] is not None for r in full)
    keys = [(_tier(r), -r["score"]) for r in full]
    assert keys == sorted(keys)
    paged = [row for offset in range(0, 7, 3) for row in _get(scored, limit=3, offset=offset)[0]]
    assert [r["application_id"] for r in paged] == [r["application_id"] for r in full]
    assert [r["rank"] for r in paged] == list(range(1, 8))


def test_filters_and_sorts_are_applied_before_the_page(scored: Product) -> None:
    full, _ = _get(scored, limit=500)
    qualified, total = _get(scored, qualified=True, limit=2)
    assert total == sum(1 for r in full if r["qualified"])
    assert all(r["qualified"] for r in qualified)
    by_score, _ = _get(scored, sort="score", limit=500)
    assert [r["score"] for r in by_score] == sorted((r["score"] for r in full), reverse=True)
    lean, _ = _get(scored, limit=2, explain=False)
    assert all(r["explanation"] is None for r in lean)
    assert all(r["explanation"]["rules"] for r in _get(scored, limit=2)[0])


def test_a_new_version_keeps_the_previous_ranking_until_rescored(scored: Product) -> None:
    """During a re-score the ranking a recruiter reads stays the previous version's (with a
    notice), instead of everyone turning "not scored" in arbitrary order."""
    before, _ = _get(scored, limit=500)
    body = (REPO_ROOT / "rules/examples/data_analyst.yaml").read_text()
    loads_requirement_set(body)  # the example is valid as it is
    response = scored.client.post(
        f"/api/v1/jobs/{scored.job_id}/requirement-sets",
        content=body,
        headers={"authorization": f"Bearer {scored.key}", "content-type": "application/yaml"},
    )
    assert response.status_code == 201, response.text
    rows, total = _get(scored, limit=500)
    assert total == 7 and all(r["requirement_set_version"] == 1 for r in rows)
    assert [r["application_id"] for r in rows] == [r["application_id"] for r in before]
    notice = scored.client.get(
        f"/api/v1/jobs/{scored.job_id}/ranking",
        headers={"authorization": f"Bearer {scored.key}"},
    ).headers["x-rescoring"]
    assert notice == "version 2: 0 of 7 done; ranked by version 1"

    tasks.rescore_job(str(scored.organization_id), str(scored.job_id))
    engine = db.make_engine(scored.url)
    with Session(engine) as session:
        batches = session.exec(
            select(TaskOutbox).where(col(TaskOutbox.task_name) == "ats_match.score_batch")
        ).all()
    engine.dispose()
    for job in batches:
        tasks.score_batch.apply(args=job.args, task_id=str(job.id))
    rescored, _ = _get(scored, limit=500)
    assert all(r["score"] is not None and r["requirement_set_version"] == 2 for r in rescored)
