"""The pipeline stages, as plain functions of a session and ids.

Celery tasks (``worker.tasks``) wrap them in a unit of work; ``ats-match screen`` and the tests
call them directly. Each stage is idempotent: running it twice leaves the same rows, and stages
that touch one application lock its row first, so concurrent runs queue instead of colliding.
A stage stages the next jobs in the outbox; they are published after its transaction commits.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ats_match.formats.model import CredentialForm
from ats_match.models import (
    Application,
    Candidate,
    Credential,
    VerificationResult,
    VerificationStatus,
)
from ats_match.models.base import utcnow
from ats_match.models.credentials import LINK_FORMAT
from ats_match.services import outbox
from connectors import Attachment
from rules import SkillEvidence
from worker import batch
from worker.evidence import EvidenceState, Verdict, is_pending, load_state
from worker.ingest import (
    ingest_delivery,
    scoped,
    store_attachments,
    store_extraction,
    store_extraction_forms,
)
from worker.links import PlatformUnreachable, platform_link_form, platform_report
from worker.normalise import normalise_credentials
from worker.scoring import lock_application, newest_requirements, score_locked, score_state

if TYPE_CHECKING:
    from ats_match.verification import VerificationReport

REVERIFY_BACKOFF = (
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
)


class Transient(Exception):
    """The stage could not finish for a reason that may pass (an issuer or ATS is down)."""


__all__ = ["store_extraction"]


# ---------------------------------------------------------------------------------------------
# ingest + settle: one inbox delivery -> rows, verified, normalised and scored in one transaction
# ---------------------------------------------------------------------------------------------
def process_delivery(session: Session, organization_id: uuid.UUID, delivery_id: uuid.UUID) -> None:
    """Ingest a delivery and settle its application at once: embedded credentials are verified
    and mapped here, links go to ``process_credential``; the application is scored when nothing
    is left pending (so once, not once per credential)."""
    ingested = ingest_delivery(session, organization_id, delivery_id)
    if ingested is None:
        return
    application, candidate, stored = ingested.application, ingested.candidate, ingested.stored
    _enqueue_links(session, [s.row for s in stored if s.form is None])
    parsed = [(s.row, s.form) for s in stored if s.form is not None]
    if not ingested.created:
        locked = lock_application(session, organization_id, application.id)
        assert locked is not None
        _verify_and_map(session, locked, parsed, candidate=candidate)
        score_locked(session, locked)
        return
    # A new application: everything about it is in memory, so it is scored without reading back
    verdicts, skills = _verify_and_map(
        session,
        application,
        parsed,
        fresh=True,
        candidate=candidate,
        new_candidate=ingested.new_candidate,
    )
    if any(is_pending(s.row, verdicts) for s in stored):
        return
    requirements = newest_requirements(session, organization_id, application.job_id)
    if requirements is not None:
        state = EvidenceState(application, candidate, [s.row for s in stored], verdicts, skills)
        score_state(session, state, requirements, new=True)


def ingest_attachments(
    session: Session, application: Application, attachments: tuple[Attachment, ...], answers: Any
) -> list[Credential]:
    """Store an application's attachments and stage the work that settles it (used by the demo
    seed; deliveries are settled inline by ``process_delivery``)."""
    stored = store_attachments(session, application, attachments, answers)
    _enqueue_links(session, [s.row for s in stored if s.form is None])
    outbox.enqueue(
        session,
        application.organization_id,
        "ats_match.settle_application",
        str(application.organization_id),
        str(application.id),
    )
    return [s.row for s in stored]


def _enqueue_links(session: Session, rows: list[Credential]) -> None:
    for row in rows:
        if row.format == LINK_FORMAT and row.error_code is None:
            outbox.enqueue(
                session,
                row.organization_id,
                "ats_match.process_credential",
                str(row.organization_id),
                str(row.id),
            )


def settle_application(
    session: Session, organization_id: uuid.UUID, application_id: uuid.UUID
) -> None:
    """Verify and map the application's credentials that have no verdict yet, then score it if
    nothing is left pending."""
    application = lock_application(session, organization_id, application_id)
    if application is None:
        return
    state = load_state(session, application)
    fresh = [(c, _form_of(c)) for c in state.usable if c.id not in state.verdicts]
    _verify_and_map(session, application, fresh)
    score_locked(session, application)


# ---------------------------------------------------------------------------------------------
# verify + normalise: one credential (a link to fetch, or a re-verification)
# ---------------------------------------------------------------------------------------------
def process_credential(
    session: Session, organization_id: uuid.UUID, credential_id: uuid.UUID
) -> None:
    credential = scoped(session, Credential, organization_id, credential_id)
    if credential is None or credential.error_code is not None:
        return
    application = lock_application(session, organization_id, credential.application_id)
    assert application is not None
    if credential.format == LINK_FORMAT:
        children = _resolve_link(session, application, credential)
        _verify_and_map(session, application, children)
    else:
        _verify_and_map(session, application, [(credential, _form_of(credential))], again=True)
    score_locked(session, application)


def _form_of(credential: Credential) -> CredentialForm:
    return CredentialForm.model_validate({**credential.form, "raw": credential.raw})


def _resolve_link(
    session: Session, application: Application, link: Credential
) -> list[tuple[Credential, CredentialForm]]:
    from ats_match.formats import extract_url
    from ats_match.net import FetchError

    url = link.source or link.raw.decode()
    try:
        result = extract_url(url, _fetcher())
    except FetchError as exc:
        if exc.is_transient:
            raise Transient(str(exc)) from exc
        link.error_code, link.error_detail = "fetch_failed", exc.detail[:2000]
        session.add(link)
        return []
    if not result.credentials:
        try:
            platform = platform_link_form(url, _fetcher())
        except PlatformUnreachable as exc:
            raise Transient(str(exc)) from exc
        if platform is not None:
            link.error_code = link.error_detail = None
            link.form = platform.model_dump(mode="json", exclude={"raw"})
            session.add(link)
            return [(link, platform)]
        error = result.errors[0] if result.errors else None
        if error is not None and error.transient:  # a refused address is final, not retried
            raise Transient(error.detail)
        link.error_code = error.code.value if error else "not_a_badge"
        link.error_detail = (error.detail if error else "the link served no credential")[:2000]
        session.add(link)
        return []
    stored = store_extraction_forms(session, application, result, link.raw, url)
    link.form = {"resolved": True, "credentials": len(result.credentials)}
    session.add(link)
    return [(s.row, s.form) for s in stored if s.form is not None and s.row.error_code is None]


def _verify_and_map(
    session: Session,
    application: Application,
    items: list[tuple[Credential, CredentialForm]],
    *,
    again: bool = False,
    fresh: bool = False,
    candidate: Candidate | None = None,
    new_candidate: bool = False,
) -> tuple[dict[uuid.UUID, Verdict], list[SkillEvidence]]:
    """Verify each credential (``again``: it has earlier verdicts) and map its skills
    (``fresh``: the credentials were stored in this transaction). Returns the new verdicts and
    skills."""
    if not items:
        return {}, []
    verifier = _Verifier(session, application, candidate, new_candidate=new_candidate)
    verdicts = {c.id: verifier.judge(c, form, again=again) for c, form in items}
    # one multi-row INSERT, no ORM rows (the credentials are flushed already)
    session.execute(sa.insert(VerificationResult), [v.row() for v in verdicts.values()])
    skills = normalise_credentials(
        session, application.organization_id, application.candidate_id, items, fresh=fresh
    )
    return verdicts, skills


class _Verifier:
    """Verifies one application's credentials with one context (candidate and trust policy
    loaded once)."""

    def __init__(
        self,
        session: Session,
        application: Application,
        candidate: Candidate | None = None,
        *,
        new_candidate: bool = False,
    ) -> None:
        from ats_match.services.trust import issuer_judge_for
        from ats_match.services.wallets import proven_dids_of
        from ats_match.verification import VerificationContext

        self.session = session
        candidate = candidate or session.get(Candidate, application.candidate_id)
        assert candidate is not None
        fetcher = _fetcher()
        self.context = VerificationContext(
            fetcher=fetcher,
            applicant_emails=tuple(candidate.emails),
            applicant_dids=tuple(candidate.dids),
            # a candidate created in this transaction cannot have proven a DID yet
            proven_dids=() if new_candidate else proven_dids_of(session, candidate),
            judge_issuer=batch.memo(
                ("judge", application.organization_id),
                lambda: issuer_judge_for(session, application.organization_id, fetcher),
            ),
        )

    def verify(
        self, credential: Credential, form: CredentialForm, *, again: bool
    ) -> VerificationResult:
        """Verify and store the verdict as an ORM row in the session."""
        result = VerificationResult.model_validate(self.judge(credential, form, again=again).row())
        self.session.add(result)
        return result

    def judge(self, credential: Credential, form: CredentialForm, *, again: bool) -> Verdict:
        """Verify; the verdict is returned for the caller to store."""
        from ats_match.verification import verify_credential

        report = platform_report(form) or verify_credential(form, self.context)
        _summary_from_report(credential, form, report)
        previous = latest_verification(self.session, credential.id) if again else None
        attempt = (previous.attempt + 1) if previous else 1
        retry_at = None
        if report.retryable:
            retry_at = utcnow() + REVERIFY_BACKOFF[min(attempt - 1, len(REVERIFY_BACKOFF) - 1)]
        return Verdict(
            id=uuid.uuid4(),
            organization_id=credential.organization_id,
            credential_id=credential.id,
            status=VerificationStatus(report.status.value),
            checks=[c.model_dump(mode="json") for c in report.checks],
            **stored_answers(report),
            verified_at=utcnow(),
            retry_at=retry_at,
            attempt=attempt,
        )


def _summary_from_report(
    credential: Credential, form: CredentialForm, report: VerificationReport
) -> None:
    """An OB 2.0 assertion may name its badge class and issuer by URL only; once the verifier
    has fetched them, the stored summary (and the form the skill mapping reads) carries their
    names, description and alignments, as a recruiter expects to see them."""
    if form.achievement.name or not report.achievement.name:
        return
    form.achievement = report.achievement
    if not form.issuer.name and report.issuer.name:
        form.issuer = report.issuer
    credential.form = {
        **(credential.form or {}),
        "achievement": form.achievement.model_dump(mode="json"),
        "issuer": form.issuer.model_dump(mode="json"),
    }


def verify_and_store(
    session: Session, application: Application, credential: Credential, form: CredentialForm
) -> VerificationResult:
    """Verify one credential and store the verdict (its attempt numbered after the last)."""
    return _Verifier(session, application).verify(credential, form, again=True)


def stored_answers(report: VerificationReport) -> dict[str, Any]:
    """The answer columns of a ``VerificationResult`` row for ``report``."""
    from ats_match.verification import public_answers

    shown = public_answers(report)
    return {
        "authenticity": report.authenticity.status,
        "validity": report.validity.status,
        "holder": report.holder.status,
        "issuer_trust": report.issuer_trust.status,
        "evidence_tier": report.evidence_tier,
        "answers": {k: shown[k] for k in ("authenticity", "validity", "holder", "issuer", "label")},
    }


def latest_verification(session: Session, credential_id: uuid.UUID) -> VerificationResult | None:
    statement = (
        select(VerificationResult)
        .where(col(VerificationResult.credential_id) == credential_id)
        .order_by(
            col(VerificationResult.verified_at).desc(), col(VerificationResult.attempt).desc()
        )
    )
    return session.exec(statement).first()


# ---------------------------------------------------------------------------------------------
# score
# ---------------------------------------------------------------------------------------------
def score_application(
    session: Session, organization_id: uuid.UUID, application_id: uuid.UUID
) -> None:
    from worker.scoring import score_application as score

    score(session, organization_id, application_id)


SCORE_BATCH = 200


def score_batch(session: Session, organization_id: uuid.UUID, application_ids: list[str]) -> None:
    """Score many applications of one organisation in one transaction (re-scoring a job)."""
    for application_id in sorted(application_ids):  # one lock order: no deadlocks
        score_application(session, organization_id, uuid.UUID(application_id))


def rescore_job(session: Session, organization_id: uuid.UUID, job_id: uuid.UUID) -> None:
    applications = session.exec(
        select(Application.id).where(
            col(Application.organization_id) == organization_id, col(Application.job_id) == job_id
        )
    ).all()
    ids = [str(a) for a in applications]
    for start in range(0, len(ids), SCORE_BATCH):
        outbox.enqueue(
            session,
            organization_id,
            "ats_match.score_batch",
            str(organization_id),
            ids[start : start + SCORE_BATCH],
        )


def reverify_due(session: Session) -> None:
    """Re-queue credentials whose newest verdict is indeterminate and due for another try."""
    due = session.exec(
        select(VerificationResult).where(
            col(VerificationResult.status) == "indeterminate",
            col(VerificationResult.retry_at) <= utcnow(),
        )
    ).all()
    for result in due:
        latest = latest_verification(session, result.credential_id)
        if latest is not None and latest.id == result.id:
            result.retry_at = None  # claimed: the next verdict sets its own retry time
            session.add(result)
            outbox.enqueue(
                session,
                result.organization_id,
                "ats_match.process_credential",
                str(result.organization_id),
                str(result.credential_id),
            )


# ---------------------------------------------------------------------------------------------
def _fetcher() -> Any:
    """One fetcher per worker process, so issuer profiles, keys, DID documents and status lists
    stay cached (TTL + ETag) across tasks."""
    return shared_fetcher()


@lru_cache(maxsize=1)
def shared_fetcher() -> Any:
    from ats_match.net.http import HttpFetcher

    return HttpFetcher()


def post_json(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST through the fetcher's guarded client: the same address rules as every fetch."""
    response = shared_fetcher().client.post(url, content=body, headers=headers)
    return int(response.status_code)
