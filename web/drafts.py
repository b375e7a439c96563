"""Draft requirement sets, shared by the API and the editor page: the organisation's taxonomy
hooks, the skills to choose from for a label no single skill carries, and the what-if ranking
of a draft set beside the job's current one."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session, col

from ats_match.models import Application, User
from ats_match.models import RequirementSet as RequirementSetRow
from ats_match.models.base import utcnow
from ats_match.repositories import ApplicationRepository, JobRepository
from ats_match.services import hiring, outbox
from ats_match.services.pathways import organisation_pathways
from ats_match.services.ranking import RankingQuery, job_ranking
from ats_match.taxonomy.choices import SkillChoice, label_choices
from ats_match.taxonomy.prefix import labels_starting
from rules import Issue, WhatIf, validate_for_save, what_if
from rules.candidate_level import CompileContext
from rules.families import SkillFamilies
from rules.schema import RequirementSet
from rules.validation import TaxonomyHooks
from rules.validation import taxonomy_hooks as hooks_of
from web.pages import TEMPLATES
from worker.evidence import many_evidence, organization_matcher, skill_matcher
from worker.evidence import taxonomy_hooks as default_hooks

CURRENT_RANKING_MAX = 10_000
"""Applications read for the current ranks a preview compares against."""


def org_hooks(session: Session, organization_id: uuid.UUID) -> TaxonomyHooks:
    """The default hooks, or those of the organisation's own taxonomy when it has one."""
    matcher = organization_matcher(session, organization_id)
    if matcher is skill_matcher():
        return default_hooks()
    return hooks_of(matcher.taxonomy)


_UNRESOLVED = re.compile(r"labelled (['\"])(?P<label>.*)\1$")


def unresolved_label(field: str, message: str) -> str | None:
    """The label of a "no skill in the taxonomy is labelled ..." finding, else None."""
    found = _UNRESOLVED.search(message) if field.endswith(".skill.label") else None
    return found["label"] if found else None


def label_choices_of(field: str, message: str) -> dict[str, Any]:
    """For a label no single skill carries: the skills that carry it (a person picks one by
    URI) or the nearest ones, each with its description."""
    label = unresolved_label(field, message)
    if label is None:
        return {}
    choices = label_choices(skill_matcher(), label)  # the labels of the default hooks
    if choices.ambiguous:
        n = len(choices.exact)
        return {
            "message": f"{label!r} names {n} skills: choose one and give its uri",
            "choices": [c.model_dump() for c in choices.exact],
        }
    return {"choices": [c.model_dump() for c in choices.suggestions]}


def skill_options(
    session: Session, organization_id: uuid.UUID, typed: str
) -> tuple[list[SkillChoice], bool]:
    """What the editor's type-ahead offers for ``typed`` and whether the person must choose:
    every skill carrying that label (as ``GET /api/v1/skills/choices`` gives), else the skills
    whose labels start with it, else the matcher's nearest ones (the slow path, last)."""
    matcher = organization_matcher(session, organization_id)
    taxonomy = matcher.taxonomy
    exact = taxonomy.by_label(typed)
    if exact:
        return [_described(s) for s in exact], len(exact) > 1
    started = [taxonomy.get(uri) for uri in labels_starting(taxonomy, typed)]
    prefixed = [_described(s) for s in started if s is not None]
    return prefixed or label_choices(matcher, typed).suggestions, False


def skill_options_partial(
    request: Request,
    session: Session,
    organization_id: uuid.UUID,
    typed: str,
    template: str,
    **context: Any,
) -> Response:
    """A type-ahead's answer: ``template`` rendered with what :func:`skill_options` offers for
    ``typed`` (nothing while nothing is typed), whether the person must choose, and
    ``context``."""
    options, ambiguous = skill_options(session, organization_id, typed) if typed else ([], False)
    shown = {"query": typed, "options": options, "ambiguous": ambiguous, **context}
    return TEMPLATES.TemplateResponse(request, template, shown)


def _described(skill: Any) -> SkillChoice:
    return SkillChoice(
        uri=skill.uri,
        label=skill.preferred_label,
        description=skill.description,
        skill_type=skill.skill_type,
    )


def save_version(
    session: Session, user: User, job_id: uuid.UUID, rs: RequirementSet
) -> tuple[RequirementSetRow, list[Issue]]:
    """Store ``rs`` as the job's next version and queue the re-score of every application;
    raises RequirementSetError when it refers to things that do not exist."""
    hooks = org_hooks(session, user.organization_id)
    pathways = organisation_pathways(session, user.organization_id)
    warnings = validate_for_save(rs, hooks.known_skill, hooks.resolve_label, pathways)
    body = rs.model_dump(mode="json", exclude_none=True)
    row = hiring.add_requirement_version(session, user, job_id, rs.name or rs.id, body)
    outbox.enqueue(
        session,
        user.organization_id,
        "ats_match.rescore_job",
        str(user.organization_id),
        str(job_id),
    )
    return row, warnings


def draft_ranking(
    session: Session, organization_id: uuid.UUID, job_id: uuid.UUID, draft: RequirementSet, top: int
) -> WhatIf:
    """Rank the job's current applicants with ``draft``; nothing is saved. Raises
    RequirementSetError when the draft refers to things that do not exist."""
    JobRepository(session, organization_id).get_or_404(job_id)
    applications = session.exec(
        ApplicationRepository(session, organization_id)
        .query()
        .where(col(Application.job_id) == job_id)
    ).all()
    hooks = org_hooks(session, organization_id)
    return what_if(
        draft.model_dump(mode="json", exclude_none=True),
        many_evidence(session, applications),
        utcnow().date(),
        known_skill=hooks.known_skill,
        explain_top=top,
        narrower=hooks.narrower,
        resolve_label=hooks.resolve_label,
        context=CompileContext(
            pathways=organisation_pathways(session, organization_id),
            skill_families=SkillFamilies(hooks.broader),
        ),
    )


@dataclass(frozen=True)
class PlacedCandidate:
    """One applicant in a ranking, and how the draft moves them."""

    application_id: str
    name: str
    rank: int
    score: float | None
    qualified: bool | None
    old_rank: int | None = None
    old_qualified: bool | None = None

    @property
    def movement(self) -> int | None:
        """Places gained (positive) or lost; None when not ranked by the current version."""
        return None if self.old_rank is None else self.old_rank - self.rank

    @property
    def change(self) -> str:
        """ "new qualified", "no longer qualified" or ""."""
        if self.qualified and not self.old_qualified:
            return "new qualified"
        if self.old_qualified and not self.qualified:
            return "no longer qualified"
        return ""


@dataclass(frozen=True)
class Comparison:
    current: list[PlacedCandidate]
    draft: list[PlacedCandidate]
    applicants: int


def compare_with_current(
    session: Session, organization_id: uuid.UUID, job_id: uuid.UUID, preview: WhatIf, top: int
) -> Comparison:
    """The current ranking's first ``top`` and the draft's first ``top``, each draft row with
    its movement against its current rank."""
    stored = job_ranking(session, organization_id, job_id, RankingQuery(limit=CURRENT_RANKING_MAX))
    names: dict[str, str] = {}
    now: dict[str, PlacedCandidate] = {}
    for row in stored.rows:
        key = str(row.application_id)
        names[key] = row.candidate_name or row.candidate_email or "Unnamed"
        if row.score is not None:
            now[key] = PlacedCandidate(
                key, names[key], row.rank, row.score.normalised, row.score.qualified
            )
    draft = []
    for ranked in preview.ranking[:top]:
        key = ranked.score.candidate_id
        before = now.get(key)
        draft.append(
            PlacedCandidate(
                key,
                names.get(key, "Unnamed"),
                ranked.rank,
                ranked.score.normalised,
                ranked.score.qualified,
                before.rank if before else None,
                before.qualified if before else None,
            )
        )
    current = sorted(now.values(), key=lambda p: p.rank)[:top]
    return Comparison(current, draft, len(preview.ranking))
