"""What verification says about one credential: a verdict and the checks behind it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ats_match.formats.model import AchievementInfo, IssuerInfo
from ats_match.net.fetcher import Fetcher
from ats_match.verification.answers import Answer

Axis = Literal["authenticity", "validity", "holder", "issuer"]


class CheckStatus(StrEnum):
    PASS = "pass"  # noqa: S105 - not a password
    FAIL = "fail"
    WARN = "warn"
    SKIPPED = "skipped"
    INDETERMINATE = "indeterminate"
    """The check could not be carried out (issuer unreachable, status list unavailable)."""


class Verdict(StrEnum):
    VERIFIED = "verified"
    FAILED = "failed"
    INDETERMINATE = "indeterminate"


class Check(BaseModel):
    """One check, with a sentence a recruiter can read. Frozen: a check is a finished
    statement, so the checks whose wording never varies are built once and shared."""

    model_config = ConfigDict(frozen=True)

    name: str
    status: CheckStatus
    detail: str
    required: bool = True
    axis: Axis | None = None
    """Which of the four answers this check informs; ``None``: decided by its name."""
    outcome: str | None = None
    """The status this check gives its answer (``expired``, ``unaddressed``, ``trusted``...);
    ``None``: read from ``status``."""
    facts: dict[str, Any] = Field(default_factory=dict)
    """Facts for display: a date, a registry's name."""


class VerificationReport(BaseModel):
    """What verification found. Decisions read the four answers; ``status`` is the derived
    summary kept for compatibility (see :func:`ats_match.verification.verdicts.summary_of`)."""

    format: str
    status: Verdict
    checks: list[Check]
    authenticity: Answer
    validity: Answer
    holder: Answer
    issuer_trust: Answer
    """The ``issuer`` answer (``issuer`` itself is the issuer's identity, kept for
    compatibility); every public rendering puts it under the key ``issuer``."""
    evidence_tier: str
    label: str
    """The one line a recruiter reads, e.g. "Genuine · expired 3 Oct 2026"."""
    issuer: IssuerInfo = Field(default_factory=IssuerInfo)
    achievement: AchievementInfo = Field(default_factory=AchievementInfo)
    verified_at: datetime

    @property
    def retryable(self) -> bool:
        """Answers that could not be established yet are re-tried later by the worker."""
        return bool(self.authenticity.detail.get("retry") or self.validity.detail.get("retry"))


@dataclass(frozen=True)
class TrustPolicy:
    """An organisation's issuer allow-list / deny-list (issuer ids or URL prefixes)."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()


@dataclass
class VerificationContext:
    """Everything a verifier needs from the outside world, passed in so it stays testable."""

    fetcher: Fetcher
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    applicant_emails: tuple[str, ...] = ()
    applicant_dids: tuple[str, ...] = ()
    """Identifiers the applicant's record lists (an ATS form, a recruiter). A DID among them is
    only *declared*: a credential naming it is ``unproven`` until the applicant proves it."""
    proven_dids: tuple[str, ...] = ()
    """DIDs the applicant proved by a signed presentation (wallet flow): ``proven``."""
    trust: TrustPolicy = field(default_factory=TrustPolicy)
    judge_issuer: Callable[[str | None], Answer] | None = None
    """The organisation's issuer judge (registries and lists, see ``ats_match.trust``); when
    set it decides the ``issuer`` answer instead of ``trust``."""
