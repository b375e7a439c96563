"""The total readers used on untrusted JSON values."""

from __future__ import annotations

from datetime import UTC, datetime

from ats_match.formats import fields as f


def test_text() -> None:
    assert f.text("a") == "a"
    assert f.text({"@value": "b", "@language": "en"}) == "b"
    assert f.text({"en": "Teamwork", "de": "Teamarbeit"}) == "Teamwork"
    assert f.text({"id": "urn:x", "type": "Thing"}) is None
    assert f.text(["c", "d"]) == "c"
    assert f.text(5) is None and f.text(None) is None


def test_timestamp() -> None:
    moment = datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert f.timestamp("2024-05-01T12:00:00Z") == moment
    assert f.timestamp("2024-05-01T12:00:00") == moment
    assert f.timestamp(int(moment.timestamp())) == moment
    assert f.timestamp(str(int(moment.timestamp()))) == moment
    assert f.timestamp("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    for bad in ("yesterday", True, 10**20, -5, "9" * 100, None, {"a": 1}):
        assert f.timestamp(bad) is None


def test_types_and_ids() -> None:
    assert f.types_of({"type": ["VerifiableCredential", "obi:Assertion"]}) == {
        "VerifiableCredential",
        "Assertion",
    }
    assert f.node_id({"id": "urn:a"}) == "urn:a" and f.node_id("urn:b") == "urn:b"
    assert f.node_id(3) is None
    assert f.as_list(None) == [] and f.as_list(1) == [1] and f.as_list([1]) == [1]
