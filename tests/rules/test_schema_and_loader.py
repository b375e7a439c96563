"""The schema's structural checks, error messages with line numbers, JSON Schema export."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from rules import (
    RequirementSetError,
    load_requirement_set,
    loads_requirement_set,
    parse_requirement_set,
    requirement_set_json_schema,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "rules" / "examples"

GOOD = """\
id: role
name: Role
requirements:
  - id: sql
    weight: 10
    skill: {uri: "urn:sql"}
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(RequirementSetError) as info:
        loads_requirement_set(text, source="role.yaml")
    return [str(e) for e in info.value.errors]


class TestLineNumbers:
    def test_bad_value_points_at_its_line(self) -> None:
        text = (
            GOOD
            + "  - id: py\n    weight: 5\n    skill:\n      uri: urn:py\n      min_confidence: 1.5\n"
        )
        assert errors_of(text) == [
            "line 11: requirements[1].skill.min_confidence: Input should be less than or equal to 1"
        ]

    def test_unknown_field_is_named(self) -> None:
        text = GOOD.replace("    weight: 10\n", "    weight: 10\n    wieght: 3\n")
        assert errors_of(text) == ["line 6: requirements[0].wieght: unknown field 'wieght'"]

    def test_missing_condition(self) -> None:
        text = GOOD.replace('    skill: {uri: "urn:sql"}\n', "")
        [err] = errors_of(text)
        assert err.startswith("line 4: requirements[0]: give exactly one of 'skill', 'credential'")

    def test_two_conditions_in_one_node(self) -> None:
        text = (
            GOOD
            + "  - id: g\n    weight: 1\n    any_of:\n      - skill: {uri: a}\n        credential: {achievement_id: b}\n"
        )
        [err] = errors_of(text)
        assert err.startswith("line 10: requirements[1].any_of[0]: give exactly one of")

    def test_missing_required_field_points_at_parent(self) -> None:
        [err] = errors_of(
            "name: Role\nrequirements:\n  - id: a\n    weight: 1\n    skill: {uri: u}\n"
        )
        assert err == "line 1: id: missing required field 'id'"

    def test_at_least_more_than_listed(self) -> None:
        text = (
            GOOD
            + "  - id: stack\n    weight: 1\n    at_least:\n      n: 3\n      of:\n        - credential: {achievement_id: a}\n        - credential: {achievement_id: b}\n"
        )
        [err] = errors_of(text)
        assert err == "line 10: requirements[1].at_least: at_least asks for 3 but lists only 2"

    def test_yaml_syntax_error_has_line(self) -> None:
        [err] = errors_of(GOOD + "  - id: [unclosed\n")
        assert err.startswith("line 8:") and "not valid YAML" in err

    def test_json_error_has_line(self) -> None:
        body = json.dumps(
            {
                "id": "role",
                "name": "R",
                "requirements": [{"id": "a", "weight": -1, "skill": {"uri": "u"}}],
            },
            indent=2,
        )
        [err] = errors_of(body)
        assert err.startswith("line 7: requirements[0].weight: Input should be greater than")

    def test_invalid_json_syntax(self) -> None:
        [err] = errors_of('{"id": "role",\n "name": }')
        assert err.startswith("line 2:") and "not valid JSON" in err

    def test_error_message_names_source(self) -> None:
        with pytest.raises(
            RequirementSetError, match=r"role.yaml: line 5: requirements\[0\]\.weight"
        ):
            loads_requirement_set(GOOD.replace("weight: 10", "weight: ten"), source="role.yaml")


class TestStructuralChecks:
    @pytest.mark.parametrize(
        ("patch", "message"),
        [
            (
                {
                    "requirements": [
                        {"id": "a", "weight": 1, "skill": {"uri": "u"}},
                        {"id": "a", "weight": 1, "skill": {"uri": "v"}},
                    ]
                },
                "requirement id 'a' is used twice",
            ),
            (
                {"thresholds": {"qualified": 80, "shortlist": 60}},
                "shortlist (60) is below qualified (80)",
            ),
            (
                {"requirements": [{"id": "a", "weight": 0, "skill": {"uri": "u"}}]},
                "weights sum to zero and nothing is a must",
            ),
            (
                {
                    "requirements": [
                        {
                            "id": "a",
                            "weight": 1,
                            "skill": {"uri": "u", "issuers": {"allow": ["X"], "deny": ["x"]}},
                        }
                    ]
                },
                "issuer(s) both allowed and denied: x",
            ),
            (
                {
                    "requirements": [
                        {
                            "id": "a",
                            "weight": 1,
                            "skill": {"uri": "u", "min_level": "pro", "levels": ["a", "b"]},
                        }
                    ]
                },
                "min_level 'pro' is not one of levels",
            ),
            (
                {
                    "requirements": [
                        {"id": "a", "weight": 1, "skill": {"uri": "u", "min_level": "pro"}}
                    ]
                },
                "give 'levels' (lowest first) to compare words",
            ),
            (
                {
                    "requirements": [
                        {"id": "a", "weight": 1, "skill": {"uri": "u", "issued_within": "soon"}}
                    ]
                },
                "'soon' is not a duration",
            ),
            (
                {"requirements": [{"id": "a", "weight": 1, "skill": {}}]},
                "a skill needs a 'uri' or a 'label'",
            ),
            (
                {"requirements": [{"id": "a", "weight": 1, "credential": {"min_level": 2}}]},
                "a credential needs at least one of",
            ),
            ({"requirements": [{"id": "a", "weight": 1, "any_of": []}]}, "at least 1 item"),
            (
                {
                    "requirements": [
                        {"id": "a", "weight": 1, "skill": {"uri": "u", "indeterminate_penalty": 1}}
                    ]
                },
                "less than 1",
            ),
            ({"requirements": []}, "at least 1 item"),
        ],
    )
    def test_rejected_with_clear_message(self, patch: dict[str, object], message: str) -> None:
        body: dict[str, object] = {
            "id": "role",
            "name": "Role",
            "requirements": [{"id": "a", "weight": 1, "skill": {"uri": "u"}}],
        }
        body.update(patch)
        with pytest.raises(RequirementSetError) as info:
            parse_requirement_set(body)
        assert any(message in e.message for e in info.value.errors), info.value.errors

    def test_numbers_in_yaml_levels_are_text(self) -> None:
        rs = loads_requirement_set(
            GOOD.replace('{uri: "urn:sql"}', "{uri: u, min_level: 3, levels: [1, 2, 3]}")
        )
        assert rs.requirements[0].skill.min_level == "3"  # type: ignore[union-attr]


class TestExamplesAndJsonSchema:
    @pytest.mark.parametrize(
        "name",
        [
            "data_analyst",
            "cloud_engineer",
            "registered_nurse",
            "cloud_progressive",
            "nursing_evidence",
        ],
    )
    def test_examples_load_and_match_the_json_schema(self, name: str) -> None:
        path = EXAMPLES / f"{name}.yaml"
        rs = load_requirement_set(path)
        assert len(rs.requirements) >= 6
        jsonschema.validate(yaml.safe_load(path.read_text()), requirement_set_json_schema())

    def test_schema_rejects_two_conditions(self) -> None:
        schema = requirement_set_json_schema()
        bad = {
            "id": "r",
            "name": "R",
            "requirements": [
                {"id": "a", "weight": 1, "skill": {"uri": "u"}, "credential": {"issuer_id": "i"}}
            ],
        }
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)

    def test_schema_documents_fields(self) -> None:
        text = json.dumps(requirement_set_json_schema())
        for word in (
            "issued_within",
            "indeterminate_penalty",
            "at_least",
            "name_pattern",
            "include_narrower",
            "shortlist",
        ):
            assert word in text

    def test_round_trip_through_json(self) -> None:
        rs = load_requirement_set(EXAMPLES / "cloud_engineer.yaml")
        again = parse_requirement_set(json.loads(rs.model_dump_json(exclude_none=True)))
        assert again == rs
