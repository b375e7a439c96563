"""``focus`` conditions: related credentials within the role's skill families, progressing.

Every case goes through ``explain``, which asserts the fast and batch paths agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rules.candidate_level import CompileContext
from rules.inputs import Association
from tests.rules.helpers import PY, SQL, R, cand, cred, explain, rset, skill

DATA = "http://data.europa.eu/esco/skill/group-data"
ART = "http://data.europa.eu/esco/skill/group-art"
PAINT = "http://data.europa.eu/esco/skill/painting"
FAMILIES = CompileContext(
    skill_families={
        SQL: frozenset({DATA}),
        PY: frozenset({DATA}),
        R: frozenset({DATA}),
        PAINT: frozenset({ART}),
    }
)


def focus_set(**focus: Any) -> Any:
    return rset(
        {"id": "sql", "weight": 5, "skill": {"uri": SQL}},
        {"id": "depth", "weight": 10, "focus": {"min_related": 3, **focus}},
    )


def record(*items: tuple[str, str, str | None, str]) -> Any:
    """Credentials (id, skill uri, level, issue date), each with its mapped skill."""
    creds = [
        cred(cid, achievement_name=f"Cert {cid}", level=lv, issued_at=day)
        for cid, _, lv, day in items
    ]
    return cand(creds, [skill(uri, cid) for cid, uri, _, _ in items])


def depth(ev: Any) -> Any:
    return ev.rules[1]


def test_three_related_credentials_meet_it_and_unrelated_ones_are_named() -> None:
    c = record(
        ("a", SQL, None, "2024-01-01"),
        ("b", PY, None, "2024-06-01"),
        ("c", R, None, "2025-01-01"),
        ("d", PAINT, None, "2025-01-01"),
    )
    rule = depth(explain(focus_set(), c, context=FAMILIES))
    assert (rule.outcome, rule.points) == ("met", 10)
    assert "3 related credentials" in rule.sentence
    assert "1 unrelated not counted" in rule.sentence
    assert [i.check for i in rule.evidence].count("unrelated") == 1


def test_two_related_are_not_enough_and_scattered_ones_do_not_help() -> None:
    c = record(
        ("a", SQL, None, "2024-01-01"),
        ("b", PY, None, "2024-06-01"),
        *((f"x{i}", PAINT, None, "2025-01-01") for i in range(9)),
    )
    rule = depth(explain(focus_set(), c, context=FAMILIES))
    assert rule.outcome == "unmet"
    assert "2 related credentials; 3 needed" in rule.sentence
    assert "9 unrelated not counted" in rule.sentence


def test_without_skill_families_only_the_roles_own_skills_relate() -> None:
    c = record(
        ("a", SQL, None, "2024-01-01"), ("b", PY, None, "2024-06-01"), ("c", R, None, "2025-01-01")
    )
    assert depth(explain(focus_set(), c)).outcome == "unmet"
    explicit = focus_set(families=[DATA])
    assert depth(explain(explicit, c, context=FAMILIES)).outcome == "met"


def test_alignments_make_a_credential_related() -> None:
    c = cand([cred(f"a{i}", alignments=[SQL]) for i in range(3)])
    assert depth(explain(focus_set(), c, context=FAMILIES)).outcome == "met"


def test_progressive_needs_levels_rising_over_time() -> None:
    rs = focus_set(progressive=True, levels=["foundation", "intermediate", "advanced"])
    rising = record(
        ("a", SQL, "foundation", "2023-01-01"),
        ("b", PY, "intermediate", "2024-01-01"),
        ("c", R, "advanced", "2025-01-01"),
    )
    rule = depth(explain(rs, rising, context=FAMILIES))
    assert rule.outcome == "met"
    assert "3 related credentials building from foundation to advanced" in rule.sentence
    flat = record(
        ("a", SQL, "advanced", "2023-01-01"),
        ("b", PY, "advanced", "2024-01-01"),
        ("c", R, "foundation", "2025-01-01"),
    )
    rule = depth(explain(rs, flat, context=FAMILIES))
    assert rule.outcome == "unmet" and "do not build on each other" in rule.sentence


def test_a_clr_precedes_link_shows_progression() -> None:
    rs = focus_set(progressive=True)
    c = record(("a", SQL, None, None), ("b", PY, None, None), ("c", R, None, None))
    c = c.model_copy(
        update={
            "credentials": [
                x.model_copy(
                    update={
                        "achievement_id": f"urn:{x.credential_id}",
                        "issued_at": date(2025, 1, 1),
                    }
                )
                for x in c.credentials
            ]
        }
    )
    assert depth(explain(rs, c, context=FAMILIES)).outcome == "unmet"
    linked = c.model_copy(
        update={"associations": [Association(kind="precedes", source="urn:a", target="urn:c")]}
    )
    rule = depth(explain(rs, linked, context=FAMILIES))
    assert rule.outcome == "met" and "from 'Cert a' on to 'Cert c'" in rule.sentence


def test_pathway_order_ranks_the_credentials() -> None:
    pathway = {
        "id": "data",
        "levels": [
            {"label": "Foundational", "achievements": [{"name_pattern": "*Foundations*"}]},
            {"label": "Professional", "achievements": [{"name_pattern": "*Professional*"}]},
        ],
    }
    rs = rset(
        {"id": "sql", "weight": 5, "skill": {"uri": SQL}},
        {
            "id": "depth",
            "weight": 10,
            "focus": {"min_related": 2, "progressive": True, "pathway": "data"},
        },
        pathways=[pathway],
    )
    creds = [
        cred("a", achievement_name="Data Foundations", issued_at="2023-05-01"),
        cred("b", achievement_name="Data Professional", issued_at="2025-05-01"),
    ]
    c = cand(creds, [skill(SQL, "a"), skill(PY, "b")])
    rule = depth(explain(rs, c, context=FAMILIES))
    assert rule.outcome == "met" and "from Foundational to Professional" in rule.sentence


def test_expired_credentials_still_show_depth_unless_the_focus_wants_current_ones() -> None:
    c = record(
        ("a", SQL, None, "2020-01-01"), ("b", PY, None, "2022-06-01"), ("c", R, None, "2025-01-01")
    )
    expired = [x.model_copy(update={"valid_until": date(2024, 1, 1)}) for x in c.credentials[:2]]
    c = c.model_copy(update={"credentials": [*expired, c.credentials[2]]})
    rs = focus_set()
    rs = rs.model_copy(update={"defaults": rs.defaults.model_copy(update={"still_valid": True})})
    assert depth(explain(rs, c, context=FAMILIES)).outcome == "met"
    current_only = focus_set(still_valid=True)
    rule = depth(explain(current_only, c, context=FAMILIES))
    assert rule.outcome == "unmet" and "2 related not counted (expired)" in rule.sentence


def test_within_years_and_verification_decide_what_counts() -> None:
    rs = focus_set(within_years=2)
    c = record(
        ("a", SQL, None, "2019-01-01"), ("b", PY, None, "2025-06-01"), ("c", R, None, "2025-01-01")
    )
    rule = depth(explain(rs, c, context=FAMILIES))
    assert rule.outcome == "unmet" and "1 related not counted (too old)" in rule.sentence
    pending = record(
        ("a", SQL, None, "2025-01-01"), ("b", PY, None, "2025-06-01"), ("c", R, None, "2025-01-01")
    )
    pending = pending.model_copy(
        update={
            "credentials": [
                *pending.credentials[:2],
                pending.credentials[2].model_copy(update={"verdict": "unverified"}),
            ]
        }
    )
    rule = depth(explain(rs, pending, context=FAMILIES))
    assert rule.outcome == "not_evaluable" and "1 more could count once verified" in rule.sentence


def test_save_time_warnings_for_a_focus() -> None:
    from rules import check_requirement_set

    rs = focus_set(families=[DATA, "urn:nowhere"])
    issues = check_requirement_set(rs, known_skill=lambda uri: uri != "urn:nowhere")
    assert [(i.severity, i.field) for i in issues] == [
        ("warning", "requirements[1].focus.families")
    ]
    alone = rset({"id": "depth", "weight": 10, "focus": {"min_related": 2}})
    assert "never met" in str(check_requirement_set(alone)[0])
