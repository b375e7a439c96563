"""A relayed batch of deliveries reads the organisation's settings once, and what a recruiter
changes between batches applies to the next one (on the real PostgreSQL, through the product's
own webhook and API)."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Application, CandidateSkill, Credential, Score, Skill
from tests.worker.conftest import Product, genuine_tokens
from worker import skill_cache, tasks

pytestmark = [pytest.mark.postgres]
ACHIEVEMENT = "https://example.edu/achievements/pda"  # what genuine_tokens' badges carry
SQL_SKILL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"


@contextmanager
def _tables_read() -> Iterator[Counter[str]]:
    """How many SELECTs the worker's engine sent per table."""
    seen: Counter[str] = Counter()

    def count(_c: object, _cur: object, statement: str, *_rest: object) -> None:
        table = re.search(r"\sFROM\s+(\w+)", statement)
        if statement.startswith("SELECT") and table:
            seen[table.group(1)] += 1

    engine = db.get_engine()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _skills_of(url: str, external_id: str) -> dict[str, str]:
    engine = db.make_engine(url)
    with Session(engine) as session:
        rows = session.exec(
            select(Skill.uri, CandidateSkill.method)
            .join(CandidateSkill, col(CandidateSkill.skill_id) == col(Skill.id))
            .join(Credential, col(Credential.id) == col(CandidateSkill.credential_id))
            .join(Application, col(Application.id) == col(Credential.application_id))
            .where(col(Application.external_id) == external_id)
        ).all()
    engine.dispose()
    return dict(rows)


def _scores(url: str) -> int:
    engine = db.make_engine(url)
    with Session(engine) as session:
        found = len(session.exec(select(Score.id)).all())
    engine.dispose()
    return found


def test_a_batch_reads_the_organisation_settings_once(product: Product) -> None:
    deliveries = [str(product.deliver(f"b-{i}", genuine_tokens(3))) for i in range(4)]

    with _tables_read() as seen:
        tasks.process_deliveries(str(product.organization_id), deliveries)

    assert _scores(product.url) == 4
    for table in ("requirement_set", "mapping_override", "issuer_registry", "skill_file"):
        assert seen[table] == 1, (table, seen)


def test_an_override_set_between_batches_applies_to_the_next(product: Product) -> None:
    skill_cache.clear()
    first = product.deliver("o-1", genuine_tokens(1))
    tasks.process_deliveries(str(product.organization_id), [str(first)])
    assert SQL_SKILL not in _skills_of(product.url, "o-1")

    response = product.client.put(
        "/api/v1/mapping-overrides",
        json={"achievement_id": ACHIEVEMENT, "skill_uris": [SQL_SKILL]},
        headers={"authorization": f"Bearer {product.key}"},
    )
    assert response.status_code == 200, response.text
    second = product.deliver("o-2", genuine_tokens(1))
    tasks.process_deliveries(str(product.organization_id), [str(second)])

    assert _skills_of(product.url, "o-2") == {SQL_SKILL: "override"}
    assert SQL_SKILL not in _skills_of(product.url, "o-1")  # earlier applicants keep theirs


def test_a_repeated_achievement_is_matched_once() -> None:
    """The same achievement text (another applicant's copy of one course) reuses the match;
    another override or another matcher does not."""
    from ats_match.formats.model import AchievementInfo
    from worker.evidence import skill_matcher

    class Counting:
        def __init__(self) -> None:
            self.asked: list[str | None] = []

        def match_many(self, achievements: list[AchievementInfo], **kw: object) -> list[object]:
            self.asked += [a.name for a in achievements]
            return list(skill_matcher().match_many(achievements, **kw))  # type: ignore[arg-type]

    course = AchievementInfo(id=f"urn:{uuid.uuid4()}", name="SQL Fundamentals")
    matcher = Counting()
    once = skill_cache.match_many(matcher, [course, course.model_copy()], {})
    again = skill_cache.match_many(matcher, [course.model_copy()], {})
    overridden = skill_cache.match_many(matcher, [course], {course.id or "": [SQL_SKILL]})
    other = Counting()
    skill_cache.match_many(other, [course], {})

    assert matcher.asked == ["SQL Fundamentals", "SQL Fundamentals"]  # plain, then overridden
    assert once[0] == once[1] == again[0]
    assert [s.method for s in overridden[0].skills] == ["override"]
    assert other.asked == ["SQL Fundamentals"]
