"""An organisation's pathways: ordered tracks (or stacks) of achievements that every one of its
requirement sets can name in a ``stack`` or ``focus`` condition by slug.

A row is the organisation-wide form of :class:`rules.schema.Pathway` (``slug`` is its id,
``name`` its label); its levels are stored as that schema's plain data and validated by it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from pydantic import Field as PlainField
from sqlmodel import Field, SQLModel

from ats_match.models.base import OrgScoped, created_at_field, id_field, json_field
from rules.schema import PathwayLevel

SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$"
"""The same ids a requirement set's own pathways take."""


class PathwayBase(SQLModel):
    slug: str = Field(
        max_length=80,
        schema_extra={"pattern": SLUG_PATTERN},
        description="What a requirement set's 'stack: {pathway: ...}' names; unique per "
        "organisation.",
    )
    name: str = Field(min_length=1, max_length=200, description="Unique per organisation.")
    description: str | None = Field(default=None, max_length=2000)


class PathwayCreate(PathwayBase):
    """Levels lowest first, each as a requirement set's pathway level: any of its
    ``achievements`` is the level, and so is holding every one of its ``parts``."""

    levels: list[PathwayLevel] = Field(min_length=1, max_length=50)


class PathwayUpdate(BaseModel):
    """A partial update; fields left out keep their value. The slug is fixed: sets name it."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = PlainField(default=None, min_length=1, max_length=200)
    description: str | None = PlainField(default=None, max_length=2000)
    levels: list[PathwayLevel] | None = PlainField(default=None, min_length=1, max_length=50)


class Pathway(OrgScoped, PathwayBase, table=True):
    __tablename__ = "pathway"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "slug"),
        sa.UniqueConstraint("organization_id", "name"),
    )

    id: uuid.UUID = id_field()
    levels: list[dict[str, Any]] = json_field(list)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class PathwayPublic(PathwayBase):
    id: uuid.UUID
    levels: list[PathwayLevel]
    created_at: datetime
    updated_at: datetime
