"""Applicants the honest-signal tests add to the seeded job: one whose must-have is still
being verified, one who attached nothing. Explanations follow the rules engine's shape, with
its own summary sentences."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Credential, RequirementSet, Score
from rules.explain import summary_sentence
from rules.results import ConditionResult, RuleResult
from tests.factories import make_application


def _rule(label: str, outcome: str, points: float, max_points: float, must: bool) -> RuleResult:
    condition = ConditionResult(kind="skill", label=label, outcome=outcome, fraction=0.0)  # type: ignore[arg-type]
    return RuleResult(
        rule_id=label.lower(),
        label=label,
        must=must,
        outcome=outcome,  # type: ignore[arg-type]
        points=points,
        max_points=max_points,
        fraction=0.0,
        sentence=f"{label}: can't be decided yet - the credential is still being verified."
        if outcome == "not_evaluable"
        else f"{label}: not met - no attached credential shows it.",
        condition=condition,
    )


def add_signal_applicants(database_url: str, job_id: uuid.UUID) -> dict[str, uuid.UUID]:
    engine = db.make_engine(database_url)
    ids: dict[str, uuid.UUID] = {}
    with Session(engine) as session:
        reqs = session.exec(
            select(RequirementSet).where(col(RequirementSet.job_id) == job_id)
        ).one()
        org_id = reqs.organization_id
        for name, outcome, attach in (
            ("Ada Lovelace", "not_evaluable", True),
            ("Edsger Dijkstra", "unmet", False),
        ):
            applied = datetime(2026, 11, 2, tzinfo=UTC)
            application = make_application(
                session, org_id, job_id, name, f"{name[:3]}@x.org", applied
            )
            if attach:  # a credential still being verified: no verification result yet
                session.add(
                    Credential(
                        organization_id=org_id,
                        application_id=application.id,
                        format="ob3-jwt",
                        digest=uuid.uuid4().hex * 2,
                        raw=b"token",
                        form={"achievement": {"name": "SQL Fundamentals"}},
                    )
                )
            rules = [_rule("SQL", outcome, 0, 0, True)]
            knocked = outcome == "unmet"
            review = outcome == "not_evaluable"
            summary = summary_sentence(knocked, review, False, False, 0.0, rules)
            session.add(
                Score(
                    organization_id=org_id,
                    application_id=application.id,
                    requirement_set_id=reqs.id,
                    requirement_set_version=1,
                    total=0,
                    max_total=0,
                    normalised=0,
                    qualified=False,
                    shortlisted=False,
                    knocked_out=knocked,
                    tier=3 if knocked else 2,
                    not_evaluable=int(review),
                    explanation={
                        "summary": summary,
                        "needs_review": review,
                        "not_evaluable": int(review),
                        "rules": [r.model_dump(mode="json") for r in rules],
                    },
                )
            )
            ids[name] = application.id
        session.commit()
    engine.dispose()
    return ids


def add_many_scored(database_url: str, job_id: uuid.UUID, count: int) -> None:
    """``count`` more scored applicants (names "Applicant 001".., scores falling), enough to
    page through."""
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        reqs = session.exec(
            select(RequirementSet).where(col(RequirementSet.job_id) == job_id)
        ).one()
        org_id = reqs.organization_id
        for i in range(count):
            applied = datetime(2026, 10, 1, tzinfo=UTC)
            application = make_application(
                session, org_id, job_id, f"Applicant {i:03d}", f"a{i}@x.org", applied
            )
            score = 30.0 - i * 0.25
            session.add(
                Score(
                    organization_id=org_id,
                    application_id=application.id,
                    requirement_set_id=reqs.id,
                    requirement_set_version=1,
                    total=score,
                    max_total=100,
                    normalised=score,
                    qualified=False,
                    shortlisted=False,
                    knocked_out=False,
                    tier=2,
                    explanation={
                        "summary": f"Not qualified: score {score:.1f} of 100 is below the "
                        "role's threshold.",
                        "needs_review": False,
                        "rules": [],
                    },
                )
            )
        session.commit()
    engine.dispose()
