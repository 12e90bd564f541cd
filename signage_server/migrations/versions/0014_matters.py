"""Major village matters (四议两公开): matters, their four stages and two disclosures

Revision ID: 0014_matters
Revises: 0013_supervision
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_matters"
down_revision = "0013_supervision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "deliberating",
                "rejected",
                "resolved",
                "decision_disclosed",
                "result_disclosed",
                name="matterstate",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("decision_item_id", sa.Integer(), nullable=True),
        sa.Column("decision_linked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_item_id", sa.Integer(), nullable=True),
        sa.Column("result_linked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_matters_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decision_item_id"], ["items.id"], name=op.f("fk_matters_decision_item_id_items")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_matters_org_id_orgs")),
        sa.ForeignKeyConstraint(
            ["result_item_id"], ["items.id"], name=op.f("fk_matters_result_item_id_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matters")),
        sa.UniqueConstraint("decision_item_id", name=op.f("uq_matters_decision_item_id")),
        sa.UniqueConstraint("result_item_id", name=op.f("uq_matters_result_item_id")),
    )
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matters_org_id"), ["org_id"], unique=False)

    op.create_table(
        "matter_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "proposal",
                "consultation",
                "deliberation",
                "resolution",
                name="stagekind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column(
            "body",
            sa.Enum(
                "branch_committee",
                "two_committees",
                "party_assembly",
                "villagers_assembly",
                "representatives",
                name="body",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "counting",
            sa.Enum("members", "households", name="counting", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=False),
        sa.Column("votes_against", sa.Integer(), nullable=False),
        sa.Column("abstained", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["matters.id"], name=op.f("fk_matter_stages_matter_id_matters")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_matter_stages_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matter_stages")),
        sa.UniqueConstraint("matter_id", "kind", name=op.f("uq_matter_stages_matter_id_kind")),
    )
    with op.batch_alter_table("matter_stages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matter_stages_matter_id"), ["matter_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("matter_stages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matter_stages_matter_id"))
    op.drop_table("matter_stages")
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matters_org_id"))
    op.drop_table("matters")
