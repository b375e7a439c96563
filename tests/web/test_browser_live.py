"""Live state in Chromium: a credential whose issuer is slow shows "being checked" on the
candidate page, then turns genuine in place, without a reload (the page polls with htmx)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from ats_match import db
from ats_match.models import Organization, Role
from tests.factories import make_user
from tests.support.issuer_server import IssuerServer
from tests.support.processes import wait_until
from tests.web.browser import chromium, product_server, serious_axe_violations, sign_in
from tests.web.seed import Seeded
from tests.worker.conftest import genuine_tokens

pytestmark = pytest.mark.browser
ROLE = """
id: analyst-live
name: Analyst (live)
requirements:
  - id: sql
    label: SQL
    must: true
    weight: 10
    skill: {uri: http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742}
"""


def _add_admin(url: str, seeded: Seeded, keys: dict[str, str]) -> None:
    engine = db.make_engine(url)
    with Session(engine) as session:
        org = session.get(Organization, seeded.org_id)
        assert org is not None
        _, keys["admin"] = make_user(session, org, Role.ADMIN)
        session.commit()
    engine.dispose()


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium() as browser:
        yield browser.new_page()


def test_a_credential_goes_from_checking_to_genuine_in_place(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    keys: dict[str, str] = {}
    with (
        IssuerServer() as issuer,
        product_server(
            tmp_path, worker=True, before=lambda url, seeded: _add_admin(url, seeded, keys)
        ) as (base, seeded),
    ):
        admin = {"authorization": f"Bearer {keys['admin']}"}
        role = httpx.post(
            f"{base}/api/v1/jobs/{seeded.job_id}/requirement-sets",
            content=ROLE,
            headers={**admin, "content-type": "application/yaml"},
        )
        assert role.status_code == 201, role.text
        link = issuer.serve(
            "/badges/sql.jwt", genuine_tokens(1)[0], content_type="text/plain", delay_first=8
        )
        headers = {"authorization": f"Bearer {seeded.key}"}
        upload = httpx.post(
            base + "/api/v1/applications",
            data={
                "job_id": str(seeded.job_id),
                "candidate_name": "Lin Live",
                "candidate_email": "lin@x.org",
                "links": [link],
            },
            headers=headers,
        )
        assert upload.status_code == 202, upload.text
        ack = upload.json()

        def created() -> bool:
            answer = httpx.get(base + ack["application_url"].split(base)[-1], headers=headers)
            return answer.status_code == 200

        wait_until(created, 60, "the upload to become an application", tmp_path / "serve.log", None)
        sign_in(page, base, seeded.email, seeded.password)
        page.goto(f"{base}/applications/{ack['application_id']}")
        expect(page.get_by_text("being checked", exact=True)).to_be_visible()
        assert serious_axe_violations(page) == []
        url = page.url
        expect(page.locator("[data-verdict]")).to_contain_text("Genuine", timeout=60_000)
        assert page.url == url  # swapped in place, no navigation
        expect(page.get_by_text("being checked", exact=True)).to_have_count(0)
