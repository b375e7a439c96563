"""The four answers a recruiter acts on, one per question about a credential.

Contract shared by the verifiers (which produce them), the trust registries (``issuer``), the
pipeline (which stores them), the rules engine (which accepts or refuses evidence by them) and the
API, CLI, dashboard and outbound events (which show them). Each answer is ``{status, reason}``;
``reason`` is one plain sentence a recruiter can read, and ``detail`` carries optional facts
(a date, a registry's name) for display.

- ``authenticity``: is the proof real and made with a key bound to the issuer?
- ``validity``: is it in force today (dates and the issuer's own status statement)?
- ``holder``: is it this applicant's?
- ``issuer``: who vouches for the issuer, identified by DID or https origin, never by the name
  it gives itself?
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Authenticity(StrEnum):
    GENUINE = "genuine"
    """The proof holds with a key bound to the issuer."""
    FORGED = "forged"
    """Bad proof, a key not the issuer's, tampered or unsigned data. Only cryptography (or data
    that claims a proof it does not carry) gives this."""
    UNKNOWN = "unknown"
    """Issuer or key unreachable, or the check could not run; retried later."""


class Validity(StrEnum):
    CURRENT = "current"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    UNKNOWN = "unknown"
    """Status list unreachable or untrusted; retried later."""


class Holder(StrEnum):
    BOUND = "bound"
    """A hashed or plain e-mail / identifier in the credential matches the applicant."""
    PROVEN = "proven"
    """A DID the applicant proved by a signed presentation."""
    UNPROVEN = "unproven"
    """Names a DID the applicant has not proven."""
    UNADDRESSED = "unaddressed"
    """Names no recipient at all."""
    MISMATCH = "mismatch"
    """Names someone else."""


class IssuerTrust(StrEnum):
    TRUSTED = "trusted"
    """Vouched for by a registry or list; ``detail['registry']`` names it."""
    UNKNOWN = "unknown"
    DENIED = "denied"


class Answer(BaseModel):
    """One answer with its reason: ``{"status": "expired", "reason": "...", "detail": {...}}``."""

    status: str
    reason: str
    detail: dict[str, Any] = Field(default_factory=dict)


class EvidenceTier(StrEnum):
    """How strongly a claimed achievement is backed, strongest first."""

    CRYPTOGRAPHIC = "cryptographic"
    """(1) A proof that holds with the issuer's key."""
    ISSUER_RECORD = "issuer_record"
    """(2) Confirmed by the issuer's own machine-readable record over HTTPS."""
    PLATFORM_PAGE = "platform_page"
    """(3) A verification page exists on the issuing platform."""
    CLAIMED = "claimed"
    """(4) Claimed only."""


TIER_RANK: dict[EvidenceTier, int] = {
    EvidenceTier.CRYPTOGRAPHIC: 1,
    EvidenceTier.ISSUER_RECORD: 2,
    EvidenceTier.PLATFORM_PAGE: 3,
    EvidenceTier.CLAIMED: 4,
}


__all__ = [
    "TIER_RANK",
    "Answer",
    "Authenticity",
    "EvidenceTier",
    "Holder",
    "IssuerTrust",
    "Validity",
]
