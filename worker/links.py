"""Links that are not signed credentials: a platform's record or verification page.

When a link in an application serves no credential, :func:`platform_link_form` asks
:func:`ats_match.verification.platforms.assess_link` whether it is a recognised platform
address (Credly, Accredible, Coursera, LinkedIn Learning, edX, Udacity, Microsoft Learn, AWS,
PMI). If the platform's own record or page backs it, the link becomes evidence with its tier:
its facts travel in the form's ``document`` and :func:`platform_report` gives the four answers
(``ats_match.verification.platform_report``) instead of a cryptographic verification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ats_match.formats.model import AchievementInfo, CredentialForm, Envelope, IssuerInfo, Spec
from ats_match.verification.answers import EvidenceTier

if TYPE_CHECKING:
    from ats_match.net.fetcher import Fetcher
    from ats_match.verification import VerificationReport

FACTS_KEY = "platform_link"
_BACKED = (EvidenceTier.ISSUER_RECORD, EvidenceTier.PLATFORM_PAGE)


class PlatformUnreachable(ConnectionError):
    """The platform could not be asked; the task is retried."""


def platform_link_form(url: str, fetcher: Fetcher) -> CredentialForm | None:
    """The form of a platform-backed link, or ``None`` when nothing backs it."""
    from ats_match.verification.platforms import assess_link, recognise

    if recognise(url) is None:
        return None
    tier, facts = assess_link(url, fetcher)
    if facts.retry:
        raise PlatformUnreachable(facts.reason)
    if tier not in _BACKED or facts.verify_as_credential:
        return None
    return CredentialForm(
        spec=Spec.OB2,
        envelope=Envelope.HOSTED,
        id=facts.credential_id,
        issuer=IssuerInfo(name=facts.issuer_name or facts.platform),
        achievement=AchievementInfo(id=facts.credential_id, name=facts.title),
        document={FACTS_KEY: facts.model_dump(mode="json")},
        source=url,
    )


def platform_report(form: CredentialForm) -> VerificationReport | None:
    """The report of a platform-backed link form; ``None`` for every other credential."""
    raw = form.document.get(FACTS_KEY) if form.document else None
    if not isinstance(raw, dict):
        return None
    from ats_match.verification.platform_report import report_for_link
    from ats_match.verification.platforms import LinkFacts

    return report_for_link(LinkFacts.model_validate(raw))
