"""The dashboard in a real headless Chromium (Debian's), against a real server process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import (
    chromium,
    no_sideways_scroll,
    product_server,
    serious_axe_violations,
    sign_in,
)
from tests.web.seed import Seeded

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Seeded]]:
    with product_server(tmp_path) as running:
        yield running


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium() as browser:
        yield browser.new_page()


def test_recruiter_signs_in_ranks_and_opens_a_candidate(server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, seeded = server
    page.goto(base + "/")
    expect(page).to_have_url(base + "/login")
    page.get_by_label("E-mail").fill(seeded.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    sign_in(page, base, seeded.email, seeded.password)
    expect(page.get_by_role("heading", name="Jobs")).to_be_visible()

    page.get_by_role("link", name="Data Analyst").click()
    rows = page.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Grace Hopper")
    expect(rows.nth(2)).to_contain_text("Alan Turing")

    page.get_by_label("Qualified").check()
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.get_by_text("Alan Turing")).to_have_count(0)

    page.get_by_role("link", name="Grace Hopper").click()
    expect(page.get_by_text("Genuine: the issuer's signature checks out")).to_be_visible()
    page.get_by_text("Verification checks").click()
    expect(page.locator(".checks").get_by_text("The EdDSA signature is valid.")).to_be_visible()
    expect(page.get_by_text("Python is proven by a verified credential.")).to_be_visible()
    page.screenshot(path=str(tmp_path / "candidate.png"), full_page=True)


def test_every_page_passes_axe_at_desktop_and_phone_widths(server, page) -> None:  # type: ignore[no-untyped-def]
    base, seeded = server
    page.goto(base + "/login")
    assert page.get_attribute("html", "lang") == "en"
    assert serious_axe_violations(page) == []
    sign_in(page, base, seeded.email, seeded.password)
    paths = (
        "/",
        f"/jobs/{seeded.job_id}",
        f"/applications/{seeded.best_application_id}",
        "/no/such/page",
        f"/jobs/{seeded.other_org_job_id}",
    )
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            page.goto(base + path)
            assert page.locator("main").count() == 1
            assert page.locator("h1").count() == 1
            assert page.title().endswith("ats-match")
            assert serious_axe_violations(page) == [], (width, path)
            assert no_sideways_scroll(page), (width, path)
