"""Tenant isolation proved by walking the document: every operation that names an object (in
its path or its body) is called by one organisation's admin with ANOTHER organisation's ids;
each answers 404 or 422 and nothing of the other organisation changes. The same call with the
caller's own ids is then accepted, so the refusals are about the tenant, not the request."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.world import World, build_world, fingerprint
from tests.intake.conftest import ROLE_YAML, NoRelay

NOT_WALKED = ("/webhooks/", "/partners/", "/present/", "/trust/registries/")
"""Not reached with an organisation's API key: webhooks and partner calls authenticate with the
integration's own secret; the candidate's and the registry's pages are public by design."""
YAML = {"content-type": "application/yaml"}


def _json(body: dict[str, Any]) -> dict[str, Any]:
    return {"json": body}


def _request(method: str, path: str, ids: dict[str, str]) -> dict[str, Any]:
    """A request the operation accepts, its references (body too) taken from ``ids``."""
    route = f"{method} {path}"
    yaml = {"content": ROLE_YAML, "headers": YAML}
    bodies: dict[str, dict[str, Any]] = {
        "POST /api/v1/jobs": _json({"title": "X", "integration_id": ids["integration_id"]}),
        "POST /api/v1/jobs/{job_id}/requirement-sets": yaml,
        "POST /api/v1/jobs/{job_id}/what-if": yaml,
        "POST /api/v1/applications": {
            "data": {"job_id": ids["job_id"], "candidate_name": "B", "candidate_email": "b@x.org"},
            "files": [("files", ("b.json", b'{"type": ["VerifiableCredential"]}', "text/plain"))],
        },
        "POST /api/v1/applications/{application_id}/decisions": _json({"action": "shortlist"}),
        "POST /api/v1/decisions": _json(
            {"action": "shortlist", "application_ids": [ids["application_id"]]}
        ),
        "POST /api/v1/applications/{application_id}/notes": _json({"body": "note"}),
        "PUT /api/v1/applications/{application_id}/tags": _json({"tags": ["t"]}),
        "PUT /api/v1/applications/{application_id}/self-identification": _json({"sex": "female"}),
        "PUT /api/v1/jobs/{job_id}/candidate-notice": _json({"candidate_notice": "n"}),
        "PATCH /api/v1/integrations/{integration_id}": _json({"name": "renamed"}),
        "POST /api/v1/integrations/{integration_id}/api-keys": _json({"name": "k"}),
        "PATCH /api/v1/issuer-registries/{registry_id}": _json({"name": "renamed"}),
        "PATCH /api/v1/pathways/{pathway_id}": _json({"name": "renamed"}),
    }
    return bodies.get(route, {})


def _walked(document: dict[str, Any]) -> list[tuple[str, str]]:
    """Operations naming an object by id, in the path or (these) in the body; deletions last so
    the caller's own objects survive the control pass until the end."""
    body_refs = {"POST /api/v1/jobs", "POST /api/v1/applications", "POST /api/v1/decisions"}
    found = [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if not path.startswith(NOT_WALKED)
        and (re.search(r"\{\w+_id\}", path) or f"{method.upper()} {path}" in body_refs)
    ]
    return sorted(found, key=lambda op: (op[0] == "DELETE", op[1], op[0]))


def _call(client: TestClient, world: World, method: str, path: str, ids: dict[str, str]) -> Any:
    if "{delivery_id}" in path:  # an upload's delivery is logged under the upload integration
        ids = {**ids, "integration_id": ids["upload_integration_id"]}
    if path.endswith("/api-keys/{key_id}") and "{integration_id}" in path:
        ids = {**ids, "key_id": ids["integration_key_id"]}
    url = re.sub(r"\{(\w+)\}", lambda m: ids.get(m[1], m[0]), path)
    request = _request(method, path, ids)
    headers = {**world.auth, **request.pop("headers", {})}
    return client.request(method, url, headers=headers, **request)


@pytest.fixture
def worlds(
    client: TestClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[World, World]:
    monkeypatch.setattr("web.api.applications.delivery_relay", NoRelay)
    return build_world(client, database_url, "Caller"), build_world(client, database_url, "Other")


def test_no_operation_reaches_another_organisations_objects(
    client: TestClient, database_url: str, worlds: tuple[World, World]
) -> None:
    caller, other = worlds
    operations = _walked(client.get("/openapi.json").json())
    assert len(operations) > 30
    before = fingerprint(database_url, other.organization_id)
    leaks = []
    for method, path in operations:
        answer = _call(client, caller, method, path, other.ids)
        if answer.status_code not in (404, 422):
            leaks.append(f"{method} {path} -> {answer.status_code} {answer.text[:200]}")
    assert leaks == []
    assert fingerprint(database_url, other.organization_id) == before

    refused = []
    for method, path in operations:  # the control: the caller's own ids are accepted
        answer = _call(client, caller, method, path, caller.ids)
        if answer.status_code >= 400:
            refused.append(f"{method} {path} -> {answer.status_code} {answer.text[:200]}")
    for line in refused:
        print("REFUSED", line)
    assert refused == []
