"""The hiring manager's requirement editor: form and YAML side by side, inline validation with
line numbers, a what-if preview beside the current ranking, saving a version, the version
history with a diff, and a start from an ESCO occupation.

The YAML textarea is the source of truth: every form button posts it with the form, and the
server answers with the editor re-rendered (the ``#editor`` partial for htmx, the whole page
otherwise). Hiring managers and admins edit; everyone else signed in reads.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from ats_match.errors import Forbidden, NotFound, Unauthorized
from ats_match.models import Job, RequirementSet, Role, User
from ats_match.repositories import JobRepository
from ats_match.security import require_role
from ats_match.services import hiring
from ats_match.services.pathways import organisation_pathways
from rules import RequirementSetError
from rules.editing import (
    Checked,
    EditError,
    add_requirement,
    check_text,
    entries,
    remove_requirement,
    set_skill_uri,
    stored_yaml,
    version_diff,
    yaml_text,
)
from web.deps import FormUser, SessionDep, get_current_user
from web.drafts import (
    compare_with_current,
    draft_ranking,
    label_choices_of,
    org_hooks,
    save_version,
    skill_options_partial,
)
from web.editor_forms import RequirementForm
from web.pages import TEMPLATES, page
from worker.evidence import organization_matcher

router = APIRouter(prefix="/jobs/{job_id}/requirements", include_in_schema=False)
PREVIEW_TOP = 20
YamlField = Annotated[str, Form(max_length=200_000)]


def may_edit(user: User) -> bool:
    """Hiring managers edit requirement sets, and so does every role above them (recruiters,
    admins), as the API allows; viewers read them."""
    try:
        require_role(user.role, Role.HIRING_MANAGER)
    except Forbidden:
        return False
    return True


def _editor_user(user: User) -> User:
    if not may_edit(user):
        raise Forbidden("viewers read requirement sets; editing needs the hiring manager role")
    return user


def _versions(session: Session, user: User, job_id: uuid.UUID) -> list[RequirementSet]:
    return list(hiring.requirement_versions(session, user.organization_id, job_id))


def _findings(session: Session, user: User, text: str) -> tuple[Checked, list[dict[str, Any]]]:
    """The draft checked against the organisation's taxonomy, each finding with the skills
    to choose from when its label names several (or none)."""
    hooks = org_hooks(session, user.organization_id)
    pathways = organisation_pathways(session, user.organization_id)
    checked = check_text(text, hooks.known_skill, hooks.resolve_label, pathways)
    shown = [f.__dict__ | label_choices_of(f.field, f.message) for f in checked.findings]
    return checked, shown


def _render(
    request: Request,
    session: Session,
    user: User,
    job: Job,
    text: str,
    status: int = 200,
    **extra: Any,
) -> Response:
    """The editor for ``text``: the ``#editor`` partial to htmx, else the whole page (with
    ``status``, 422 when the draft was refused)."""
    checked, findings = _findings(session, user, text)
    context: dict[str, Any] = {
        "user": user,
        "active": "jobs",
        "job": job,
        "yaml": text,
        "findings": findings,
        "valid": checked.ok,
        "entries": entries(text),
        "can_edit": may_edit(user),
        **extra,
    }
    if request.headers.get("hx-request") == "true":
        context["csrf_token"] = request.state.web_session.csrf_token
        # 200 even for a refused draft: htmx swaps only successful answers
        response = TEMPLATES.TemplateResponse(request, "partials/editor.html", context)
        response.headers["Cache-Control"] = "no-store"
        return response
    context["versions"] = _versions(session, user, job.id)
    context["done"] = request.query_params.get("done", "")[:200]
    return page(request, "requirements", context, status)


def _job(session: Session, user: User, job_id: uuid.UUID) -> Job:
    return JobRepository(session, user.organization_id).get_or_404(job_id)


@router.get("", response_class=HTMLResponse)
def editor_page(request: Request, job_id: uuid.UUID, session: SessionDep) -> Response:
    try:
        user = get_current_user(request, session)
    except Unauthorized:
        return RedirectResponse("/login", status_code=303)
    job = _job(session, user, job_id)
    latest = hiring.latest_requirements(session, user.organization_id, job.id)
    text = stored_yaml(latest.body) if latest else yaml_text(_starter(job))
    return _render(request, session, user, job, text)


def _starter(job: Job) -> dict[str, Any]:
    """What a job with no requirement set starts from: one credential condition to edit."""
    return {
        "id": "role",
        "name": job.title or "Role",
        "requirements": [
            {"id": "certificate", "weight": 10, "credential": {"name_pattern": "*Certificate*"}}
        ],
    }


@router.post("/check")
def check(
    request: Request,
    job_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    yaml: YamlField,
    live: Annotated[bool, Form()] = False,
) -> Response:
    """The findings of the draft; ``live`` while the person types (shown, not announced as an
    alert at every pause)."""
    job = _job(session, _editor_user(user), job_id)
    return _render(request, session, user, job, yaml, checked=not live)


@router.post("/add")
def add(
    request: Request,
    job_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    yaml: YamlField,
    form: Annotated[RequirementForm, Form()],
) -> Response:
    job = _job(session, _editor_user(user), job_id)
    try:
        skill = organization_matcher(session, user.organization_id).taxonomy.get(form.skill_uri)
        entry = form.entry(skill.preferred_label if skill is not None else None)
        text = add_requirement(yaml, entry)
    except EditError as exc:
        return _render(request, session, user, job, yaml, 422, edit_error=str(exc), form=form)
    return _render(request, session, user, job, text, done_edit=f"Added {entry['id']!r}.")


@router.post("/remove")
def remove(
    request: Request,
    job_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    yaml: YamlField,
    remove_id: Annotated[str, Form(max_length=80)],
) -> Response:
    # not "remove": a control of that name would hide the form element's own remove()
    job = _job(session, _editor_user(user), job_id)
    try:
        text = remove_requirement(yaml, remove_id)
    except EditError as exc:
        return _render(request, session, user, job, yaml, 422, edit_error=str(exc))
    return _render(request, session, user, job, text, done_edit=f"Removed {remove_id!r}.")


@router.post("/resolve")
def resolve(
    request: Request,
    job_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    yaml: YamlField,
    resolve_choice: Annotated[str, Form(max_length=800)],
) -> Response:
    """Replace an ambiguous skill label with the skill chosen for it (``field uri``)."""
    job = _job(session, _editor_user(user), job_id)
    field, _, uri = resolve_choice.partition(" ")
    try:
        text = set_skill_uri(yaml, field, uri)
    except EditError as exc:
        return _render(request, session, user, job, yaml, 422, edit_error=str(exc))
    return _render(request, session, user, job, text, done_edit="Skill chosen.")


@router.post("/preview")
def preview(
    request: Request, job_id: uuid.UUID, session: SessionDep, user: FormUser, yaml: YamlField
) -> Response:
    job = _job(session, _editor_user(user), job_id)
    checked, _ = _findings(session, user, yaml)
    if not checked.ok or checked.requirement_set is None:
        return _render(request, session, user, job, yaml, 422, checked=True)
    try:
        ranked = draft_ranking(session, user.organization_id, job.id, checked.requirement_set, 0)
    except RequirementSetError:
        return _render(request, session, user, job, yaml, 422, checked=True)
    comparison = compare_with_current(session, user.organization_id, job.id, ranked, PREVIEW_TOP)
    return _render(request, session, user, job, yaml, comparison=comparison)


@router.post("/save")
def save(
    request: Request, job_id: uuid.UUID, session: SessionDep, user: FormUser, yaml: YamlField
) -> Response:
    job = _job(session, _editor_user(user), job_id)
    checked, _ = _findings(session, user, yaml)
    if not checked.ok or checked.requirement_set is None:
        return _render(request, session, user, job, yaml, 422, checked=True, save_refused=True)
    try:
        row, _ = save_version(session, user, job.id, checked.requirement_set)
    except RequirementSetError:
        return _render(request, session, user, job, yaml, 422, checked=True, save_refused=True)
    done = urlencode({"done": f"Saved version {row.version}; re-scoring every applicant."})
    target = f"/jobs/{job.id}/requirements?{done}"
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.post("/template")
def template(
    request: Request,
    job_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    yaml: YamlField,
    occupation_uri: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Replace the draft with a set started from an ESCO occupation."""
    from ats_match.taxonomy.occupation_template import occupation_template
    from ats_match.taxonomy.occupations import default_occupations

    job = _job(session, _editor_user(user), job_id)
    occupation = default_occupations().get(occupation_uri)
    if occupation is None:
        error = "pick an occupation from the list (type part of a job title first)"
        return _render(request, session, user, job, yaml, 422, edit_error=error)
    body = occupation_template(occupation, organization_matcher(session, user.organization_id))
    started = f"Started from the ESCO occupation “{occupation.preferred_label}”."
    return _render(request, session, user, job, yaml_text(body), done_edit=started)


@router.get("/skills", response_class=HTMLResponse)
def skills(
    request: Request,
    job_id: uuid.UUID,
    session: SessionDep,
    skill_query: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The type-ahead's choices: every skill a label names (each described), else the nearest."""
    user = get_current_user(request, session)
    _job(session, user, job_id)
    return skill_options_partial(
        request, session, user.organization_id, skill_query, "partials/skill_choices.html"
    )


@router.get("/occupations", response_class=HTMLResponse)
def occupations(
    request: Request,
    job_id: uuid.UUID,
    session: SessionDep,
    occupation_query: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    from ats_match.taxonomy.occupations import default_occupations

    user = get_current_user(request, session)
    _job(session, user, job_id)
    found = default_occupations().search(occupation_query, limit=8) if occupation_query else []
    context = {"query": occupation_query, "occupations": [o for o, _ in found]}
    return TEMPLATES.TemplateResponse(request, "partials/occupation_choices.html", context)


@router.get("/diff", response_class=HTMLResponse)
def diff(
    request: Request,
    job_id: uuid.UUID,
    session: SessionDep,
    old: Annotated[int, Query(ge=1)],
    new: Annotated[int, Query(ge=1)],
) -> Response:
    try:
        user = get_current_user(request, session)
    except Unauthorized:
        return RedirectResponse("/login", status_code=303)
    job = _job(session, user, job_id)
    versions = {v.version: v for v in _versions(session, user, job.id)}
    if old not in versions or new not in versions:
        raise NotFound(f"this job has no version {old if old not in versions else new}")
    lines = version_diff(stored_yaml(versions[old].body), stored_yaml(versions[new].body))
    context = {
        "user": user,
        "active": "jobs",
        "job": job,
        "old": versions[old],
        "new": versions[new],
        "lines": lines,
        "versions": list(versions.values()),
    }
    return page(request, "requirements_diff", context)
