"""Dialect-aware statements the ORM does not offer: INSERT ... ON CONFLICT on PostgreSQL and
SQLite alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_for(session: Session, model: Any) -> Any:
    """An ``insert()`` of ``model`` that supports ``on_conflict_do_*`` on the session's backend."""
    return insert_on_conflict(session.get_bind().dialect.name, model)


def insert_on_conflict(dialect: str, model: Any) -> Any:
    """``insert_for`` by dialect name (for statements built once and reused)."""
    if dialect == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
