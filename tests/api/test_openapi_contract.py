"""The OpenAPI document tells the truth: how to authenticate, and the one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.orgs import admin_key_of_new_org
from web.api.contract import SESSION_COOKIE_AUTH
from web.deps import SESSION_COOKIE

PUBLIC_PREFIXES = ("/healthz", "/webhooks/", "/trust/registries/", "/present/", "/.well-known/")
"""No API key: liveness, ATS webhooks (signed bodies), public registry documents, and the
candidate's wallet pages (the unguessable request id in their link is the capability)."""
ERROR_CODES = ("401", "403", "404", "409", "422")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    from web.app import create_app

    served = TestClient(create_app()).get("/openapi.json")  # as a client reads it
    assert served.status_code == 200
    return dict(served.json())


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_the_document_declares_the_bearer_scheme(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerAuth"]["description"],
    }
    assert schemes["sessionCookie"]["in"] == "cookie"
    assert SESSION_COOKIE_AUTH.model.name == SESSION_COOKIE


def test_every_authenticated_operation_declares_its_security(document: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for method, path, operation in _operations(document)
        if not path.startswith(PUBLIC_PREFIXES) and not operation.get("security")
    ]
    assert missing == []
    api = [(m, p, o) for m, p, o in _operations(document) if p.startswith("/api/")]
    assert len(api) > 40
    for _, _, operation in api:
        assert {"bearerAuth"} <= {name for item in operation["security"] for name in item}


def test_every_operation_declares_its_errors_in_one_shape(document: dict[str, Any]) -> None:
    undeclared = []
    for method, path, operation in _operations(document):
        if path.startswith(("/healthz", "/webhooks/")):
            continue
        for code in ERROR_CODES:
            declared = operation["responses"].get(code, {})
            schema = declared.get("content", {}).get("application/json", {}).get("schema")
            if schema != {"$ref": "#/components/schemas/ErrorBody"}:
                undeclared.append(f"{method.upper()} {path} {code}")
    assert undeclared == []
    body = document["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"error", "detail"}


def test_no_request_body_is_a_bare_object(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    bare = []
    for method, path, operation in _operations(document):
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            schema = content.get("schema", {})
            if "$ref" in schema:
                schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
            if schema.get("type") == "object" and not schema.get("properties"):
                bare.append(f"{method.upper()} {path} {media}")
    assert bare == []


def test_errors_have_the_documented_shape(client: TestClient, database_url: str) -> None:
    key = admin_key_of_new_org(database_url)
    auth = {"authorization": f"Bearer {key}"}
    invalid = client.post("/api/v1/jobs", json={"title": 5}, headers=auth)
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["error"] == "invalid_input" and "body.title" in body["detail"]
    assert body["errors"][0]["field"] == "body.title" and body["errors"][0]["message"]
    bad_id = client.get("/api/v1/jobs/not-a-uuid", headers=auth)
    assert bad_id.status_code == 422 and bad_id.json()["errors"][0]["field"] == "path.job_id"
    missing = client.get("/api/v1/no-such-thing", headers=auth)
    assert missing.status_code == 404
    assert missing.json() == {"error": "not_found", "detail": "Not Found"}
    wrong_method = client.delete("/api/v1/jobs", headers=auth)
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["allow"]
    unauthorised = client.get("/api/v1/jobs")
    assert unauthorised.json()["error"] == "unauthorized"
