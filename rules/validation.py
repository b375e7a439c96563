"""Save-time checks that need the outside world (the taxonomy), run before a version is stored.

The schema already rejects structural mistakes. Here: skill URIs the taxonomy doesn't know and
labels it can't resolve are errors (a clear message at save time, never a crash at score time);
zero-weight sets and conditions that can never be met are reported too. The taxonomy is passed
in as callables (or any object with ``known``/``resolve_label`` methods), so tests inject a set
and ``rules`` never imports ``ats_match.taxonomy`` at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from rules.loader import RequirementSetError, SchemaError
from rules.schema import (
    AllOfNode,
    AnyNode,
    AnyOfNode,
    CredentialNode,
    EvidenceFilters,
    FocusNode,
    Pathway,
    RequirementSet,
    SkillNode,
    StackNode,
    children,
    walk,
)

KnownSkill = Callable[[str], bool]
ResolveLabel = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Issue:
    """A save-time finding: errors block saving, warnings are shown to the author."""

    severity: Literal["error", "warning"]
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.field}: {self.message}"


def _group_key(node: AnyNode) -> str:
    return (
        "all_of"
        if isinstance(node, AllOfNode)
        else "any_of"
        if isinstance(node, AnyOfNode)
        else "at_least.of"
    )


def _with_paths(node: AnyNode, path: str) -> Iterator[tuple[str, AnyNode]]:
    """The node and every condition below it, each with its field path."""
    yield path, node
    for i, child in enumerate(children(node)):
        yield from _with_paths(child, f"{path}.{_group_key(node)}[{i}]")


def _leaves(node: AnyNode, path: str) -> Iterator[tuple[str, SkillNode | CredentialNode]]:
    for where, found in _with_paths(node, path):
        if isinstance(found, SkillNode | CredentialNode):
            yield where, found


def _issuer_conflict(layers: list[EvidenceFilters | None], leaf: CredentialNode) -> str | None:
    """A credential condition pinned to an issuer that its effective filters deny/disallow."""
    issuer = leaf.credential.issuer_id
    if issuer is None:
        return None
    for layer in layers:
        if layer is not None and layer.issuers is not None:
            deny = {d.casefold() for d in layer.issuers.deny}
            allow = layer.issuers.allow
            if issuer.casefold() in deny:
                return f"asks for issuer {issuer!r}, which the deny-list excludes"
            if allow is not None and issuer.casefold() not in {a.casefold() for a in allow}:
                return f"asks for issuer {issuer!r}, which is not on the allow-list"
            return None
    return None


OrganisationPathways = Mapping[str, Pathway]
"""The organisation's pathways by slug (what a set's ``stack`` names when it is not its own)."""


def check_requirement_set(
    rs: RequirementSet,
    known_skill: KnownSkill | None = None,
    resolve_label: ResolveLabel | None = None,
    pathways: OrganisationPathways | None = None,
) -> list[Issue]:
    """All save-time findings for a requirement set (empty list when it can be saved cleanly).
    ``pathways``: the organisation's, for the references the set's own do not answer."""
    issues: list[Issue] = pathway_issues(rs, pathways or {})
    if sum(r.weight for r in rs.requirements) <= 0:
        issues.append(
            Issue(
                "warning",
                "requirements",
                "weights sum to zero: the score is 100 when every must is met, else 0",
            )
        )
    for i, req in enumerate(rs.requirements):
        base = f"requirements[{i}]"
        if not req.must and req.weight <= 0:
            issues.append(Issue("warning", base, f"{req.id!r} is a should with weight 0"))
        for path, leaf in _leaves(req, base):
            issues.extend(
                _leaf_issues(
                    path,
                    leaf,
                    [leaf_filters(leaf), req.filters, rs.defaults],
                    known_skill,
                    resolve_label,
                )
            )
        issues.extend(_focus_issues(req, base, rs, known_skill))
    return issues


def pathway_issues(rs: RequirementSet, organisation: OrganisationPathways) -> list[Issue]:
    """A ``stack`` or ``focus`` naming a pathway that is neither the set's own nor the
    organisation's, or a level the organisation's pathway does not have."""
    own = {p.id for p in rs.pathways}
    found: list[Issue] = []
    for i, req in enumerate(rs.requirements):
        for path, node in _with_paths(req, f"requirements[{i}]"):
            if isinstance(node, StackNode):
                where, name, level = (
                    f"{path}.stack.pathway",
                    node.stack.pathway,
                    node.stack.min_level,
                )
            elif isinstance(node, FocusNode) and node.focus.pathway is not None:
                where, name, level = f"{path}.focus.pathway", node.focus.pathway, 1
            else:
                continue
            if name in own:
                continue
            pathway = organisation.get(name)
            if pathway is None:
                names = ", ".join(sorted(own | set(organisation))) or "none defined"
                message = (
                    f"unknown pathway {name!r}: not in the set's pathways nor the "
                    f"organisation's ({names})"
                )
                found.append(Issue("error", where, message))
            elif pathway.level_number(level) is None:
                found.append(
                    Issue(
                        "error",
                        where,
                        f"the organisation's pathway {name!r} has no level {level!r}",
                    )
                )
    return found


def _focus_issues(
    req: AnyNode, base: str, rs: RequirementSet, known_skill: KnownSkill | None
) -> list[Issue]:
    """A focus whose families the taxonomy does not know (a warning: a skill group need not
    be a skill), or with nothing to relate credentials to."""
    found: list[Issue] = []
    has_skills = any(isinstance(n, SkillNode) for r in rs.requirements for n in walk(r))
    for node in walk(req):
        if not isinstance(node, FocusNode):
            continue
        families = node.focus.families or []
        for uri in families:
            if known_skill is not None and not known_skill(uri):
                found.append(
                    Issue("warning", f"{base}.focus.families", f"{uri!r} is not in the taxonomy")
                )
        if not families and not has_skills:
            found.append(
                Issue(
                    "warning",
                    f"{base}.focus",
                    "the set has no skill conditions and the focus names no families, so no "
                    "credential can be related and it is never met",
                )
            )
    return found


def leaf_filters(leaf: SkillNode | CredentialNode) -> EvidenceFilters:
    """The filters written on the leaf itself."""
    return leaf.skill if isinstance(leaf, SkillNode) else leaf.credential


def _leaf_issues(
    path: str,
    leaf: SkillNode | CredentialNode,
    layers: list[EvidenceFilters | None],
    known_skill: KnownSkill | None,
    resolve_label: ResolveLabel | None,
) -> list[Issue]:
    found: list[Issue] = []
    if isinstance(leaf, SkillNode):
        skill = leaf.skill
        if skill.uri and known_skill is not None and not known_skill(skill.uri):
            found.append(Issue("error", f"{path}.skill.uri", f"unknown skill URI {skill.uri!r}"))
        unresolved = (
            not skill.uri
            and skill.label
            and resolve_label is not None
            and resolve_label(skill.label) is None
        )
        if unresolved:
            found.append(
                Issue(
                    "error",
                    f"{path}.skill.label",
                    f"no skill in the taxonomy is labelled {skill.label!r}",
                )
            )
    else:
        conflict = _issuer_conflict(layers, leaf)
        if conflict:
            found.append(Issue("error", f"{path}.credential.issuer_id", conflict))
    return found


def validate_for_save(
    rs: RequirementSet,
    known_skill: KnownSkill | None = None,
    resolve_label: ResolveLabel | None = None,
    pathways: OrganisationPathways | None = None,
) -> list[Issue]:
    """Raise :class:`RequirementSetError` on any error; return the warnings otherwise."""
    issues = check_requirement_set(rs, known_skill, resolve_label, pathways)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise RequirementSetError([SchemaError(i.field, i.message) for i in errors])
    return issues


class _HasUri(Protocol):
    @property
    def uri(self) -> str: ...


class SkillCatalog(Protocol):
    """What the rules need from a taxonomy (``ats_match.taxonomy.Taxonomy`` fits)."""

    def __contains__(self, uri: object) -> bool: ...
    def narrower(self, uri: str) -> Sequence[_HasUri]: ...
    def by_label(self, label: str) -> Sequence[_HasUri]: ...


@dataclass(frozen=True)
class TaxonomyHooks:
    """The three callables save-time checks and compilation take, built from one catalog."""

    known_skill: KnownSkill
    resolve_label: ResolveLabel
    narrower: Callable[[str], list[str]]
    broader: Callable[[str], list[str]] = lambda uri: []
    """The skill's broader concepts (what ``focus`` groups skills by)."""


def taxonomy_hooks(catalog: SkillCatalog) -> TaxonomyHooks:
    """Adapt a taxonomy object; a label resolves only when exactly one skill carries it."""

    def resolve(label: str) -> str | None:
        found = catalog.by_label(label)
        return found[0].uri if len(found) == 1 else None

    return TaxonomyHooks(
        known_skill=catalog.__contains__,
        resolve_label=resolve,
        narrower=lambda uri: [s.uri for s in catalog.narrower(uri)],
        broader=_broader_of(catalog),
    )


def _broader_of(catalog: SkillCatalog) -> Callable[[str], list[str]]:
    """``catalog.broader`` as URIs, when the catalog has broader links at all."""
    broader = getattr(catalog, "broader", None)
    if broader is None:
        return lambda uri: []
    return lambda uri: [s.uri for s in broader(uri)]
