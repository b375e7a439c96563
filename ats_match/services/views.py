"""Saved views: a recruiter's named filters and sort of a job's ranking, kept per user."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode

from sqlmodel import Session, col, select

from ats_match.errors import InvalidInput, NotFound
from ats_match.models import Job, SavedView, User

VIEW_KEYS = (
    "qualified",
    "needs_review",
    "verified_only",
    "issuer_trusted",
    "q",
    "skill",
    "issued_within",
    "sort",
)
"""The job page's filter and sort parameters: the only ones a view keeps (not the page)."""
MAX_VIEWS = 50


def views_of(session: Session, user: User, job_id: uuid.UUID) -> Sequence[SavedView]:
    return session.exec(
        select(SavedView)
        .where(
            col(SavedView.organization_id) == user.organization_id,
            col(SavedView.user_id) == user.id,
            col(SavedView.job_id) == job_id,
        )
        .order_by(col(SavedView.name))
    ).all()


def save_view(session: Session, user: User, job_id: uuid.UUID, name: str, query: str) -> SavedView:
    """Keep the page's current filters under ``name`` (the same name is replaced)."""
    job = session.get(Job, job_id)
    if job is None or job.organization_id != user.organization_id:
        raise NotFound("no such job")
    name = name.strip()
    if not name:
        raise InvalidInput("Give the view a name.")
    kept = [(k, v) for k, v in parse_qsl(query.lstrip("?")) if k in VIEW_KEYS and v]
    existing = {v.name: v for v in views_of(session, user, job_id)}
    view = existing.get(name)
    if view is None:
        if len(existing) >= MAX_VIEWS:
            raise InvalidInput(f"At most {MAX_VIEWS} saved views per job.")
        view = SavedView(
            organization_id=user.organization_id, user_id=user.id, job_id=job_id, name="", query=""
        )
    view.name, view.query = name[:100], ("?" + urlencode(kept)) if kept else ""
    session.add(view)
    session.flush()
    return view


def delete_view(session: Session, user: User, view_id: uuid.UUID) -> SavedView:
    view = session.get(SavedView, view_id)
    if view is None or view.organization_id != user.organization_id or view.user_id != user.id:
        raise NotFound("no such saved view")
    session.delete(view)
    return view
