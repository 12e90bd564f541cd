"""Routing: transfers and objections of feedback cases, the election day of voter lists

Revision ID: 0016_routing
Revises: 0015_appraisal
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_routing"
down_revision = "0015_appraisal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_cases") as batch:
        batch.add_column(sa.Column("objected_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("item_revisions") as batch:
        batch.add_column(sa.Column("election_on", sa.Date(), nullable=True))
    op.create_table(
        "feedback_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("from_org_id", sa.Integer(), nullable=False),
        sa.Column("to_org_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_feedback_transfers_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["feedback_cases.id"],
            name=op.f("fk_feedback_transfers_case_id_feedback_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["from_org_id"], ["orgs.id"], name=op.f("fk_feedback_transfers_from_org_id_orgs")
        ),
        sa.ForeignKeyConstraint(
            ["to_org_id"], ["orgs.id"], name=op.f("fk_feedback_transfers_to_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_transfers")),
    )
    with op.batch_alter_table("feedback_transfers") as batch:
        batch.create_index(batch.f("ix_feedback_transfers_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback_transfers") as batch:
        batch.drop_index(batch.f("ix_feedback_transfers_case_id"))
    op.drop_table("feedback_transfers")
    with op.batch_alter_table("item_revisions") as batch:
        batch.drop_column("election_on")
    with op.batch_alter_table("feedback_cases") as batch:
        batch.drop_column("objected_at")
