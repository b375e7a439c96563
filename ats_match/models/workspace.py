"""The recruiter's workspace: decisions on applications, notes, tags and sign-in sessions."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ats_match.models.base import OrgScoped, created_at_field, datetime_field, enum_field, id_field


class DecisionAction(StrEnum):
    SHORTLIST = "shortlist"
    ADVANCE = "advance"
    REJECT = "reject"


class WriteBackStatus(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    """The application did not come from an integration that takes results back."""
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class ApplicationDecision(OrgScoped, table=True):
    """One recruiter decision. Append-only: the newest row is the application's current one."""

    __tablename__ = "application_decision"

    id: uuid.UUID = id_field()
    application_id: uuid.UUID = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    action: DecisionAction = enum_field(length=20)
    reason: str = Field(default="", max_length=1000)
    write_back: WriteBackStatus = enum_field(WriteBackStatus.NOT_APPLICABLE, length=20)
    write_back_error: str | None = Field(default=None, max_length=2000)
    written_back_at: datetime | None = datetime_field()
    created_at: datetime = created_at_field()


class DecisionPublic(SQLModel):
    id: uuid.UUID
    application_id: uuid.UUID
    actor_id: uuid.UUID | None
    action: DecisionAction
    reason: str
    write_back: WriteBackStatus
    write_back_error: str | None
    created_at: datetime


class ApplicationNote(OrgScoped, table=True):
    __tablename__ = "application_note"

    id: uuid.UUID = id_field()
    application_id: uuid.UUID = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    author_id: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    body: str = Field(max_length=5000)
    created_at: datetime = created_at_field()


class NotePublic(SQLModel):
    id: uuid.UUID
    application_id: uuid.UUID
    author_id: uuid.UUID | None
    body: str
    created_at: datetime


class ApplicationTag(OrgScoped, table=True):
    __tablename__ = "application_tag"
    __table_args__ = (sa.UniqueConstraint("application_id", "tag"),)

    id: uuid.UUID = id_field()
    application_id: uuid.UUID = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    tag: str = Field(max_length=60, index=True)
    created_at: datetime = created_at_field()


class WebSession(OrgScoped, table=True):
    """A signed-in browser. The cookie holds a random token; only its sha256 is stored, so a
    leaked table signs nobody in. Deleting the row signs the browser out."""

    __tablename__ = "web_session"

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = created_at_field()
    expires_at: datetime = datetime_field(nullable=False)


__all__ = [
    "ApplicationDecision",
    "ApplicationNote",
    "ApplicationTag",
    "DecisionAction",
    "DecisionPublic",
    "NotePublic",
    "WebSession",
    "WriteBackStatus",
]


class SavedView(OrgScoped, table=True):
    """A recruiter's named filter and sort of a job's ranking (the query string of the page)."""

    __tablename__ = "saved_view"
    __table_args__ = (sa.UniqueConstraint("organization_id", "user_id", "job_id", "name"),)

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    job_id: uuid.UUID = Field(foreign_key="job.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    query: str = Field(max_length=2000)
    """The page's query string as the filters form makes it (``?qualified=1&sort=…``)."""
    created_at: datetime = created_at_field()
