"""The admin's pages: users and roles, ATS integrations, issuer trust, pathways, single
sign-on and the audit log, over the same services as the API (admin role only; others get 403).

Secrets made here (a new user's API key, an integration's webhook secret) are shown once, on
the page the form answers with, and never again; every change is in the audit log.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from ats_match.errors import AtsMatchError, Forbidden
from ats_match.models import Organization, Role, User, Vendor
from ats_match.models.integration_keys import IntegrationKeyCreate
from ats_match.models.integrations import IntegrationCreate
from ats_match.models.pathways import PathwayCreate, PathwayUpdate
from ats_match.models.scopes import INTEGRATION_SCOPES, Scope
from ats_match.models.sso import SsoConnectionUpdate
from ats_match.models.tenancy import UserCreate
from ats_match.repositories import IntegrationRepository, UserRepository
from ats_match.security import require_role
from ats_match.services import admin, integration_keys, integrations, pathways, privacy, sso
from ats_match.services.trust import list_registries
from web.deps import FormUser, SessionDep, get_current_user
from web.errors import SignInFirst
from web.pages import page

router = APIRouter(prefix="/admin", include_in_schema=False)
SECTIONS = ("organisation", "users", "integrations", "trust", "pathways", "sso", "audit")
PAGE_SIZE = 50


def _admin_page_user(request: Request, session: SessionDep) -> User:
    """The signed-in admin; anyone signed out is sent to sign in, others get 403."""
    try:
        user = get_current_user(request, session)
    except AtsMatchError as exc:
        raise SignInFirst from exc
    require_role(user.role, Role.ADMIN)
    return user


AdminPageUser = Annotated[User, Depends(_admin_page_user)]


def _render(request: Request, user: User, section: str, context: dict[str, Any]) -> HTMLResponse:
    flash = {
        "done": request.query_params.get("done", "")[:200],
        "error": request.query_params.get("error", "")[:300],
    }
    base = {"user": user, "active": "admin", "section": section, "sections": SECTIONS}
    return page(request, f"admin_{section}", {**base, **flash, **context})


def _back(section: str, **params: str) -> RedirectResponse:
    from urllib.parse import urlencode

    return RedirectResponse(f"/admin/{section}?{urlencode(params)}", status_code=303)


@router.get("", response_class=HTMLResponse)
def admin_home() -> Response:
    return RedirectResponse("/admin/users", status_code=303)


# -- users ---------------------------------------------------------------------------------------


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, user: AdminPageUser) -> Response:
    return _users(request, session, user)


def _users(request: Request, session: Session, user: User, **extra: Any) -> HTMLResponse:
    people = UserRepository(session, user.organization_id).list(limit=1000)
    context = {"people": people, "roles": [r.value for r in Role], **extra}
    return _render(request, user, "users", context)


@router.post("/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    session: SessionDep,
    user: FormUser,
    email: Annotated[str, Form(max_length=320)],
    role: Annotated[Role, Form()],
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    require_role(user.role, Role.ADMIN)
    try:
        created, key = admin.create_user(
            session, user, UserCreate(email=email.strip().lower(), name=name, role=role)
        )
    except (AtsMatchError, ValidationError) as exc:
        return _back("users", error=_message(exc))
    return _users(request, session, user, created=created, api_key=key)


@router.post("/users/{user_id}/role")
def change_role(
    user_id: uuid.UUID, session: SessionDep, user: FormUser, role: Annotated[Role, Form()]
) -> Response:
    require_role(user.role, Role.ADMIN)
    try:
        changed = admin.set_role(session, user, user_id, role)
    except AtsMatchError as exc:
        return _back("users", error=exc.message)
    return _back("users", done=f"{changed.email} is now {role.value.replace('_', ' ')}")


@router.post("/users/{user_id}/rotate-key", response_class=HTMLResponse)
def rotate_user_key(
    request: Request, user_id: uuid.UUID, session: SessionDep, user: FormUser
) -> Response:
    require_role(user.role, Role.ADMIN)
    key = admin.rotate_key(session, user, user_id)
    target = UserRepository(session, user.organization_id).get_or_404(user_id)
    return _users(request, session, user, created=target, api_key=key)


# -- integrations --------------------------------------------------------------------------------


@router.get("/integrations", response_class=HTMLResponse)
def integrations_page(request: Request, session: SessionDep, user: AdminPageUser) -> Response:
    return _integrations(request, session, user)


def _integrations(request: Request, session: Session, user: User, **extra: Any) -> HTMLResponse:
    rows = IntegrationRepository(session, user.organization_id).list(limit=1000)
    listed = [
        {
            "row": row,
            "keys": integration_keys.listed(session, user, row.id),
            **integrations.setup_view(row),
        }
        for row in rows
    ]
    context = {
        "integrations": listed,
        "vendors": [v.value for v in Vendor],
        "integration_scopes": sorted(INTEGRATION_SCOPES),
        **extra,
    }
    return _render(request, user, "integrations", context)


@router.post("/integrations", response_class=HTMLResponse)
def add_integration(
    request: Request,
    session: SessionDep,
    user: FormUser,
    vendor: Annotated[Vendor, Form()],
    name: Annotated[str, Form(min_length=1, max_length=200)],
) -> Response:
    require_role(user.role, Role.ADMIN)
    secret = admin.generate_webhook_secret()
    try:
        created = admin.create_integration(
            session, user, IntegrationCreate(vendor=vendor, name=name, webhook_secret=secret)
        )
    except AtsMatchError as exc:
        return _back("integrations", error=exc.message)
    shown = {"row": created, **integrations.setup_view(created, secret), "secret": secret}
    return _integrations(request, session, user, created=shown)


@router.post("/integrations/{integration_id}/rotate", response_class=HTMLResponse)
def rotate_integration_secret(
    request: Request, integration_id: uuid.UUID, session: SessionDep, user: FormUser
) -> Response:
    require_role(user.role, Role.ADMIN)
    row = integrations.get(session, user, integration_id)
    secret = integrations.rotate_secret(session, user, row)
    shown = {"row": row, **integrations.setup_view(row, secret), "secret": secret}
    return _integrations(request, session, user, created=shown, rotated=True)


@router.post("/integrations/{integration_id}/disable")
def disable_integration(integration_id: uuid.UUID, session: SessionDep, user: FormUser) -> Response:
    require_role(user.role, Role.ADMIN)
    row = integrations.get(session, user, integration_id)
    integrations.disable(session, user, row)
    return _back("integrations", done=f"{row.name} no longer accepts deliveries")


@router.post("/integrations/{integration_id}/keys", response_class=HTMLResponse)
def add_integration_key(
    request: Request,
    integration_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    scopes: Annotated[list[Scope] | None, Form()] = None,
) -> Response:
    """A key for the integration's service account, shown once on the page that answers."""
    require_role(user.role, Role.ADMIN)
    row = integrations.get(session, user, integration_id)
    try:
        data = IntegrationKeyCreate(name=name, scopes=scopes or [])
        key_row, key = integration_keys.issue(session, user, row, data)
    except (AtsMatchError, ValidationError) as exc:
        message = exc.message if isinstance(exc, AtsMatchError) else "choose at least one scope"
        return _back("integrations", error=message)
    shown = {"integration": row, "row": key_row, "key": key}
    return _integrations(request, session, user, new_key=shown)


@router.post("/integrations/{integration_id}/keys/{key_id}/revoke")
def revoke_integration_key(
    integration_id: uuid.UUID, key_id: uuid.UUID, session: SessionDep, user: FormUser
) -> Response:
    require_role(user.role, Role.ADMIN)
    row = integration_keys.revoke(session, user, integration_id, key_id)
    return _back("integrations", done=f"key {row.prefix}… no longer works")


# -- issuer trust --------------------------------------------------------------------------------


@router.get("/trust", response_class=HTMLResponse)
def trust_page(request: Request, session: SessionDep, user: AdminPageUser) -> Response:
    org = session.get(Organization, user.organization_id)
    context = {"org": org, "registries": list_registries(session, user.organization_id)}
    return _render(request, user, "trust", context)


@router.post("/trust/lists")
def set_trust_lists(
    session: SessionDep,
    user: FormUser,
    allow: Annotated[str, Form(max_length=20000)] = "",
    deny: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    require_role(user.role, Role.ADMIN)
    admin.set_issuer_trust(session, user, _lines(allow), _lines(deny))
    return _back("trust", done="Issuer lists saved")


# -- pathways ------------------------------------------------------------------------------------


@router.get("/pathways", response_class=HTMLResponse)
def pathways_page(request: Request, session: SessionDep, user: AdminPageUser) -> Response:
    rows = pathways.list_pathways(session, user.organization_id)
    shown = [(row, yaml.safe_dump(row.levels, sort_keys=False, allow_unicode=True)) for row in rows]
    return _render(request, user, "pathways", {"pathways": shown})


@router.post("/pathways")
def add_pathway(
    session: SessionDep,
    user: FormUser,
    slug: Annotated[str, Form(max_length=80)],
    name: Annotated[str, Form(max_length=200)],
    levels: Annotated[str, Form(max_length=50_000)],
    description: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    require_role(user.role, Role.ADMIN)
    try:
        data = PathwayCreate(
            slug=slug.strip(),
            name=name.strip(),
            description=description.strip() or None,
            levels=_yaml_levels(levels),
        )
        pathways.create_pathway(session, user, data)
    except (AtsMatchError, ValidationError, ValueError) as exc:
        return _back("pathways", error=_message(exc))
    return _back("pathways", done=f"Pathway {slug.strip()} added")


@router.post("/pathways/{pathway_id}")
def change_pathway(
    pathway_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    name: Annotated[str, Form(max_length=200)],
    levels: Annotated[str, Form(max_length=50_000)],
    description: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    require_role(user.role, Role.ADMIN)
    try:
        patch = PathwayUpdate(
            name=name.strip(), description=description.strip() or None, levels=_yaml_levels(levels)
        )
        row = pathways.update_pathway(session, user, pathway_id, patch)
    except (AtsMatchError, ValidationError, ValueError) as exc:
        return _back("pathways", error=_message(exc))
    return _back("pathways", done=f"Pathway {row.slug} saved; the jobs that use it are re-scored")


@router.post("/pathways/{pathway_id}/delete")
def remove_pathway(pathway_id: uuid.UUID, session: SessionDep, user: FormUser) -> Response:
    require_role(user.role, Role.ADMIN)
    try:
        pathways.delete_pathway(session, user, pathway_id)
    except AtsMatchError as exc:
        return _back("pathways", error=exc.message)
    return _back("pathways", done="Pathway deleted")


def _yaml_levels(text: str) -> Any:
    """The levels as written in a requirement set's pathway (a YAML list, lowest first)."""
    try:
        levels = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"the levels are not valid YAML: {exc}") from None
    if not isinstance(levels, list):
        raise ValueError("the levels are a YAML list, lowest first")
    return levels


# -- single sign-on ------------------------------------------------------------------------------


@router.get("/sso", response_class=HTMLResponse)
def sso_page(request: Request, session: SessionDep, user: AdminPageUser) -> Response:
    connection = sso.connection_of(session, user.organization_id)
    callback = str(request.url_for("finish_sso"))
    context = {"connection": connection, "callback": callback, "roles": [r.value for r in Role]}
    return _render(request, user, "sso", context)


@router.post("/sso")
def save_sso(
    session: SessionDep,
    user: FormUser,
    issuer: Annotated[str, Form(max_length=2000)],
    client_id: Annotated[str, Form(max_length=500)],
    email_domains: Annotated[str, Form(max_length=2000)],
    default_role: Annotated[Role, Form()] = Role.VIEWER,
    client_secret: Annotated[str, Form(max_length=2000)] = "",
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    require_role(user.role, Role.ADMIN)
    update = SsoConnectionUpdate(
        issuer=issuer.strip(),
        client_id=client_id.strip(),
        client_secret=client_secret or None,
        email_domains=_lines(email_domains.replace(",", "\n")),
        default_role=default_role,
        enabled=enabled,
    )
    try:
        sso.configure(session, user.organization_id, update)
    except AtsMatchError as exc:
        return _back("sso", error=exc.message)
    admin.audit(session, user, "org.sso", "organization", user.organization_id, {"issuer": issuer})
    return _back("sso", done="Single sign-on saved")


# -- organisation --------------------------------------------------------------------------------


@router.get("/organisation", response_class=HTMLResponse)
def organisation_page(request: Request, session: SessionDep, user: AdminPageUser) -> Response:
    org = session.get(Organization, user.organization_id)
    return _render(request, user, "organisation", {"org": org})


@router.post("/organisation/retention")
def set_retention(
    session: SessionDep,
    user: FormUser,
    retention_days: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    require_role(user.role, Role.ADMIN)
    text = retention_days.strip()
    if text and (not text.isdigit() or not 1 <= int(text) <= 36500):
        return _back("organisation", error="Give a number of days (1 to 36,500), or leave it empty")
    privacy.set_retention(session, user, int(text) if text else None)
    kept = f"kept {text} days after their last activity" if text else "kept until erased"
    return _back("organisation", done=f"Candidates are now {kept}")


# -- audit log -----------------------------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: SessionDep,
    user: AdminPageUser,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    entries = admin.audit_entries(session, user.organization_id, limit=PAGE_SIZE + 1, offset=offset)
    context = {
        "entries": entries[:PAGE_SIZE],
        "offset": offset,
        "older": offset + PAGE_SIZE if len(entries) > PAGE_SIZE else None,
        "newer": max(offset - PAGE_SIZE, 0) if offset else None,
    }
    return _render(request, user, "audit", context)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _message(exc: Exception) -> str:
    if isinstance(exc, AtsMatchError):
        return exc.message
    if isinstance(exc, ValidationError):
        return "; ".join(str(e["msg"]) for e in exc.errors())
    if isinstance(exc, ValueError):
        return str(exc)
    raise Forbidden("unexpected error")  # pragma: no cover - only the two kinds above are caught
