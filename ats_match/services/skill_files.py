"""An organisation's skill files (taxonomy, synonyms, catalogue): store after checking they
parse, list, and read them all for building the organisation's matcher. Never commits."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from ats_match.errors import InvalidInput
from ats_match.models import SkillFile, SkillFileKind
from ats_match.models.base import utcnow


def put_file(
    session: Session, organization_id: uuid.UUID, kind: SkillFileKind, content: Any
) -> SkillFile:
    """Create or replace the organisation's file of this kind; 422 when it does not parse."""
    from ats_match.taxonomy import TaxonomyFileError
    from ats_match.taxonomy.organisation import organisation_matcher

    files = {str(f.kind): f.content for f in list_files(session, organization_id)}
    files[kind.value] = content
    try:
        organisation_matcher(files)
    except TaxonomyFileError as exc:
        raise InvalidInput(f"the {kind.value} file is invalid: {exc}") from exc
    row = session.exec(
        select(SkillFile).where(
            col(SkillFile.organization_id) == organization_id, col(SkillFile.kind) == kind
        )
    ).first()
    if row is None:
        row = SkillFile(organization_id=organization_id, kind=kind, content=content)
    else:
        row.content = content
        row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def list_files(session: Session, organization_id: uuid.UUID) -> list[SkillFile]:
    """The organisation's files, by kind."""
    return list(
        session.exec(
            select(SkillFile)
            .where(col(SkillFile.organization_id) == organization_id)
            .order_by(col(SkillFile.kind))
        ).all()
    )
