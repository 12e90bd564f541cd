"""Which manifest versions each screen was given (to check its proof of play)

Revision ID: 0008_screen_trust
Revises: 0007_sessions_logins
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_screen_trust"
down_revision = "0007_sessions_logins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screen_manifest_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["screen_id"], ["screens.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_screen_manifest_log_screen_sent", "screen_manifest_log", ["screen_id", "sent_at"]
    )
    # Screens already running hold their current manifest since it was compiled.
    op.execute(
        "INSERT INTO screen_manifest_log (screen_id, version, sent_at, acked_at) "
        "SELECT screens.id, manifests.version, manifests.created_at, NULL "
        "FROM screens JOIN manifests ON manifests.version = screens.manifest_version"
    )


def downgrade() -> None:
    op.drop_index("ix_screen_manifest_log_screen_sent", table_name="screen_manifest_log")
    op.drop_table("screen_manifest_log")
