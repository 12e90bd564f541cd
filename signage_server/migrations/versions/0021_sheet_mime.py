"""Stored files' types long enough for spreadsheets
(application/vnd.openxmlformats-officedocument.spreadsheetml.sheet is 65 characters)

Revision ID: 0021_sheet_mime
Revises: 0020_read_aloud
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_sheet_mime"
down_revision = "0020_read_aloud"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assets") as batch:
        batch.alter_column("mime", existing_type=sa.String(length=64), type_=sa.String(length=100))


def downgrade() -> None:
    with op.batch_alter_table("assets") as batch:
        batch.alter_column("mime", existing_type=sa.String(length=100), type_=sa.String(length=64))
