"""An admin of a fresh organisation, talking to the app the way a user does: integrations are
created through the API and deliveries signed with the secret the API returned."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select
from standardwebhooks.webhooks import Webhook

from ats_match import db
from ats_match.models import Role
from tests.connectors.conftest import vendor  # noqa: F401 - the loopback vendor fixture
from tests.factories import make_org, make_user


class NoRelay:
    """Stands in for the web process's relay thread: tests run the job themselves."""

    def wake(self) -> None:
        pass


@dataclass
class Admin:
    client: TestClient
    key: str
    url: str

    @property
    def auth(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.key}"}

    def create(self, **fields: Any) -> dict[str, Any]:
        response = self.client.post("/api/v1/integrations", json=fields, headers=self.auth)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def deliveries(self, integration_id: str, **params: str) -> list[dict[str, Any]]:
        response = self.client.get(
            f"/api/v1/integrations/{integration_id}/deliveries", params=params, headers=self.auth
        )
        assert response.status_code == 200, response.text
        return list(response.json())

    def rows(self, model: Any, **where: Any) -> list[Any]:
        engine = db.make_engine(self.url)
        with Session(engine) as session:
            statement = select(model)
            for name, value in where.items():
                statement = statement.where(col(getattr(model, name)) == value)
            found = list(session.exec(statement).all())
        engine.dispose()
        return found


@pytest.fixture
def admin(
    client: TestClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Admin]:
    monkeypatch.setattr("web.api.webhooks.delivery_relay", NoRelay)
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        org = make_org(session, "Hooks")
        _, key = make_user(session, org, Role.ADMIN)
        session.commit()
    engine.dispose()
    yield Admin(client, key, database_url)


def standard_headers(secret: str, body: bytes, msg_id: str | None = None) -> dict[str, str]:
    """Signed by the ``standardwebhooks`` library itself, as any Standard Webhooks sender."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(int(time.time()), tz=UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, moment, body.decode()),
        "content-type": "application/json",
    }
