"""Power schedules (定时开关屏) of screens and groups, the blank periods players report and
their last reported power state

Revision ID: 0024_power_schedule
Revises: 0023_snapshots
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_power_schedule"
down_revision = "0023_snapshots"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "power_schedules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "screen_id",
            sa.Integer(),
            sa.ForeignKey("screens.id", ondelete="CASCADE"),
            nullable=True,
            unique=True,
        ),
        sa.Column(
            "group_id",
            sa.Integer(),
            sa.ForeignKey("screen_groups.id", ondelete="CASCADE"),
            nullable=True,
            unique=True,
        ),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("watts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.CheckConstraint(
            "(screen_id IS NULL) <> (group_id IS NULL)", name="ck_power_schedules_one_target"
        ),
    )
    op.create_table(
        "power_blank_periods",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "screen_id",
            sa.Integer(),
            sa.ForeignKey("screens.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("screen_id", "started_at", name="uq_power_blank_periods_start"),
    )
    op.create_index("ix_power_blank_periods_screen_id", "power_blank_periods", ["screen_id"])
    op.create_table(
        "power_reports",
        sa.Column(
            "screen_id",
            sa.Integer(),
            sa.ForeignKey("screens.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("power_reports")
    op.drop_index("ix_power_blank_periods_screen_id", table_name="power_blank_periods")
    op.drop_table("power_blank_periods")
    op.drop_table("power_schedules")
