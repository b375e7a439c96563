"""The demo issuer (served under ``ats-match run``) signs a status list once per state: asked
again for an unchanged list it answers the same token without signing it again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc import jws

from ats_match.settings import get_settings
from worker import demo_credentials as issued
from worker.demo_people import Defect, all_badges


@pytest.fixture
def demo_app(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from web.app import create_app

    monkeypatch.setenv("ATS_MATCH_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATS_MATCH_BASE_URL", "http://127.0.0.1:8000")
    monkeypatch.setenv("ATS_MATCH_SERVE_DEMO_ISSUER", "true")
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        yield client
    get_settings.cache_clear()


def test_a_status_list_is_signed_once_per_state(
    demo_app: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed: list[bytes] = []
    sign = jws.serialize_compact

    def counting(header: Any, payload: bytes, *args: Any, **kwargs: Any) -> str:
        signed.append(payload)
        return sign(header, payload, *args, **kwargs)

    monkeypatch.setattr(jws, "serialize_compact", counting)
    issued._signed_status_list.cache_clear()
    issuer = next(b.issuer for _, b in all_badges() if b.defect is Defect.REVOKED)
    path = issued.status_list_url(issuer).removeprefix("http://127.0.0.1:8000")

    first = demo_app.get(path)
    again = demo_app.get(path)

    assert first.status_code == again.status_code == 200
    assert first.headers["content-type"] == "application/vc+jwt"
    assert again.text == first.text
    assert len(signed) == 1
    issued._signed_status_list.cache_clear()
    assert issued.status_list(path.rsplit("/", 1)[1]) == first.text  # signed anew: the same
    assert demo_app.get(issued.DEMO_ISSUER_PATH + "/status/nobody").status_code == 404
