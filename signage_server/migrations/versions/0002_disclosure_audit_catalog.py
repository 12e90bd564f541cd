"""Disclosure items and revisions, the audit chain, the catalog, assets, the calendar.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:52:21.255882
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("workday", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("loaded_by", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_years")),
    )
    op.create_table(
        "catalog_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column(
            "org_kind",
            sa.Enum(
                "county",
                "township",
                "village",
                "agency",
                "school",
                name="orgkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_org_id"], ["orgs.id"], name=op.f("fk_catalog_templates_owner_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_templates")),
        sa.UniqueConstraint(
            "owner_org_id", "org_kind", name=op.f("uq_catalog_templates_owner_org_id_org_kind")
        ),
    )
    with op.batch_alter_table("catalog_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalog_templates_owner_org_id"), ["owner_org_id"], unique=False
        )

    op.create_table(
        "assets",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("parent", sa.String(length=64), nullable=True),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_assets_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_assets")),
    )
    op.create_table(
        "catalog_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "decisions",
                "ideology",
                "organisation",
                "leadership",
                "cadres",
                "conduct",
                "rules",
                "service",
                "village_affairs",
                "other",
                name="category",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "scope",
            sa.Enum("party", "unit", "public", name="scope", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "timing",
            sa.Enum(
                "standing",
                "periodic",
                "staged",
                "immediate",
                name="timing",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "cadence",
            sa.Enum(
                "monthly",
                "quarterly",
                "half_yearly",
                "yearly",
                name="cadence",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["catalog_templates.id"],
            name=op.f("fk_catalog_entries_template_id_catalog_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_entries")),
        sa.UniqueConstraint(
            "template_id", "code", name=op.f("uq_catalog_entries_template_id_code")
        ),
    )
    with op.batch_alter_table("catalog_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalog_entries_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_number", sa.Integer(), nullable=False),
        sa.Column("live_number", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_items_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_items_org_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_items_org_id"), ["org_id"], unique=False)

    op.create_table(
        "audit_records",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_audit_records_item_id_items")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_records")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_records_hash")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_audit_records_prev_hash")),
    )
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_records_item_id"), ["item_id"], unique=False)

    op.create_table(
        "exemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_exemptions_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["catalog_entries.id"],
            name=op.f("fk_exemptions_entry_id_catalog_entries"),
        ),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_exemptions_org_id_orgs")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_exemptions_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemptions")),
    )
    with op.batch_alter_table("exemptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exemptions_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exemptions_org_id"), ["org_id"], unique=False)

    op.create_table(
        "item_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "reviewed",
                "approved",
                "ready",
                "published",
                "superseded",
                "rejected",
                "expired",
                "withdrawn",
                "archived",
                name="state",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "decisions",
                "ideology",
                "organisation",
                "leadership",
                "cadres",
                "conduct",
                "rules",
                "service",
                "village_affairs",
                "other",
                name="category",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "timing",
            sa.Enum(
                "standing",
                "periodic",
                "staged",
                "immediate",
                name="timing",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "scope",
            sa.Enum("party", "unit", "public", name="scope", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("major", sa.Boolean(), nullable=False),
        sa.Column(
            "notice_kind",
            sa.Enum("pre_appointment", "general", name="noticekind", native_enum=False, length=24),
            nullable=True,
        ),
        sa.Column("notice_min_days", sa.Integer(), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("accountable", sa.String(length=100), nullable=False),
        sa.Column("stage", sa.String(length=100), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("catalog_entry_id", sa.Integer(), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("needs_superior", sa.Boolean(), nullable=False),
        sa.Column("higher_review", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("contributors", sa.JSON(), nullable=False),
        sa.Column("returned_reason", sa.Text(), nullable=False),
        sa.Column("returned_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_item_revisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["catalog_entry_id"],
            ["catalog_entries.id"],
            name=op.f("fk_item_revisions_catalog_entry_id_catalog_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_revisions_item_id_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_revisions")),
        sa.UniqueConstraint("item_id", "number", name=op.f("uq_item_revisions_item_id_number")),
    )
    with op.batch_alter_table("item_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_revisions_catalog_entry_id"), ["catalog_entry_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_item_revisions_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_revisions_state"), ["state"], unique=False)

    op.create_table(
        "revision_assets",
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["item_revisions.id"],
            name=op.f("fk_revision_assets_revision_id_item_revisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("revision_id", "sha256", name=op.f("pk_revision_assets")),
    )
    with op.batch_alter_table("revision_assets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revision_assets_sha256"), ["sha256"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("revision_assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revision_assets_sha256"))

    op.drop_table("revision_assets")
    with op.batch_alter_table("item_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_revisions_state"))
        batch_op.drop_index(batch_op.f("ix_item_revisions_item_id"))
        batch_op.drop_index(batch_op.f("ix_item_revisions_catalog_entry_id"))

    op.drop_table("item_revisions")
    with op.batch_alter_table("exemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exemptions_org_id"))
        batch_op.drop_index(batch_op.f("ix_exemptions_entry_id"))

    op.drop_table("exemptions")
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_records_item_id"))

    op.drop_table("audit_records")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_items_org_id"))

    op.drop_table("items")
    with op.batch_alter_table("catalog_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_entries_template_id"))

    op.drop_table("catalog_entries")
    op.drop_table("assets")
    with op.batch_alter_table("catalog_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_templates_owner_org_id"))

    op.drop_table("catalog_templates")
    op.drop_table("calendar_years")
    op.drop_table("calendar_days")
