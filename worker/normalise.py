"""Normalisation: credentials' achievements -> taxonomy skills, for many credentials at once.

Overrides, the default taxonomy row and the skill rows are loaded once per call with set-wise
queries (the recruiter's overrides only for the achievements at hand), and the candidate-skill
links are written in one flush.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, col, delete, select

from ats_match.formats.model import CredentialForm
from ats_match.models import CandidateSkill, Credential, MappingOverride, Skill, Taxonomy
from ats_match.models.base import utcnow
from rules import SkillEvidence
from worker import batch, skill_cache
from worker.sql import insert_for


def normalise_credentials(
    session: Session,
    organization_id: uuid.UUID,
    candidate_id: uuid.UUID,
    items: Sequence[tuple[Credential, CredentialForm]],
    *,
    fresh: bool = False,
) -> list[SkillEvidence]:
    """Replace the skills mapped from each credential in ``items`` (all of one candidate;
    ``fresh``: stored in this transaction, so there is nothing to replace). Returns them as the
    rules engine's evidence."""
    from worker.evidence import organization_matcher

    if not items:
        return []
    overrides = _overrides(session, organization_id, [f.achievement.id for _, f in items])
    matcher = batch.memo(
        ("matcher", organization_id), lambda: organization_matcher(session, organization_id)
    )
    results = skill_cache.match_many(matcher, [form.achievement for _, form in items], overrides)
    matched = [(row, result.skills) for (row, _), result in zip(items, results, strict=True)]
    if not fresh:
        session.exec(
            delete(CandidateSkill).where(
                col(CandidateSkill.credential_id).in_([r.id for r, _ in items])
            )
        )
    labels = {m.uri: m.label for _, skills in matched for m in skills}
    skill_ids = _skill_ids(session, organization_id, labels)
    links: list[dict[str, Any]] = []
    now = utcnow()
    evidence: list[SkillEvidence] = []
    for row, skills in matched:
        seen: set[str] = set()
        for match in skills:
            if match.uri in seen:
                continue
            seen.add(match.uri)
            links.append(
                {
                    "id": uuid.uuid4(),
                    "organization_id": organization_id,
                    "candidate_id": candidate_id,
                    "skill_id": skill_ids[match.uri],
                    "credential_id": row.id,
                    "confidence": match.confidence,
                    "method": match.method,
                    "matched_label": match.matched_label,
                    "created_at": now,
                }
            )
            evidence.append(
                SkillEvidence(
                    skill_uri=match.uri,
                    label=labels[match.uri][:500],
                    confidence=match.confidence,
                    method=match.method,
                    credential_id=str(row.id),
                )
            )
    if links:  # one multi-row INSERT, no ORM objects (the credentials are flushed already)
        session.flush()
        session.execute(sa.insert(CandidateSkill), links)
    return evidence


def _overrides(
    session: Session, organization_id: uuid.UUID, achievement_ids: Sequence[str | None]
) -> dict[str, list[str]]:
    """The recruiter's overrides for these achievements: in a batch, the organisation's
    overrides are read once (two columns, one query for the whole batch); outside one, only
    those of these achievements."""
    wanted = sorted({a for a in achievement_ids if a})
    if batch.active():
        every = batch.memo(
            ("overrides", organization_id), lambda: _read_overrides(session, organization_id)
        )
        return {a: every[a] for a in wanted if a in every}
    return _read_overrides(session, organization_id, wanted) if wanted else {}


def _read_overrides(
    session: Session, organization_id: uuid.UUID, achievement_ids: list[str] | None = None
) -> dict[str, list[str]]:
    statement = select(MappingOverride.achievement_id, MappingOverride.skill_uris).where(
        col(MappingOverride.organization_id) == organization_id
    )
    if achievement_ids is not None:
        statement = statement.where(col(MappingOverride.achievement_id).in_(achievement_ids))
    return {achievement: list(uris) for achievement, uris in session.exec(statement)}


_TAXONOMY_IDS: dict[uuid.UUID, uuid.UUID] = {}
_SKILL_IDS: dict[tuple[uuid.UUID, str], uuid.UUID] = {}
_SKILL_IDS_MAX = 200_000
_PENDING = "ats_match.normalise.ids"
"""Skill rows are never updated or deleted on their own, so their ids are remembered per
process (the default taxonomy row likewise) - but only once the transaction that read or
created them has committed, so a rolled-back insert is never remembered."""


def _remember(session: Session, taxonomy: dict[Any, Any], skills: dict[Any, Any]) -> None:
    pending = session.info.setdefault(_PENDING, ({}, {}))
    pending[0].update(taxonomy)
    pending[1].update(skills)


@event.listens_for(Session, "after_commit")
def _promote(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        if len(_SKILL_IDS) > _SKILL_IDS_MAX:
            _SKILL_IDS.clear()
        _TAXONOMY_IDS.update(pending[0])
        _SKILL_IDS.update(pending[1])


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def default_taxonomy_id(session: Session, organization_id: uuid.UUID) -> uuid.UUID:
    """The organisation's default taxonomy row, created once (safe under concurrency)."""
    known = _TAXONOMY_IDS.get(organization_id)
    if known is not None:
        return known
    found = _default_taxonomy(session, organization_id)
    if found is None:
        found = _create_default_taxonomy(session, organization_id)
    _remember(session, {organization_id: found}, {})
    return found


def _create_default_taxonomy(session: Session, organization_id: uuid.UUID) -> uuid.UUID:
    session.execute(
        insert_for(session, Taxonomy)
        .values(
            id=uuid.uuid4(),
            organization_id=organization_id,
            name="ESCO",
            version="default",
            source="package data",
            is_default=True,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing()
    )
    found = _default_taxonomy(session, organization_id)
    assert found is not None
    return found


def _default_taxonomy(session: Session, organization_id: uuid.UUID) -> uuid.UUID | None:
    return session.exec(
        select(Taxonomy.id).where(
            col(Taxonomy.organization_id) == organization_id, col(Taxonomy.is_default).is_(True)
        )
    ).first()


def _skill_ids(
    session: Session, organization_id: uuid.UUID, labels: dict[str, str]
) -> dict[str, uuid.UUID]:
    """Skill row ids for the URIs in ``labels``: one SELECT, one INSERT of the missing ones
    (``ON CONFLICT DO NOTHING``: another worker may add the same skill at the same time)."""
    if not labels:
        return {}
    taxonomy_id = default_taxonomy_id(session, organization_id)
    found = {
        uri: _SKILL_IDS[(taxonomy_id, uri)] for uri in labels if (taxonomy_id, uri) in _SKILL_IDS
    }
    unknown = [uri for uri in labels if uri not in found]
    if unknown:
        found.update(_known(session, taxonomy_id, unknown))
    missing = [uri for uri in labels if uri not in found]
    if missing:
        session.execute(
            insert_for(session, Skill).on_conflict_do_nothing(),
            [
                {
                    "id": uuid.uuid4(),
                    "organization_id": organization_id,
                    "taxonomy_id": taxonomy_id,
                    "uri": uri,
                    "label": labels[uri][:500],
                }
                for uri in missing
            ],
        )
        found.update(_known(session, taxonomy_id, missing))
    _remember(session, {}, {(taxonomy_id, uri): skill_id for uri, skill_id in found.items()})
    return found


def _known(session: Session, taxonomy_id: uuid.UUID, uris: list[str]) -> dict[str, uuid.UUID]:
    rows = session.exec(
        select(Skill.uri, Skill.id).where(
            col(Skill.taxonomy_id) == taxonomy_id, col(Skill.uri).in_(uris)
        )
    ).all()
    return {uri: skill_id for uri, skill_id in rows}
