"""Supervision: roster, inspections, findings and rectification, meetings, accountability

Revision ID: 0013_supervision
Revises: 0012_village_procedure
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_supervision"
down_revision = "0012_village_procedure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accountability_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column(
            "breach",
            sa.Enum(
                "not_disclosed",
                "wrongly_disclosed",
                "untrue",
                name="breach",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("persons", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column(
            "measure",
            sa.Enum(
                "circulated_criticism",
                "admonition_talk",
                "ordered_self_examination",
                "organisational",
                "disciplinary",
                "other",
                name="measure",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("finding_ids", sa.JSON(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["users.id"],
            name=op.f("fk_accountability_records_opened_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_accountability_records_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accountability_records")),
    )
    with op.batch_alter_table("accountability_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_accountability_records_org_id"), ["org_id"], unique=False
        )

    op.create_table(
        "external_supervisors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("post", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("appointed_on", sa.Date(), nullable=False),
        sa.Column("term_until", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_external_supervisors_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_external_supervisors_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_supervisors")),
    )
    with op.batch_alter_table("external_supervisors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_supervisors_org_id"), ["org_id"], unique=False
        )

    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_inspections_org_id_orgs")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_inspections_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_org_id"), ["org_id"], unique=False)

    op.create_table(
        "supervision_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("monthly", "forum", name="meetingkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees_count", sa.Integer(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("conclusions", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_supervision_meetings_org_id_orgs")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_supervision_meetings_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_meetings")),
    )
    with op.batch_alter_table("supervision_meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_meetings_held_on"), ["held_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_meetings_org_id"), ["org_id"], unique=False
        )

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column(
            "point",
            sa.Enum(
                "content",
                "procedure",
                "form",
                "rules",
                "execution",
                "results",
                name="point",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open", "rectified", "closed", name="findingstate", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("rectification", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("rectified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=False),
        sa.Column("reopened_count", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["users.id"],
            name=op.f("fk_findings_closed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_findings_inspection_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_findings_item_id_items"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_findings_org_id_orgs")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_findings_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_findings_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_findings_inspection_id"), ["inspection_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_findings_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_state"), ["state"], unique=False)

    op.create_table(
        "inspection_inspectors",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_inspectors_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_inspection_inspectors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inspection_id", "user_id", name=op.f("pk_inspection_inspectors")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")

    op.drop_table("inspection_inspectors")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_findings_state"))
        batch_op.drop_index(batch_op.f("ix_findings_owner_id"))
        batch_op.drop_index(batch_op.f("ix_findings_org_id"))
        batch_op.drop_index(batch_op.f("ix_findings_item_id"))
        batch_op.drop_index(batch_op.f("ix_findings_inspection_id"))

    op.drop_table("findings")
    with op.batch_alter_table("supervision_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_meetings_org_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_meetings_held_on"))

    op.drop_table("supervision_meetings")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_org_id"))

    op.drop_table("inspections")
    with op.batch_alter_table("external_supervisors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_supervisors_org_id"))

    op.drop_table("external_supervisors")
    with op.batch_alter_table("accountability_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accountability_records_org_id"))

    op.drop_table("accountability_records")
