"""``jose.looks_compact`` decides exactly what the compact-JWS pattern does (it no longer runs
the regex: the allowed bytes are deleted in C)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ats_match.formats.jose import COMPACT_RE, looks_compact

PIECES = st.text(alphabet="aZ09-_.=\n é+/", max_size=14)


@settings(max_examples=3000)
@given(PIECES)
def test_same_answer_as_the_pattern(text: str) -> None:
    assert looks_compact(text) == (COMPACT_RE.fullmatch(text) is not None)


def test_the_edges_of_the_shape() -> None:
    assert looks_compact("abcd.efgh.")
    assert looks_compact("abcd.efgh.ij-_")
    for text in (
        "abc.efgh.ij",  # first part under 4 characters
        "abcd.efg.ij",  # second part under 4 characters
        "abcd.efgh",  # two parts
        "abcd.efgh.ij.kl",  # four parts
        "abcd.efgh.ij\n",  # a trailing newline
        "abcd.ef=h.ij",  # padding
        "abcdé.efgh.ij",  # not ASCII
        "",
    ):
        assert not looks_compact(text), text
