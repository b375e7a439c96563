"""Which verification answers let a credential count: the ``accept`` policy.

What: a requirement set (``defaults``), a requirement (``filters``) or a condition may say which
of the four answers it accepts, e.g. ``accept: {authenticity: genuine, validity: [current],
holder: [bound, proven, unaddressed], issuer: [trusted, unknown], min_tier: issuer_record,
evidence: true, registries: [DCC], accredited: true}``. The last three ask more of the work and
the issuer behind a credential: OB ``evidence`` attached (a project, a portfolio), the issuer
trusted by one of the named registries or lists, the issuer accredited by a certification body.
Each axis is inherited separately from the innermost level that sets it. :class:`Acceptance`
is the compiled policy; calling it on a :class:`CredentialEvidence` gives a state code and the
reason the explanation shows.

Why these defaults: they are what a cautious employer would choose. A credential must be
genuine and current; a forged one, one issued to someone else, or one from a denied issuer never
counts, whatever the policy says (the schema refuses such a policy); one addressed to nobody or
to a DID the applicant has not proven counts but is flagged; when authenticity or validity could
not be established the evidence is "needs review" (undecided), never "not qualified".
Evidence without answers (a candidates file with only a ``verdict``) keeps the legacy reading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rules.inputs import (
    AuthenticityStatus,
    CredentialEvidence,
    EvidenceTierName,
    HolderStatus,
    IssuerStatus,
    ValidityStatus,
)

REJECTED, UNDECIDED, DISCOUNTED, ACCEPTED = 0, 1, 2, 3
"""State codes, in increasing order: does not count / needs review / counts with the
indeterminate penalty / counts."""

NEVER_COUNT = {"authenticity": "forged", "holder": "mismatch", "issuer": "denied"}
DEFAULT_ACCEPT: dict[str, tuple[str, ...]] = {
    "authenticity": ("genuine",),
    "validity": ("current",),
    "holder": ("bound", "proven", "unproven", "unaddressed"),
    "issuer": ("trusted", "unknown"),
}
TIERS: tuple[str, ...] = get_args(EvidenceTierName)
"""Strongest first: cryptographic, issuer_record, platform_page, claimed."""
FLAGGED_HOLDERS = frozenset({"unproven", "unaddressed"})
ACCEPTANCE_FIELDS = (
    "authenticity",
    "validity",
    "holder",
    "issuer_trust",
    "evidence_tier",
    "verdict",
    "has_evidence",
    "issuer_registries",
    "issuer_accreditors",
)
"""The credential fields :meth:`Acceptance.judge` reads (and nothing else)."""


class AcceptPolicy(BaseModel):
    """The answers a credential must have to count; an omitted axis is inherited."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    authenticity: list[AuthenticityStatus] | None = Field(
        default=None, description="Default [genuine]; add unknown to count unchecked evidence."
    )
    validity: list[ValidityStatus] | None = Field(
        default=None, description="Default [current]; e.g. [current, expired] for history."
    )
    holder: list[HolderStatus] | None = Field(
        default=None, description="Default [bound, proven, unproven, unaddressed]."
    )
    issuer: list[IssuerStatus] | None = Field(
        default=None, description="Default [trusted, unknown]; [trusted] for registries only."
    )
    min_tier: EvidenceTierName | None = Field(
        default=None,
        description="Weakest evidence tier that counts (cryptographic, issuer_record, "
        "platform_page, claimed). Default: any.",
    )

    evidence: bool | None = Field(
        default=None,
        description="When true, only credentials with attached OB evidence (projects, "
        "portfolios) count. Default false.",
    )
    registries: list[str] | None = Field(
        default=None,
        description="Only credentials whose issuer is trusted by one of these registries or "
        "lists (by name) count. Default: any.",
    )
    accredited: bool | None = Field(
        default=None,
        description="When true, only credentials whose issuer an accreditation list names "
        "count. Default false.",
    )

    @field_validator("authenticity", "validity", "holder", "issuer", "registries", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _never(self) -> AcceptPolicy:
        for axis, status in NEVER_COUNT.items():
            if status in (getattr(self, axis) or ()):
                raise ValueError(f"accept.{axis} cannot include {status!r}: it never counts")
        return self


@dataclass(frozen=True, slots=True)
class Acceptance:
    """A compiled ``accept`` policy plus the legacy ``verified_only`` switch."""

    authenticity: frozenset[str]
    validity: frozenset[str]
    holder: frozenset[str]
    issuer: frozenset[str]
    max_tier_rank: int
    verified_only: bool
    needs_evidence: bool = False
    registries: frozenset[str] | None = None
    """Casefolded registry names, one of which must trust the issuer; None: any."""
    needs_accreditation: bool = False
    backing_demanded: bool = False
    """Any of the three above (one test on the hot path instead of three)."""

    def __call__(self, c: CredentialEvidence) -> tuple[int, str]:
        """The state of ``c`` under this policy and the reason for it."""
        return self.judge(c.__dict__)  # pydantic attribute access is slow on this hot path

    def judge(self, d: Mapping[str, Any]) -> tuple[int, str]:
        """The state of a credential given as its fields (what ``CredentialEvidence`` holds:
        the columnar path judges one representative of each distinct combination of them)."""
        authenticity = d["authenticity"]
        backing = self.backing_demanded
        if authenticity is None:
            missing = self._missing_backing(d) if backing else ""
            return (REJECTED, missing) if missing else self._legacy(d["verdict"])
        if authenticity == "forged":
            return REJECTED, "forged"
        holder, issuer, validity = d["holder"], d["issuer_trust"], d["validity"]
        if holder == "mismatch":
            return REJECTED, "holder_mismatch"
        if issuer == "denied":
            return REJECTED, "issuer_denied"
        if validity is not None and validity != "unknown" and validity not in self.validity:
            return REJECTED, validity
        if holder is not None and holder not in self.holder:
            return REJECTED, f"holder_{holder}"
        if issuer is not None and issuer not in self.issuer:
            return REJECTED, "issuer_not_trusted"
        tier = d["evidence_tier"]
        if tier is not None and TIERS.index(tier) > self.max_tier_rank:
            return REJECTED, "tier_too_low"
        if backing:
            missing = self._missing_backing(d)
            if missing:
                return REJECTED, missing
        if authenticity == "unknown" or validity in (None, "unknown"):
            axis = "authenticity" if authenticity == "unknown" else "validity"
            accepted = self.authenticity if axis == "authenticity" else self.validity
            if "unknown" in accepted or not self.verified_only:
                return DISCOUNTED, f"{axis}_unknown_accepted"
            return UNDECIDED, f"{axis}_unknown"
        if authenticity not in self.authenticity:
            return REJECTED, f"authenticity_{authenticity}"
        if holder in FLAGGED_HOLDERS:
            return ACCEPTED, f"ok_{holder}"
        return ACCEPTED, "ok"

    def _missing_backing(self, d: Mapping[str, Any]) -> str:
        """What the policy's evidence, registry and accreditation demands find missing."""
        if self.needs_evidence and not d["has_evidence"]:
            return "no_evidence"
        if self.registries is not None:
            named = {r.casefold() for r in d["issuer_registries"]}
            if d["issuer_trust"] != "trusted" or not named & self.registries:
                return "issuer_not_in_registry"
        if self.needs_accreditation and not d["issuer_accreditors"]:
            return "issuer_not_accredited"
        return ""

    def code(self, c: CredentialEvidence) -> int:
        return self(c)[0]

    def _legacy(self, verdict: str) -> tuple[int, str]:
        if verdict == "failed":
            return REJECTED, "failed_verification"
        if verdict == "verified":
            return ACCEPTED, "ok"
        if verdict == "indeterminate":
            if self.verified_only:
                return UNDECIDED, "indeterminate"
            return DISCOUNTED, "indeterminate_accepted"
        return UNDECIDED, "unverified"


def compile_acceptance(
    policies: Sequence[AcceptPolicy | None], *, verified_only: bool
) -> Acceptance:
    """Each axis from the innermost policy that sets it (``policies`` innermost first)."""

    def pick(axis: str) -> frozenset[str]:
        for policy in policies:
            if policy is not None and getattr(policy, axis) is not None:
                return frozenset(getattr(policy, axis))
        return frozenset(DEFAULT_ACCEPT[axis])

    tier = next((p.min_tier for p in policies if p is not None and p.min_tier), None)

    def first(axis: str) -> Any:
        return next(
            (getattr(p, axis) for p in policies if p is not None and getattr(p, axis) is not None),
            None,
        )

    registries = first("registries")
    needs_evidence, needs_accreditation = bool(first("evidence")), bool(first("accredited"))
    return Acceptance(
        authenticity=pick("authenticity"),
        validity=pick("validity"),
        holder=pick("holder"),
        issuer=pick("issuer"),
        max_tier_rank=TIERS.index(tier) if tier else len(TIERS) - 1,
        verified_only=verified_only,
        needs_evidence=needs_evidence,
        registries=frozenset(r.casefold() for r in registries) if registries else None,
        needs_accreditation=needs_accreditation,
        backing_demanded=needs_evidence or bool(registries) or needs_accreditation,
    )
