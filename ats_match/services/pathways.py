"""An organisation's pathways: create, change, delete and read them, and what scoring needs.

- every change is validated as a requirement set's pathway is (:class:`rules.schema.Pathway`),
  audited, and re-scores the jobs whose newest requirement set names the pathway (the same
  ``rescore_job`` task a new requirement-set version queues); the service never commits;
- a change that would leave a job's set naming a level the pathway no longer has is refused
  (422, naming the job), and so is deleting a pathway a job's set uses (409): a stored set
  must always compile;
- :func:`organisation_pathways` gives the pathways by slug, for saving and scoring sets.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col

from ats_match.errors import Conflict, InvalidInput
from ats_match.models import Pathway, RequirementSet, User
from ats_match.models.base import utcnow
from ats_match.models.pathways import PathwayCreate, PathwayUpdate
from ats_match.repositories import PathwayRepository, RequirementSetRepository
from ats_match.services import outbox
from ats_match.services.admin import audit
from rules.schema import Pathway as PathwaySchema
from rules.schema import RequirementSet as RequirementSetSchema
from rules.schema import pathway_references
from rules.validation import pathway_issues


def list_pathways(session: Session, organization_id: uuid.UUID) -> Sequence[Pathway]:
    repo = PathwayRepository(session, organization_id)
    return session.exec(repo.query().order_by(col(Pathway.name))).all()


def as_schema(row: Pathway) -> PathwaySchema:
    """The row as the pathway a requirement set declares (slug as its id, name as its label)."""
    return schema_of(row.slug, row.name, row.levels)


def schema_of(slug: str, name: str, levels: list[dict[str, Any]]) -> PathwaySchema:
    return PathwaySchema.model_validate({"id": slug, "label": name, "levels": levels})


def organisation_pathways(session: Session, organization_id: uuid.UUID) -> dict[str, PathwaySchema]:
    """The organisation's pathways by slug."""
    return {row.slug: as_schema(row) for row in list_pathways(session, organization_id)}


def create_pathway(session: Session, actor: User, data: PathwayCreate) -> Pathway:
    repo = PathwayRepository(session, actor.organization_id)
    _unique(repo, data.slug, data.name, None)
    row = Pathway(
        organization_id=actor.organization_id,
        slug=data.slug,
        name=data.name,
        description=data.description,
        levels=_levels(data.slug, data.name, data.model_dump(mode="json")["levels"]),
    )
    repo.add(row)
    audit(session, actor, "pathway.create", "pathway", row.id, _summary(row))
    _rescore_users(session, actor.organization_id, row.slug)
    return row


def update_pathway(
    session: Session, actor: User, pathway_id: uuid.UUID, patch: PathwayUpdate
) -> Pathway:
    repo = PathwayRepository(session, actor.organization_id)
    row = repo.get_or_404(pathway_id)
    changes = patch.model_dump(mode="json", exclude_unset=True)
    name = changes.get("name") or row.name
    levels = _levels(row.slug, name, changes["levels"]) if changes.get("levels") else row.levels
    _unique(repo, row.slug, name, row.id)
    changed = schema_of(row.slug, name, levels)
    for job_id, rs in _sets_using(session, actor.organization_id, row.slug):
        problems = pathway_issues(rs, {row.slug: changed})
        if problems:
            raise InvalidInput(
                f"job {job_id}'s requirement set would break: {problems[0].message}",
                [{"field": p.field, "message": p.message, "job_id": str(job_id)} for p in problems],
            )
    before = _summary(row)
    row.name, row.levels = name, levels
    if "description" in changes:
        row.description = changes["description"]
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit(
        session,
        actor,
        "pathway.update",
        "pathway",
        row.id,
        {"before": before, "after": _summary(row)},
    )
    _rescore_users(session, actor.organization_id, row.slug)
    return row


def delete_pathway(session: Session, actor: User, pathway_id: uuid.UUID) -> None:
    row = PathwayRepository(session, actor.organization_id).get_or_404(pathway_id)
    users = [str(job_id) for job_id, _ in _sets_using(session, actor.organization_id, row.slug)]
    if users:
        raise Conflict(
            f"pathway {row.slug!r} is used by the requirement set of job(s) {', '.join(users)}; "
            "change those sets first"
        )
    audit(session, actor, "pathway.delete", "pathway", row.id, _summary(row))
    session.delete(row)
    session.flush()


def _levels(slug: str, name: str, levels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The levels checked as a requirement set's pathway is, in their stored form."""
    try:
        schema = schema_of(slug, name, levels)
    except ValidationError as exc:
        problems: list[dict[str, object]] = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors(include_url=False)
        ]
        shown = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        raise InvalidInput(f"the pathway is invalid: {shown}", problems) from None
    stored: list[dict[str, Any]] = schema.model_dump(mode="json", exclude_none=True)["levels"]
    return stored


def _unique(repo: PathwayRepository, slug: str, name: str, own: uuid.UUID | None) -> None:
    for row in repo.session.exec(repo.query()).all():
        if row.id == own:
            continue
        if row.slug == slug:
            raise Conflict(f"a pathway with slug {slug!r} already exists")
        if row.name == name:
            raise Conflict(f"a pathway named {name!r} already exists")


def _newest_sets(session: Session, organization_id: uuid.UUID) -> list[RequirementSet]:
    """Each job's newest requirement set."""
    repo = RequirementSetRepository(session, organization_id)
    statement = repo.query().order_by(
        col(RequirementSet.job_id), col(RequirementSet.version).desc()
    )
    newest: dict[uuid.UUID, RequirementSet] = {}
    for row in session.exec(statement).all():
        newest.setdefault(row.job_id, row)
    return list(newest.values())


def _sets_using(
    session: Session, organization_id: uuid.UUID, slug: str
) -> list[tuple[uuid.UUID, RequirementSetSchema]]:
    """The jobs whose newest set names the organisation's pathway ``slug`` (a set's own
    pathway of that id comes first, so such a set does not use the organisation's)."""
    found = []
    for row in _newest_sets(session, organization_id):
        try:
            rs = RequirementSetSchema.model_validate(row.body)
        except ValidationError:  # a stored body no version of the schema reads names nothing
            continue
        own = {p.id for p in rs.pathways}
        if slug not in own and any(name == slug for name, _ in pathway_references(rs)):
            found.append((row.job_id, rs))
    return found


def _rescore_users(session: Session, organization_id: uuid.UUID, slug: str) -> None:
    for job_id, _ in _sets_using(session, organization_id, slug):
        outbox.enqueue(
            session, organization_id, "ats_match.rescore_job", str(organization_id), str(job_id)
        )


def _summary(row: Pathway) -> dict[str, Any]:
    return {"slug": row.slug, "name": row.name, "levels": [lv["label"] for lv in row.levels]}
