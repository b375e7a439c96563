"""What every dashboard page shares: the templates, their globals and the signed-in user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from web import plain

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
_BAD_STATES = {("authenticity", "forged"), ("holder", "mismatch"), ("issuer_trust", "denied")}
_FLAGGED_VALIDITY = {"expired", "revoked", "suspended", "not_yet_valid"}


def verdict_tone(verdict: Any) -> str:
    """The pill colour of a stored verification: bad for what never counts (forged, someone
    else's, a denied issuer), ok (amber) for genuine but expired, revoked or not tied to the
    applicant, pending while something could not be checked, good otherwise."""
    if any(getattr(verdict, axis) == state for axis, state in _BAD_STATES):
        return "bad"
    if verdict.authenticity == "unknown" or verdict.validity == "unknown":
        return "pending"
    if verdict.validity in _FLAGGED_VALIDITY or verdict.holder in ("unproven", "unaddressed"):
        return "ok"
    return "good"


TEMPLATES.env.globals["verdict_tone"] = verdict_tone
TEMPLATES.env.globals["plain"] = plain
assert TEMPLATES.env.autoescape  # Jinja2Templates escapes .html: every field is text, never HTML


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render ``pages/<name>.html``; every form on it gets the session's CSRF token."""
    web_session = getattr(request.state, "web_session", None)
    if web_session is not None:
        context.setdefault("csrf_token", web_session.csrf_token)
    response = TEMPLATES.TemplateResponse(
        request, f"pages/{name}.html", context, status_code=status
    )
    response.headers["Cache-Control"] = "no-store"
    return response
