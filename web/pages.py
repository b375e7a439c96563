"""What every dashboard page shares: the templates, their globals and the signed-in user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from ats_match.models import User
from web import plain
from web.deps import get_current_user

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
    response = TEMPLATES.TemplateResponse(
        request, f"pages/{name}.html", context, status_code=status
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def signed_in_user(request: Request, session: Session) -> User:
    """The signed-in user, or :class:`~ats_match.errors.Unauthorized`."""
    return get_current_user(request, session)
