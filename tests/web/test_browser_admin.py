"""The admin pages in Chromium: axe finds nothing serious at desktop and phone widths, and a
new integration's one-time secret and set-up steps are shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from ats_match import db
from ats_match.models import Organization, Role
from tests.factories import make_user
from tests.web.browser import (
    chromium,
    no_sideways_scroll,
    product_server,
    serious_axe_violations,
    sign_in,
)
from tests.web.seed import SEED_HASH, SEED_PASSWORD, Seeded

pytestmark = pytest.mark.browser
PAGES = (
    "/admin/organisation",
    "/admin/users",
    "/admin/integrations",
    "/admin/trust",
    "/admin/sso",
    "/admin/audit",
)


def _add_admin(url: str, seeded: Seeded, emails: list[str]) -> None:
    engine = db.make_engine(url)
    with Session(engine) as session:
        org = session.get(Organization, seeded.org_id)
        assert org is not None
        admin, _ = make_user(session, org, Role.ADMIN)
        admin.password_hash = SEED_HASH
        session.add(admin)
        session.commit()
        emails.append(admin.email)
    engine.dispose()


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium() as browser:
        yield browser.new_page()


def test_admin_pages_are_accessible_and_show_a_new_secret_once(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    emails: list[str] = []
    with product_server(tmp_path, before=lambda url, s: _add_admin(url, s, emails)) as (base, _):
        sign_in(page, base, emails[0], SEED_PASSWORD)
        page.get_by_role("link", name="Admin").click()
        page.get_by_role("link", name="ATS integrations").click()
        page.get_by_label("Vendor").select_option("greenhouse")
        page.get_by_label("Name").fill("Greenhouse (production)")
        page.get_by_role("button", name="Create").click()
        expect(page.get_by_text("The secret is shown once")).to_be_visible()
        expect(page.locator("code.secret")).to_have_count(1)
        shot = Path(__file__).parents[2] / "docs/screenshots/admin-integrations.png"
        page.screenshot(path=str(shot), full_page=True)
        for width, height in ((1280, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            for path in PAGES:
                page.goto(base + path)
                assert page.locator("h1").count() == 1
                assert serious_axe_violations(page) == [], (width, path)
                assert no_sideways_scroll(page), (width, path)
