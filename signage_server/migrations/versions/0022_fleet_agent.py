"""Screens know their box agent: its version and when it last reported, and the player version
its page reports

Revision ID: 0022_fleet_agent
Revises: 0021_sheet_mime
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_fleet_agent"
down_revision = "0021_sheet_mime"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screens") as batch:
        batch.add_column(
            sa.Column("agent_version", sa.String(32), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("player_version", sa.String(64), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("agent_seen_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screens", recreate="never") as batch:
        batch.drop_column("agent_seen_at")
        batch.drop_column("player_version")
        batch.drop_column("agent_version")
