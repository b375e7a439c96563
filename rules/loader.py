"""Read a requirement set from YAML or JSON with errors that name the line and the field.

PyYAML parses the text twice: once into plain data for pydantic, once into a node tree whose
marks give each value's line and column. A pydantic error ``loc`` such as
``('requirements', 2, 'skill', 'skill', 'min_confidence')`` is walked down that tree (skipping
the discriminator tags pydantic inserts) to the deepest node that exists, whose line is reported.
JSON is a subset of YAML's flow style, so the same mapping serves JSON files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rules.schema import NODE_KEYS, RequirementSet


@dataclass(frozen=True)
class SchemaError:
    """One problem in a requirement set: where (line, column, field path) and what."""

    field: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.field or '(document)'}: {self.message}"


class RequirementSetError(ValueError):
    """The requirement set is invalid; ``errors`` lists every problem found."""

    def __init__(self, errors: list[SchemaError], source: str | None = None) -> None:
        self.errors, self.source = errors, source
        head = f"{source}: " if source else ""
        lines = "\n".join(f"  {head}{e}" for e in errors)
        super().__init__(f"invalid requirement set ({len(errors)} error(s)):\n{lines}")


_NODE_LISTS = ("requirements", "all_of", "any_of", "of")


def strip_tags(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Drop the discriminator tags pydantic inserts after an item of a condition list."""
    out: list[int | str] = []
    for i, part in enumerate(loc):
        is_tag = (
            i >= 2
            and isinstance(loc[i - 1], int)
            and loc[i - 2] in _NODE_LISTS
            and part in NODE_KEYS
        )
        if not is_tag:
            out.append(part)
    return tuple(out)


def field_path(loc: tuple[int | str, ...]) -> str:
    """``requirements[2].skill.min_confidence`` from a tag-free pydantic loc."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _locate(root: yaml.Node | None, loc: tuple[int | str, ...]) -> yaml.Node | None:
    """The deepest YAML node along ``loc`` (a missing key stops at its parent mapping)."""
    node = root
    for part in loc:
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
        elif isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    node = value
                    break
            else:  # a missing field: its parent mapping is the best line
                break
        else:
            break
    return node


_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def line_of(text: str, field: str) -> int | None:
    """The 1-based line of ``field`` (``requirements[2].skill.label``) in YAML ``text``: the
    deepest node along its path, so a save-time finding points where a schema error would."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    loc = tuple(int(i) if i else name for name, i in _FIELD_PART.findall(field))
    node = _locate(root, loc)
    return node.start_mark.line + 1 if node is not None else None


def _errors_from(exc: ValidationError, root: yaml.Node | None) -> list[SchemaError]:
    errors = []
    for err in exc.errors(include_url=False):
        loc = strip_tags(tuple(err["loc"]))
        node = _locate(root, loc)
        mark = node.start_mark if node is not None else None
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = f"missing required field '{loc[-1]}'" if loc else message
        elif err["type"] == "extra_forbidden":
            message = f"unknown field '{loc[-1]}'"
        errors.append(
            SchemaError(
                field=field_path(loc),
                message=message,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        )
    return errors


def parse_requirement_set(
    data: Any, root: yaml.Node | None = None, source: str | None = None
) -> RequirementSet:
    """Validate already-parsed data (e.g. an API JSON body); errors carry field paths."""
    try:
        return RequirementSet.model_validate(data)
    except ValidationError as exc:
        raise RequirementSetError(_errors_from(exc, root), source) from None


def loads_requirement_set(text: str, source: str | None = None) -> RequirementSet:
    """Parse YAML or JSON text into a validated requirement set."""
    try:
        data = json.loads(text) if text.lstrip().startswith(("{", "[")) else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise RequirementSetError(
            [SchemaError("", f"not valid JSON: {exc.msg}", exc.lineno, exc.colno)], source
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise RequirementSetError(
            [SchemaError("", f"not valid YAML: {problem}", line, column)], source
        ) from None
    if not isinstance(data, dict):
        raise RequirementSetError([SchemaError("", "expected a mapping at the top level", 1)])
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # valid JSON that YAML rejects (rare): no lines, still field paths
        root = None
    return parse_requirement_set(data, root, source)


def load_requirement_set(path: str | Path) -> RequirementSet:
    """Read a requirement set file (``.yaml``, ``.yml`` or ``.json``)."""
    file = Path(path)
    return loads_requirement_set(file.read_text(encoding="utf-8"), source=str(file))
