"""On the demo as `ats-match run` serves it: a recruiter corrects the skills of a candidate's
credential on the candidate page, and the worker re-maps and re-ranks the job with it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.processes import free_port, product_env, running, wait_until
from tests.web.browser import chromium, serious_axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium() as browser:
        yield browser.new_page()


def _secret(path: Path, email: str) -> str:
    for line in path.read_text().splitlines():
        who, value = line.split("\t")
        if who == email:
            return value
    raise AssertionError(f"nothing kept for {email}")


def test_a_corrected_mapping_moves_the_candidate_up(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "ats_match.cli.main", "run", "--port", str(port)]
    env = product_env(ATS_MATCH_DATA_DIR=str(tmp_path / "data"))
    log = tmp_path / "run.log"
    with running(argv, env, log) as process:
        wait_until(lambda: _up(base), 90, "ats-match run", log, process)
        data = tmp_path / "data"
        email = "recruiter@demo.example"
        key = _secret(data / "demo-keys.txt", email)
        headers = {"authorization": f"Bearer {key}"}
        jobs = httpx.get(f"{base}/api/v1/jobs", headers=headers).json()
        job = next(j["id"] for j in jobs if j["title"] == "Data Analyst")

        def ranking() -> list[dict[str, Any]]:
            return list(httpx.get(f"{base}/api/v1/jobs/{job}/ranking", headers=headers).json())

        wait_until(
            lambda: len(ranking()) == 10 and all(r["score"] is not None for r in ranking()),
            120,
            "the demo to be scored",
            log,
            process,
        )
        before = [r["candidate_name"] for r in ranking()].index("Dana Kowalski")
        dana_before = next(r["score"] for r in ranking() if r["candidate_name"] == "Dana Kowalski")

        sign_in(page, base, email, _secret(data / "demo-passwords.txt", email))
        page.goto(f"{base}/jobs/{job}")
        page.get_by_role("link", name="Dana Kowalski").click()
        page.get_by_text("Correct these skills").click()
        search = page.get_by_label("Add a skill")
        search.fill("SQL")
        choice = page.get_by_role("checkbox", name="SQL (knowledge)", exact=True)
        expect(choice).to_be_visible(timeout=10_000)
        assert serious_axe_violations(page) == []
        choice.check()
        page.get_by_role("button", name="Save and re-rank").click()
        expect(page.get_by_role("status").filter(has_text="Skills corrected")).to_be_visible()

        def moved() -> bool:
            score = next(r["score"] for r in ranking() if r["candidate_name"] == "Dana Kowalski")
            return score is not None and score > dana_before

        wait_until(moved, 90, "Dana's score to rise after the correction", log, process)
        after = [r["candidate_name"] for r in ranking()].index("Dana Kowalski")
        page.goto(f"{base}/jobs/{job}")
        page.screenshot(path=str(tmp_path / "after-correction.png"), full_page=True)
    assert after < before, (before, after)


def _up(base: str) -> bool:
    try:
        return httpx.get(base + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
