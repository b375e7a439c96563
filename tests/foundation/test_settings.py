from __future__ import annotations

import pytest
from pydantic import ValidationError

from ats_match.settings import Environment, Settings


def test_placeholder_secret_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(environment=Environment.PRODUCTION, secret_key="changethis")


def test_real_secret_is_accepted_in_production() -> None:
    settings = Settings(environment=Environment.PRODUCTION, secret_key="x" * 40)
    assert settings.secret_key == "x" * 40


def test_embedded_defaults_need_no_services(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.resolved_broker_url.startswith("sqla+sqlite:///")


def test_allow_hosts_parse_from_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATS_MATCH_FETCH_ALLOW_HOSTS", "127.0.0.1, localhost")
    assert Settings().fetch_allow_hosts == ["127.0.0.1", "localhost"]
