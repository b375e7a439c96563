"""The hiring manager's requirement editor in Chromium: start from an ESCO occupation, edit the
YAML, add a skill through the type-ahead (choosing between the skills "SQL" names), preview
the ranking, save a version and read its diff; axe and a phone width on each page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Organization, Role
from tests.conftest import REPO_ROOT
from tests.factories import make_user
from tests.web.browser import (
    chromium,
    no_sideways_scroll,
    product_server,
    serious_axe_violations,
    sign_in,
)
from tests.web.seed import SEED_HASH, Seeded

pytestmark = pytest.mark.browser
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium() as browser:
        yield browser.new_page(viewport={"width": 1280, "height": 900})


def _add_hiring_manager(url: str, seeded: Seeded) -> None:
    engine = db.make_engine(url)
    with Session(engine) as session:
        org = session.exec(select(Organization).where(col(Organization.id) == seeded.org_id)).one()
        user, _ = make_user(session, org, Role.HIRING_MANAGER)
        user.email, user.name, user.password_hash = "hana@example.org", "Hana Manager", SEED_HASH
        session.add(user)
        session.commit()
    engine.dispose()


def _checked_at_both_widths(page: Any) -> None:
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert serious_axe_violations(page) == [], (width, page.url)
        assert no_sideways_scroll(page), (width, page.url)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_edit_preview_save_and_read_the_version_diff(tmp_path: Path, page: Any) -> None:
    from playwright.sync_api import expect

    with product_server(tmp_path, before=_add_hiring_manager) as (base, seeded):
        sign_in(page, base, "hana@example.org", seeded.password)
        page.goto(f"{base}/jobs/{seeded.job_id}")
        page.get_by_role("link", name="requirements and their history").click()
        expect(page.get_by_role("heading", name="Requirements for Data Analyst")).to_be_visible()
        yaml = page.get_by_label("Requirement set (YAML)")
        expect(yaml).to_have_value("name: Analyst v1\n")
        expect(page.locator("#findings")).to_contain_text("missing required field 'id'")
        _checked_at_both_widths(page)

        page.get_by_label("Job title").fill("data analyst")
        page.get_by_role("radio", name="data analyst", exact=True).check()
        page.get_by_role("button", name="Start from this occupation").click()
        expect(page.get_by_role("status").filter(has_text="Started from")).to_be_visible()
        expect(yaml).to_contain_text("perform data analysis")

        edited = yaml.input_value().replace(
            "requirements:", "thresholds: {qualified: 40, shortlist: 70}\nrequirements:", 1
        )
        yaml.fill(edited.replace("weight: 10", "weight: 0.5x", 1))
        expect(page.locator("#findings")).to_contain_text("1 problem")  # checked as typed
        page.get_by_role("button", name="Check").click()
        expect(page.get_by_role("alert")).to_contain_text("1 problem")
        page.get_by_role("button", name="Line 9").click()  # selects the line in the YAML
        selected = "el => el.value.slice(el.selectionStart, el.selectionEnd)"
        assert yaml.evaluate(selected).strip() == "weight: 0.5x"
        yaml.fill(edited)

        page.get_by_label("Skill (type part of its name, then choose)").fill("SQL")
        expect(page.get_by_text("“SQL” names 2 skills: choose the one you mean")).to_be_visible()
        expect(page.get_by_text("query language for retrieval of information")).to_be_visible()
        page.get_by_role("radio", name="SQL (knowledge)").check()
        page.get_by_label("Must have").check()
        page.get_by_label("Weight").fill("25")
        page.get_by_label("Issued within").fill("5 years")
        page.get_by_role("button", name="Add requirement").click()
        expect(page.get_by_role("status").filter(has_text="Added 'sql'")).to_be_visible()
        expect(yaml).to_contain_text(SQL)
        expect(page.get_by_role("button", name="Remove SQL")).to_be_visible()

        page.get_by_role("button", name="Preview ranking").click()
        preview = page.locator("#preview")
        expect(preview.get_by_role("heading")).to_contain_text("beside the current one")
        draft = preview.get_by_role("table", name="Draft")
        expect(draft).to_contain_text("Grace Hopper")
        expect(draft).to_contain_text("no longer qualified")  # nobody proves SQL yet
        expect(preview.get_by_role("table", name="Current (saved version)")).to_contain_text(
            "Alan Turing"
        )
        _checked_at_both_widths(page)
        page.screenshot(path=str(SCREENSHOTS / "requirement-editor.png"), full_page=True)

        page.get_by_role("button", name="Save as a new version").click()
        expect(page.get_by_role("status").filter(has_text="Saved version 2")).to_be_visible()
        expect(yaml).to_contain_text("shortlist: 70")
        page.get_by_role("link", name="Changes from version 1").click()
        expect(page.get_by_role("heading", name="Version 1 → version 2")).to_be_visible()
        added = page.locator("tr.added")
        expect(added.filter(has_text=f"uri: {SQL}")).to_have_count(1)
        expect(page.locator("tr.removed").filter(has_text="name: Analyst v1")).to_have_count(1)
        _checked_at_both_widths(page)
        page.screenshot(path=str(SCREENSHOTS / "requirement-diff.png"), full_page=True)

        page.get_by_role("button", name="Sign out").click()
        sign_in(page, base, seeded.viewer_email, seeded.password)  # a viewer: reads, never edits
        page.goto(f"{base}/jobs/{seeded.job_id}/requirements")
        expect(page.get_by_label("Requirement set (YAML) (read only)")).to_contain_text(SQL)
        expect(page.get_by_role("button", name="Save as a new version")).to_have_count(0)
        expect(page.get_by_role("button", name="Add requirement")).to_have_count(0)
        expect(page.get_by_role("link", name="Changes from version 1")).to_be_visible()
        _checked_at_both_widths(page)
