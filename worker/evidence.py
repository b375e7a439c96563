"""Stored rows -> the rules engine's evidence for one application (the only place that knows
both the database model and ``rules.inputs``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlmodel import Session, col, select

from ats_match.models import (
    Application,
    Candidate,
    CandidateSkill,
    Credential,
    Skill,
    VerificationResult,
    VerificationStatus,
)
from ats_match.models.credentials import LINK_FORMAT
from ats_match.services.ranking import latest_verdicts
from rules import CandidateEvidence, CredentialEvidence, ResultValue, SkillEvidence
from rules.candidate_level import CompileContext
from rules.families import SkillFamilies
from rules.inputs import Association
from rules.relations import (
    accreditors_of,
    achievement_of,
    alignment_targets,
    clr_associations,
    registries_of,
    related_ids,
)
from rules.validation import TaxonomyHooks
from rules.validation import taxonomy_hooks as hooks_of


@dataclass(frozen=True)
class Verdict:
    """A verification just made: the columns of its ``VerificationResult`` row, written with
    one INSERT for all of a delivery's credentials instead of an ORM row each."""

    id: uuid.UUID
    organization_id: uuid.UUID
    credential_id: uuid.UUID
    status: VerificationStatus
    checks: list[dict[str, Any]]
    authenticity: str
    validity: str
    holder: str
    issuer_trust: str
    evidence_tier: str
    answers: dict[str, Any]
    verified_at: datetime
    retry_at: datetime | None
    attempt: int

    def row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


Verdicts = Mapping[uuid.UUID, VerificationResult | Verdict]


@dataclass
class EvidenceState:
    """One application's credential rows and their current verdicts."""

    application: Application
    candidate: Candidate | None
    credentials: list[Credential]
    verdicts: Verdicts
    skills: list[SkillEvidence] = field(default_factory=list)

    @property
    def usable(self) -> list[Credential]:
        return [c for c in self.credentials if c.error_code is None and c.format != LINK_FORMAT]

    @property
    def pending(self) -> bool:
        """A link not yet fetched, or a credential not yet verified: scoring waits for it."""
        return any(is_pending(c, self.verdicts) for c in self.credentials)

    def evidence(self) -> CandidateEvidence:
        application = self.application
        return CandidateEvidence(
            candidate_id=str(application.id),
            name=self.candidate.name if self.candidate else None,
            applied_at=application.applied_at or application.created_at,
            credentials=[_credential(c, self.verdicts.get(c.id)) for c in self.usable],
            skills=self.skills,
            associations=_associations(self.usable),
        )


def is_pending(credential: Credential, verdicts: Verdicts) -> bool:
    if credential.error_code is not None:
        return False
    if credential.format == LINK_FORMAT:
        return not (credential.form or {}).get("resolved")
    return credential.id not in verdicts


def load_state(session: Session, application: Application) -> EvidenceState:
    """Three queries: credentials, their newest verdicts, their skills."""
    credentials = list(
        session.exec(
            select(Credential).where(col(Credential.application_id) == application.id)
        ).all()
    )
    state = EvidenceState(
        application,
        session.get(Candidate, application.candidate_id),
        credentials,
        latest_verdicts(session, [c.id for c in credentials]),
    )
    if not state.pending:
        state.skills = _skills(session, [c.id for c in state.usable])
    return state


def application_evidence(session: Session, application: Application) -> CandidateEvidence:
    """Everything the evaluator may use about one application: its usable credentials with
    their current verdicts, and the skills mapped from them."""
    state = load_state(session, application)
    if state.pending:
        state.skills = _skills(session, [c.id for c in state.usable])
    return state.evidence()


_CHUNK = 2000
"""Ids per ``IN`` list (well under SQLite's bound-parameter limit)."""


def _chunks(ids: list[uuid.UUID]) -> list[list[uuid.UUID]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def many_evidence(session: Session, applications: Sequence[Application]) -> list[CandidateEvidence]:
    """:func:`application_evidence` of every application, in order, in a few queries per
    2,000 applications instead of four per application (a what-if over a whole job)."""
    app_ids = [a.id for a in applications]
    candidates: dict[uuid.UUID, Candidate] = {}
    for chunk in _chunks(list({a.candidate_id for a in applications})):
        candidates.update(
            (c.id, c) for c in session.exec(select(Candidate).where(col(Candidate.id).in_(chunk)))
        )
    credentials: dict[uuid.UUID, list[Credential]] = {i: [] for i in app_ids}
    for chunk in _chunks(app_ids):
        statement = select(Credential).where(col(Credential.application_id).in_(chunk))
        for row in session.exec(statement.order_by(col(Credential.created_at))):
            credentials[row.application_id].append(row)
    states = [
        EvidenceState(a, candidates.get(a.candidate_id), credentials[a.id], {})
        for a in applications
    ]
    every = [c.id for state in states for c in state.credentials]
    verdicts: dict[uuid.UUID, VerificationResult] = {}
    for chunk in _chunks(every):
        verdicts.update(latest_verdicts(session, chunk))
    usable = [c.id for state in states for c in state.usable]
    skills: dict[str, list[SkillEvidence]] = {}
    for chunk in _chunks(usable):
        for skill in _skills(session, chunk):
            skills.setdefault(skill.credential_id or "", []).append(skill)
    for state in states:
        state.verdicts = {c.id: verdicts[c.id] for c in state.credentials if c.id in verdicts}
        state.skills = [k for c in state.usable for k in skills.get(str(c.id), [])]
    return [state.evidence() for state in states]


def _credential(row: Credential, verdict: Any) -> CredentialEvidence:
    form = row.form or {}
    achievement = form.get("achievement") or {}
    issuer = form.get("issuer") or {}
    results = [
        ResultValue(
            name=r.get("result_description") or r.get("achieved_level"),
            value=str(r.get("value") or r.get("achieved_level")),
        )
        for r in achievement.get("results") or []
        if r.get("value") or r.get("achieved_level")
    ]
    return CredentialEvidence(
        credential_id=str(row.id),
        achievement_id=achievement.get("id"),
        achievement_name=achievement.get("name"),
        issuer_id=issuer.get("id"),
        issuer_name=issuer.get("name"),
        issued_at=form.get("issued_at"),
        valid_from=form.get("valid_from"),
        valid_until=form.get("valid_until"),
        verdict=verdict.status if verdict is not None else "unverified",
        **(_answers(verdict) if verdict is not None else {}),
        has_evidence=bool(achievement.get("evidence") or form.get("evidence")),
        level=achievement.get("level"),
        results=results,
        related=related_ids(achievement_of(form.get("document") or {})),
        alignments=alignment_targets(achievement.get("alignments") or []),
    )


def _associations(rows: Sequence[Credential]) -> list[Association]:
    """CLR associations of every attached bundle (a bundle is stored beside its credentials)."""
    found: dict[Association, None] = {}
    for row in rows:
        for association in clr_associations((row.form or {}).get("document") or {}):
            found.setdefault(association)
    return list(found)


def _answers(verdict: Any) -> dict[str, Any]:
    """The four answers of a stored verification, as the rules read them."""
    detail = (verdict.answers.get("issuer") or {}).get("detail", {})
    return {
        "authenticity": verdict.authenticity,
        "validity": verdict.validity,
        "holder": verdict.holder,
        "issuer_trust": verdict.issuer_trust,
        "issuer_registries": registries_of(detail),
        "issuer_accreditors": accreditors_of(detail),
        "evidence_tier": verdict.evidence_tier,
    }


def _skills(session: Session, credential_ids: Sequence[Any]) -> list[SkillEvidence]:
    if not credential_ids:
        return []
    rows = session.exec(
        select(CandidateSkill, Skill)
        .where(col(CandidateSkill.credential_id).in_(list(credential_ids)))
        .where(col(CandidateSkill.skill_id) == col(Skill.id))
    ).all()
    return [
        SkillEvidence(
            skill_uri=skill.uri,
            label=skill.label,
            confidence=link.confidence,
            method=link.method,
            credential_id=str(link.credential_id),
        )
        for link, skill in rows
    ]


@lru_cache(maxsize=1)
def taxonomy_hooks() -> TaxonomyHooks:
    """(known_skill, resolve_label, narrower) of the default taxonomy, for validation and
    scoring; loaded on first use and shared by the process."""
    from ats_match.taxonomy import default_taxonomy

    return hooks_of(default_taxonomy())


@lru_cache(maxsize=1)
def skill_context() -> CompileContext:
    """What ``focus`` conditions group skills by: the default taxonomy's broader links."""
    return CompileContext(skill_families=SkillFamilies(taxonomy_hooks().broader))


@lru_cache(maxsize=1)
def skill_matcher() -> Any:
    """The process-wide matcher over the default taxonomy (its index is built once)."""
    from ats_match.taxonomy import SkillMatcher, default_taxonomy

    return SkillMatcher(default_taxonomy())


_ORG_MATCHERS: dict[Any, tuple[tuple[Any, ...], Any]] = {}
_ORG_MATCHERS_MAX = 32


def organization_matcher(session: Session, organization_id: Any) -> Any:
    """The matcher over the organisation's own taxonomy, synonyms and catalogue (ESCO and the
    shipped catalogue beneath); the default matcher when it has none. Rebuilt only when one of
    its files changed (each build reuses the shipped vectors; only new skills are embedded)."""
    from ats_match.services.skill_files import list_files

    files = list_files(session, organization_id)
    if not files:
        return skill_matcher()
    stamp = tuple((str(f.kind), f.updated_at.isoformat()) for f in files)
    cached = _ORG_MATCHERS.get(organization_id)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    from ats_match.taxonomy.organisation import organisation_matcher

    matcher = organisation_matcher({str(f.kind): f.content for f in files})
    if len(_ORG_MATCHERS) >= _ORG_MATCHERS_MAX:
        _ORG_MATCHERS.pop(next(iter(_ORG_MATCHERS)))
    _ORG_MATCHERS[organization_id] = (stamp, matcher)
    return matcher
