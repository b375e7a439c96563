"""Error pages: HTML with the site's layout and a way on for browsers, JSON for the API.

Domain errors, unknown paths and refused query strings all answer a browser (``Accept:
text/html``, outside ``/api/`` and ``/webhooks/``) with the same styled page."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from ats_match.errors import AtsMatchError
from web.pages import TEMPLATES

TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    413: "Too large",
    422: "That request could not be read",
    429: "Too many attempts",
    500: "Something went wrong",
    502: "The ATS refused",
}


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}
"""Codes for errors raised as plain HTTP exceptions (unknown paths, wrong methods)."""


class SignInFirst(Exception):
    """A dashboard page was asked for without a signed-in session: send the browser to sign in."""


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/webhooks/", "/partners/")) and (
        "text/html" in request.headers.get("accept", "")
    )


def error_page(request: Request, status: int, message: str) -> Response:
    context: dict[str, Any] = {
        "user": None,
        "status": status,
        "heading": TITLES.get(status, "Something went wrong"),
        "message": message,
    }
    response = TEMPLATES.TemplateResponse(request, "pages/error.html", context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(SignInFirst)
    async def sign_in_first(request: Request, exc: SignInFirst) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(AtsMatchError)
    async def domain_error(request: Request, exc: AtsMatchError) -> Response:
        if wants_html(request):
            return error_page(request, exc.status_code, exc.message)
        body: dict[str, object] = {"error": exc.code, "detail": exc.message}
        if exc.details:
            body["errors"] = exc.details
        return JSONResponse(body, status_code=exc.status_code)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if wants_html(request):
            detail = exc.detail if isinstance(exc.detail, str) else ""
            words = {404: "There is no page at this address."}.get(exc.status_code, detail)
            return error_page(request, exc.status_code, words)
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "")
        body = {"error": HTTP_CODES.get(exc.status_code, "http_error"), "detail": detail}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(DataError)
    async def unstorable_value(request: Request, exc: DataError) -> Response:
        # The database refused a value the request carried (PostgreSQL stores no NUL
        # character in text or JSON, nor a number out of a column's range): the request's
        # fault, so a 422, never a 500. The transaction was rolled back by the session.
        message = "a value in the request cannot be stored (a NUL character, or out of range)"
        if wants_html(request):
            return error_page(request, 422, message)
        return JSONResponse({"error": "invalid_input", "detail": message}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if wants_html(request):
            fields = ", ".join(
                str(e.get("loc", ["", "?"])[-1]) for e in exc.errors() if isinstance(e, dict)
            )
            return error_page(request, 422, f"These values could not be read: {fields}.")
        return JSONResponse(validation_body(exc), status_code=422)


def validation_body(exc: RequestValidationError) -> dict[str, object]:
    """FastAPI's own 422 in the API's one error shape (``web.api.contract.ErrorBody``)."""
    problems = [
        {
            "field": ".".join(str(part) for part in e.get("loc", ())),
            "message": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
        if isinstance(e, dict)
    ]
    fields = ", ".join(p["field"] for p in problems) or "the request"
    return {
        "error": "invalid_input",
        "detail": f"these values could not be read: {fields}",
        "errors": problems,
    }
