"""The four answers for a link that is not a signed credential: a platform's record or page.

What: :func:`report_for_link` turns what :func:`~.platforms.assess_link` found into a
:class:`VerificationReport` with the same answers every credential gets, so rules, the API and
the dashboard treat it like any other evidence.

Why these answers: a platform's own machine-readable record over HTTPS (tier ``issuer_record``)
is what an OB 2.0 hosted assertion is, so it is ``genuine``; a verification page (tier
``platform_page``) proves a page exists, not who signed what, so authenticity stays ``unknown``
(not retried: trying again proves no more) and the default rules give "needs review". A holder
name on a page never identifies the applicant: holder is ``unproven``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ats_match.formats.model import AchievementInfo, IssuerInfo
from ats_match.verification.answers import Authenticity, EvidenceTier, Holder, Validity
from ats_match.verification.platforms import LinkFacts
from ats_match.verification.report import Check, CheckStatus, VerificationReport
from ats_match.verification.validity import parse_time
from ats_match.verification.verdicts import build_report, validity_words

LINK_FORMAT_NAME = "platform-link"


def platform_checks(facts: LinkFacts, now: datetime) -> list[Check]:
    """The checks a platform record or page supports."""
    platform = facts.platform or "the platform"
    if facts.status == EvidenceTier.ISSUER_RECORD:
        proof = Check(
            name="hosted",
            status=CheckStatus.PASS,
            detail=f"{platform} confirms this credential in its own record at "
            f"{facts.record_url or facts.url}.",
        )
    else:
        proof = Check(
            name="platform_page",
            axis="authenticity",
            status=CheckStatus.WARN,
            outcome=Authenticity.UNKNOWN,
            detail=f"A verification page exists on {platform} ({facts.url}); it is not a signed "
            "credential, so its authenticity rests on the platform's page.",
        )
    return [proof, _validity(facts, now), _holder(facts)]


def _validity(facts: LinkFacts, now: datetime) -> Check:
    if facts.revoked:
        return Check(
            name="revocation",
            status=CheckStatus.FAIL,
            outcome=Validity.REVOKED,
            detail=f"{facts.platform or 'The platform'} marks this credential revoked.",
        )
    try:
        expires = parse_time(facts.expires_on)
    except ValueError:
        expires = None
    if expires is not None and expires < now:
        return Check(
            name="validity",
            status=CheckStatus.FAIL,
            outcome=Validity.EXPIRED,
            facts={"date": expires.isoformat()},
            detail=f"Expired on {expires.date().isoformat()} (as the platform shows it).",
        )
    until = f" until {expires.date().isoformat()}" if expires else ", no expiry shown"
    return Check(name="validity", status=CheckStatus.PASS, detail=f"Shown as valid{until}.")


def _holder(facts: LinkFacts) -> Check:
    shown = f"shows the holder as “{facts.holder_name}”" if facts.holder_name else "shows no holder"
    return Check(
        name="recipient",
        status=CheckStatus.INDETERMINATE,
        outcome=Holder.UNPROVEN,
        detail=f"The platform {shown}; a name does not identify the applicant.",
    )


def report_for_link(
    facts: LinkFacts, *, now: datetime | None = None, link_format: str = LINK_FORMAT_NAME
) -> VerificationReport:
    """The report of a recognised platform link (tier ``issuer_record`` or ``platform_page``)."""
    moment = now or datetime.now(UTC)
    report = build_report(
        format=link_format,
        checks=platform_checks(facts, moment),
        issuer=IssuerInfo(name=facts.issuer_name or facts.platform),
        achievement=AchievementInfo(id=facts.credential_id, name=facts.title),
        verified_at=moment,
    )
    report.evidence_tier = facts.status
    if facts.status == EvidenceTier.PLATFORM_PAGE:
        words = validity_words(report.validity)
        report.label = f"Verification page on {facts.platform or 'the platform'}" + (
            f" · {words}" if words else ""
        )
    return report


__all__ = ["LINK_FORMAT_NAME", "platform_checks", "report_for_link"]
