"""The requirement-set language: pydantic v2 models, a JSON Schema for free.

A requirement set describes one role. Each top-level requirement holds exactly one condition
(``skill``, ``credential``, ``all_of``, ``any_of``, ``at_least``, or one judged on the whole
record: ``stack``, ``focus``), is either a knock-out
(``must: true``) or a weighted ``should``, and may override the evidence filters (verification,
recency, validity, issuers, confidence) that the set's ``defaults`` give every condition.

Structural mistakes (duplicate ids, ``at_least`` asking for more than it lists, an issuer both
allowed and denied, a level that isn't on its scale) are rejected here, so that the loader can
point at the line. Checks that need the taxonomy live in :mod:`rules.validation`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from rules.acceptance import AcceptPolicy

_DURATION_WORDS = re.compile(r"^\s*(\d+)\s*(day|days|week|weeks|month|months|year|years)\s*$", re.I)
_DURATION_ISO = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$", re.I)


@dataclass(frozen=True, slots=True)
class Duration:
    """A calendar duration: whole months plus days (weeks are 7 days)."""

    months: int
    days: int

    def describe(self) -> str:
        """Human wording, e.g. ``24 months`` or ``90 days``."""
        parts = []
        if self.months:
            parts.append(f"{self.months} month{'s' if self.months != 1 else ''}")
        if self.days:
            parts.append(f"{self.days} day{'s' if self.days != 1 else ''}")
        return " and ".join(parts) or "0 days"


def parse_duration(text: str) -> Duration:
    """Parse ``24 months`` / ``2 years`` / ``90 days`` / ``P1Y6M``; raise ValueError otherwise."""
    words = _DURATION_WORDS.match(text)
    if words:
        amount, unit = int(words.group(1)), words.group(2).lower().rstrip("s")
        months = {"month": amount, "year": 12 * amount}.get(unit, 0)
        days = {"day": amount, "week": 7 * amount}.get(unit, 0)
        return Duration(months, days)
    iso = _DURATION_ISO.match(text.strip())
    if iso and any(iso.groups()):
        years, months, weeks, days = (int(g) if g else 0 for g in iso.groups())
        return Duration(12 * years + months, 7 * weeks + days)
    raise ValueError(
        f"{text!r} is not a duration; write e.g. '24 months', '2 years', '90 days' or 'P2Y'"
    )


def _number_to_text(value: Any) -> Any:
    """YAML reads ``min_level: 3`` as an int; levels are compared as text or numbers later."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return [_number_to_text(v) for v in value]
    return value


LevelText = Annotated[str, BeforeValidator(_number_to_text)]


class _Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently drop a requirement."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class IssuerFilter(_Strict):
    """Issuer allow-list and deny-list, matched against issuer id or (case-insensitive) name."""

    allow: list[str] | None = Field(
        default=None,
        description="Only these issuers count, by id (DID or URL; a self-declared name never "
        "counts). Omit to allow all.",
    )
    deny: list[str] = Field(default_factory=list, description="These issuers never count.")

    @model_validator(mode="after")
    def _no_overlap(self) -> IssuerFilter:
        both = {i.casefold() for i in self.allow or []} & {d.casefold() for d in self.deny}
        if both:
            raise ValueError(f"issuer(s) both allowed and denied: {', '.join(sorted(both))}")
        return self


class EvidenceFilters(_Strict):
    """Which evidence may satisfy a condition. ``None`` means: inherit from the enclosing level."""

    accept: AcceptPolicy | None = Field(
        default=None,
        description="The verification answers that let a credential count, per axis "
        "(authenticity, validity, holder, issuer) and min_tier; see rules.acceptance.",
    )
    verified_only: bool | None = Field(
        default=None,
        description="Only established answers count (default true). When false, evidence whose "
        "authenticity or validity could not be established counts with indeterminate_penalty.",
    )
    indeterminate_penalty: float | None = Field(
        default=None,
        ge=0,
        lt=1,
        description="Share of the points lost when the evidence is only 'indeterminate' "
        "(default 0.5). Applies when verified_only is false.",
    )
    issued_within: str | None = Field(
        default=None,
        description="Recency window before the reference date, e.g. '24 months', 'P2Y'.",
    )
    still_valid: bool | None = Field(
        default=None,
        description="The credential must be valid on the reference date (default true).",
    )
    min_confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Minimum skill-mapping confidence (default 0.5). Skill conditions only.",
    )
    issuers: IssuerFilter | None = None

    @field_validator("issued_within")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value


def _check_levels(levels: list[str] | None, minimum: str | float | None, what: str) -> None:
    """A minimum must be on its scale, or numeric when there is no scale."""
    if minimum is None:
        return
    if levels:
        if str(minimum).casefold() not in {lv.casefold() for lv in levels}:
            raise ValueError(f"{what} {minimum!r} is not one of levels {levels}")
        return
    try:
        float(minimum)
    except ValueError:
        raise ValueError(
            f"{what} {minimum!r} is not a number; give 'levels' (lowest first) to compare words"
        ) from None


class SkillCheck(EvidenceFilters):
    """A skill proven by a credential-to-skill mapping: by ESCO URI or by label."""

    uri: str | None = Field(default=None, description="Taxonomy concept URI.")
    label: str | None = Field(default=None, description="Skill label, when no URI is given.")
    include_narrower: bool = Field(
        default=False, description="Also accept narrower skills of the taxonomy hierarchy."
    )
    min_level: LevelText | None = Field(default=None, description="Minimum proficiency level.")
    levels: list[LevelText] | None = Field(
        default=None, description="Ordered scale for min_level, lowest first."
    )

    @model_validator(mode="after")
    def _target(self) -> SkillCheck:
        if not self.uri and not self.label:
            raise ValueError("a skill needs a 'uri' or a 'label'")
        _check_levels(self.levels, self.min_level, "min_level")
        return self


class ResultCheck(_Strict):
    """A minimum result (grade, score) the credential states."""

    name: str | None = Field(default=None, description="Which result, e.g. 'score'.")
    min: LevelText = Field(description="Minimum value: a number, or a word on 'levels'.")
    levels: list[LevelText] | None = Field(default=None, description="Ordered scale, lowest first.")

    @model_validator(mode="after")
    def _scale(self) -> ResultCheck:
        _check_levels(self.levels, self.min, "min_result.min")
        return self


class CredentialCheck(EvidenceFilters):
    """A credential identified by achievement id, issuer id and/or an achievement name pattern."""

    achievement_id: str | None = None
    issuer_id: str | None = None
    name_pattern: str | None = Field(
        default=None,
        description="Case-insensitive glob on the achievement name, e.g. '*AWS Certified*'.",
    )
    min_level: LevelText | None = None
    levels: list[LevelText] | None = Field(default=None, description="Ordered scale, lowest first.")
    min_result: ResultCheck | None = None

    @model_validator(mode="after")
    def _target(self) -> CredentialCheck:
        if not (self.achievement_id or self.issuer_id or self.name_pattern):
            raise ValueError(
                "a credential needs at least one of 'achievement_id', 'issuer_id', 'name_pattern'"
            )
        _check_levels(self.levels, self.min_level, "min_level")
        return self


class StackCheck(EvidenceFilters):
    """The candidate holds a credential at or above a level of an employer pathway, or every
    part that composes such a level (a completed stack counts as the larger qualification)."""

    pathway: str = Field(
        description="Id of a pathway in the set's 'pathways', else the slug of one of the "
        "organisation's pathways."
    )
    min_level: int | str = Field(
        default=1, description="Lowest level that counts: its number (1 = first) or its label."
    )


class FocusCheck(EvidenceFilters):
    """Depth over breadth: enough genuine credentials within the role's skill families,
    optionally building on each other over time."""

    min_related: int = Field(ge=1, description="How many related credentials are needed.")
    progressive: bool = Field(
        default=False,
        description="They must progress: a higher level (or later pathway step) issued no "
        "earlier than a lower one, or a CLR 'precedes' link between two of them.",
    )
    within_years: int | None = Field(
        default=None, ge=1, description="Only credentials issued in the last N years count."
    )
    families: list[str] | None = Field(
        default=None,
        description="Skill or skill-group URIs that make a credential related. Default: the "
        "skills of the set's skill conditions and their broader groups.",
    )
    pathway: str | None = Field(
        default=None, description="Pathway whose order ranks the credentials for 'progressive'."
    )
    levels: list[LevelText] | None = Field(
        default=None, description="Scale of credential levels (lowest first) for 'progressive'."
    )


class SkillNode(_Strict):
    label: str | None = None
    skill: SkillCheck


class CredentialNode(_Strict):
    label: str | None = None
    credential: CredentialCheck


class AllOfNode(_Strict):
    label: str | None = None
    all_of: list[Node] = Field(min_length=1)


class AnyOfNode(_Strict):
    label: str | None = None
    any_of: list[Node] = Field(min_length=1)


class AtLeast(_Strict):
    n: int = Field(ge=1, description="How many of 'of' must be met.")
    of: list[Node] = Field(min_length=1)

    @model_validator(mode="after")
    def _reachable(self) -> AtLeast:
        if self.n > len(self.of):
            raise ValueError(f"at_least asks for {self.n} but lists only {len(self.of)}")
        return self


class AtLeastNode(_Strict):
    label: str | None = None
    at_least: AtLeast


class StackNode(_Strict):
    label: str | None = None
    stack: StackCheck


class FocusNode(_Strict):
    label: str | None = None
    focus: FocusCheck


NODE_KEYS = ("skill", "credential", "all_of", "any_of", "at_least", "stack", "focus")


def node_kind(value: Any) -> str | None:
    """Discriminate a condition by which one of the five keys it has."""
    if isinstance(value, dict):
        present = [k for k in NODE_KEYS if k in value]
        return present[0] if len(present) == 1 else None
    for key, cls in _KIND_CLASSES.items():
        if isinstance(value, cls):
            return key
    return None


_NODE_ERROR = (
    "give exactly one of 'skill', 'credential', 'all_of', 'any_of', 'at_least', 'stack', 'focus'"
)

Node = Annotated[
    Annotated[SkillNode, Tag("skill")]
    | Annotated[CredentialNode, Tag("credential")]
    | Annotated[AllOfNode, Tag("all_of")]
    | Annotated[AnyOfNode, Tag("any_of")]
    | Annotated[AtLeastNode, Tag("at_least")]
    | Annotated[StackNode, Tag("stack")]
    | Annotated[FocusNode, Tag("focus")],
    Discriminator(node_kind, custom_error_type="condition_kind", custom_error_message=_NODE_ERROR),
]

_RULE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$"


class _RequirementMeta(_Strict):
    id: str = Field(pattern=_RULE_ID, description="Stable id, unique in the set.")
    label: str | None = Field(default=None, description="What recruiters see.")
    must: bool = Field(default=False, description="Knock-out: unmet means not qualified.")
    weight: float = Field(default=0, ge=0, le=1_000_000, description="Points when fully met.")
    filters: EvidenceFilters | None = Field(
        default=None, description="Evidence filters for every condition in this requirement."
    )


class SkillRequirement(_RequirementMeta, SkillNode):
    pass


class CredentialRequirement(_RequirementMeta, CredentialNode):
    pass


class AllOfRequirement(_RequirementMeta, AllOfNode):
    pass


class AnyOfRequirement(_RequirementMeta, AnyOfNode):
    pass


class AtLeastRequirement(_RequirementMeta, AtLeastNode):
    pass


class StackRequirement(_RequirementMeta, StackNode):
    pass


class FocusRequirement(_RequirementMeta, FocusNode):
    pass


Requirement = Annotated[
    Annotated[SkillRequirement, Tag("skill")]
    | Annotated[CredentialRequirement, Tag("credential")]
    | Annotated[AllOfRequirement, Tag("all_of")]
    | Annotated[AnyOfRequirement, Tag("any_of")]
    | Annotated[AtLeastRequirement, Tag("at_least")]
    | Annotated[StackRequirement, Tag("stack")]
    | Annotated[FocusRequirement, Tag("focus")],
    Discriminator(node_kind, custom_error_type="condition_kind", custom_error_message=_NODE_ERROR),
]

AnyNode = SkillNode | CredentialNode | AllOfNode | AnyOfNode | AtLeastNode | StackNode | FocusNode
AnyRequirement = (
    SkillRequirement
    | CredentialRequirement
    | AllOfRequirement
    | AnyOfRequirement
    | AtLeastRequirement
    | StackRequirement
    | FocusRequirement
)

_KIND_CLASSES: dict[str, type[BaseModel]] = {
    "skill": SkillNode,
    "credential": CredentialNode,
    "all_of": AllOfNode,
    "any_of": AnyOfNode,
    "at_least": AtLeastNode,
    "stack": StackNode,
    "focus": FocusNode,
}


class PathwayStep(_Strict):
    """What identifies one achievement of a pathway: its id, or a glob on its name."""

    achievement_id: str | None = None
    name_pattern: str | None = Field(
        default=None, description="Case-insensitive glob on the achievement name."
    )

    @model_validator(mode="after")
    def _target(self) -> PathwayStep:
        if not self.achievement_id and not self.name_pattern:
            raise ValueError("a pathway step needs an 'achievement_id' or a 'name_pattern'")
        return self


class PathwayLevel(_Strict):
    """One level of a pathway: any of ``achievements`` is this level, and so is holding
    every one of ``parts`` (the smaller credentials that compose it)."""

    label: str = Field(min_length=1)
    achievements: list[PathwayStep] = Field(default_factory=list)
    parts: list[PathwayStep] = Field(
        default_factory=list, description="Together these count as this level."
    )

    @model_validator(mode="after")
    def _something(self) -> PathwayLevel:
        if not self.achievements and not self.parts:
            raise ValueError(f"pathway level {self.label!r} lists no achievements or parts")
        return self


class Pathway(_Strict):
    """An employer's ordered track (e.g. a vendor's foundational -> associate -> professional)
    or a stack of credentials that compose a larger qualification."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
    label: str | None = None
    levels: list[PathwayLevel] = Field(min_length=1, description="Lowest first.")

    def level_number(self, wanted: int | str) -> int | None:
        """The 1-based number of a level given by number or (case-insensitive) label."""
        if isinstance(wanted, str) and wanted.strip().isdigit():
            wanted = int(wanted)
        if isinstance(wanted, int):
            return wanted if 1 <= wanted <= len(self.levels) else None
        for number, level in enumerate(self.levels, start=1):
            if level.label.casefold() == wanted.strip().casefold():
                return number
        return None


class Thresholds(_Strict):
    """Per-role cut-offs on the normalised score (0..100)."""

    qualified: float = Field(default=50, ge=0, le=100)
    shortlist: float = Field(default=75, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.shortlist < self.qualified:
            raise ValueError(
                f"shortlist ({self.shortlist:g}) is below qualified ({self.qualified:g})"
            )
        return self


class RequirementSet(_Strict):
    """One role's requirements. Immutable; every saved change becomes a new version."""

    schema_version: Literal[1] = 1
    id: str = Field(pattern=_RULE_ID, description="Stable id of the role's requirement set.")
    name: str = Field(min_length=1)
    version: int | None = Field(
        default=None, ge=1, description="Assigned by the store when saved; informative in files."
    )
    description: str | None = None
    thresholds: Thresholds = Field(default_factory=Thresholds)
    defaults: EvidenceFilters = Field(default_factory=EvidenceFilters)
    pathways: list[Pathway] = Field(
        default_factory=list,
        description="Employer pathways and stacks that 'stack' and 'focus' conditions name by id.",
    )
    requirements: list[Requirement] = Field(min_length=1)

    @field_validator("requirements")
    @classmethod
    def _unique_ids(cls, value: list[AnyRequirement]) -> list[AnyRequirement]:
        seen: set[str] = set()
        for req in value:
            if req.id in seen:
                raise ValueError(f"requirement id {req.id!r} is used twice")
            seen.add(req.id)
        return value

    @model_validator(mode="after")
    def _pathways_exist(self) -> RequirementSet:
        """The set's own pathways are checked here; a reference to any other pathway is the
        organisation's, resolved at save time (:func:`rules.validation.pathway_issues`)."""
        known = {p.id: p for p in self.pathways}
        if len(known) != len(self.pathways):
            raise ValueError("a pathway id is used twice")
        for pathway, level in pathway_references(self):
            if pathway in known and known[pathway].level_number(level) is None:
                raise ValueError(f"pathway {pathway!r} has no level {level!r}")
        return self

    @model_validator(mode="after")
    def _something_to_score(self) -> RequirementSet:
        if (
            not any(r.must for r in self.requirements)
            and sum(r.weight for r in self.requirements) <= 0
        ):
            raise ValueError(
                "weights sum to zero and nothing is a must: there is nothing to score; "
                "give a 'weight' to at least one requirement or mark one 'must: true'"
            )
        return self


def children(node: AnyNode) -> list[AnyNode]:
    """The direct sub-conditions of a group (empty for skill / credential leaves)."""
    if isinstance(node, AllOfNode):
        return list(node.all_of)
    if isinstance(node, AnyOfNode):
        return list(node.any_of)
    if isinstance(node, AtLeastNode):
        return list(node.at_least.of)
    return []


def walk(node: AnyNode) -> list[AnyNode]:
    """The node and every condition below it, depth first."""
    found = [node]
    for child in children(node):
        found.extend(walk(child))
    return found


def pathway_references(rs: RequirementSet) -> list[tuple[str, int | str]]:
    """Every (pathway id, level) the set's ``stack`` and ``focus`` conditions name."""
    found: list[tuple[str, int | str]] = []
    for req in rs.requirements:
        for node in walk(req):
            if isinstance(node, StackNode):
                found.append((node.stack.pathway, node.stack.min_level))
            elif isinstance(node, FocusNode) and node.focus.pathway is not None:
                found.append((node.focus.pathway, 1))
    return found


def requirement_set_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a requirement set, for the dashboard's editor and API."""
    return RequirementSet.model_json_schema()


for _model in (AllOfNode, AnyOfNode, AtLeast, AtLeastNode, StackNode, FocusNode):
    _model.model_rebuild()
for _model2 in (
    AllOfRequirement,
    AnyOfRequirement,
    AtLeastRequirement,
    SkillRequirement,
    CredentialRequirement,
    StackRequirement,
    FocusRequirement,
    RequirementSet,
):
    _model2.model_rebuild()
