"""Facts added to one page of ranking rows: verdict counts, attachments and explanations.
Each is one query over the page's application ids, never over the job."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ats_match.models import Credential, RequirementSet, Score, VerificationResult
from ats_match.models.credentials import LINK_FORMAT

if TYPE_CHECKING:
    from ats_match.services.ranking import RankedRow


def add_verdict_counts(session: Session, rows: list[RankedRow]) -> None:
    """Count the newest verdict of each credential, and the credentials attached and not
    checked yet, for the rows of this page only."""
    if not rows:
        return
    by_id = {row.application_id: row for row in rows}
    results = session.exec(
        select(
            Credential.application_id,
            VerificationResult.credential_id,
            VerificationResult.status,
        )
        .join(Credential, col(Credential.id) == col(VerificationResult.credential_id))
        .where(col(Credential.application_id).in_(list(by_id)))
        .order_by(col(VerificationResult.verified_at), col(VerificationResult.attempt))
    ).all()
    newest = {credential_id: (app_id, status) for app_id, credential_id, status in results}
    counts: dict[uuid.UUID, Counter[str]] = {}
    for app_id, status in newest.values():
        counts.setdefault(app_id, Counter())[str(status)] += 1
    for app_id, counter in counts.items():
        row = by_id[app_id]
        row.verified, row.failed = counter["verified"], counter["failed"]
        row.indeterminate = counter["indeterminate"]
    attached = session.exec(
        select(Credential.application_id, Credential.id).where(
            col(Credential.application_id).in_(list(by_id)),
            sa.or_(col(Credential.format) != LINK_FORMAT, col(Credential.error_code).is_not(None)),
        )
    ).all()
    for app_id, credential_id in attached:
        row = by_id[app_id]
        row.attached += 1
        row.unchecked += credential_id not in newest


def add_explanations(
    session: Session, requirements: RequirementSet | None, rows: list[RankedRow]
) -> None:
    scored = {row.application_id: row for row in rows if row.score is not None}
    if requirements is None or not scored:
        return
    found = session.exec(
        select(Score.application_id, Score.explanation).where(
            col(Score.requirement_set_id) == requirements.id,
            col(Score.application_id).in_(list(scored)),
        )
    ).all()
    for app_id, explanation in found:
        score = scored[app_id].score
        assert score is not None
        score.explanation = dict(explanation)
