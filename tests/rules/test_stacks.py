"""``stack`` conditions: a pathway level held directly, or completed from its parts.

Every case goes through ``explain``, which asserts the fast and batch paths agree.
"""

from __future__ import annotations

from typing import Any

import pytest

from rules import RequirementSetError, loads_requirement_set, validate_for_save
from rules.candidate_level import CompileContext
from rules.editing import check_text
from rules.inputs import Association
from rules.schema import Pathway
from tests.rules.helpers import cand, cred, explain, rset

AWS: dict[str, Any] = {
    "id": "aws",
    "label": "AWS track",
    "levels": [
        {"label": "Foundational", "achievements": [{"name_pattern": "*Cloud Practitioner*"}]},
        {"label": "Associate", "achievements": [{"achievement_id": "urn:aws:saa"}]},
        {
            "label": "Professional",
            "achievements": [{"achievement_id": "urn:aws:sap"}],
            "parts": [{"achievement_id": "urn:aws:sap-1"}, {"achievement_id": "urn:aws:sap-2"}],
        },
    ],
}


def stack_set(min_level: int | str = 2, must: bool = False, **filters: Any) -> Any:
    rule = {"id": "track", "weight": 10, "must": must, "stack": {"pathway": "aws"}}
    rule["stack"].update(min_level=min_level, **filters)
    return rset(rule, pathways=[AWS])


def practitioner(cid: str = "p", **kw: Any) -> Any:
    return cred(cid, achievement_id="urn:aws:ccp", achievement_name="AWS Cloud Practitioner", **kw)


def test_a_credential_at_the_level_meets_it() -> None:
    ev = explain(stack_set(2), cand([cred("a", achievement_id="urn:aws:saa")]))
    rule = ev.rules[0]
    assert (rule.outcome, rule.points) == ("met", 10)
    assert "level 2 (Associate) of AWS track held" in rule.sentence


def test_a_higher_level_meets_a_lower_minimum() -> None:
    ev = explain(stack_set("Associate"), cand([cred("a", achievement_id="urn:aws:sap")]))
    assert ev.rules[0].outcome == "met" and "level 3 (Professional)" in ev.rules[0].sentence


def test_a_lower_level_does_not_and_says_how_far_the_candidate_got() -> None:
    ev = explain(stack_set(2, must=True), cand([practitioner()]))
    rule = ev.rules[0]
    assert rule.outcome == "unmet" and ev.knocked_out
    assert "highest level held is level 1 (Foundational)" in rule.sentence
    assert [i.credential_id for i in rule.evidence] == ["p"]


def test_all_employer_defined_parts_compose_the_level() -> None:
    one = cred("1", achievement_id="urn:aws:sap-1", achievement_name="SAP part 1")
    two = cred("2", achievement_id="urn:aws:sap-2", achievement_name="SAP part 2")
    assert explain(stack_set(3), cand([one])).rules[0].outcome == "unmet"
    ev = explain(stack_set(3), cand([one, two]))
    assert ev.rules[0].outcome == "met"
    assert "completed from its parts 'SAP part 1', 'SAP part 2'" in ev.rules[0].sentence


def test_parts_stated_by_clr_associations_compose_the_larger_qualification() -> None:
    parts = [cred(f"m{i}", achievement_id=f"urn:mod:{i}") for i in (1, 2)]
    links = [
        Association(kind="isChildOf", source="urn:mod:1", target="urn:aws:saa"),
        Association(kind="isParentOf", source="urn:aws:saa", target="urn:mod:2"),
    ]
    holder = cand(parts).model_copy(update={"associations": links})
    assert explain(stack_set(2), holder).rules[0].outcome == "met"
    only_one = cand(parts[:1]).model_copy(update={"associations": links})
    assert explain(stack_set(2), only_one).rules[0].outcome == "unmet"


def test_related_ids_and_replacements_count_as_the_achievement() -> None:
    renamed = cred("r", achievement_id="urn:aws:saa-2024", related=["urn:aws:saa"])
    assert explain(stack_set(2), cand([renamed])).rules[0].outcome == "met"
    newer = cred("n", achievement_id="urn:aws:saa-v3")
    link = Association(kind="replacedBy", source="urn:aws:saa", target="urn:aws:saa-v3")
    replaced = cand([newer]).model_copy(update={"associations": [link]})
    assert explain(stack_set(2), replaced).rules[0].outcome == "met"


def test_stack_credentials_pass_the_same_filters_as_credential_conditions() -> None:
    expired = cred("a", achievement_id="urn:aws:saa", valid_until="2026-01-01")
    ev = explain(stack_set(2), cand([expired]))
    assert ev.rules[0].outcome == "unmet" and ev.rules[0].evidence[0].check == "expired"
    unverified = cred("a", achievement_id="urn:aws:saa", verdict="unverified")
    assert explain(stack_set(2, must=True), cand([unverified])).needs_review
    old = cred("a", achievement_id="urn:aws:saa", issued_at="2020-01-01")
    assert explain(stack_set(2, issued_within="2 years"), cand([old])).rules[0].outcome == "unmet"


def test_a_stack_inside_a_group() -> None:
    rs = rset(
        {
            "id": "cloud",
            "weight": 10,
            "any_of": [
                {"stack": {"pathway": "aws", "min_level": 3}},
                {"credential": {"achievement_id": "urn:gcp:pca"}},
            ],
        },
        pathways=[AWS],
    )
    assert explain(rs, cand([cred("g", achievement_id="urn:gcp:pca")])).rules[0].outcome == "met"
    assert explain(rs, cand([cred("a", achievement_id="urn:aws:sap")])).rules[0].outcome == "met"
    assert explain(rs, cand([practitioner()])).rules[0].outcome == "unmet"


@pytest.mark.parametrize(
    ("stack", "message"),
    [
        ({"pathway": "aws", "min_level": 4}, "has no level 4"),
        ({"pathway": "aws", "min_level": "Expert"}, "has no level 'Expert'"),
    ],
)
def test_unknown_pathways_and_levels_are_refused_with_the_line(
    stack: dict[str, Any], message: str
) -> None:
    text = (
        "id: r\nname: R\npathways:\n  - id: aws\n    levels:\n      - label: F\n"
        "        achievements: [{achievement_id: a}]\n      - label: A\n"
        "        achievements: [{achievement_id: b}]\n      - label: P\n"
        "        achievements: [{achievement_id: c}]\n"
        f"requirements:\n  - id: t\n    weight: 1\n    stack: {stack}\n"
    ).replace("'", '"')
    with pytest.raises(RequirementSetError) as err:
        loads_requirement_set(text)
    shown = str(err.value).replace('"', "'")
    assert message in shown and "line " in shown


def test_a_stack_names_the_organisations_pathway_when_the_set_has_none_of_that_id() -> None:
    rs = rset({"id": "track", "weight": 10, "stack": {"pathway": "aws", "min_level": 2}})
    organisation = {"aws": Pathway.model_validate(AWS)}
    assert validate_for_save(rs, pathways=organisation) == []
    context = CompileContext(pathways=organisation)
    held = cand([cred("a", achievement_id="urn:aws:saa")])
    assert explain(rs, held, context=context).rules[0].outcome == "met"
    assert explain(rs, cand([practitioner()]), context=context).rules[0].outcome == "unmet"


def test_the_sets_own_pathway_comes_before_the_organisations() -> None:
    own = {**AWS, "label": "Our track", "levels": AWS["levels"][:1]}
    rs = rset({"id": "track", "weight": 10, "stack": {"pathway": "aws"}}, pathways=[own])
    context = CompileContext(pathways={"aws": Pathway.model_validate(AWS)})
    found = explain(rs, cand([practitioner()]), context=context).rules[0]
    assert found.outcome == "met"
    assert "Our track" in found.sentence


@pytest.mark.parametrize(
    ("stack", "message"),
    [
        ({"pathway": "gcp"}, "unknown pathway 'gcp': not in the set's pathways nor the "),
        ({"pathway": "aws", "min_level": "Expert"}, "pathway 'aws' has no level 'Expert'"),
    ],
)
def test_a_pathway_neither_the_set_nor_the_organisation_has_is_a_finding_on_its_line(
    stack: dict[str, Any], message: str
) -> None:
    text = f"id: r\nname: R\nrequirements:\n  - id: t\n    weight: 1\n    stack: {stack}\n"
    organisation = {"aws": Pathway.model_validate(AWS)}
    rs = loads_requirement_set(text.replace("'", '"'))  # the schema leaves it to save time
    with pytest.raises(RequirementSetError) as err:
        validate_for_save(rs, pathways=organisation)
    assert message in str(err.value).replace('"', "'")
    checked = check_text(text.replace("'", '"'), pathways=organisation)
    assert [(f.field, f.line) for f in checked.errors] == [("requirements[0].stack.pathway", 6)]
