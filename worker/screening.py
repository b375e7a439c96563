"""Screen a folder of applicants without a database: the whole pipeline as pure calls.

Layout: one sub-folder per candidate holding their attachments (badge JSON, JWTs, baked PNG/SVG,
PDF/DOCX résumés with badge links) and, optionally, ``candidate.json`` with ``name``, ``emails``
and ``dids``. Used by ``ats-match screen`` and handy for trying a requirement set on real files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ats_match.formats import extract_bytes, extract_text_from_document, find_credential_urls
from ats_match.formats.model import CredentialForm, ExtractionError
from ats_match.net.fetcher import Fetcher
from ats_match.verification import VerificationContext, VerificationReport, verify_credential
from rules import (
    CandidateEvidence,
    CredentialEvidence,
    RankedCandidate,
    RequirementSet,
    SkillEvidence,
    rank_candidates,
)
from rules.relations import (
    accreditors_of,
    achievement_of,
    alignment_targets,
    clr_associations,
    registries_of,
    related_ids,
)

PROFILE = "candidate.json"


@dataclass
class ScreenedCredential:
    form: CredentialForm
    report: VerificationReport
    skills: list[SkillEvidence]


@dataclass
class ScreenedCandidate:
    name: str
    folder: Path
    credentials: list[ScreenedCredential] = field(default_factory=list)
    errors: list[ExtractionError] = field(default_factory=list)


def candidate_folders(folder: Path) -> list[Path]:
    """The candidate sub-folders of ``folder``, in the order they are screened."""
    return sorted(p for p in folder.iterdir() if p.is_dir())


def screen_folder(
    folder: Path,
    fetcher: Fetcher,
    *,
    matcher: Any = None,
    on_candidate: Callable[[str], None] | None = None,
) -> list[ScreenedCandidate]:
    """Extract, verify and normalise every candidate sub-folder of ``folder``;
    ``on_candidate(name)`` is called after each (a progress bar)."""
    if matcher is None:
        from worker.evidence import skill_matcher

        matcher = skill_matcher()
    screened = []
    for sub in candidate_folders(folder):
        screened.append(_screen_candidate(sub, fetcher, matcher))
        if on_candidate is not None:
            on_candidate(sub.name)
    return screened


def _screen_candidate(folder: Path, fetcher: Fetcher, matcher: Any) -> ScreenedCandidate:
    profile = _profile(folder)
    result = ScreenedCandidate(str(profile.get("name") or folder.name), folder)
    context = VerificationContext(
        fetcher=fetcher,
        applicant_emails=tuple(profile.get("emails", [])),
        applicant_dids=tuple(profile.get("dids", [])),
    )
    forms, errors = _extract_all(folder, fetcher)
    result.errors = errors
    for form in forms:
        report = verify_credential(form, context)
        mapping = matcher.match_credential(form.achievement)
        skills = [
            SkillEvidence(
                skill_uri=m.uri,
                label=m.label,
                confidence=m.confidence,
                method=m.method,
                credential_id=form.digest,
            )
            for m in mapping.skills
        ]
        result.credentials.append(ScreenedCredential(form, report, skills))
    return result


def _profile(folder: Path) -> dict[str, Any]:
    path = folder / PROFILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _extract_all(
    folder: Path, fetcher: Fetcher
) -> tuple[list[CredentialForm], list[ExtractionError]]:
    from ats_match.formats import extract_url

    forms: list[CredentialForm] = []
    errors: list[ExtractionError] = []
    seen: set[str] = set()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != PROFILE):
        data = path.read_bytes()
        found = extract_bytes(data, source=path.name)
        if not found.credentials and path.suffix.lower() in (".pdf", ".docx", ".txt", ".md"):
            text = (
                data.decode("utf-8", "replace")
                if path.suffix.lower() in (".txt", ".md")
                else extract_text_from_document(data, path.name)
            )
            for url in find_credential_urls(text):
                linked = extract_url(url, fetcher)
                forms += linked.credentials
                errors += linked.errors
            continue
        forms += found.credentials
        errors += found.errors
    unique = []
    for form in forms:
        if form.digest not in seen:
            seen.add(form.digest)
            unique.append(form)
    return unique, errors


def evidence_of(candidate: ScreenedCandidate) -> CandidateEvidence:
    return CandidateEvidence(
        candidate_id=candidate.folder.name,
        name=candidate.name,
        credentials=[
            CredentialEvidence(
                credential_id=c.form.digest,
                achievement_id=c.form.achievement.id,
                achievement_name=c.form.achievement.name,
                issuer_id=c.form.issuer.id,
                issuer_name=c.form.issuer.name,
                issued_at=c.form.issued_at,
                valid_from=c.form.valid_from,
                valid_until=c.form.valid_until,
                verdict=c.report.status.value,
                authenticity=c.report.authenticity.status,
                validity=c.report.validity.status,
                holder=c.report.holder.status,
                issuer_trust=c.report.issuer_trust.status,
                issuer_registries=registries_of(c.report.issuer_trust.detail),
                issuer_accreditors=accreditors_of(c.report.issuer_trust.detail),
                has_evidence=bool(c.form.evidence),
                related=related_ids(achievement_of(c.form.document)),
                alignments=alignment_targets(
                    [a.model_dump() for a in c.form.achievement.alignments]
                ),
                evidence_tier=c.report.evidence_tier,
                level=c.form.achievement.level,
            )
            for c in candidate.credentials
        ],
        skills=[s for c in candidate.credentials for s in c.skills],
        associations=list(
            dict.fromkeys(
                a for c in candidate.credentials for a in clr_associations(c.form.document)
            )
        ),
    )


def rank_screened(
    candidates: list[ScreenedCandidate], role: RequirementSet, today: date
) -> list[RankedCandidate]:
    return rank_candidates(role, [evidence_of(c) for c in candidates], today)
