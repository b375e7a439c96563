"""One organisation with one of everything the API names by id, created through the API as a
user would (the worker's job run in process), for the tenant walk."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel

from ats_match import db
from ats_match.models import OutboundEvent
from ats_match.models.base import utcnow
from tests.intake.conftest import ROLE_YAML, seed_org
from tests.worker.conftest import genuine_tokens
from worker import tasks


@dataclass
class World:
    organization_id: uuid.UUID
    key: str
    ids: dict[str, str] = field(default_factory=dict)
    """Path parameter name -> this organisation's id (``job_id``, ``application_id``, ...)."""

    @property
    def auth(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.key}"}


def build_world(client: TestClient, url: str, name: str) -> World:
    org_id, key = seed_org(url, name)
    world = World(org_id, key)
    world.ids["integration_id"] = _created(
        client,
        world,
        "/api/v1/integrations",
        {"vendor": "generic", "name": "hook", "webhook_secret": "s" * 32},
    )
    job = {"title": "Analyst", "integration_id": world.ids["integration_id"], "external_id": "J1"}
    world.ids["job_id"] = _created(client, world, "/api/v1/jobs", job)
    saved = client.post(
        f"/api/v1/jobs/{world.ids['job_id']}/requirement-sets",
        content=ROLE_YAML,
        headers={**world.auth, "content-type": "application/yaml"},
    )
    assert saved.status_code == 201, saved.text
    world.ids["version"] = str(saved.json()["version"])
    _upload(client, url, world)
    world.ids["user_id"] = _created(
        client, world, "/api/v1/users", {"email": f"v-{uuid.uuid4().hex[:6]}@x.example"}
    )
    registry = {"kind": "employer_list", "name": "Ours", "entries": []}
    world.ids["registry_id"] = _created(client, world, "/api/v1/issuer-registries", registry)
    pathway = {
        "slug": "track",
        "name": "Track",
        "levels": [{"label": "First", "achievements": [{"name_pattern": "Intro*"}]}],
    }
    world.ids["pathway_id"] = _created(client, world, "/api/v1/pathways", pathway)
    world.ids["event_id"] = _score_event(url, world)
    world.ids["key_id"] = _created(client, world, "/api/v1/api-keys", {"name": "k"})
    world.ids["integration_key_id"] = _created(
        client, world, f"/api/v1/integrations/{world.ids['integration_id']}/api-keys", {"name": "k"}
    )
    world.ids["request_id"] = _created(
        client,
        world,
        f"/api/v1/applications/{world.ids['application_id']}/presentation-requests",
        field="request_id",
    )
    return world


def _created(
    client: TestClient, world: World, path: str, body: object = None, field: str = "id"
) -> str:
    answer = client.post(path, json=body, headers=world.auth)
    assert answer.status_code == 201, f"{path}: {answer.text}"
    return str(answer.json()[field])


def _upload(client: TestClient, url: str, world: World) -> None:
    token = genuine_tokens(1)[0]
    answer = client.post(
        "/api/v1/applications",
        data={
            "job_id": world.ids["job_id"],
            "candidate_name": "Ada",
            "candidate_email": "ada@x.org",
        },
        files=[("files", ("a.jwt", token.encode(), "text/plain"))],
        headers=world.auth,
    )
    assert answer.status_code == 202, answer.text
    ack = answer.json()
    world.ids["delivery_id"] = ack["delivery_id"]
    world.ids["application_id"] = ack["application_id"]
    tasks.process_deliveries.apply(args=[str(world.organization_id), [ack["delivery_id"]]]).get()
    detail = client.get(f"/api/v1/applications/{ack['application_id']}", headers=world.auth)
    assert detail.status_code == 200, detail.text
    world.ids["candidate_id"] = detail.json()["candidate"]["id"]
    world.ids["credential_id"] = detail.json()["credentials"][0]["id"]
    world.ids["upload_integration_id"] = ack["integration_id"]


def _score_event(url: str, world: World) -> str:
    """An outbound ``score.updated`` event of the integration, as ``notify.stage_score_event``
    stages it (reaching one through the API needs a subscriber URL and a scored delivery)."""
    engine = db.make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        event = OutboundEvent(
            organization_id=world.organization_id,
            integration_id=uuid.UUID(world.ids["integration_id"]),
            event_type="score.updated",
            next_attempt_at=utcnow(),
            payload={"application_id": world.ids["application_id"]},
        )
        session.add(event)
        session.commit()
    engine.dispose()
    return str(event.id)


def fingerprint(url: str, organization_id: uuid.UUID) -> dict[str, list[str]]:
    """Every row of every table that has an ``organization_id``, for this organisation, as
    text: equal before and after means nothing of the organisation changed."""
    engine = db.make_engine(url)
    found: dict[str, list[str]] = {}
    with Session(engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            if "organization_id" not in table.c:
                continue
            rows = session.execute(
                table.select().where(table.c.organization_id == organization_id)
            ).all()
            found[table.name] = sorted(repr(tuple(r)) for r in rows)
    engine.dispose()
    return found
