"""Hypothesis properties: fast path == explained path, monotonicity, order independence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import (
    CandidateEvidence,
    CredentialEvidence,
    RequirementSet,
    SkillEvidence,
    compile_requirement_set,
    rank,
)
from rules.candidate_level import CompileContext
from rules.columnar.table import build_table
from rules.combine import MET, NOT_MET, UNDECIDED
from rules.inputs import Association
from tests.rules.helpers import REF

SKILLS = [f"urn:skill:{i}" for i in range(5)]
ACHIEVEMENTS = [f"ach:{i}" for i in range(4)]
ISSUERS = ["iss:a", "iss:b", "iss:c"]
LEVELS = ["1", "2", "3"]
FAMILY = "urn:group:0"
CONTEXT = CompileContext(
    skill_families={u: frozenset({FAMILY}) for u in SKILLS[:3]} | {SKILLS[4]: frozenset({"g1"})}
)
"""Three of the skills share a group, one has another: focus sees families."""
PATHWAY = {
    "id": "p",
    "levels": [
        {"label": "L1", "achievements": [{"achievement_id": "ach:0"}]},
        {
            "label": "L2",
            "achievements": [{"achievement_id": "ach:1"}],
            "parts": [{"achievement_id": "ach:2"}, {"achievement_id": "ach:3"}],
        },
        {"label": "L3", "achievements": [{"name_pattern": "*pro*"}]},
    ],
}

filters = st.fixed_dictionaries(
    {},
    optional={
        "verified_only": st.booleans(),
        "indeterminate_penalty": st.sampled_from([0.0, 0.25, 0.5]),
        "issued_within": st.sampled_from(["6 months", "2 years", "90 days"]),
        "still_valid": st.booleans(),
        "min_confidence": st.sampled_from([0.3, 0.6, 0.9]),
        "issuers": st.sampled_from([{"deny": ["iss:c"]}, {"allow": ["iss:a", "iss:b"]}]),
        "accept": st.sampled_from(
            [
                {"validity": ["current", "expired"]},
                {"holder": ["bound", "proven"]},
                {"issuer": ["trusted"]},
                {"authenticity": ["genuine", "unknown"], "min_tier": "issuer_record"},
                {"evidence": True},
                {"registries": ["reg:a"], "min_tier": "platform_page"},
                {"accredited": True, "holder": ["bound"]},
            ]
        ),
    },
)
skill_leaf = st.builds(
    lambda uri, f, lv: {"skill": {"uri": uri, **f, **({"min_level": lv} if lv else {})}},
    st.sampled_from(SKILLS),
    filters,
    st.sampled_from([None, None, "2"]),
)
cred_leaf = st.builds(
    lambda ach, iss, f: {
        "credential": {"achievement_id": ach, **({"issuer_id": iss} if iss else {}), **f}
    },
    st.sampled_from(ACHIEVEMENTS),
    st.sampled_from([None, *ISSUERS]),
    filters,
)
stack_leaf = st.builds(
    lambda level, f: {"stack": {"pathway": "p", "min_level": level, **f}},
    st.sampled_from([1, 2, 3, "L2"]),
    filters,
)
focus_leaf = st.builds(
    lambda n, progressive, years, ordered_by, f: {
        "focus": {
            "min_related": n,
            "progressive": progressive,
            **({"within_years": years} if years else {}),
            **ordered_by,
            **f,
        }
    },
    st.sampled_from([1, 1, 2, 3]),
    st.booleans(),
    st.sampled_from([None, 1, 3]),
    st.sampled_from([{}, {"pathway": "p"}, {"levels": LEVELS}, {"families": [FAMILY, "g1"]}]),
    filters,
)
leaf = st.one_of(skill_leaf, cred_leaf, stack_leaf, focus_leaf)
node = st.recursive(
    leaf,
    lambda kids: st.one_of(
        st.lists(kids, min_size=1, max_size=3).map(lambda xs: {"all_of": xs}),
        st.lists(kids, min_size=1, max_size=3).map(lambda xs: {"any_of": xs}),
        st.lists(kids, min_size=1, max_size=3).flatmap(
            lambda xs: st.integers(1, len(xs)).map(lambda n: {"at_least": {"n": n, "of": xs}})
        ),
    ),
    max_leaves=5,
)


@st.composite
def requirement_sets(draw: st.DrawFn) -> RequirementSet:
    nodes = draw(st.lists(node, min_size=1, max_size=5))
    reqs = []
    for i, n in enumerate(nodes):
        reqs.append(
            {
                "id": f"r{i}",
                "must": draw(st.booleans()),
                "weight": draw(st.sampled_from([0, 1, 2.5, 10])),
                **n,
            }
        )
    if not any(r["must"] for r in reqs) and not any(r["weight"] for r in reqs):
        reqs[0]["weight"] = 1
    qualified = draw(st.sampled_from([0, 30, 60]))
    return RequirementSet.model_validate(
        {
            "id": "prop",
            "name": "Prop",
            "requirements": reqs,
            "thresholds": {"qualified": qualified, "shortlist": max(qualified, 70)},
            "defaults": draw(filters),
            "pathways": [PATHWAY],
        }
    )


days = st.integers(-1500, 400).map(lambda d: REF + timedelta(days=d))
credentials = st.builds(
    CredentialEvidence,
    credential_id=st.sampled_from(["c0", "c1", "c2", "c3", "c4"]),
    achievement_id=st.sampled_from(ACHIEVEMENTS),
    achievement_name=st.sampled_from(["Cert", "Cert", "Pro Cert"]),
    issuer_id=st.sampled_from(ISSUERS),
    issued_at=st.one_of(st.none(), days),
    valid_until=st.one_of(st.none(), days),
    verdict=st.sampled_from(["verified", "verified", "failed", "indeterminate", "unverified"]),
    level=st.one_of(st.none(), st.sampled_from([*LEVELS, "x"])),
    authenticity=st.one_of(st.none(), st.sampled_from(["genuine", "genuine", "forged", "unknown"])),
    validity=st.sampled_from(["current", "current", "expired", "revoked", "unknown"]),
    holder=st.sampled_from(["bound", "proven", "unproven", "unaddressed", "mismatch"]),
    issuer_trust=st.sampled_from(["trusted", "unknown", "unknown", "denied"]),
    evidence_tier=st.sampled_from(["cryptographic", "issuer_record", "platform_page"]),
    has_evidence=st.booleans(),
    issuer_registries=st.sampled_from([[], ["reg:a"], ["reg:b"]]),
    issuer_accreditors=st.sampled_from([[], ["UKAS"]]),
    related=st.sampled_from([[], ["ach:1"]]),
    alignments=st.sampled_from([[], [SKILLS[0]], [SKILLS[1]], [SKILLS[4]]]),
)
associations = st.builds(
    Association,
    kind=st.sampled_from(["isChildOf", "isParentOf", "isPartOf", "precedes", "replacedBy"]),
    source=st.sampled_from([*ACHIEVEMENTS, "ach:9"]),
    target=st.sampled_from([*ACHIEVEMENTS, "ach:9"]),
)
skills = st.builds(
    SkillEvidence,
    skill_uri=st.sampled_from(SKILLS),
    confidence=st.sampled_from([0.2, 0.5, 0.7, 1.0]),
    credential_id=st.one_of(st.none(), st.sampled_from(["c0", "c1", "c2", "c3", "c4"])),
    level=st.one_of(st.none(), st.sampled_from(LEVELS)),
)


@st.composite
def candidates(draw: st.DrawFn, cid: str = "cand") -> CandidateEvidence:
    creds = draw(st.lists(credentials, max_size=5, unique_by=lambda c: c.credential_id))
    return CandidateEvidence(
        candidate_id=cid,
        applied_at=draw(st.one_of(st.none(), days)),  # each candidate's own reference date
        credentials=creds,
        skills=draw(st.lists(skills, max_size=6)),
        associations=draw(st.lists(associations, max_size=3)),
    )


def compiled_at_ref(rs: RequirementSet) -> Any:
    return compile_requirement_set(rs, REF, context=CONTEXT)


def summary(rs: RequirementSet, c: CandidateEvidence) -> tuple[Any, ...]:
    [s] = compiled_at_ref(rs).score_all([c])  # the columnar path
    return (
        s.total,
        s.normalised,
        s.qualified,
        s.shortlisted,
        s.knocked_out,
        s.needs_review,
        s.not_evaluable,
    )


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(requirement_sets(), candidates())
def test_fast_path_equals_explained_path(rs: RequirementSet, c: CandidateEvidence) -> None:
    compiled = compiled_at_ref(rs)
    ev = compiled.explain(c)
    s = compiled.score(c)
    assert (
        s.total,
        s.normalised,
        s.qualified,
        s.shortlisted,
        s.knocked_out,
        s.needs_review,
        s.not_evaluable,
    ) == (
        ev.total,
        ev.normalised,
        ev.qualified,
        ev.shortlisted,
        ev.knocked_out,
        ev.needs_review,
        ev.not_evaluable,
    )
    # each rule's points are rounded to 6 decimals: up to 0.5e-6 each off the exact total
    assert abs(sum(r.points for r in ev.rules) - ev.total) <= 0.5e-6 * (len(ev.rules) + 1)
    assert 0 <= ev.normalised <= 100


@FAST
@given(requirement_sets(), candidates(), credentials, skills)
def test_adding_evidence_never_lowers_the_score(
    rs: RequirementSet,
    c: CandidateEvidence,
    extra_cred: CredentialEvidence,
    extra_skill: SkillEvidence,
) -> None:
    before = summary(rs, c)
    extra_cred = extra_cred.model_copy(update={"credential_id": "new"})
    more = c.model_copy(
        update={
            "credentials": [*c.credentials, extra_cred],
            "skills": [*c.skills, extra_skill.model_copy(update={"credential_id": "new"})],
        }
    )
    after = summary(rs, more)
    assert after[0] >= before[0]
    assert after[2] or not before[2]  # qualified is never lost


@FAST
@given(requirement_sets(), candidates())
def test_adding_a_satisfying_credential_meets_its_condition(
    rs: RequirementSet, c: CandidateEvidence
) -> None:
    """A perfect verified credential for every achievement and skill: score never goes down."""
    before = summary(rs, c)
    perfect = [
        CredentialEvidence(
            credential_id=f"p{i}",
            achievement_id=a,
            achievement_name="Cert",
            issuer_id="iss:a",
            issued_at=REF,
            verdict="verified",
            level="3",
        )
        for i, a in enumerate(ACHIEVEMENTS)
    ]
    perfect_skills = [
        SkillEvidence(skill_uri=u, credential_id="p0", confidence=1.0, level="3") for u in SKILLS
    ]
    after = summary(
        rs,
        c.model_copy(
            update={
                "credentials": [*c.credentials, *perfect],
                "skills": [*c.skills, *perfect_skills],
            }
        ),
    )
    assert after[0] >= before[0]


@FAST
@given(requirement_sets(), candidates(), st.randoms(use_true_random=False))
def test_order_of_rules_and_evidence_does_not_matter(
    rs: RequirementSet, c: CandidateEvidence, rnd: Any
) -> None:
    reqs = list(rs.requirements)
    rnd.shuffle(reqs)
    shuffled_rs = rs.model_copy(update={"requirements": reqs})
    creds, sks, links = list(c.credentials), list(c.skills), list(c.associations)
    rnd.shuffle(creds)
    rnd.shuffle(sks)
    rnd.shuffle(links)
    shuffled_c = c.model_copy(update={"credentials": creds, "skills": sks, "associations": links})
    assert summary(shuffled_rs, shuffled_c) == summary(rs, c)
    a = {r.rule_id: (r.outcome, r.points) for r in compiled_at_ref(rs).explain(c).rules}
    b = {
        r.rule_id: (r.outcome, r.points)
        for r in compiled_at_ref(shuffled_rs).explain(shuffled_c).rules
    }
    assert a == b


@settings(max_examples=40, deadline=None)
@given(
    requirement_sets(),
    st.lists(candidates(), min_size=2, max_size=8),
    st.randoms(use_true_random=False),
)
def test_ranking_does_not_depend_on_input_order(
    rs: RequirementSet, cands: list[CandidateEvidence], rnd: Any
) -> None:
    cands = [
        c.model_copy(update={"candidate_id": f"id{i}", "applied_at": date(2026, 1, 1 + i % 3)})
        for i, c in enumerate(cands)
    ]
    compiled = compiled_at_ref(rs)
    order = [s.candidate_id for s in rank(compiled.score_all(cands))]
    rnd.shuffle(cands)
    assert [s.candidate_id for s in rank(compiled.score_all(cands))] == order


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requirement_sets(), st.lists(candidates(), max_size=12))
def test_batch_path_equals_fast_and_explained_paths(
    rs: RequirementSet, cands: list[CandidateEvidence]
) -> None:
    """score_all (columnar, numpy) == score per candidate == explain, field for field."""
    cands = [c.model_copy(update={"candidate_id": f"id{i}"}) for i, c in enumerate(cands)]
    compiled = compiled_at_ref(rs)
    batch = compiled.score_all(cands)
    columns = compiled.columnar().evaluate(build_table(cands))
    assert batch == [compiled.score(c, i) for i, c in enumerate(cands)]
    for s, c in zip(batch, cands, strict=True):
        ev = compiled.explain(c)
        assert (s.total, s.normalised, s.qualified, s.shortlisted, s.knocked_out) == (
            ev.total,
            ev.normalised,
            ev.qualified,
            ev.shortlisted,
            ev.knocked_out,
        )
        assert (s.needs_review, s.not_evaluable) == (ev.needs_review, ev.not_evaluable)
        i = s.position
        for r, rule in enumerate(ev.rules):  # per requirement: points and satisfaction
            assert round(float(columns.rule_points[r][i]), 6) == rule.points
            sat = int(columns.rule_sats[r][i])
            expected = {"not_evaluable": UNDECIDED, "unmet": NOT_MET}.get(rule.outcome)
            if expected is not None:
                assert sat == expected
            elif rule.outcome == "met":
                assert sat == MET
            else:  # partly met: met with partial credit, or not met with some credit
                assert sat in (MET, NOT_MET)
    if len(cands) > 2:
        assert compiled.score_range(cands, 1, len(cands) - 1) == batch[1:-1]
