"""``Limits.from_settings`` is built once per configuration, and still follows a change of it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from ats_match.formats.extract import extract_bytes
from ats_match.formats.model import ExtractionErrorCode
from ats_match.settings import get_settings
from tests.support.signing import ob3_credential


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


def _upload_with_deep_evidence(depth: int) -> list[ExtractionErrorCode]:
    vc = ob3_credential("did:example:issuer")
    node: dict[str, object] = {}
    vc["evidence"] = [{"id": "https://example.edu/evidence/1", "extra": node}]
    for _ in range(depth):
        node["next"] = node = {}
    result = extract_bytes(json.dumps(vc).encode())
    return [error.code for error in result.errors]


def test_a_new_depth_limit_applies_to_the_next_upload(settings_env: pytest.MonkeyPatch) -> None:
    assert _upload_with_deep_evidence(20) == []
    settings_env.setenv("ATS_MATCH_MAX_JSON_DEPTH", "12")
    get_settings.cache_clear()
    assert _upload_with_deep_evidence(20) == [ExtractionErrorCode.UNSAFE_DOCUMENT]
    settings_env.setenv("ATS_MATCH_MAX_JSON_DEPTH", "64")
    get_settings.cache_clear()
    assert _upload_with_deep_evidence(20) == []
