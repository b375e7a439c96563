"""Recruiter-facing wording: labels, one phrase per evidence check, one sentence per requirement.

Sentences start with the requirement's label, then the outcome in plain words, then the deciding
evidence: e.g. ``AWS certification: not met - 'AWS Certified Developer' expired on 2025-01-31.``
Knock-outs that fail start with ``Knock-out:``; undecided musts with ``Needs review:``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from rules.inputs import CredentialEvidence, SkillEvidence
from rules.leaf import Leaf
from rules.results import ConditionResult, EvidenceItem, Outcome, RuleResult
from rules.schema import CredentialCheck, SkillCheck

BASIS_WORDS = {"application": "the application date", "as_of": "the evaluation date"}
"""What each candidate's reference date is, in words (see ``rules.reference``)."""


class _Labelled(Protocol):
    @property
    def label(self) -> str: ...


def check_label(check: SkillCheck | CredentialCheck) -> str:
    """A short default label for a leaf condition."""
    if isinstance(check, SkillCheck):
        return check.label or (check.uri or "skill").rsplit("/", 1)[-1]
    if check.name_pattern:
        return check.name_pattern.strip("*") or check.name_pattern
    return check.achievement_id or f"a credential from {check.issuer_id}"


def group_label(kind: str, parts: Sequence[_Labelled], n: int | None) -> str:
    """Default label of a group, e.g. ``2 of: A, B, C``."""
    names = ", ".join(p.label for p in parts)
    if kind == "all_of":
        return f"all of: {names}"
    if kind == "any_of":
        return f"one of: {names}"
    return f"{n} of: {names}"


def _subject(c: CredentialEvidence | None, s: SkillEvidence | None) -> str:
    name = (c.achievement_name or c.achievement_id or c.credential_id) if c is not None else None
    if s is not None:
        skill = s.label or s.skill_uri.rsplit("/", 1)[-1]
        return f"'{skill}' (from '{name}')" if name else f"'{skill}'"
    return f"'{name}'"


def phrase(
    reason: str,
    c: CredentialEvidence | None,
    s: SkillEvidence | None,
    leaf: Leaf,
    reference: date,
    basis: str = "as_of",
) -> str:
    """What one check found, as the predicate of a sentence about the evidence; dates are
    compared with ``reference``, which ``basis`` names (application date or evaluation date)."""
    f = leaf.filters
    measured = f"{BASIS_WORDS.get(basis, 'the reference date')} {reference}"
    issuer = (c.issuer_name or c.issuer_id or "an unknown issuer") if c else "an unknown issuer"
    level = (s.level if s else None) or (c.level if c else None)
    minimum = leaf.level.text if leaf.level else ""
    result = leaf.result.text if leaf.result else ""
    phrases = {
        "ok": f"is verified (mapping confidence {s.confidence:.2f})" if s else "is verified",
        "failed_verification": "failed verification, so it does not count",
        "issuer_denied": f"comes from {issuer}, which is on the deny-list",
        "issuer_not_allowed": f"comes from {issuer}, which is not on the allow-list",
        "low_confidence": f"matches this skill with confidence {s.confidence:.2f}, below the "
        f"{f.min_confidence:.2f} required"
        if s
        else "",
        "no_credential": "is not backed by an attached credential",
        "too_old": f"was issued on {c.issued_at if c else '?'}, more than {f.window} before "
        f"{measured}",
        "issue_date_missing": "has no issue date, so its recency can't be checked",
        "expired": f"expired on {c.valid_until if c else '?'}, before {measured}",
        "not_yet_valid": f"is only valid from {c.valid_from if c else '?'}, after {measured}",
        "level_too_low": f"is at level {level}, below the required {minimum}",
        "level_missing": f"states no level, so the required level {minimum} can't be checked",
        "level_unknown": f"states level {level}, which is not on the required scale",
        "result_too_low": f"states a result below the required {result}",
        "result_missing": f"states no result, so the required {result} can't be checked",
        "result_unknown": "states a result that can't be compared",
        "indeterminate": "could not be verified (indeterminate), and only verified "
        "credentials count",
        "indeterminate_accepted": "could not be fully verified (indeterminate), so "
        f"{f.penalty:.0%} of the points are deducted",
        "unverified": "has not been verified yet",
        "ok_unaddressed": "is genuine and current but names no recipient, so nothing ties it "
        "to this applicant (counted, flagged)",
        "ok_unproven": "is genuine and current but names a DID the applicant has not proven "
        "(counted, flagged)",
        "forged": "is forged (its proof does not hold), so it never counts",
        "holder_mismatch": "was issued to someone else, so it never counts",
        "revoked": "was revoked by its issuer",
        "suspended": "is suspended by its issuer",
        "holder_unaddressed": "names no recipient, and this requirement needs one",
        "holder_unproven": "names a DID the applicant has not proven, and this requirement "
        "needs a bound or proven holder",
        "holder_bound": "is bound to the applicant, which this requirement does not accept",
        "holder_proven": "is proven by the applicant, which this requirement does not accept",
        "issuer_not_trusted": f"comes from {issuer}, which no registry or list this "
        "requirement accepts vouches for",
        "tier_too_low": "is backed by weaker evidence than this requirement's minimum tier",
        "no_evidence": "has no attached evidence (project, portfolio), which this requirement "
        "needs",
        "issuer_not_in_registry": f"comes from {issuer}, which none of the registries this "
        "requirement names vouches for",
        "issuer_not_accredited": f"comes from {issuer}, which no accreditation list names",
        "authenticity_unknown": "could not be checked yet (issuer or key unreachable): needs "
        "review",
        "validity_unknown": "is genuine, but whether it is still in force could not be "
        "established: needs review",
        "authenticity_unknown_accepted": "could not be checked, so "
        f"{f.penalty:.0%} of the points are deducted",
        "validity_unknown_accepted": "has a status that could not be established, so "
        f"{f.penalty:.0%} of the points are deducted",
    }
    return phrases.get(reason, reason.replace("_", " "))


def evidence_item(
    leaf: Leaf,
    c: CredentialEvidence | None,
    s: SkillEvidence | None,
    value: float,
    reason: str,
    reference: date,
    basis: str = "as_of",
) -> EvidenceItem:
    """Record one piece of evidence, the dates and level compared, and the check's finding."""
    return EvidenceItem(
        credential_id=c.credential_id if c else (s.credential_id if s else None),
        credential_name=c.achievement_name if c else None,
        issuer=(c.issuer_name or c.issuer_id) if c else None,
        skill_uri=s.skill_uri if s else None,
        skill_label=s.label if s else None,
        mapping_confidence=s.confidence if s else None,
        mapping_method=s.method if s else None,
        verdict=c.verdict if c else "unverified",
        issued_at=c.issued_at if c else None,
        valid_from=c.valid_from if c else None,
        valid_until=c.valid_until if c else None,
        level=(s.level if s else None) or (c.level if c else None),
        check=reason,
        accepted=value > 0,
        value=value,
        note=f"{_subject(c, s)} {phrase(reason, c, s, leaf, reference, basis)}",
    )


_OUTCOME_WORDS: dict[str, str] = {
    "met": "met",
    "partly_met": "partly met",
    "unmet": "not met",
    "not_evaluable": "can't be decided yet",
}


def _deciding(cond: ConditionResult) -> EvidenceItem | None:
    """The evidence that decided a leaf: the best-valued item (first on ties)."""
    best: EvidenceItem | None = None
    for item in cond.evidence:
        if best is None or item.value > best.value:
            best = item
    return best


def condition_phrase(cond: ConditionResult) -> str:
    """Why a condition came out as it did, without its label."""
    if cond.reason is not None:
        return cond.reason
    if cond.kind in ("skill", "credential"):
        item = _deciding(cond)
        if item is None:
            return "no attached credential shows it"
        others = len(cond.evidence) - 1
        more = f" ({others} other matching item{'s' if others > 1 else ''} considered)"
        return item.note + (more if others else "")
    met = [c.label for c in cond.children if c.outcome == "met"]
    needed = {"all_of": len(cond.children), "any_of": 1}.get(cond.kind, cond.needed or 1)
    open_ = [c for c in cond.children if c.outcome != "met"]
    head = f"{len(met)} of {len(cond.children)} fully met, {needed} needed"
    if cond.outcome == "met":
        return f"{head} ({', '.join(met)})"
    detail = "; ".join(f"{c.label}: {condition_phrase(c)}" for c in open_[:3])
    return f"{head}; {detail}"


def rule_sentence(
    label: str, outcome: Outcome, cond: ConditionResult, *, knocked: bool, review: bool
) -> str:
    """One sentence for a requirement: label, outcome, deciding evidence."""
    prefix = "Knock-out: " if knocked else "Needs review: " if review else ""
    return f"{prefix}{label}: {_OUTCOME_WORDS[outcome]} - {condition_phrase(cond)}."


def flatten_evidence(cond: ConditionResult) -> list[EvidenceItem]:
    """All evidence under a condition, depth first (for the requirement's evidence list)."""
    items = list(cond.evidence)
    for child in cond.children:
        items.extend(flatten_evidence(child))
    return items


def summary_sentence(
    knocked_out: bool,
    needs_review: bool,
    qualified: bool,
    shortlisted: bool,
    normalised: float,
    rules: list[RuleResult],
) -> str:
    """The candidate's one-line verdict."""
    if knocked_out:
        failed = [r.label for r in rules if r.must and r.outcome in ("unmet", "partly_met")]
        return f"Not qualified: knock-out requirement not met ({', '.join(failed)})."
    if needs_review:
        open_ = [r.label for r in rules if r.must and r.outcome == "not_evaluable"]
        return f"Needs review: must-have requirement can't be decided yet ({', '.join(open_)})."
    if shortlisted:
        return f"Shortlist: score {normalised:.1f} of 100, every must-have met."
    if qualified:
        return f"Qualified: score {normalised:.1f} of 100, every must-have met."
    return f"Not qualified: score {normalised:.1f} of 100 is below the role's threshold."


def reference_sentence(reference: date, basis: str) -> str:
    """Which date the candidate's recency and validity were measured from."""
    return f"Dates measured from {BASIS_WORDS.get(basis, 'the reference date')}, {reference}."
