"""`make run` prints the demo users' passwords and keeps them across starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ats_match import db
from ats_match.settings import get_settings
from tests.web.browse import sign_in


def test_demo_passwords_and_keys_survive_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db.upgrade(url)
    monkeypatch.setenv("ATS_MATCH_DATABASE_URL", url)
    monkeypatch.setenv("ATS_MATCH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    from worker.demo import seed

    try:
        first = [line for line in seed() if "password" in line and "@" in line]
        second = [line for line in seed() if "password" in line and "@" in line]
        assert len(first) == 3 and first == second
        recruiter = next(line for line in first if line.startswith("recruiter@demo.example"))
        password = recruiter.split("password ", 1)[1].split()[0]
        kept = (tmp_path / "demo-passwords.txt").read_text()
        assert f"recruiter@demo.example\t{password}\n" in kept
        assert oct((tmp_path / "demo-passwords.txt").stat().st_mode)[-3:] == "600"
        from web.app import create_app

        with TestClient(create_app()) as client:
            sign_in(client, "recruiter@demo.example", password)
            assert "Data Analyst" in client.get("/").text
    finally:
        get_settings.cache_clear()
