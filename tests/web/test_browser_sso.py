"""Single sign-on in a real Chromium against a real server and a loopback OpenID provider."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from ats_match import db
from ats_match.models import Organization, Role, User
from ats_match.security import new_api_key
from tests.support.oidc_provider import OidcProvider, Person
from tests.web.browser import (
    chromium,
    no_sideways_scroll,
    product_server,
    serious_axe_violations,
)
from tests.web.seed import Seeded

pytestmark = pytest.mark.browser
DOMAIN = "acme-sso.example"


def _add_admin(url: str, seeded: Seeded, keys: dict[str, str]) -> None:
    key, key_hash = new_api_key()
    engine = db.make_engine(url)
    with Session(engine) as session:
        org = session.get(Organization, seeded.org_id)
        assert org is not None
        admin = User(
            organization_id=org.id,
            email=f"admin-{uuid.uuid4().hex[:6]}@acme.example",
            role=Role.ADMIN,
            api_key_hash=key_hash,
        )
        session.add(admin)
        session.commit()
    engine.dispose()
    keys["admin"] = key


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium() as browser:
        yield browser.new_page()


def test_a_person_signs_in_through_the_organisations_provider(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    keys: dict[str, str] = {}
    with (
        OidcProvider() as provider,
        product_server(tmp_path, before=lambda url, seeded: _add_admin(url, seeded, keys)) as (
            base,
            _,
        ),
    ):
        configured = httpx.put(
            base + "/api/v1/sso",
            json={
                "issuer": provider.issuer,
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
                "email_domains": [DOMAIN],
                "default_role": "recruiter",
            },
            headers={"authorization": f"Bearer {keys['admin']}"},
        )
        assert configured.status_code == 200, configured.text
        provider.person = Person(f"sam@{DOMAIN}", name="Sam Okoro")
        for width, height in ((390, 844), (1280, 900)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(base + "/login")
            assert serious_axe_violations(page) == [], width
            assert no_sideways_scroll(page), width
        page.get_by_label("Work address").fill(f"sam@{DOMAIN}")
        page.get_by_role("button", name="Continue with single sign-on").click()
        expect(page.get_by_role("heading", name="Jobs")).to_be_visible(timeout=15_000)
        expect(page).to_have_url(base + "/")
        page.screenshot(path=str(Path(__file__).parents[2] / "docs/screenshots/sso-signed-in.png"))

        provider.person = Person(f"sam@{DOMAIN}", email_verified=False)
        page.context.clear_cookies()
        page.goto(base + "/login")
        page.get_by_label("Work address").fill(f"sam@{DOMAIN}")
        page.get_by_role("button", name="Continue with single sign-on").click()
        expect(page.get_by_role("alert")).to_contain_text("did not vouch for an e-mail")
