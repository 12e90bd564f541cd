"""The scheduler's lease: one process of the installation does the scheduler's rounds

Revision ID: 0010_scheduler_lease
Revises: 0009_paper
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_scheduler_lease"
down_revision = "0009_paper"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_lease",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=True),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_lease")),
    )


def downgrade() -> None:
    op.drop_table("scheduler_lease")
