"""Separation of duties: who reviewed and who signed off each revision

Revision ID: 0006_procedure
Revises: 0005_audit_keyed
Create Date: 2026-11-29 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_procedure"
down_revision = "0005_audit_keyed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("item_revisions") as batch:
        batch.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_item_revisions_reviewed_by_id_users",
            "users",
            ["reviewed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            "fk_item_revisions_approved_by_id_users",
            "users",
            ["approved_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("item_revisions") as batch:
        batch.drop_constraint("fk_item_revisions_approved_by_id_users", type_="foreignkey")
        batch.drop_constraint("fk_item_revisions_reviewed_by_id_users", type_="foreignkey")
        batch.drop_column("approved_by_id")
        batch.drop_column("reviewed_by_id")
