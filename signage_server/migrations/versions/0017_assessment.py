"""Assessment (考核): the assessor's scores and remarks per organisation and period

Revision ID: 0017_assessment
Revises: 0016_routing
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_assessment"
down_revision = "0016_routing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("remarks", sa.JSON(), nullable=False),
        sa.Column("remark", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("draft", "final", name="state", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finalised_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"],
            ["users.id"],
            name=op.f("fk_assessments_assessed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_assessments_org_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("org_id", "period", name=op.f("uq_assessments_org_id_period")),
    )
    op.create_index(op.f("ix_assessments_org_id"), "assessments", ["org_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_assessments_org_id"), table_name="assessments")
    op.drop_table("assessments")
