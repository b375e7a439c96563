"""Recruiters' skill-mapping overrides: one decision per achievement, applied to every holder,
audited, and followed by re-normalising and re-scoring the affected credentials."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, col, select

from ats_match.errors import InvalidInput
from ats_match.models import Credential, MappingOverride, User
from ats_match.services import outbox
from ats_match.services.admin import audit


def set_override(
    session: Session,
    user: User,
    achievement_id: str,
    skill_uris: list[str],
    known_skill: Callable[[str], bool],
) -> MappingOverride:
    unknown = [uri for uri in skill_uris if not known_skill(uri)]
    if unknown:
        raise InvalidInput(f"unknown skill URI(s): {', '.join(unknown)}")
    row = session.exec(
        select(MappingOverride).where(
            col(MappingOverride.organization_id) == user.organization_id,
            col(MappingOverride.achievement_id) == achievement_id,
        )
    ).first()
    before = list(row.skill_uris) if row else None
    if row is None:
        row = MappingOverride(organization_id=user.organization_id, achievement_id=achievement_id)
    row.skill_uris, row.created_by = sorted(set(skill_uris)), user.id
    session.add(row)
    session.flush()
    audit(
        session,
        user,
        "mapping.override",
        "achievement",
        achievement_id,
        {"before": before, "after": row.skill_uris},
    )
    _requeue_holders(session, user, achievement_id)
    return row


def _requeue_holders(session: Session, user: User, achievement_id: str) -> None:
    holders = session.exec(
        select(Credential.id).where(
            col(Credential.organization_id) == user.organization_id,
            col(Credential.achievement_id) == achievement_id,
        )
    ).all()
    for credential_id in holders:
        outbox.enqueue(
            session,
            user.organization_id,
            "ats_match.process_credential",
            str(user.organization_id),
            str(credential_id),
        )
