"""Bilingual disclosure: an organisation's second language, an item revision's translation
(sealed with its Chinese text), and how each screen shows the two

Revision ID: 0018_languages
Revises: 0017_assessment
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_languages"
down_revision = "0017_assessment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orgs") as batch:
        batch.add_column(sa.Column("second_language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("item_revisions") as batch:
        batch.add_column(sa.Column("translation", sa.JSON(), nullable=True))
    with op.batch_alter_table("screens") as batch:
        batch.add_column(
            sa.Column("bilingual", sa.String(length=16), server_default="side", nullable=False)
        )


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), never a copy of the table: dropping the copied
    # table would fail on (orgs) or cascade to (item_revisions) the rows that refer to it.
    with op.batch_alter_table("screens", recreate="never") as batch:
        batch.drop_column("bilingual")
    with op.batch_alter_table("item_revisions", recreate="never") as batch:
        batch.drop_column("translation")
    with op.batch_alter_table("orgs", recreate="never") as batch:
        batch.drop_column("second_language")
