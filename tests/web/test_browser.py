"""The dashboard in a real headless Chromium (Debian's), against a real server process."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from ats_match import db
from tests.support.processes import free_port, product_env, running, wait_until
from tests.web.seed import Seeded, seed_org

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Seeded]]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        seeded = seed_org(session)
        session.commit()
    engine.dispose()
    port = free_port()
    argv = [sys.executable, "-m", "ats_match.cli.main", "serve", "--port", str(port)]
    env = product_env(ATS_MATCH_DATABASE_URL=url, ATS_MATCH_DATA_DIR=str(tmp_path))
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"

    def up() -> bool:
        try:
            return httpx.get(base + "/login", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    with running(argv, env, log) as process:
        wait_until(up, 60, "the server", log, process)
        yield base, seeded


@pytest.fixture
def page(tmp_path: Path):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        yield page
        browser.close()


def test_recruiter_signs_in_ranks_and_opens_a_candidate(server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, seeded = server
    page.goto(base + "/")
    expect(page).to_have_url(base + "/login")
    page.get_by_label("API key").fill(seeded.key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Jobs")).to_be_visible()

    page.get_by_role("link", name="Data Analyst").click()
    rows = page.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Grace Hopper")
    expect(rows.nth(2)).to_contain_text("Alan Turing")

    page.get_by_label("Qualified only").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Alan Turing")).to_have_count(0)

    page.get_by_role("link", name="Grace Hopper").click()
    page.get_by_text("Verification checks").click()
    expect(page.get_by_text("The EdDSA signature is valid.")).to_be_visible()
    expect(page.get_by_text("Python is proven by a verified credential.")).to_be_visible()
    page.screenshot(path=str(tmp_path / "candidate.png"), full_page=True)


def test_pages_have_the_basics_of_accessibility(server, page) -> None:  # type: ignore[no-untyped-def]
    base, seeded = server
    page.goto(base + "/login")
    assert page.get_attribute("html", "lang") == "en"
    page.get_by_label("API key").fill(seeded.key)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/")
    for path in ("/", f"/jobs/{seeded.job_id}", f"/applications/{seeded.best_application_id}"):
        page.goto(base + path)
        assert page.locator("main").count() == 1
        assert page.locator("h1").count() == 1
        unlabeled = page.evaluate(
            "[...document.querySelectorAll('input:not([type=hidden])')]"
            ".filter(i => !i.labels || i.labels.length === 0).length"
        )
        assert unlabeled == 0
        assert page.title().endswith("ats-match")
