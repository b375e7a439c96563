"""Stored verification results as the API and outbound events show them.

Each of the four answers is an object ``{status, reason, detail}`` under its own key
(``authenticity``, ``validity``, ``holder``, ``issuer``), with the recruiter's one-line ``label``,
the ``evidence_tier`` and the compatibility ``summary``.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from ats_match.models import Credential, VerificationResult
from ats_match.services.ranking import latest_verdicts

_AXES = (
    ("authenticity", "authenticity"),
    ("validity", "validity"),
    ("holder", "holder"),
    ("issuer", "issuer_trust"),
)


def answers_of_row(row: VerificationResult) -> dict[str, Any]:
    """The public answers of one stored result (reasons from ``answers``, statuses from the
    indexed columns, which are what rules and filters read)."""
    shown: dict[str, Any] = {}
    for key, column in _AXES:
        stored = row.answers.get(key) or {}
        shown[key] = {
            "status": getattr(row, column),
            "reason": stored.get("reason", ""),
            "detail": stored.get("detail", {}),
        }
    shown["label"] = row.answers.get("label") or str(row.status)
    shown["evidence_tier"] = row.evidence_tier
    shown["summary"] = str(row.status)
    return shown


def credential_answers(
    session: Session, organization_id: uuid.UUID, application_id: uuid.UUID
) -> list[dict[str, Any]]:
    """Every credential of an application with its current answers (for outbound events)."""
    credentials = session.exec(
        select(Credential)
        .where(col(Credential.organization_id) == organization_id)
        .where(col(Credential.application_id) == application_id)
    ).all()
    verdicts = latest_verdicts(session, [c.id for c in credentials])
    found = []
    for credential in credentials:
        row = verdicts.get(credential.id)
        if row is None:
            continue
        achievement = (credential.form or {}).get("achievement") or {}
        found.append(
            {
                "id": str(credential.id),
                "title": achievement.get("name"),
                "issuer_id": credential.issuer_id,
                **answers_of_row(row),
            }
        )
    return found


__all__ = ["answers_of_row", "credential_answers"]
