"""Screens that read the item on them aloud: at set times of day, or when a key is pressed

Revision ID: 0020_read_aloud
Revises: 0019_case_channels
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_read_aloud"
down_revision = "0019_case_channels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screens") as batch:
        batch.add_column(
            sa.Column("read_aloud_times", sa.String(length=120), server_default="", nullable=False)
        )
        batch.add_column(
            sa.Column("read_aloud_key", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("screens") as batch:
        batch.drop_column("read_aloud_key")
        batch.drop_column("read_aloud_times")
