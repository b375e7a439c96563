"""The requirement editor's "add a requirement" form, turned into a YAML entry."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from ats_match.taxonomy.occupation_template import slug
from rules.editing import EditError


def _words(text: str) -> list[str]:
    """Issuer ids one per line or comma-separated."""
    return [w.strip() for w in text.replace(",", "\n").splitlines() if w.strip()]


class RequirementForm(BaseModel):
    """The fields of the form; blank means "not given"."""

    kind: Literal["skill", "credential"] = "skill"
    req_id: str = Field(default="", max_length=80)
    req_label: str = Field(default="", max_length=300)
    must: bool = False
    weight: float = Field(default=10, ge=0, le=1_000_000)
    issued_within: str = Field(default="", max_length=40)
    skill_uri: str = Field(default="", max_length=500)
    skill_query: str = Field(default="", max_length=200)
    include_narrower: bool = False
    name_pattern: str = Field(default="", max_length=300)
    achievement_id: str = Field(default="", max_length=500)
    issuer_id: str = Field(default="", max_length=500)
    issuer_allow: str = Field(default="", max_length=5000)

    def condition(self) -> dict[str, Any]:
        """The ``skill`` or ``credential`` mapping of the entry."""
        if self.kind == "skill":
            if self.skill_uri.strip():
                skill: dict[str, Any] = {"uri": self.skill_uri.strip()}
            elif self.skill_query.strip():
                skill = {"label": self.skill_query.strip()}
            else:
                raise EditError("pick a skill from the list (type part of its name first)")
            if self.include_narrower:
                skill["include_narrower"] = True
            return {"skill": skill}
        found = {
            key: value.strip()
            for key, value in (
                ("achievement_id", self.achievement_id),
                ("issuer_id", self.issuer_id),
                ("name_pattern", self.name_pattern),
            )
            if value.strip()
        }
        if not found:
            raise EditError("give the credential's name pattern, achievement id or issuer id")
        return {"credential": found}

    def entry(self, skill_label: str | None = None) -> dict[str, Any]:
        """The requirement entry; ``skill_label`` is the chosen skill's preferred label, the
        label and id when none is typed."""
        condition = self.condition()
        label = self.req_label.strip() or skill_label or self.skill_query.strip()
        label = label or self.name_pattern.strip().strip("*") or self.achievement_id.strip()
        entry: dict[str, Any] = {"id": self.req_id.strip() or slug(label or self.kind)}
        if label:
            entry["label"] = label
        if self.must:
            entry["must"] = True
        entry["weight"] = int(self.weight) if float(self.weight).is_integer() else self.weight
        filters: dict[str, Any] = {}
        if self.issued_within.strip():
            filters["issued_within"] = self.issued_within.strip()
        if _words(self.issuer_allow):  # for a skill too: the credentials that prove it
            filters["issuers"] = {"allow": _words(self.issuer_allow)}
        if filters:
            entry["filters"] = filters
        return entry | condition
