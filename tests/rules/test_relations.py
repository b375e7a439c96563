"""The readers that turn stored documents into relation and trust inputs (rules.relations)."""

from __future__ import annotations

from rules.inputs import Association
from rules.relations import (
    accreditors_of,
    achievement_of,
    alignment_targets,
    clr_associations,
    registries_of,
    related_ids,
)

CLR = {
    "type": ["VerifiableCredential", "ClrCredential"],
    "credentialSubject": {
        "type": "ClrSubject",
        "association": [
            {
                "type": "Association",
                "associationType": "isChildOf",
                "sourceId": "urn:ach:module-1",
                "targetId": "urn:ach:diploma",
            },
            {
                "type": "Association",
                "associationType": "precedes",
                "sourceId": "a",
                "targetId": "b",
            },
            {"associationType": "madeUp", "sourceId": "a", "targetId": "b"},
            {"associationType": "isParentOf", "sourceId": "a"},
        ],
    },
}


def test_clr_associations_keep_the_known_types_with_both_ends() -> None:
    assert clr_associations(CLR) == [
        Association(kind="isChildOf", source="urn:ach:module-1", target="urn:ach:diploma"),
        Association(kind="precedes", source="a", target="b"),
    ]
    assert clr_associations({"credentialSubject": {"achievement": {}}}) == []


def test_ob3_related_and_alignments() -> None:
    doc = {
        "credentialSubject": {
            "achievement": {
                "id": "urn:ach:v2",
                "related": [{"id": "urn:ach:v1", "type": ["Related"]}, {"type": ["Related"]}],
            }
        }
    }
    assert related_ids(achievement_of(doc)) == ["urn:ach:v1"]
    assert alignment_targets(
        [{"target_url": "http://esco/skill/1"}, {"targetCode": "K1"}, {"target_name": "x"}]
    ) == ["http://esco/skill/1", "K1"]


def test_registry_and_accreditation_facts_of_an_issuer_answer() -> None:
    detail = {
        "registry": "Employer accredited bodies",
        "registry_kind": "accreditation_list",
        "accreditor": "UKAS",
        "accreditations": [{"accreditor": "UKAS"}, {"accreditor": "DAkkS"}],
    }
    assert registries_of(detail) == ["Employer accredited bodies"]
    assert accreditors_of(detail) == ["UKAS", "DAkkS"]
    assert accreditors_of({"registry": "DCC"}) == [] and registries_of({}) == []
