"""Save-time checks: unknown skill URIs and labels, zero weights, conflicting issuers."""

from __future__ import annotations

import pytest

from rules import RequirementSetError, check_requirement_set, validate_for_save
from tests.rules.helpers import PY, SQL, rset

KNOWN = {SQL, PY}


def test_unknown_skill_uri_is_a_save_time_error() -> None:
    rs = rset(
        {
            "id": "x",
            "weight": 1,
            "any_of": [
                {"skill": {"uri": SQL}},
                {"skill": {"uri": "http://data.europa.eu/esco/skill/nope"}},
            ],
        }
    )
    with pytest.raises(RequirementSetError) as info:
        validate_for_save(rs, known_skill=KNOWN.__contains__)
    [err] = info.value.errors
    assert err.field == "requirements[0].any_of[1].skill.uri"
    assert "unknown skill URI 'http://data.europa.eu/esco/skill/nope'" in err.message


def test_known_uris_pass_and_without_a_taxonomy_nothing_is_checked() -> None:
    rs = rset({"id": "x", "weight": 1, "skill": {"uri": "urn:whatever"}})
    assert validate_for_save(rs) == []
    assert (
        validate_for_save(
            rset({"id": "x", "weight": 1, "skill": {"uri": SQL}}), known_skill=KNOWN.__contains__
        )
        == []
    )


def test_unresolvable_label() -> None:
    rs = rset({"id": "x", "weight": 1, "skill": {"label": "Klingon"}})
    issues = check_requirement_set(rs, resolve_label={"SQL": SQL}.get)
    assert [(i.severity, i.field) for i in issues] == [("error", "requirements[0].skill.label")]


def test_zero_weights_warn() -> None:
    rs = rset({"id": "x", "must": True, "skill": {"uri": SQL}})
    warnings = validate_for_save(rs)
    assert [w.severity for w in warnings] == ["warning"]
    assert "weights sum to zero" in warnings[0].message


def test_should_with_zero_weight_warns() -> None:
    rs = rset({"id": "x", "weight": 1, "skill": {"uri": SQL}}, {"id": "y", "skill": {"uri": PY}})
    assert any("'y' is a should with weight 0" in i.message for i in validate_for_save(rs))


def test_conflicting_group_issuer_pinned_but_denied() -> None:
    rs = rset(
        {
            "id": "x",
            "weight": 1,
            "filters": {"issuers": {"deny": ["iss:a"]}},
            "any_of": [
                {"credential": {"issuer_id": "iss:a"}},
                {"credential": {"issuer_id": "iss:b"}},
            ],
        }
    )
    with pytest.raises(RequirementSetError, match="deny-list excludes"):
        validate_for_save(rs)


def test_conflicting_group_issuer_not_on_allow_list() -> None:
    rs = rset(
        {"id": "x", "weight": 1, "credential": {"issuer_id": "iss:z"}},
        defaults={"issuers": {"allow": ["iss:a"]}},
    )
    with pytest.raises(RequirementSetError, match="not on the allow-list"):
        validate_for_save(rs)
