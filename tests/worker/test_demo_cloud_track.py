"""The demo's progressive-track job: the seeded applicants, verified and scored in process,
rank the AWS track above the badge collection and say why; its AWS track is the demo
organisation's pathway, which the job's set names."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Application, Job, Pathway, RequirementSet, Score
from ats_match.settings import get_settings


def test_the_demo_track_job_values_depth_over_a_badge_collection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db.upgrade(url)
    monkeypatch.setenv("ATS_MATCH_DATABASE_URL", url)
    monkeypatch.setenv("ATS_MATCH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        from worker.demo import seed
        from worker.pipeline import settle_application

        seed()
        engine = db.make_engine(url)
        with Session(engine) as session:
            job = session.exec(select(Job).where(col(Job.external_id) == "demo-cloud-track")).one()
            applications = session.exec(
                select(Application).where(col(Application.job_id) == job.id)
            ).all()
            for application in applications:
                settle_application(session, application.organization_id, application.id)
            session.commit()
            by_id = {a.id: a.external_id.split(":")[1] for a in applications}
            rows = session.exec(
                select(Score).where(col(Score.application_id).in_(list(by_id)))
            ).all()
            scores = {by_id[s.application_id]: s for s in rows}
            body = session.exec(
                select(RequirementSet.body).where(col(RequirementSet.job_id) == job.id)
            ).one()
            track_rows = session.exec(
                select(Pathway).where(col(Pathway.organization_id) == job.organization_id)
            ).all()
        engine.dispose()
    finally:
        get_settings.cache_clear()
    from worker.demo import DEMO_JOBS

    assert "pathways" not in body
    assert [(p.slug, p.name) for p in track_rows] == [("aws", "AWS certification track")]
    track, collector = DEMO_JOBS["demo-cloud-track"][2]  # the track holder, the collector
    priya, carl = scores[track.email], scores[collector.email]
    assert priya.shortlisted and carl.knocked_out
    depth = {r["rule_id"]: r["sentence"] for r in priya.explanation["rules"]}["depth"]
    assert "3 related credentials building from Foundational to Professional" in depth
    carl_depth = {r["rule_id"]: r["sentence"] for r in carl.explanation["rules"]}["depth"]
    assert "5 unrelated not counted" in carl_depth
