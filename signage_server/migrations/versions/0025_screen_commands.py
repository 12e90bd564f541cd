"""Remote commands to screens: reload, clear the cache, identify, reboot the box, snapshot

Revision ID: 0025_screen_commands
Revises: 0024_power_schedule
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_screen_commands"
down_revision = "0024_power_schedule"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screen_commands",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "screen_id",
            sa.Integer(),
            sa.ForeignKey("screens.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("issued_by", sa.String(100), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(200), nullable=False),
    )
    op.create_index("ix_screen_commands_screen_state", "screen_commands", ["screen_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_screen_commands_screen_state", table_name="screen_commands")
    op.drop_table("screen_commands")
