"""FastAPI dependencies: the per-request unit of work and the authenticated user."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session, col, select

from ats_match.db import get_engine
from ats_match.errors import Unauthorized
from ats_match.models import User
from ats_match.security import hash_api_key
from ats_match.services import outbox
from worker.celery_app import publish

COOKIE_NAME = "atsm_key"


def get_session() -> Iterator[Session]:
    """One session per request: committed when the endpoint returns, rolled back if it raises.
    Services never commit."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        relay_after_commit(outbox.staged(session))


def relay_after_commit(ids: list[uuid.UUID]) -> None:
    """Publish jobs staged by a committed transaction; if the broker is down they stay in the
    outbox and the periodic relay sends them later."""
    if ids:
        with contextlib.suppress(Exception):
            outbox.relay(get_engine(), publish, ids=ids)


SessionDep = Annotated[Session, Depends(get_session)]


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(COOKIE_NAME)


def get_current_user(request: Request, session: SessionDep) -> User:
    key = _presented_key(request)
    if not key:
        raise Unauthorized("send an API key as 'Authorization: Bearer <key>'")
    user = session.exec(select(User).where(col(User.api_key_hash) == hash_api_key(key))).first()
    if user is None:
        raise Unauthorized("unknown API key")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
