"""What the OpenAPI document promises about every authenticated operation: how to authenticate
and the one shape every error body has.

The security schemes are declared by dependencies that do nothing (``auto_error=False``):
authentication itself stays in :func:`web.deps.get_current_user`; these only make the
document say so."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.security import APIKeyCookie, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from ats_match.models.scopes import Scope, describe

BEARER_DESCRIPTION = (
    "An API key: `Authorization: Bearer atsm_...` (shown once when issued). Each operation "
    "names the one scope a key must hold (`security`, and `x-required-scope`); without it "
    "the answer is 403 `insufficient_scope`. A user's own key and a session hold every scope."
)
BEARER = HTTPBearer(auto_error=False, scheme_name="bearerAuth", description=BEARER_DESCRIPTION)
SESSION_COOKIE_AUTH = APIKeyCookie(
    name="atsm_session",
    auto_error=False,
    scheme_name="sessionCookie",
    description="The dashboard's signed-in session (browsers; forms also need a CSRF token).",
)


PUBLIC: dict[str, Any] = {"security": []}
"""``openapi_extra`` of a route that is public by design (it authenticates its own way, or not
at all): the document says so with an empty security requirement."""


class ErrorBody(BaseModel):
    """Every error the API answers with: a stable machine code, a sentence for people and,
    for invalid input, the fields at fault. Some errors add context (``delivery_id``)."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="Stable code: not_found, forbidden, invalid_input, ...")
    detail: str = Field(description="What went wrong, for a person")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="For invalid input: each field at fault and why"
    )


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _error("No valid API key or session"),
    403: _error("The caller's role does not allow this"),
    404: _error("Nothing with this id in the caller's organisation"),
    409: _error("Conflicts with the current state"),
    422: _error("The request could not be read: see `errors`"),
}
"""Declared on every operation of the JSON API (``include_router(responses=...)``)."""


def component_schemas(models: dict[str, type[BaseModel]]) -> dict[str, Any]:
    """JSON schemas of bodies a route parses itself (YAML or JSON), as OpenAPI components, so
    ``openapi_extra`` can point at them with ``#/components/schemas/<name>``."""
    components: dict[str, Any] = {}
    for name, model in models.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[name] = schema
    return components


def with_components(app: FastAPI, models: dict[str, type[BaseModel]]) -> None:
    """Add :func:`component_schemas` to the app's generated document (once, then cached)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in component_schemas(models).items():
                schemas.setdefault(name, schema)
            declare_error_bodies(document)
            declare_scopes(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


ERROR_BODY_REF = {"$ref": "#/components/schemas/ErrorBody"}
_FASTAPI_422_REF = {"$ref": "#/components/schemas/HTTPValidationError"}


def declare_error_bodies(document: dict[str, Any]) -> None:
    """Every 4xx/5xx an operation declares answers with :class:`ErrorBody` (``web.errors``
    turns FastAPI's own 422 into it too): fill in those declared with a description only."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for code, response in operation.get("responses", {}).items():
                if not str(code).startswith(("4", "5")):
                    continue
                content = response.setdefault("content", {})
                json_body = content.setdefault("application/json", {})
                if json_body.get("schema") in (None, _FASTAPI_422_REF):
                    json_body["schema"] = dict(ERROR_BODY_REF)
    schemas = document.get("components", {}).get("schemas", {})
    if "ErrorBody" not in schemas:
        schemas["ErrorBody"] = ErrorBody.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def declare_scopes(document: dict[str, Any]) -> None:
    """Name each operation's one scope as ``x-required-scope`` too (it is already on its
    ``security`` requirements, where FastAPI put it from ``web.deps.requires``), and list every
    scope with its meaning in the bearer scheme's description."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            scopes = {s for req in operation.get("security") or [] for v in req.values() for s in v}
            if len(scopes) == 1:
                operation["x-required-scope"] = next(iter(scopes))
    schemes = document.get("components", {}).get("securitySchemes", {})
    if "bearerAuth" in schemes:
        listed = "\n".join(f"- `{scope.value}`: {describe(scope)}" for scope in Scope)
        schemes["bearerAuth"]["description"] = f"{BEARER_DESCRIPTION}\n\nScopes:\n{listed}"
