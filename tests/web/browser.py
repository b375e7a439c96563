"""Shared set-up for the browser tests: a real server process (optionally with its worker) on
a seeded SQLite database, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from ats_match import db
from tests.support.processes import free_port, product_env, running, wait_until
from tests.web.seed import Seeded, seed_org

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def product_server(
    tmp_path: Path, *, worker: bool = False, before: Callable[[str, Seeded], None] | None = None
) -> Iterator[tuple[str, Seeded]]:
    """``ats-match serve`` (or ``run --no-seed``: server and worker) on a seeded database."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        seeded = seed_org(session)
        session.commit()
    engine.dispose()
    if before is not None:
        before(url, seeded)
    port = free_port()
    command = ["run", "--no-seed"] if worker else ["serve"]
    argv = [sys.executable, "-m", "ats_match.cli.main", *command, "--port", str(port)]
    env = product_env(
        ATS_MATCH_DATABASE_URL=url,
        ATS_MATCH_DATA_DIR=str(tmp_path),
        ATS_MATCH_FETCH_ALLOW_HOSTS="127.0.0.1",
    )
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"

    def up() -> bool:
        try:
            return httpx.get(base + "/login", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    with running(argv, env, log) as process:
        wait_until(up, 90, "the server", log, process)
        yield base, seeded


@contextmanager
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Any, base: str, email: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto(base + "/login", wait_until="load")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Jobs")).to_be_visible(timeout=15_000)
    expect(page).to_have_url(base + "/")


def serious_axe_violations(page: Any) -> list[str]:
    """axe-core (shipped in the axe-playwright-python wheel) on the current page: the rules
    of WCAG 2.0-2.2 A and AA whose violations are serious or critical."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
