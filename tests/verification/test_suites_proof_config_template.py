"""The proof-configuration template (canonical form computed once per shape, ``created``
substituted) gives exactly the bytes full canonicalisation gives, and falls back whenever the
substitution could differ."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ats_match.verification import dataintegrity as di
from ats_match.verification.canon import canonical_nquads

VM = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _config(created: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created,
        "verificationMethod": VM,
        "proofPurpose": "assertionMethod",
        **extra,
    }


def _full(config: dict[str, Any]) -> str:
    return canonical_nquads(config, di.DEFAULT_LOADER)


@settings(max_examples=40, deadline=None)
@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2999, 1, 1)),
    st.sampled_from(["Z", "+02:00", "-11:30"]),
    st.booleans(),
)
def test_template_equals_full_canonicalisation(moment: datetime, zone: str, fraction: bool) -> None:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + (".123" if fraction else "") + zone
    config = _config(text)
    assert di.canonicalize_proof_config(config) == _full(config)


@pytest.mark.parametrize(
    "config",
    [
        _config("2026-01-01"),  # not a dateTime: no template
        _config("2026-01-01T00:00:00Z", expires="1970-01-01T00:00:00Z"),  # placeholder twice
        _config("2026-01-01T00:00:00Z", expires="2027-01-01T00:00:00Z"),
        _config("2026-01-01T00:00:00Z", challenge="x"),
        _config("2026-01-01T00:00:00Z", domain="https://example.org"),
    ],
)
def test_other_shapes_match_or_fall_back(config: dict[str, Any]) -> None:
    assert di.canonicalize_proof_config(config) == _full(config)


def test_distinct_created_times_each_get_their_own_bytes() -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    seen = set()
    for i in range(5):
        created = (base + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out = di.canonicalize_proof_config(_config(created))
        assert f'"{created}"' in out and out == _full(_config(created))
        seen.add(out)
    assert len(seen) == 5
