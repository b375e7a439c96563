"""FastAPI dependencies: the per-request unit of work and the authenticated user."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import Iterator, Sequence
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, SecurityScopes
from sqlmodel import Session, col, select

from ats_match.db import get_engine
from ats_match.errors import Forbidden, MissingScope, Unauthorized
from ats_match.models import Scope, User
from ats_match.models.api_keys import ApiKeyScope
from ats_match.security import hash_api_key
from ats_match.services import api_keys, integration_keys, outbox, signin
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


def get_current_user(
    request: Request,
    session: Session,
    scopes: Sequence[Scope] = (),
    *,
    body_checked: bool = False,
) -> User:
    """The API key's user (``Authorization: Bearer``), else the signed-in browser's; the
    browser's session row is kept on ``request.state.web_session`` for its CSRF token.

    ``scopes`` are the route's declared scopes (see :func:`requires`): a scoped or integration
    key must hold them. A user's own key and a session hold every scope (the role still caps)."""
    key = bearer_key(request)
    if key:
        user = session.exec(select(User).where(col(User.api_key_hash) == hash_api_key(key))).first()
        if user is not None:
            return user
        if scopes:
            grant = integration_keys.authenticate(session, key)
            if grant is not None:
                return integration_actor(request, session, grant, scopes, body_checked)
        return scoped_key_user(request, session, key, scopes)
    token = request.cookies.get(SESSION_COOKIE)
    found = signin.session_of(session, token) if token else None
    if found is None:
        raise Unauthorized("sign in, or send an API key as 'Authorization: Bearer <key>'")
    request.state.web_session = found[0]
    return found[1]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _require_held(held: frozenset[Scope], scopes: Sequence[Scope]) -> None:
    for scope in scopes:
        if scope not in held:
            raise MissingScope(
                f"this API key does not hold the scope {scope.value}",
                [{"field": "header.authorization", "message": "missing scope", "scope": scope}],
            )


def scoped_key_user(
    request: Request, session: Session, key: str, scopes: Sequence[Scope] = ()
) -> User:
    """The holder of a scoped key, acting with the lesser of their role and the key's tier (a
    copy of the user, never attached to the session, so the cap is never saved). A route that
    declares no scope (a dashboard page) lets a read key use safe methods only."""
    found = api_keys.authenticate(session, key)
    if found is None:
        raise Unauthorized("unknown API key")
    user, tier, held = found
    if scopes:
        _require_held(held, scopes)
    elif tier is ApiKeyScope.READ and request.method not in SAFE_METHODS:
        raise Forbidden("this API key is read-only")
    role = api_keys.effective_role(user.role, tier)
    if role == user.role:
        return user
    return User.model_validate({**user.model_dump(), "role": role})


def integration_actor(
    request: Request,
    session: Session,
    grant: integration_keys.IntegrationGrant,
    scopes: Sequence[Scope],
    body_checked: bool,
) -> User:
    """The acting user of an integration's key, once the key holds the route's scopes and the
    path's ids are the integration's (a route checking its body's ids says ``body_checked``)."""
    _require_held(grant.scopes, scopes)
    if not (body_checked and not request.path_params):
        integration_keys.require_reach(session, grant, request.path_params)
    request.state.integration_grant = grant
    return grant.actor


def integration_grant(request: Request) -> integration_keys.IntegrationGrant | None:
    """The integration key behind the request, if that is how it authenticated."""
    grant = getattr(request.state, "integration_grant", None)
    return grant if isinstance(grant, integration_keys.IntegrationGrant) else None


def get_api_user(
    request: Request,
    session: SessionDep,
    security: SecurityScopes,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    _cookie: Annotated[str | None, Depends(SESSION_COOKIE_AUTH)],
) -> User:
    """:func:`get_current_user` with the route's declared scopes, and the two ways in declared
    in the OpenAPI document (the unused parameters only document them; they refuse nothing
    themselves)."""
    return get_current_user(request, session, [Scope(s) for s in security.scopes])


def get_api_user_body_checked(
    request: Request,
    session: SessionDep,
    security: SecurityScopes,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    _cookie: Annotated[str | None, Depends(SESSION_COOKIE_AUTH)],
) -> User:
    """:func:`get_api_user` for a route that checks an integration key's reach on the ids in
    its body itself (through :func:`integration_grant`)."""
    scopes = [Scope(s) for s in security.scopes]
    return get_current_user(request, session, scopes, body_checked=True)


def requires(scope: Scope, *, body_checked: bool = False) -> Any:
    """The one declaration of a route's scope: ``user: Annotated[User, requires(Scope.X)]``.
    It enforces the scope on keys and puts it on the operation's security requirement in the
    OpenAPI document (``bearerAuth: [scope]``)."""
    dependency = get_api_user_body_checked if body_checked else get_api_user
    return Security(dependency, scopes=[scope.value])


CurrentUser = Annotated[User, Depends(get_api_user)]
"""A route with no declared scope: ``tests/api/test_scopes.py`` fails on any such operation of
the document; use ``Annotated[User, requires(Scope.X)]``."""


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
