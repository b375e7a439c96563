"""An organisation's own skill vocabulary: its taxonomy, synonyms and credential catalogue."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ats_match.models.base import (
    JSONType,
    OrgScoped,
    created_at_field,
    enum_field,
    id_field,
)


class SkillFileKind(StrEnum):
    TAXONOMY = "taxonomy"
    """``{skills: [{uri, preferred_label, alt_labels, description, broader}]}`` over ESCO."""
    SYNONYMS = "synonyms"
    """``{skill URI or label: [term, ...]}``."""
    CATALOGUE = "catalogue"
    """``{credentials: [...]}`` in the shape of the shipped ``credentials.yaml``."""


class SkillFileBase(SQLModel):
    kind: SkillFileKind = enum_field()
    content: Any = Field(sa_type=JSONType, nullable=False)


class SkillFile(OrgScoped, SkillFileBase, table=True):
    __tablename__ = "skill_file"
    __table_args__ = (sa.UniqueConstraint("organization_id", "kind"),)

    id: uuid.UUID = id_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class SkillFilePublic(SkillFileBase):
    id: uuid.UUID
    updated_at: datetime
