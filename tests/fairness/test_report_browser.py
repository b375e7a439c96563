"""The adverse-impact page in a real Chromium: reached from the job page by an admin, and
accessible (axe, WCAG 2.x A/AA) at desktop and phone widths without sideways scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from ats_match import db
from ats_match.models import Application, Role, User
from tests.web.browser import (
    chromium,
    no_sideways_scroll,
    product_server,
    serious_axe_violations,
    sign_in,
)
from tests.web.seed import Seeded

pytestmark = pytest.mark.browser


def _admin_with_answers(url: str, seeded: Seeded) -> None:
    """The seeded recruiter made an admin; the two applicants' self-reported answers."""
    engine = db.make_engine(url)
    with Session(engine) as session:
        session.execute(sa.update(User).where(User.email == seeded.email).values(role=Role.ADMIN))  # type: ignore[arg-type]
        session.execute(
            sa.update(Application)
            .where(Application.id == seeded.best_application_id)  # type: ignore[arg-type]
            .values(eeo_sex="female", eeo_race_ethnicity="asian")
        )
        session.commit()
    engine.dispose()


def test_the_report_page_is_linked_and_accessible(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with (
        product_server(tmp_path, before=_admin_with_answers) as (base, seeded),
        chromium() as browser,
    ):
        page = browser.new_page()
        sign_in(page, base, seeded.email, seeded.password)
        page.goto(base + f"/jobs/{seeded.job_id}")
        page.get_by_role("link", name="Adverse-impact report").click()
        expect(page.get_by_role("heading", name="Adverse-impact report")).to_be_visible()
        expect(page.get_by_text("2 applications were scored")).to_be_visible()
        for width, height in ((1280, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            for path in (f"/jobs/{seeded.job_id}", f"/jobs/{seeded.job_id}/adverse-impact"):
                page.goto(base + path)
                assert page.locator("h1").count() == 1
                assert serious_axe_violations(page) == [], (width, path)
                assert no_sideways_scroll(page), (width, path)
        page.screenshot(path=str(tmp_path / "adverse-impact.png"), full_page=True)
