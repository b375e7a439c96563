"""Erasure of a candidate (GDPR Art 17, on request or when the retention period ends).

One call removes the candidate and everything derived from what they sent: applications,
credentials and their verification results, skills, scores, decisions, notes, tags, wallet
presentations, the raw webhook deliveries, and outbound results about them. What stays: one
``candidate.erase`` audit row holding only counts and random ids, the earlier audit rows about
them with their data emptied (who did what and when remains), and a fingerprint of each erased
application so a redelivered webhook is dropped instead of resurrecting the data.
Services never commit.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ats_match.models import (
    Application,
    AuditLog,
    Candidate,
    Credential,
    DeliveryStatus,
    ErasedApplication,
    Integration,
    OutboundEvent,
    Role,
    User,
    WebhookDelivery,
)
from ats_match.repositories import CandidateRepository
from ats_match.security import require_role

ERASED_NOTE = "dropped: it concerns an erased candidate"


def fingerprint(integration_id: uuid.UUID, application_external_id: str) -> str:
    """Recognises a redelivery of an erased application without keeping the vendor's id. The
    integration's random id salts it, so the vendor's (often sequential) ids cannot be read
    back from a list of fingerprints alone."""
    return hashlib.sha256(f"{integration_id}\x00{application_external_id}".encode()).hexdigest()


def is_erased(session: Session, integration: Integration, application_external_id: str) -> bool:
    return (
        session.exec(
            select(ErasedApplication.id).where(
                col(ErasedApplication.organization_id) == integration.organization_id,
                col(ErasedApplication.fingerprint)
                == fingerprint(integration.id, application_external_id),
            )
        ).first()
        is not None
    )


def forget_delivery(delivery: WebhookDelivery) -> None:
    """A delivery about an erased application: its body and headers are emptied and it is marked
    ignored, so the admin sees that it came and was dropped (and the inbox still recognises a
    further redelivery of the same event)."""
    delivery.body = b""
    delivery.headers = {}
    delivery.status = DeliveryStatus.IGNORED
    delivery.error = ERASED_NOTE


def erase_candidate(session: Session, user: User, candidate_id: uuid.UUID) -> dict[str, int]:
    """Erase one candidate of the user's organisation (admin only; 404 for another's)."""
    require_role(user.role, Role.ADMIN)
    candidate = CandidateRepository(session, user.organization_id).get_or_404(candidate_id)
    return erase(session, candidate, actor_id=user.id, reason="request")


def erase(
    session: Session, candidate: Candidate, *, actor_id: uuid.UUID | None, reason: str
) -> dict[str, int]:
    """Erase ``candidate`` (already checked to be the caller's); returns what was removed."""
    org_id = candidate.organization_id
    applications = session.exec(
        select(Application).where(
            col(Application.organization_id) == org_id,
            col(Application.candidate_id) == candidate.id,
        )
    ).all()
    app_ids = [a.id for a in applications]
    counts = {
        "applications": len(app_ids),
        "credentials": _count(session, Credential, col(Credential.application_id).in_(app_ids)),
        "deliveries": _delete_deliveries(session, org_id, applications),
        "outbound_events": _delete_outbound(session, org_id, app_ids),
    }
    _remember(session, org_id, applications)
    _empty_audit_rows(session, org_id, [candidate.id, *app_ids])
    session.flush()
    session.execute(sa.delete(Candidate).where(col(Candidate.id) == candidate.id))
    for row in (candidate, *applications):  # the database cascade removed them
        session.expunge(row)
    session.add(
        AuditLog(
            organization_id=org_id,
            actor_id=actor_id,
            action="candidate.erase",
            entity_type="candidate",
            entity_id=str(candidate.id),
            data={"reason": reason, **counts},
        )
    )
    session.flush()
    return counts


def _count(session: Session, model: Any, condition: Any) -> int:
    return int(session.exec(select(sa.func.count()).select_from(model).where(condition)).one())


def _delete_deliveries(session: Session, org_id: uuid.UUID, applications: Any) -> int:
    """Deliveries ingested into the applications go with them (``application_id`` cascade); a
    delivery never linked (failed, or from before the link existed) is found by parsing it."""
    app_ids = [a.id for a in applications]
    linked = _count(session, WebhookDelivery, col(WebhookDelivery.application_id).in_(app_ids))
    unlinked = _unlinked_deliveries(session, org_id, applications)
    if unlinked:
        session.execute(sa.delete(WebhookDelivery).where(col(WebhookDelivery.id).in_(unlinked)))
    return linked + len(unlinked)


def _unlinked_deliveries(session: Session, org_id: uuid.UUID, applications: Any) -> list[uuid.UUID]:
    from connectors import get_connector

    wanted = {(a.integration_id, a.external_id) for a in applications if a.integration_id}
    found: list[uuid.UUID] = []
    for integration_id in {pair[0] for pair in wanted}:
        integration = session.get(Integration, integration_id)
        if integration is None:
            continue
        connector = get_connector(str(integration.vendor))
        rows = session.exec(
            select(WebhookDelivery.id, WebhookDelivery.body).where(
                col(WebhookDelivery.organization_id) == org_id,
                col(WebhookDelivery.integration_id) == integration_id,
                col(WebhookDelivery.application_id).is_(None),
            )
        ).all()
        for delivery_id, body in rows:
            try:
                parsed = connector.parse_application(json.loads(body))
            except Exception:  # noqa: S112 - an unparseable body names no application
                continue
            if parsed and (integration_id, parsed.application_external_id) in wanted:
                found.append(delivery_id)
    return found


def _delete_outbound(session: Session, org_id: uuid.UUID, app_ids: list[uuid.UUID]) -> int:
    if not app_ids:
        return 0
    about = OutboundEvent.payload["application_id"].as_string()
    condition = sa.and_(
        col(OutboundEvent.organization_id) == org_id, about.in_([str(i) for i in app_ids])
    )
    count = _count(session, OutboundEvent, condition)
    session.execute(sa.delete(OutboundEvent).where(condition))
    return count


def _remember(session: Session, org_id: uuid.UUID, applications: Any) -> None:
    for application in applications:
        if application.integration_id is None or not application.external_id:
            continue
        mark = fingerprint(application.integration_id, application.external_id)
        exists = session.exec(
            select(ErasedApplication.id).where(
                col(ErasedApplication.organization_id) == org_id,
                col(ErasedApplication.fingerprint) == mark,
            )
        ).first()
        if exists is None:
            session.add(ErasedApplication(organization_id=org_id, fingerprint=mark))


def _empty_audit_rows(session: Session, org_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
    """Earlier audit rows about the candidate keep who, what and when; their data (a rejection
    reason, a title) may quote the candidate, so it is emptied."""
    session.execute(
        sa.update(AuditLog)
        .where(
            col(AuditLog.organization_id) == org_id,
            col(AuditLog.entity_id).in_([str(i) for i in ids]),
        )
        .values(data={"erased": True})
    )
