"""Inbound JSON within limits: parsed by orjson (C, no Python recursion, refuses nesting past
1,024 levels by itself) and then held to ``max_json_depth``, so a hostile body is a 422 and never
a ``RecursionError`` / 500 the ATS would retry forever."""

from __future__ import annotations

from typing import Any

import orjson

from ats_match.errors import InvalidInput


def parse_object(body: bytes, max_depth: int) -> dict[str, Any]:
    """The JSON object in ``body``; ``InvalidInput`` (422) for anything else or too deep."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "recursion" in str(exc).lower() or "depth" in str(exc).lower():
            raise InvalidInput(f"body is nested deeper than {max_depth} levels") from exc
        raise InvalidInput(f"body is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise InvalidInput("body must be a JSON object")
    if depth_exceeds(payload, max_depth):
        raise InvalidInput(f"body is nested deeper than {max_depth} levels")
    return payload


def depth_exceeds(value: Any, max_depth: int) -> bool:
    """Whether containers nest deeper than ``max_depth`` (iterative: no recursion limit)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values() if _container(child))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item if _container(child))
    return False


def _container(value: Any) -> bool:
    return isinstance(value, dict | list)
