"""Every route of the OpenAPI document declares how it is reached: one ``resource:action``
scope on each authenticated operation (a route added without one fails here), or a public
route listed as such; and the declaration is what is enforced: a key without the scope gets 403
``insufficient_scope``, a key holding only that scope is not refused."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ats_match.models import Scope
from ats_match.models.scopes import ALL_SCOPES, READ_SCOPES, WRITE_SCOPES
from tests.intake.conftest import seed_org
from web.app import create_app

PUBLIC = {
    ("get", "/healthz"): "health check",
    ("post", "/webhooks/{integration_id}"): "signed by the integration's secret",
    ("get", "/trust/registries/{registry_id}/registry.json"): "published registry",
    ("get", "/.well-known/did.json"): "the verifier's DID document",
}
PUBLIC_PREFIXES = {"/present/": "the unguessable request id is the capability"}
PARTNER_PREFIX = "/partners/"
"""Assessment-partner routes: HTTP Basic with the partner key (``partnerBasic``), no scopes."""
METHODS = ("get", "post", "put", "patch", "delete")


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app().openapi()


def declared_scope(operation: dict[str, Any]) -> str | None:
    """The one scope the operation declares on both its ways in, else ``None``."""
    requirements = operation.get("security") or []
    names = {name for item in requirements for name in item}
    if names != {"bearerAuth", "sessionCookie"}:
        return None
    scopes = {tuple(scopes) for item in requirements for scopes in item.values()}
    if len(scopes) != 1 or len(next(iter(scopes))) != 1:
        return None
    return next(iter(scopes))[0]


def scoped_operations(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    found = []
    for method, path, operation in _operations(document):
        scope = declared_scope(operation)
        if scope is not None:
            found.append((method, path, scope))
    return found


def test_every_operation_declares_exactly_one_scope_or_is_public(
    document: dict[str, Any],
) -> None:
    undeclared = []
    for method, path, operation in _operations(document):
        if (method, path) in PUBLIC or path.startswith(tuple(PUBLIC_PREFIXES)):
            assert operation.get("security") == [], f"declare {method} {path} public"
            continue
        if path.startswith(PARTNER_PREFIX):
            assert operation.get("security") == [{"partnerBasic": []}], path
            continue
        scope = declared_scope(operation)
        if scope is None or scope not in {s.value for s in Scope}:
            undeclared.append(f"{method.upper()} {path}: {operation.get('security')}")
    assert undeclared == [], "declare a scope with Annotated[User, requires(Scope.X)]"
    assert {s for _, _, s in scoped_operations(document)} == {s.value for s in Scope}
    for method, path, scope in scoped_operations(document):
        assert document["paths"][path][method]["x-required-scope"] == scope
    scheme = document["components"]["securitySchemes"]["bearerAuth"]["description"]
    assert all(f"`{s.value}`" in scheme for s in Scope)


def test_the_tiers_map_onto_the_scopes() -> None:
    assert READ_SCOPES < WRITE_SCOPES < ALL_SCOPES
    assert all(s.value.endswith(":read") for s in READ_SCOPES)
    assert not any(s.value.endswith(":admin") for s in WRITE_SCOPES)


def test_a_key_is_narrowed_within_its_tier_only(client: TestClient, database_url: str) -> None:
    _, admin = seed_org(database_url, "Scopes tier")
    auth = {"authorization": f"Bearer {admin}"}
    beyond = {"name": "k", "scope": "write", "scopes": ["users:admin"]}
    refused = client.post("/api/v1/api-keys", json=beyond, headers=auth)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "body.scopes"
    narrowed = {"name": "k", "scope": "read", "scopes": ["results:read"]}
    issued = client.post("/api/v1/api-keys", json=narrowed, headers=auth).json()
    assert issued["scopes"] == ["results:read"]
    jobs = client.get("/api/v1/jobs", headers={"authorization": f"Bearer {issued['api_key']}"})
    assert jobs.status_code == 403 and jobs.json()["error"] == "insufficient_scope"


def _example(schema: dict[str, Any]) -> str:
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if "enum" in schema:
        return str(schema["enum"][0])
    return "1" if schema.get("type") == "integer" else "x"


def _path(document: dict[str, Any], method: str, path: str) -> str:
    schemas = document["components"]["schemas"]
    for parameter in document["paths"][path][method].get("parameters", []):
        if parameter["in"] == "path":
            schema = parameter["schema"]
            if "$ref" in schema:
                schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
            path = path.replace("{" + parameter["name"] + "}", _example(schema))
    return path


def _key(client: TestClient, admin: str, scopes: list[str]) -> str:
    answer = client.post(
        "/api/v1/api-keys",
        json={"name": "scoped", "scope": "admin", "scopes": scopes},
        headers={"authorization": f"Bearer {admin}"},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["api_key"])


def test_each_operation_refuses_a_key_without_its_scope_and_admits_one_with_it(
    client: TestClient, database_url: str
) -> None:
    document = client.get("/openapi.json").json()
    _, admin = seed_org(database_url, "Scopes walk")
    every = sorted(s.value for s in Scope)
    only = {s: _key(client, admin, [s]) for s in every}
    others = {s: _key(client, admin, [o for o in every if o != s]) for s in every}
    walked = 0
    for method, path, scope in scoped_operations(document):
        url = _path(document, method, path)
        refused = client.request(method, url, headers={"authorization": f"Bearer {others[scope]}"})
        assert refused.status_code == 403, (method, path, refused.text)
        body = refused.json()
        assert body["error"] == "insufficient_scope" and scope in body["detail"], body
        admitted = client.request(method, url, headers={"authorization": f"Bearer {only[scope]}"})
        assert admitted.status_code != 403, (method, path, scope, admitted.text)
        walked += 1
    assert walked == len(scoped_operations(document)) >= 61
