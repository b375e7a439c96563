"""FastAPI dependencies: the per-request unit of work and the authenticated user."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from sqlmodel import Session, col, select

from ats_match.db import get_engine
from ats_match.errors import Forbidden, Unauthorized
from ats_match.models import User
from ats_match.models.api_keys import ApiKeyScope
from ats_match.security import hash_api_key
from ats_match.services import api_keys, outbox, signin
from web.api.contract import BEARER, SESSION_COOKIE_AUTH
from worker.celery_app import publish

SESSION_COOKIE = "atsm_session"
"""The signed-in browser's session token (HttpOnly, SameSite=Lax, Secure over https)."""


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


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
"""Committed when the endpoint returns and before the response is sent ("function" scope):
with the default request scope a browser following a redirect could ask for the next page
before the sign-in or decision it just made was committed."""


def bearer_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def get_current_user(request: Request, session: SessionDep) -> User:
    """The API key's user (``Authorization: Bearer``), else the signed-in browser's; the
    browser's session row is kept on ``request.state.web_session`` for its CSRF token."""
    key = bearer_key(request)
    if key:
        user = session.exec(select(User).where(col(User.api_key_hash) == hash_api_key(key))).first()
        if user is None:
            return scoped_key_user(request, session, key)
        return user
    token = request.cookies.get(SESSION_COOKIE)
    found = signin.session_of(session, token) if token else None
    if found is None:
        raise Unauthorized("sign in, or send an API key as 'Authorization: Bearer <key>'")
    request.state.web_session = found[0]
    return found[1]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def scoped_key_user(request: Request, session: Session, key: str) -> User:
    """The holder of a scoped key, acting with the lesser of their role and the key's scope (a
    copy of the user, never attached to the session, so the cap is never saved)."""
    found = api_keys.authenticate(session, key)
    if found is None:
        raise Unauthorized("unknown API key")
    user, scope = found
    if scope is ApiKeyScope.READ and request.method not in SAFE_METHODS:
        raise Forbidden("this API key is read-only")
    role = api_keys.effective_role(user.role, scope)
    if role == user.role:
        return user
    return User.model_validate({**user.model_dump(), "role": role})


def get_api_user(
    request: Request,
    session: SessionDep,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    _cookie: Annotated[str | None, Depends(SESSION_COOKIE_AUTH)],
) -> User:
    """:func:`get_current_user`, with the two ways in declared in the OpenAPI document (the
    unused parameters only document them; they refuse nothing themselves)."""
    return get_current_user(request, session)


CurrentUser = Annotated[User, Depends(get_api_user)]


async def form_csrf_token(request: Request) -> str:
    """The ``csrf_token`` field of a posted form (starlette caches the parsed form, so the
    endpoint's own ``Form()`` fields still read it)."""
    form = await request.form()
    return str(form.get("csrf_token") or "")


def get_form_user(
    request: Request,
    session: SessionDep,
    csrf_token: Annotated[str, Depends(form_csrf_token)],
) -> User:
    """The user behind a dashboard form: signed in, and the form carries the session's CSRF
    token (an API key in a header is not ambient, so it needs none)."""
    user = get_current_user(request, session)
    if bearer_key(request):
        return user
    expected = request.state.web_session.csrf_token
    if not csrf_token or not secrets.compare_digest(csrf_token, expected):
        raise Forbidden("this form has expired; reload the page and send it again")
    return user


FormUser = Annotated[User, Depends(get_form_user)]
