"""Snapshots as evidence and the box's health: snapshots, box_health, box_restarts, and each
screen's snapshot interval

Revision ID: 0023_snapshots
Revises: 0022_fleet_agent
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_snapshots"
down_revision = "0022_fleet_agent"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("screens") as batch:
        batch.add_column(
            sa.Column("snapshot_every_min", sa.Integer(), nullable=False, server_default="30")
        )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("play_record_id", BIGINT, nullable=True),
        sa.Column("audit_seq", BIGINT, nullable=False),
        sa.Column("audit_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("command_id", sa.Integer(), nullable=True),
        sa.Column("capture", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["screens.id"],
            name=op.f("fk_snapshots_screen_id_screens"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_snapshots_item_id_items"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["play_record_id"],
            ["play_records.id"],
            name=op.f("fk_snapshots_play_record_id_play_records"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
    )
    op.create_index("ix_snapshots_screen_taken", "snapshots", ["screen_id", "taken_at"])
    op.create_index("ix_snapshots_item_revision", "snapshots", ["item_id", "revision"])
    op.create_index(op.f("ix_snapshots_sha256"), "snapshots", ["sha256"])
    op.create_index(op.f("ix_snapshots_taken_at"), "snapshots", ["taken_at"])
    op.create_table(
        "box_health",
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uptime_s", BIGINT, nullable=False),
        sa.Column("disk_used", BIGINT, nullable=False),
        sa.Column("disk_total", BIGINT, nullable=False),
        sa.Column("temperature_c", sa.Double(), nullable=True),
        sa.Column("browser_version", sa.String(length=64), nullable=False),
        sa.Column("player_version", sa.String(length=64), nullable=False),
        sa.Column("agent_version", sa.String(length=32), nullable=False),
        sa.Column("restart_reason", sa.String(length=32), nullable=False),
        sa.Column("restart_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["screens.id"],
            name=op.f("fk_box_health_screen_id_screens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("screen_id", name=op.f("pk_box_health")),
    )
    op.create_table(
        "box_restarts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["screens.id"],
            name=op.f("fk_box_restarts_screen_id_screens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_box_restarts")),
    )
    op.create_index("ix_box_restarts_screen_at", "box_restarts", ["screen_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_box_restarts_screen_at", table_name="box_restarts")
    op.drop_table("box_restarts")
    op.drop_table("box_health")
    op.drop_index(op.f("ix_snapshots_taken_at"), table_name="snapshots")
    op.drop_index(op.f("ix_snapshots_sha256"), table_name="snapshots")
    op.drop_index("ix_snapshots_item_revision", table_name="snapshots")
    op.drop_index("ix_snapshots_screen_taken", table_name="snapshots")
    op.drop_table("snapshots")
    with op.batch_alter_table("screens", recreate="never") as batch:
        batch.drop_column("snapshot_every_min")
