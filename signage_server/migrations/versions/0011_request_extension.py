"""Requests for disclosure: the time to decide extended once, with a reason

Revision ID: 0011_request_extension
Revises: 0010_scheduler_lease
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_request_extension"
down_revision = "0010_scheduler_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_cases") as batch:
        batch.add_column(sa.Column("extended_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feedback_cases") as batch:
        batch.drop_column("extended_at")
