"""Dashboard sign-in and sign-out: e-mail + password, a server-side session in an HttpOnly
cookie, CSRF tokens (double-submit on the sign-in form, the session's own token after), and a
rate limit on failed attempts per client address and per e-mail."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from ats_match.models import User
from ats_match.services import signin
from web.deps import SESSION_COOKIE, FormUser, SessionDep
from web.pages import page

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "atsm_login_csrf"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_page(request: Request, error: str = "", status: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = page(request, "login", {"user": None, "error": error, "csrf_token": token}, status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        max_age=3600,
        path="/login",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if not login_csrf_holds(request, csrf_token):
        return _login_page(request, "The sign-in form expired. Please try again.", 403)
    # The e-mail key is the account as authenticate() finds it, so " A@x" and "a@x " share it.
    account = email.strip().lower()
    keys = (f"ip:{request.client.host if request.client else '?'}", f"email:{account}")
    try:
        signin.LOGIN_LIMITER.check(*keys)
    except signin.TooManyAttempts as exc:
        response = _login_page(request, exc.message, 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    user = signin.authenticate(session, email, password)
    if user is None:
        signin.LOGIN_LIMITER.failed(*keys)
        return _login_page(request, "That e-mail and password do not match.", 401)
    signin.LOGIN_LIMITER.succeeded(keys[1])
    return signed_in_as(request, session, user)


def signed_in_as(request: Request, session: Session, user: User) -> Response:
    """Open a dashboard session for ``user`` and send them to the jobs list."""
    token, _ = signin.open_session(session, user)
    signed_in = RedirectResponse("/", status_code=303)
    signed_in.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",  # a link from the ATS to a candidate page keeps the sign-in
        secure=_secure(request),
        max_age=int(signin.SESSION_LIFETIME.total_seconds()),
    )
    signed_in.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return signed_in


def login_page(request: Request, error: str = "", status: int = 200) -> HTMLResponse:
    """The sign-in page (with a fresh sign-in CSRF token), optionally saying what went wrong."""
    return _login_page(request, error, status)


def login_csrf_holds(request: Request, csrf_token: str) -> bool:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(expected) and secrets.compare_digest(csrf_token, expected)


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: FormUser) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        signin.close_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
