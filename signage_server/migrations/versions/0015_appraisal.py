"""Democratic appraisal (民主评议): appraisals, subjects, one-time codes, voters, ballots

Revision ID: 0015_appraisal
Revises: 0014_matters
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_appraisal"
down_revision = "0014_matters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appraisals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft", "open", "closed", "published", name="state", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_appraisals_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_appraisals_item_id_items"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_appraisals_org_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisals")),
        sa.UniqueConstraint("org_id", "year", name=op.f("uq_appraisals_org_id_year")),
    )
    op.create_index(op.f("ix_appraisals_org_id"), "appraisals", ["org_id"], unique=False)
    op.create_table(
        "appraisal_ballots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("appraisal_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appraisal_id"],
            ["appraisals.id"],
            name=op.f("fk_appraisal_ballots_appraisal_id_appraisals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_ballots")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_appraisal_ballots_appraisal_id"),
        "appraisal_ballots",
        ["appraisal_id"],
        unique=False,
    )
    op.create_table(
        "appraisal_code_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appraisal_id", sa.Integer(), nullable=False),
        sa.Column("ticket", sa.String(length=64), nullable=False),
        sa.Column("voter", sa.String(length=64), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appraisal_id"],
            ["appraisals.id"],
            name=op.f("fk_appraisal_code_requests_appraisal_id_appraisals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_code_requests")),
        sa.UniqueConstraint("ticket", name=op.f("uq_appraisal_code_requests_ticket")),
    )
    op.create_index(
        op.f("ix_appraisal_code_requests_appraisal_id"),
        "appraisal_code_requests",
        ["appraisal_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_appraisal_code_requests_voter"), "appraisal_code_requests", ["voter"], unique=False
    )
    op.create_table(
        "appraisal_subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appraisal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("post", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["appraisal_id"],
            ["appraisals.id"],
            name=op.f("fk_appraisal_subjects_appraisal_id_appraisals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_subjects")),
    )
    op.create_index(
        op.f("ix_appraisal_subjects_appraisal_id"),
        "appraisal_subjects",
        ["appraisal_id"],
        unique=False,
    )
    op.create_table(
        "appraisal_voters",
        sa.Column("appraisal_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["appraisal_id"],
            ["appraisals.id"],
            name=op.f("fk_appraisal_voters_appraisal_id_appraisals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("appraisal_id", "voter", name=op.f("pk_appraisal_voters")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("appraisal_voters")
    op.drop_index(op.f("ix_appraisal_subjects_appraisal_id"), table_name="appraisal_subjects")
    op.drop_table("appraisal_subjects")
    op.drop_index(op.f("ix_appraisal_code_requests_voter"), table_name="appraisal_code_requests")
    op.drop_index(
        op.f("ix_appraisal_code_requests_appraisal_id"), table_name="appraisal_code_requests"
    )
    op.drop_table("appraisal_code_requests")
    op.drop_index(op.f("ix_appraisal_ballots_appraisal_id"), table_name="appraisal_ballots")
    op.drop_table("appraisal_ballots")
    op.drop_index(op.f("ix_appraisals_org_id"), table_name="appraisals")
    op.drop_table("appraisals")
