"""The recruiter's workspace in Chromium: bulk shortlist and single reject written back to a
loopback Greenhouse by the real worker; filter, sort, search and page; CSV export read back;
hostile badge names shown as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import wait_until
from tests.support.vendor_server import VendorServer
from tests.web.ats_link import link_to_greenhouse
from tests.web.browser import chromium, product_server, sign_in
from tests.web.more_seed import add_many_scored, add_signal_applicants
from tests.web.seed import Seeded

pytestmark = pytest.mark.browser


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium() as browser:
        yield browser.new_page()


def test_shortlist_and_reject_are_written_back_to_the_ats(
    tmp_path: Path,
    page: Any,
) -> None:
    from playwright.sync_api import expect

    with VendorServer() as vendor:

        def link(url: str, seeded: Seeded) -> None:
            link_to_greenhouse(url, seeded.org_id, vendor)

        with product_server(tmp_path, worker=True, before=link) as (base, seeded):
            sign_in(page, base, seeded.email, seeded.password)
            page.goto(f"{base}/jobs/{seeded.job_id}")
            page.get_by_label("Select Grace Hopper").check()
            page.get_by_label("Select Alan Turing").check()
            page.get_by_label("Action").select_option("shortlist")
            page.get_by_role("button", name="Apply to selected").click()
            expect(page.get_by_role("status").filter(has_text="Shortlisted 2")).to_be_visible()

            page.get_by_role("link", name="Alan Turing").click()
            page.get_by_role("radio", name="Reject").check()
            page.get_by_role("button", name="Record decision").click()
            expect(page.get_by_role("alert")).to_contain_text("a rejection needs a reason")
            page.get_by_role("radio", name="Reject").check()
            page.get_by_role("textbox", name="Reason").fill("No verified SQL credential")
            page.get_by_role("button", name="Record decision").click()
            expect(page.get_by_text("Rejected.")).to_be_visible()

            def notes(candidate: str) -> list[Any]:
                return vendor.calls("POST", f"/v1/candidates/{candidate}/activity_feed/notes")

            log = tmp_path / "serve.log"
            wait_until(lambda: len(notes("60304595")) == 2, 60, "the write-backs", log, None)
            wait_until(lambda: len(notes("60304594")) == 1, 60, "the write-back", log, None)
            bodies = [n.json()["body"] for n in notes("60304595")]
            assert any(
                "Rejected by Rita Recruiter: No verified SQL credential" in b for b in bodies
            )
            page.reload()
            expect(page.locator('[data-decision="reject"]')).to_be_visible()
            expect(page.get_by_text("in ATS")).to_be_visible()
            expect(page.get_by_role("link", name="Open in Greenhouse")).to_have_attribute(
                "href", "https://app.greenhouse.io/people/60304595?application_id=71980813"
            )
            page.screenshot(path=str(tmp_path / "decided.png"), full_page=True)


def test_filter_sort_search_page_and_export(tmp_path: Path, page: Any) -> None:
    from playwright.sync_api import expect

    def more(url: str, seeded: Seeded) -> None:
        add_signal_applicants(url, seeded.job_id)
        add_many_scored(url, seeded.job_id, 55)

    with product_server(tmp_path, before=more) as (base, seeded):
        sign_in(page, base, seeded.email, seeded.password)
        page.goto(f"{base}/jobs/{seeded.job_id}")
        expect(page.get_by_text("59 candidates, page 1 of 2")).to_be_visible()
        page.get_by_role("link", name="Next").click()
        expect(page.get_by_text("59 candidates, page 2 of 2")).to_be_visible()
        expect(page.get_by_role("link", name="Applicant 054")).to_be_visible()

        page.get_by_label("Needs review").check()
        page.get_by_role("button", name="Apply", exact=True).click()
        expect(page.get_by_text("1 candidate.")).to_be_visible()
        expect(page.get_by_role("link", name="Ada Lovelace")).to_be_visible()
        expect(page.get_by_text("needs review", exact=True)).to_be_visible()

        page.goto(f"{base}/jobs/{seeded.job_id}")
        page.get_by_label("Name or e-mail").fill("turing")
        page.get_by_role("button", name="Apply", exact=True).click()
        expect(page.get_by_text("1 candidate.")).to_be_visible()

        page.goto(f"{base}/jobs/{seeded.job_id}")
        page.get_by_label("Sort by").select_option("name")
        page.get_by_label("Has skill").fill("Python")
        page.get_by_role("button", name="Apply", exact=True).click()
        rows = page.get_by_role("row")
        expect(rows.nth(1)).to_contain_text("Alan Turing")
        expect(rows.nth(2)).to_contain_text("Grace Hopper")

        with page.expect_download() as download:
            page.get_by_role("link", name="Export CSV").click()
        text = Path(download.value.path()).read_text()
        exported = list(csv.DictReader(io.StringIO(text)))
        assert [r["candidate"] for r in exported] == ["Alan Turing", "Grace Hopper"]
        assert "Python is proven by a verified credential." in exported[1]["requirements"]
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(tmp_path / "job-phone.png"), full_page=True)


def test_hostile_badge_names_stay_text(tmp_path: Path, page: Any) -> None:
    from tests.web.test_craft import HOSTILE, _make_hostile

    def hostile(url: str, seeded: Seeded) -> None:
        _make_hostile(url, seeded.best_application_id)

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with product_server(tmp_path, before=hostile) as (base, seeded):
        sign_in(page, base, seeded.email, seeded.password)
        for path in (f"/jobs/{seeded.job_id}", f"/applications/{seeded.best_application_id}"):
            page.goto(base + path)
            assert page.locator("main").get_by_text(HOSTILE, exact=False).count() >= 1, path
            assert page.locator("main script, main img").count() == 0, path
    assert dialogs == []
