"""Dashboard sign-in through the organisation's OpenID Connect provider.

``POST /login/sso`` (the sign-in page's second form: a work e-mail) sends the browser to the
provider; ``GET /login/sso/callback`` finishes the login and opens the same dashboard session
as a password sign-in. The login state travels sealed in a short-lived cookie
(:mod:`ats_match.services.sso`); anything that does not check out returns to the sign-in page
with a sentence saying why.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from ats_match.errors import AtsMatchError
from ats_match.net.http import HttpFetcher
from ats_match.services import sso
from web.deps import SessionDep
from web.signin import login_csrf_holds, login_page, signed_in_as

router = APIRouter(include_in_schema=False)
STATE_COOKIE = "atsm_sso"
CALLBACK_PATH = "/login/sso/callback"


@router.post("/login/sso")
def start_sso(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if not login_csrf_holds(request, csrf_token):
        return login_page(request, "The sign-in form expired. Please try again.", 403)
    redirect_uri = str(request.url_for("finish_sso"))
    try:
        with HttpFetcher() as fetcher:
            started = sso.begin(session, email, redirect_uri, fetcher)
    except AtsMatchError as exc:
        return login_page(request, exc.message, exc.status_code)
    response = RedirectResponse(started.redirect_to, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        started.sealed_state,
        httponly=True,
        samesite="lax",  # it must come back with the provider's top-level redirect
        secure=request.url.scheme == "https",
        max_age=sso.STATE_LIFETIME_SECONDS,
        path=CALLBACK_PATH,
    )
    return response


@router.get(CALLBACK_PATH, name="finish_sso")
def finish_sso(
    request: Request,
    session: SessionDep,
    code: Annotated[str, Query(max_length=2000)] = "",
    state: Annotated[str, Query(max_length=200)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    sealed = request.cookies.get(STATE_COOKIE, "")
    if error or not code or not sealed:
        reason = (
            f"The identity provider said: {error}." if error else "The sign-in was not completed."
        )
        return login_page(request, reason, 400)
    try:
        with HttpFetcher() as fetcher:
            user = sso.finish(session, sealed, state, code, fetcher)
    except AtsMatchError as exc:
        return login_page(request, exc.message, exc.status_code)
    response = signed_in_as(request, session, user)
    response.delete_cookie(STATE_COOKIE, path=CALLBACK_PATH)
    return response
