"""Tenant-scoped data access.

A repository is bound to one organisation when it is made; every query it runs filters on that
organisation, so a row of another tenant is simply not there.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from ats_match.errors import NotFound

Model = TypeVar("Model", bound=SQLModel)


class OrgRepository(Generic[Model]):
    """CRUD for one table, always within ``organization_id``."""

    model: type[Model]

    def __init__(self, session: Session, organization_id: uuid.UUID) -> None:
        self.session = session
        self.organization_id = organization_id

    def query(self) -> SelectOfScalar[Model]:
        """A select of this table already restricted to the organisation."""
        column = getattr(self.model, "organization_id")  # noqa: B009 - generic over tables
        return select(self.model).where(col(column) == self.organization_id)

    def get(self, row_id: uuid.UUID) -> Model | None:
        id_column = getattr(self.model, "id")  # noqa: B009 - generic over tables
        return self.session.exec(self.query().where(col(id_column) == row_id)).first()

    def get_or_404(self, row_id: uuid.UUID) -> Model:
        row = self.get(row_id)
        if row is None:
            raise NotFound(f"{self.model.__name__} {row_id} not found")
        return row

    def list(self, *, limit: int = 100, offset: int = 0, **filters: Any) -> Sequence[Model]:
        statement = self.query()
        for name, value in filters.items():
            statement = statement.where(col(getattr(self.model, name)) == value)
        return self.session.exec(statement.offset(offset).limit(limit)).all()

    def add(self, row: Model) -> Model:
        """Stage ``row`` for insert in this organisation (flushes, never commits)."""
        row_org = getattr(row, "organization_id", None)
        if row_org is not None and row_org != self.organization_id:
            raise NotFound("row belongs to another organisation")
        row.organization_id = self.organization_id
        self.session.add(row)
        self.session.flush()
        return row
