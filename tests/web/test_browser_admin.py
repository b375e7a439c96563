"""The admin pages in Chromium: axe finds nothing serious at desktop and phone widths, and a
new integration's one-time secret and set-up steps are shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ats_match.models import Role
from tests.web.browser import (
    chromium,
    no_sideways_scroll,
    product_server,
    serious_axe_violations,
    sign_in,
)
from tests.web.seed import SEED_PASSWORD, Seeded, user_with_role

pytestmark = pytest.mark.browser
PAGES = (
    "/admin/organisation",
    "/admin/users",
    "/admin/integrations",
    "/admin/trust",
    "/admin/pathways",
    "/admin/sso",
    "/admin/audit",
)


def _add_admin(url: str, seeded: Seeded, emails: list[str]) -> None:
    emails.append(user_with_role(url, seeded.org_id, Role.ADMIN))


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
