"""``errors.loads_text`` is ``json.loads`` (same values, same errors) without its wrappers, and
``load_json`` decodes bytes as ``json.loads`` does (BOMs, UTF-16/32 sniffing, surrogates)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ats_match.formats.errors import FormatError, Limits, load_json, loads_text

JSONISH = st.text(alphabet=' \t\n\r{}[]",:0123456789.eE-+truefalsnul\\u\ufeffé', max_size=24)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def _outcome(fn: Any, text: str) -> tuple[str, Any]:
    try:
        value = fn(text)
    except ValueError as exc:
        return "error", (type(exc).__name__, str(exc))
    return "value", json.dumps(value, sort_keys=True)


@settings(max_examples=3000)
@given(JSONISH)
def test_same_as_json_loads_on_any_text(text: str) -> None:
    assert _outcome(loads_text, text) == _outcome(json.loads, text)


@given(VALUES, st.sampled_from(["", " ", "\n", "\t\r"]))
def test_same_as_json_loads_on_json(value: Any, space: str) -> None:
    for text in (json.dumps(value), space + json.dumps(value, indent=1) + space):
        assert _outcome(loads_text, text) == _outcome(json.loads, text)


def test_the_edges() -> None:
    for text in ("", " ", '{"a": 1} x', '{"a": 1}{}', "\ufeff{}", "NaN", "1e400", '"\\ud800"'):
        got, want = _outcome(loads_text, text), _outcome(json.loads, text)
        assert got == want, text
    assert math.isinf(loads_text("1e400"))


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": "\xc3\xa9"}',
        b'\xef\xbb\xbf{"a": 1}',  # UTF-8 BOM: json.loads accepts it in bytes
        '{"a": 1}'.encode("utf-16"),
        '{"a": 1}'.encode("utf-16-le"),
        '{"a": 1}'.encode("utf-32"),
        b'{"a": "\\ud800"}',
        b" [1, 2] ",
    ],
)
def test_load_json_reads_bytes_as_json_loads_does(data: bytes) -> None:
    assert load_json(data, Limits()) == json.loads(data)


@pytest.mark.parametrize("data", [b'{"a": 1', b"\xff\xfe\x00", b'{"a": 1} 2', b""])
def test_load_json_refuses_what_json_loads_refuses(data: bytes) -> None:
    with pytest.raises(ValueError):
        json.loads(data)
    with pytest.raises(FormatError):
        load_json(data, Limits())
