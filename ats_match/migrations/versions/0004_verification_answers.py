"""verification answers: authenticity, validity, holder and issuer per stored result

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 15:30:00

Adds the four answers (and the evidence tier) as columns, with their reasons in ``answers``, and
converts every stored result by reading its stored checks the way the verifiers now do
(``ats_match.verification.verdicts.answers_of``), so old and new rows agree. The summary
``status`` is recomputed from the answers too: an authentic credential that names no recipient
was ``failed`` and is now ``indeterminate``.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_ANSWERS = ("authenticity", "validity", "holder", "issuer_trust", "evidence_tier")
_DEFAULTS = {
    "authenticity": "unknown",
    "validity": "unknown",
    "holder": "unaddressed",
    "issuer_trust": "unknown",
    "evidence_tier": "claimed",
}
_BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("verification_result", schema=None) as batch_op:
        for name in _ANSWERS:
            batch_op.add_column(
                sa.Column(
                    name, sa.String(length=20), nullable=False, server_default=_DEFAULTS[name]
                )
            )
        batch_op.add_column(sa.Column("answers", _JSON, nullable=False, server_default="{}"))
        batch_op.create_index(
            batch_op.f("ix_verification_result_authenticity"), ["authenticity"], unique=False
        )
    _convert_stored_results()


def _convert_stored_results() -> None:
    from ats_match.verification.report import Check
    from ats_match.verification.verdicts import answers_of, label_of, summary_of, tier_of

    connection = op.get_bind()
    table = sa.table(
        "verification_result",
        sa.column("id", sa.Uuid()),
        sa.column("checks", _JSON),
        sa.column("status", sa.String()),
        sa.column("answers", _JSON),
        *(sa.column(name, sa.String()) for name in _ANSWERS),
    )
    rows = connection.execute(sa.select(table.c.id, table.c.checks)).all()
    for start in range(0, len(rows), _BATCH):
        for row_id, stored in rows[start : start + _BATCH]:
            checks = [Check.model_validate(c) for c in (stored or []) if isinstance(c, dict)]
            answers = answers_of(checks)
            values: dict[str, Any] = {
                "status": summary_of(answers).value,
                "authenticity": answers.authenticity.status,
                "validity": answers.validity.status,
                "holder": answers.holder.status,
                "issuer_trust": answers.issuer.status,
                "evidence_tier": tier_of(answers).value,
                "answers": {**answers.model_dump(mode="json"), "label": label_of(answers)},
            }
            connection.execute(sa.update(table).where(table.c.id == row_id).values(**values))


def downgrade() -> None:
    with op.batch_alter_table("verification_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_result_authenticity"))
        batch_op.drop_column("answers")
        for name in reversed(_ANSWERS):
            batch_op.drop_column(name)
