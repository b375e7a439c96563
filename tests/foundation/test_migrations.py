"""The migrations build the schema the models describe, on both backends."""

from __future__ import annotations

from alembic import command

from ats_match import db


def test_alembic_check_reports_no_drift(database_url: str) -> None:
    command.check(db.alembic_config(database_url))  # raises on drift


def test_downgrade_and_upgrade_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    db.upgrade(url)
    command.downgrade(db.alembic_config(url), "base")
    db.upgrade(url)
    command.check(db.alembic_config(url))
