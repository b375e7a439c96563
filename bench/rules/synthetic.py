"""Deterministic synthetic candidates for bench/rules (the same seed gives the same people).

Imports only ``rules.inputs``, so the baseline run (``bench/rules/baseline.py``, on today's
engine from git) builds exactly the same candidates as the columnar run.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from rules.inputs import CandidateEvidence, CredentialEvidence, SkillEvidence

REF = date(2026, 6, 1)
SKILL = "http://data.europa.eu/esco/skill/bench-{:04d}"
ISSUERS = [f"iss:{i}" for i in range(8)] + ["did:web:mill.example"]


def make_candidates(n: int, seed: int = 7, start: int = 0) -> list[CandidateEvidence]:
    """Deterministic candidates: 2-6 credentials and 3-10 skill mappings each.

    Half of the skill mappings hit one of the role's 26 skills (skewed to the first ones, as
    applicants to a role tend to hold its core skills), half one of 200 other skills;
    achievements are uniform over 30, of which the role names 13; verdicts are 80 % verified,
    10 % indeterminate, 5 % unverified, 5 % failed; 30 % of credentials expire. Half the
    candidates also get the role's core certificate with its two core skills (on ``c0``).
    """
    rnd = random.Random(seed)
    verdicts = ["verified"] * 16 + ["indeterminate"] * 2 + ["unverified", "failed"]
    out = []
    for i in range(start, start + n):
        creds = []
        for j in range(rnd.randint(2, 6)):
            issued = REF - timedelta(days=rnd.randint(0, 2400))
            until = issued + timedelta(days=rnd.randint(300, 2000)) if rnd.random() < 0.3 else None
            creds.append(
                CredentialEvidence.model_construct(
                    credential_id=f"c{j}",
                    achievement_id=f"ach:{rnd.randint(0, 29):02d}",
                    achievement_name="Synthetic badge",
                    issuer_id=rnd.choice(ISSUERS),
                    issuer_name=None,
                    issued_at=issued if rnd.random() > 0.03 else None,
                    valid_from=None,
                    valid_until=until,
                    verdict=rnd.choice(verdicts),
                    level=None,
                    results=[],
                    # every default_factory field given: model_construct would otherwise read
                    # each factory's signature once per object (pydantic 2.10+), 20x slower
                    issuer_registries=[],
                    issuer_accreditors=[],
                    related=[],
                    alignments=[],
                )
            )
        skills = [
            SkillEvidence.model_construct(
                skill_uri=SKILL.format(
                    int(rnd.triangular(0, 26, 0)) if rnd.random() < 0.5 else 26 + rnd.randrange(200)
                ),
                label=None,
                confidence=round(rnd.uniform(0.3, 1.0), 2),
                method="alignment",
                credential_id=f"c{rnd.randrange(len(creds))}" if rnd.random() > 0.05 else None,
                level=None,
            )
            for _ in range(rnd.randint(3, 10))
        ]
        if rnd.random() < 0.5:  # half the applicants hold the role's core certificate and skills
            core = creds[0].model_copy(update={"achievement_id": f"ach:0{rnd.randint(0, 1)}"})
            creds[0] = core
            skills += [
                SkillEvidence.model_construct(
                    skill_uri=SKILL.format(k),
                    label=None,
                    confidence=round(rnd.uniform(0.5, 1.0), 2),
                    method="alignment",
                    credential_id="c0",
                    level=None,
                )
                for k in (0, 1)
            ]
        out.append(
            CandidateEvidence.model_construct(
                candidate_id=f"cand-{i:07d}",
                name=None,
                applied_at=REF - timedelta(days=rnd.randint(0, 60)),
                credentials=creds,
                skills=skills,
                associations=[],
            )
        )
    return out


BASE = 100_000
"""Sizes above this repeat the first ``BASE`` candidates (the same objects, referenced again):
generating a million pydantic objects takes minutes and gigabytes, and every engine's work per
candidate is the same whether or not a candidate was seen before."""


def bench_candidates(n: int) -> list[CandidateEvidence]:
    """The bench's ``n`` candidates: ``make_candidates(n)``, or its first ``BASE`` repeated."""
    if n <= BASE:
        return make_candidates(n)
    base = make_candidates(BASE)
    return (base * (n // BASE + 1))[:n]
