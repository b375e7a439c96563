"""What verification says about one credential: a verdict and the checks behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from ats_match.formats.model import AchievementInfo, IssuerInfo
from ats_match.net.fetcher import Fetcher


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
    """One check, with a sentence a recruiter can read."""

    name: str
    status: CheckStatus
    detail: str
    required: bool = True


class VerificationReport(BaseModel):
    format: str
    status: Verdict
    checks: list[Check]
    issuer: IssuerInfo = Field(default_factory=IssuerInfo)
    achievement: AchievementInfo = Field(default_factory=AchievementInfo)
    verified_at: datetime

    @property
    def retryable(self) -> bool:
        """Indeterminate verdicts are re-tried later by the worker."""
        return self.status == Verdict.INDETERMINATE


def verdict_of(checks: list[Check]) -> Verdict:
    """``failed`` if a required check failed; ``indeterminate`` if one could not be carried out
    or nothing passed; otherwise ``verified``. A wrong ``verified`` is the worst defect, so any
    doubt lands on ``indeterminate``."""
    required = [c for c in checks if c.required]
    if any(c.status == CheckStatus.FAIL for c in required):
        return Verdict.FAILED
    if any(c.status == CheckStatus.INDETERMINATE for c in required):
        return Verdict.INDETERMINATE
    if not any(c.status == CheckStatus.PASS for c in required):
        return Verdict.INDETERMINATE
    return Verdict.VERIFIED


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
    trust: TrustPolicy = field(default_factory=TrustPolicy)
