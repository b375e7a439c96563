"""The bounded JSON loader: the nesting limit holds whether or not the depth walk runs.

``load_json`` skips its depth walk when the text opens no more containers than the limit; these
pin that the limit is still exactly the configured one on both sides of that shortcut."""

from __future__ import annotations

import json

import pytest

from ats_match.formats.errors import FormatError, Limits, load_json
from ats_match.formats.model import ExtractionErrorCode

LIMITS = Limits(max_json_depth=8)


def nested(depth: int, padding: int = 0) -> str:
    """``depth`` nested arrays, plus ``padding`` extra sibling objects at the top."""
    inner = "[" * depth + "]" * depth
    return "[" + inner + ", {}" * padding + "]" if padding else inner


@pytest.mark.parametrize("padding", [0, 20])
@pytest.mark.parametrize("as_bytes", [False, True])
def test_nesting_at_the_limit_loads_and_one_more_is_refused(padding: int, as_bytes: bool) -> None:
    ok, deep = (
        nested(8 - (1 if padding else 0), padding),
        nested(9 - (1 if padding else 0), padding),
    )
    assert load_json(ok.encode() if as_bytes else ok, LIMITS) == json.loads(ok)
    with pytest.raises(FormatError) as refused:
        load_json(deep.encode() if as_bytes else deep, LIMITS)
    assert refused.value.code == ExtractionErrorCode.UNSAFE_DOCUMENT
    assert refused.value.detail == "JSON nested deeper than 8 levels"


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = json.dumps({"note": "[[[[{{{{[[[[{{{{", "list": [[1]]})
    assert load_json(text, LIMITS)["note"] == "[[[[{{{{[[[[{{{{"


def test_utf16_json_is_bounded_too() -> None:
    deep = nested(9).encode("utf-16")
    with pytest.raises(FormatError) as refused:
        load_json(deep, LIMITS)
    assert refused.value.code == ExtractionErrorCode.UNSAFE_DOCUMENT
    assert load_json(nested(8).encode("utf-16"), LIMITS) == json.loads(nested(8))
