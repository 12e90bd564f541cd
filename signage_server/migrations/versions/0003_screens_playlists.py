"""Screens, groups, pairing, manifests, proof of play, playlists; urgent items.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:28:39.873647
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "manifests",
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_manifests")),
    )
    op.create_table(
        "playlists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=True),
        sa.Column("date_until", sa.Date(), nullable=True),
        sa.Column("dayparts", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_playlists_org_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playlists")),
    )
    with op.batch_alter_table("playlists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_playlists_org_id"), ["org_id"], unique=False)

    op.create_table(
        "screen_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_screen_groups_org_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screen_groups")),
    )
    with op.batch_alter_table("screen_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screen_groups_org_id"), ["org_id"], unique=False)

    op.create_table(
        "screens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column(
            "audience",
            sa.Enum("public", "party", "unit", name="audience", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("layout", sa.String(length=32), nullable=False),
        sa.Column("resolution", sa.String(length=16), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_prefix", sa.String(length=16), nullable=False),
        sa.Column("token_issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("manifest_version", sa.String(length=64), nullable=False),
        sa.Column("acked_version", sa.String(length=64), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("current_item_id", sa.Integer(), nullable=True),
        sa.Column("uptime_s", sa.Integer(), nullable=False),
        sa.Column("player_address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_screens_org_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screens")),
    )
    with op.batch_alter_table("screens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screens_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_screens_token_hash"), ["token_hash"], unique=False)

    op.create_table(
        "pairing_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=True),
        sa.Column("token", sa.String(length=128), nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["screens.id"],
            name=op.f("fk_pairing_requests_screen_id_screens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_requests")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_pairing_requests_secret_hash")),
    )
    with op.batch_alter_table("pairing_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairing_requests_code"), ["code"], unique=False)

    op.create_table(
        "playlist_groups",
        sa.Column("playlist_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["screen_groups.id"],
            name=op.f("fk_playlist_groups_group_id_screen_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["playlist_id"],
            ["playlists.id"],
            name=op.f("fk_playlist_groups_playlist_id_playlists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("playlist_id", "group_id", name=op.f("pk_playlist_groups")),
    )
    op.create_table(
        "playlist_screens",
        sa.Column("playlist_id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["playlist_id"],
            ["playlists.id"],
            name=op.f("fk_playlist_screens_playlist_id_playlists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["screens.id"],
            name=op.f("fk_playlist_screens_screen_id_screens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("playlist_id", "screen_id", name=op.f("pk_playlist_screens")),
    )
    op.create_table(
        "screen_connections",
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["screens.id"],
            name=op.f("fk_screen_connections_screen_id_screens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sid", name=op.f("pk_screen_connections")),
    )
    with op.batch_alter_table("screen_connections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screen_connections_screen_id"), ["screen_id"], unique=False
        )

    op.create_table(
        "screen_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["screen_groups.id"],
            name=op.f("fk_screen_group_members_group_id_screen_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["screens.id"],
            name=op.f("fk_screen_group_members_screen_id_screens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "screen_id", name=op.f("pk_screen_group_members")),
    )
    op.create_table(
        "play_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Double(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_play_records_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["screens.id"],
            name=op.f("fk_play_records_screen_id_screens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_play_records")),
        sa.UniqueConstraint(
            "screen_id",
            "item_id",
            "revision",
            "started_at",
            name=op.f("uq_play_records_screen_id_item_id_revision_started_at"),
        ),
    )
    with op.batch_alter_table("play_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_play_records_item_revision", ["item_id", "revision"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_play_records_screen_id"), ["screen_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_play_records_started_at"), ["started_at"], unique=False
        )

    op.create_table(
        "playlist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("playlist_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_playlist_entries_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["playlist_id"],
            ["playlists.id"],
            name=op.f("fk_playlist_entries_playlist_id_playlists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playlist_entries")),
    )
    with op.batch_alter_table("playlist_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_playlist_entries_playlist_id"), ["playlist_id"], unique=False
        )

    with op.batch_alter_table("item_revisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:

    with op.batch_alter_table("item_revisions", schema=None) as batch_op:
        batch_op.drop_column("urgent")

    with op.batch_alter_table("playlist_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_playlist_entries_playlist_id"))

    op.drop_table("playlist_entries")
    with op.batch_alter_table("play_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_play_records_started_at"))
        batch_op.drop_index(batch_op.f("ix_play_records_screen_id"))
        batch_op.drop_index("ix_play_records_item_revision")

    op.drop_table("play_records")
    op.drop_table("screen_group_members")
    with op.batch_alter_table("screen_connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screen_connections_screen_id"))

    op.drop_table("screen_connections")
    op.drop_table("playlist_screens")
    op.drop_table("playlist_groups")
    with op.batch_alter_table("pairing_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pairing_requests_code"))

    op.drop_table("pairing_requests")
    with op.batch_alter_table("screens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screens_token_hash"))
        batch_op.drop_index(batch_op.f("ix_screens_org_id"))

    op.drop_table("screens")
    with op.batch_alter_table("screen_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screen_groups_org_id"))

    op.drop_table("screen_groups")
    with op.batch_alter_table("playlists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_playlists_org_id"))

    op.drop_table("playlists")
    op.drop_table("manifests")
