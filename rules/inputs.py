"""What the evaluator consumes: one candidate's verified, normalised evidence. No database.

The worker builds these from stored credentials, verdicts and skill mappings. Dates are kept at
day granularity (UTC): a datetime is converted to its UTC calendar date on input, so every
comparison the evaluator makes is a plain date comparison, identical on every platform.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Verdict = Literal["verified", "failed", "indeterminate", "unverified"]
"""The derived summary, kept for compatibility; decisions read the four answers below."""

# The four answers (see ``ats_match.verification.answers``); ``None`` where not yet verified.
AuthenticityStatus = Literal["genuine", "forged", "unknown"]
ValidityStatus = Literal["current", "expired", "not_yet_valid", "revoked", "suspended", "unknown"]
HolderStatus = Literal["bound", "proven", "unproven", "unaddressed", "mismatch"]
IssuerStatus = Literal["trusted", "unknown", "denied"]
EvidenceTierName = Literal["cryptographic", "issuer_record", "platform_page", "claimed"]
AssociationType = Literal[
    "exactMatchOf",
    "isChildOf",
    "isParentOf",
    "isPartOf",
    "isPeerOf",
    "isRelatedTo",
    "precedes",
    "replacedBy",
]
"""CLR 2.0 ``Association.associationType``: how the source achievement relates to the target."""


def to_utc_date(value: Any) -> Any:
    """Turn a datetime (or an ISO datetime string) into its UTC date; leave others to pydantic."""
    if isinstance(value, str) and len(value) > 10:
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.date()
    return value


class ResultValue(BaseModel):
    """A result the credential states, e.g. ``{name: score, value: "87"}``."""

    model_config = ConfigDict(frozen=True)

    name: str | None = None
    value: str


class CredentialEvidence(BaseModel):
    """One attached credential with its verification verdict."""

    model_config = ConfigDict(frozen=True)

    credential_id: str
    achievement_id: str | None = None
    achievement_name: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    issued_at: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    verdict: Verdict = "unverified"
    authenticity: AuthenticityStatus | None = None
    validity: ValidityStatus | None = None
    holder: HolderStatus | None = None
    issuer_trust: IssuerStatus | None = None
    issuer_registries: list[str] = Field(
        default_factory=list, description="Names of the registries or lists that trust the issuer."
    )
    issuer_accreditors: list[str] = Field(
        default_factory=list,
        description="Certification bodies an employer accreditation list says accredit the "
        "issuer (empty: not accredited).",
    )
    evidence_tier: EvidenceTierName | None = None
    has_evidence: bool = False
    """The credential carries OB ``evidence`` (projects, portfolios)."""
    level: str | None = None
    results: list[ResultValue] = Field(default_factory=list)
    related: list[str] = Field(
        default_factory=list,
        description="OB 3.0 Achievement.related: ids of the same achievement in another "
        "version or language (it counts as each of them).",
    )
    alignments: list[str] = Field(
        default_factory=list,
        description="OB alignment targets (URL, else code), e.g. the ESCO skills it aligns to.",
    )

    @field_validator("issued_at", "valid_from", "valid_until", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> Any:
        return to_utc_date(value)


class SkillEvidence(BaseModel):
    """A skill the candidate holds, derived from a credential through a mapping.

    ``credential_id`` points at the credential that proves it; a skill without one (e.g. typed
    into a CV) is treated as unverified evidence.
    """

    model_config = ConfigDict(frozen=True)

    skill_uri: str
    label: str | None = None
    confidence: float = Field(default=1.0, ge=0, le=1)
    method: str | None = Field(default=None, description="How it was mapped: exact, fuzzy, ...")
    credential_id: str | None = None
    level: str | None = Field(default=None, description="Proficiency; else the credential's.")


class Association(BaseModel):
    """A CLR 2.0 association between two achievements (by achievement id)."""

    model_config = ConfigDict(frozen=True)

    kind: AssociationType
    source: str
    target: str


class CandidateEvidence(BaseModel):
    """Everything the evaluator knows about one candidate."""

    model_config = ConfigDict(frozen=True)

    candidate_id: str
    name: str | None = None
    applied_at: date | None = None
    credentials: list[CredentialEvidence] = Field(default_factory=list)
    skills: list[SkillEvidence] = Field(default_factory=list)
    associations: list[Association] = Field(
        default_factory=list,
        description="How the candidate's achievements relate (CLR 2.0 associations), e.g. "
        "parts of a larger qualification or a track's order.",
    )

    @field_validator("applied_at", mode="before")
    @classmethod
    def _applied(cls, value: Any) -> Any:
        return to_utc_date(value)


class CandidateFile(BaseModel):
    """The CLI's candidates file: ``{"candidates": [...]}`` (a bare list is accepted too)."""

    reference_date: date | None = Field(
        default=None, description="Default reference date for scoring (the CLI's --as-of wins)."
    )
    candidates: list[CandidateEvidence]
