"""Feedback cases recorded by staff on a villager's behalf: the channel, the recorder, when

Revision ID: 0019_case_channels
Revises: 0018_languages
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_case_channels"
down_revision = "0018_languages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_cases") as batch:
        # Every existing case came through the QR form.
        batch.add_column(
            sa.Column(
                "channel",
                sa.Enum(
                    "qr",
                    "phone",
                    "letter",
                    "mailbox",
                    "visit",
                    name="channel",
                    native_enum=False,
                    length=16,
                ),
                server_default="qr",
                nullable=False,
            )
        )
        batch.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_feedback_cases_recorded_by_id_users"), "users", ["recorded_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_cases") as batch:
        batch.drop_constraint(batch.f("fk_feedback_cases_recorded_by_id_users"), type_="foreignkey")
        batch.drop_column("recorded_at")
        batch.drop_column("recorded_by_id")
        batch.drop_column("channel")
