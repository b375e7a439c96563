"""Recruiter decisions (shortlist / advance / reject), notes and tags on applications.

A decision is appended (the newest is current), audited, and, when the application came from an
integration whose connector writes results back and that has an API key, staged as an outbox
job that writes it to the ATS (:func:`send_write_back`). Services never commit.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from ats_match.errors import InvalidInput, NotFound
from ats_match.models import (
    Application,
    ApplicationDecision,
    ApplicationNote,
    ApplicationTag,
    Candidate,
    DecisionAction,
    Integration,
    Role,
    Score,
    User,
    WriteBackStatus,
)
from ats_match.models.base import utcnow
from ats_match.security import require_role
from ats_match.services import outbox
from ats_match.services.admin import audit

WRITE_BACK_TASK = "ats_match.write_back_decision"
MAX_BULK = 500
_TAG = re.compile(r"^[\w][\w .+#/-]{0,59}$")
PAST_TENSE = {
    DecisionAction.SHORTLIST: "Shortlisted",
    DecisionAction.ADVANCE: "Advanced",
    DecisionAction.REJECT: "Rejected",
}


def decide(
    session: Session,
    user: User,
    application_ids: Sequence[uuid.UUID],
    action: DecisionAction,
    reason: str = "",
) -> list[ApplicationDecision]:
    """Record ``action`` on each application (all in the user's organisation, or 404)."""
    require_role(user.role, Role.RECRUITER)
    reason = reason.strip()
    if action == DecisionAction.REJECT and not reason:
        raise InvalidInput("a rejection needs a reason", [{"field": "reason", "error": "required"}])
    ids = list(dict.fromkeys(application_ids))
    if not ids:
        raise InvalidInput("choose at least one application")
    if len(ids) > MAX_BULK:
        raise InvalidInput(f"at most {MAX_BULK} applications at once")
    applications = _applications(session, user.organization_id, ids)
    writers = _writable_integrations(session, applications)
    decisions = []
    for application in applications:
        decision = ApplicationDecision(
            organization_id=user.organization_id,
            application_id=application.id,
            actor_id=user.id,
            action=action,
            reason=reason[:1000],
            write_back=(
                WriteBackStatus.PENDING
                if application.integration_id in writers
                else WriteBackStatus.NOT_APPLICABLE
            ),
        )
        session.add(decision)
        audit(
            session,
            user,
            f"application.{action.value}",
            "application",
            application.id,
            {"reason": decision.reason, "decision_id": str(decision.id)},
        )
        if decision.write_back == WriteBackStatus.PENDING:
            outbox.enqueue(
                session,
                user.organization_id,
                WRITE_BACK_TASK,
                str(user.organization_id),
                str(decision.id),
            )
        decisions.append(decision)
    session.flush()
    return decisions


def _applications(
    session: Session, organization_id: uuid.UUID, ids: list[uuid.UUID]
) -> list[Application]:
    found = session.exec(
        select(Application).where(
            col(Application.organization_id) == organization_id, col(Application.id).in_(ids)
        )
    ).all()
    if len(found) != len(ids):
        raise NotFound("application not found")
    by_id = {a.id: a for a in found}
    return [by_id[i] for i in ids]


def _writable_integrations(
    session: Session, applications: list[Application]
) -> set[uuid.UUID | None]:
    """Integrations among ``applications`` whose connector writes back and that have a key."""
    from connectors import get_connector
    from connectors.base import ResultWriter

    ids = {a.integration_id for a in applications if a.integration_id is not None}
    if not ids:
        return set()
    rows = session.exec(select(Integration).where(col(Integration.id).in_(ids))).all()
    writable: set[uuid.UUID | None] = set()
    for integration in rows:
        connector = get_connector(str(integration.vendor))
        if isinstance(connector, ResultWriter) and integration.api_token:
            writable.add(integration.id)
    return writable


def current_decisions(
    session: Session, organization_id: uuid.UUID, application_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ApplicationDecision]:
    """The newest decision of each application (for one page of rows)."""
    if not application_ids:
        return {}
    rows = session.exec(
        select(ApplicationDecision)
        .where(
            col(ApplicationDecision.organization_id) == organization_id,
            col(ApplicationDecision.application_id).in_(list(application_ids)),
        )
        .order_by(col(ApplicationDecision.created_at))
    ).all()
    return {row.application_id: row for row in rows}


def history(
    session: Session, organization_id: uuid.UUID, application_id: uuid.UUID
) -> list[ApplicationDecision]:
    return list(
        session.exec(
            select(ApplicationDecision)
            .where(
                col(ApplicationDecision.organization_id) == organization_id,
                col(ApplicationDecision.application_id) == application_id,
            )
            .order_by(col(ApplicationDecision.created_at).desc())
        ).all()
    )


def add_note(session: Session, user: User, application_id: uuid.UUID, body: str) -> ApplicationNote:
    require_role(user.role, Role.HIRING_MANAGER)
    body = body.strip()
    if not body:
        raise InvalidInput("a note needs some text", [{"field": "body", "error": "required"}])
    if len(body) > 5000:
        raise InvalidInput("a note is at most 5000 characters")
    application = _applications(session, user.organization_id, [application_id])[0]
    note = ApplicationNote(
        organization_id=user.organization_id,
        application_id=application.id,
        author_id=user.id,
        body=body,
    )
    session.add(note)
    audit(
        session, user, "application.note", "application", application.id, {"note_id": str(note.id)}
    )
    session.flush()
    return note


def notes(
    session: Session, organization_id: uuid.UUID, application_id: uuid.UUID
) -> list[tuple[ApplicationNote, str]]:
    """Notes newest first, each with its author's name (or e-mail)."""
    rows = session.exec(
        select(ApplicationNote, User)
        .join(User, col(User.id) == col(ApplicationNote.author_id), isouter=True)
        .where(
            col(ApplicationNote.organization_id) == organization_id,
            col(ApplicationNote.application_id) == application_id,
        )
        .order_by(col(ApplicationNote.created_at).desc())
    ).all()
    return [(note, (author.name or author.email) if author else "someone") for note, author in rows]


def parse_tags(text: str | Sequence[str]) -> list[str]:
    """Tags from a comma-separated string or a list: trimmed, lower-cased, unique, validated."""
    raw = text.split(",") if isinstance(text, str) else list(text)
    tags = list(dict.fromkeys(t.strip().lower() for t in raw if t.strip()))
    bad = [t for t in tags if not _TAG.match(t)]
    if bad:
        raise InvalidInput(
            "a tag is 1-60 letters, digits, spaces or . + # / -", [{"field": "tags", "bad": bad}]
        )
    if len(tags) > 30:
        raise InvalidInput("at most 30 tags")
    return tags


def set_tags(
    session: Session, user: User, application_id: uuid.UUID, tags: Sequence[str]
) -> list[str]:
    """Replace the application's tags with ``tags``; returns them sorted."""
    require_role(user.role, Role.RECRUITER)
    wanted = set(parse_tags(tags))
    application = _applications(session, user.organization_id, [application_id])[0]
    existing = {
        row.tag: row
        for row in session.exec(
            select(ApplicationTag).where(col(ApplicationTag.application_id) == application.id)
        ).all()
    }
    for tag, row in existing.items():
        if tag not in wanted:
            session.delete(row)
    for tag in wanted - set(existing):
        session.add(
            ApplicationTag(
                organization_id=user.organization_id, application_id=application.id, tag=tag
            )
        )
    audit(
        session, user, "application.tags", "application", application.id, {"tags": sorted(wanted)}
    )
    session.flush()
    return sorted(wanted)


def tags_of(
    session: Session, organization_id: uuid.UUID, application_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    if not application_ids:
        return {}
    rows = session.exec(
        select(ApplicationTag.application_id, ApplicationTag.tag)
        .where(
            col(ApplicationTag.organization_id) == organization_id,
            col(ApplicationTag.application_id).in_(list(application_ids)),
        )
        .order_by(col(ApplicationTag.tag))
    ).all()
    out: dict[uuid.UUID, list[str]] = {}
    for app_id, tag in rows:
        out.setdefault(app_id, []).append(tag)
    return out


# -- write-back (the worker's side) --------------------------------------------------------------
def send_write_back(
    session: Session, organization_id: uuid.UUID, decision_id: uuid.UUID, fetcher: Any
) -> WriteBackStatus:
    """Write one decision to the ATS through the integration's connector. A vendor that is down
    raises (``ConnectionError``: the task retries with backoff); a vendor that refuses is
    recorded as failed with its reason."""
    from connectors.intake import write_back

    decision = session.get(ApplicationDecision, decision_id)
    if decision is None or decision.organization_id != organization_id:
        return WriteBackStatus.FAILED
    if decision.write_back != WriteBackStatus.PENDING:
        return WriteBackStatus(decision.write_back)
    application = session.get(Application, decision.application_id)
    integration = session.get(Integration, application.integration_id) if application else None
    if application is None or integration is None:
        return _finish(session, decision, WriteBackStatus.FAILED, "the integration was removed")
    try:
        done = write_back(integration, decision_summary(session, application, decision), fetcher)
    except ConnectionError:
        raise
    except Exception as exc:  # the vendor refused: keep its reason for the recruiter
        return _finish(session, decision, WriteBackStatus.FAILED, f"{type(exc).__name__}: {exc}")
    if not done:
        return _finish(session, decision, WriteBackStatus.NOT_APPLICABLE, None)
    return _finish(session, decision, WriteBackStatus.SENT, None)


def _finish(
    session: Session, decision: ApplicationDecision, status: WriteBackStatus, error: str | None
) -> WriteBackStatus:
    decision.write_back, decision.write_back_error = status, (error or None) and error[:2000]
    if status == WriteBackStatus.SENT:
        decision.written_back_at = utcnow()
    session.add(decision)
    return status


def decision_summary(
    session: Session, application: Application, decision: ApplicationDecision
) -> Any:
    """The decision as the connector's :class:`~connectors.base.ResultSummary`: the current score,
    a note naming the decision and who took it, and an ``ats-match-<action>`` tag."""
    from ats_match.services.hiring import latest_requirements
    from connectors.base import ResultSummary

    candidate = session.get(Candidate, application.candidate_id)
    actor = session.get(User, decision.actor_id) if decision.actor_id else None
    requirements = latest_requirements(session, application.organization_id, application.job_id)
    score = None
    if requirements is not None:
        score = session.exec(
            select(Score).where(
                col(Score.application_id) == application.id,
                col(Score.requirement_set_id) == requirements.id,
            )
        ).first()
    who = f" by {actor.name or actor.email}" if actor else ""
    summary = f"{PAST_TENSE[DecisionAction(decision.action)]}{who}"
    if decision.reason:
        summary += f": {decision.reason}"
    return ResultSummary(
        application_external_id=application.external_id or "",
        candidate_external_id=(candidate.external_id if candidate else None) or "",
        score=score.normalised if score else 0.0,
        qualified=bool(score and score.qualified),
        summary=summary,
        tags=(f"ats-match-{DecisionAction(decision.action).value}",),
    )


def decision_counts(
    session: Session, organization_id: uuid.UUID, job_id: uuid.UUID
) -> Counter[str]:
    """How many of a job's applications stand at each current decision ("undecided" for those
    with none)."""
    rows = session.exec(
        select(ApplicationDecision.application_id, ApplicationDecision.action)
        .join(Application, col(Application.id) == col(ApplicationDecision.application_id))
        .where(
            col(Application.job_id) == job_id,
            col(ApplicationDecision.organization_id) == organization_id,
        )
        .order_by(col(ApplicationDecision.created_at))
    ).all()
    current = {app_id: str(action) for app_id, action in rows}
    return Counter(current.values())
