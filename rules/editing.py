"""What a requirement editor does to YAML text: check it with every finding on its line, add
or remove a requirement entry, and diff two versions. Pure: the taxonomy comes in as hooks.

The YAML text is the source of truth. Adding or removing an entry parses it, changes the
``requirements`` list and writes it back with :func:`yaml_text` (comments are not kept; the
stored versions keep none either, since a version is stored as data).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from rules.loader import RequirementSetError, line_of, loads_requirement_set
from rules.schema import RequirementSet
from rules.validation import (
    KnownSkill,
    OrganisationPathways,
    ResolveLabel,
    check_requirement_set,
)


@dataclass(frozen=True)
class Finding:
    """One problem in the text, with the line it is on when there is one."""

    severity: Literal["error", "warning"]
    field: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a draft: the parsed set when it has no errors."""

    requirement_set: RequirementSet | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return self.requirement_set is not None and not self.errors


def check_text(
    text: str,
    known_skill: KnownSkill | None = None,
    resolve_label: ResolveLabel | None = None,
    pathways: OrganisationPathways | None = None,
) -> Checked:
    """Schema errors (with the loader's lines), then the save-time checks mapped to lines."""
    try:
        rs = loads_requirement_set(text)
    except RequirementSetError as exc:
        return Checked(None, [Finding("error", e.field, e.message, e.line) for e in exc.errors])
    issues = check_requirement_set(rs, known_skill, resolve_label, pathways)
    findings = [Finding(i.severity, i.field, i.message, line_of(text, i.field)) for i in issues]
    return Checked(rs, sorted(findings, key=lambda f: (f.severity != "error", f.line or 0)))


def yaml_text(data: dict[str, Any]) -> str:
    """A requirement set as block YAML in its own key order (what the editor shows)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


_KEY_ORDER: tuple[str, ...] = (
    "schema_version",
    "id",
    "name",
    "version",
    "description",
    "thresholds",
)
_KEY_ORDER += ("defaults", "label", "uri", "achievement_id", "issuer_id", "name_pattern")
_KEY_ORDER += ("must", "weight", "filters", "requirements")


def _tidy(value: Any) -> Any:
    if isinstance(value, dict):
        known = [k for k in _KEY_ORDER if k in value]
        rest = [k for k in value if k not in _KEY_ORDER]
        return {k: _tidy(value[k]) for k in (*known, *rest)}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def stored_yaml(body: dict[str, Any]) -> str:
    """A stored version as a person would write it: defaults left out, ``id``, ``label``,
    ``must`` and ``weight`` before the condition, ``10`` not ``10.0`` (the same set: every
    default comes back when it is read). A body the schema refuses is shown as stored."""
    try:
        rs = RequirementSet.model_validate(body)
    except ValueError:
        return yaml_text(body)
    return yaml_text(_tidy(rs.model_dump(mode="json", exclude_defaults=True, exclude_none=True)))


class EditError(ValueError):
    """The text cannot be edited as asked (it does not parse, or the id is wrong)."""


def _document(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        raise EditError(f"fix the YAML first: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise EditError("fix the YAML first: the top level must be a mapping")
    requirements = data.get("requirements")
    if requirements is None:
        data["requirements"] = []
    elif not isinstance(requirements, list):
        raise EditError("fix the YAML first: 'requirements' must be a list")
    return data


def add_requirement(text: str, entry: dict[str, Any]) -> str:
    """The text with ``entry`` appended to ``requirements`` (its id must be new)."""
    data = _document(text)
    ids = {r.get("id") for r in data["requirements"] if isinstance(r, dict)}
    if entry.get("id") in ids:
        raise EditError(f"a requirement with id {entry.get('id')!r} is already there")
    data["requirements"].append(entry)
    return yaml_text(data)


def remove_requirement(text: str, requirement_id: str) -> str:
    """The text without the requirement whose id is ``requirement_id``."""
    data = _document(text)
    kept = [r for r in data["requirements"] if not _has_id(r, requirement_id)]
    if len(kept) == len(data["requirements"]):
        raise EditError(f"there is no requirement with id {requirement_id!r}")
    data["requirements"] = kept
    return yaml_text(data)


def _has_id(entry: Any, requirement_id: str) -> bool:
    return isinstance(entry, dict) and str(entry.get("id")) == requirement_id


def entries(text: str) -> list[dict[str, Any]]:
    """The requirement entries of the text (empty when it does not parse), for the list of
    what the form can remove."""
    try:
        return [r for r in _document(text)["requirements"] if isinstance(r, dict)]
    except EditError:
        return []


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def set_skill_uri(text: str, field: str, uri: str) -> str:
    """The text with the skill at ``field`` (``requirements[0].skill.label``, as a finding
    names it) given ``uri`` in place of its label: how a person settles an ambiguous label."""
    if not uri.strip():
        raise EditError("choose one of the skills")
    root = _document(text)
    node: Any = root
    path = [int(i) if i else name for name, i in _PART.findall(field)]
    if path[-2:] != ["skill", "label"]:
        raise EditError(f"{field!r} is not a skill label")
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            raise EditError(f"there is nothing at {field!r}") from None
    if not isinstance(node, dict):
        raise EditError(f"there is nothing at {field!r}")
    node.pop("label", None)
    node["uri"] = uri.strip()
    return yaml_text(root)


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff: ``kind`` is added, removed, context or hunk."""

    kind: Literal["added", "removed", "context", "hunk"]
    text: str
    old_line: int | None = None
    new_line: int | None = None


def version_diff(old: str, new: str, context: int = 3) -> list[DiffLine]:
    """A unified diff of two YAML texts, each line numbered in the version it belongs to."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=context))[
        2:
    ]  # drop the ---/+++ file headers
    out: list[DiffLine] = []
    old_no = new_no = 0
    for line in lines:
        if line.startswith("@@"):
            old_no, new_no = _hunk_start(line)
            out.append(DiffLine("hunk", line))
        elif line.startswith("-"):
            out.append(DiffLine("removed", line[1:], old_line=old_no))
            old_no += 1
        elif line.startswith("+"):
            out.append(DiffLine("added", line[1:], new_line=new_no))
            new_no += 1
        else:
            out.append(DiffLine("context", line[1:], old_no, new_no))
            old_no, new_no = old_no + 1, new_no + 1
    return out


def _hunk_start(header: str) -> tuple[int, int]:
    """``@@ -3,7 +3,9 @@`` gives (3, 3): where the hunk starts in each text."""
    old, new = header.split()[1:3]
    return int(old[1:].split(",")[0]) or 1, int(new[1:].split(",")[0]) or 1
