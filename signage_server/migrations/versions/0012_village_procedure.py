"""Village affairs: the procedure of each revision, the joint meeting's record and the seal

Revision ID: 0012_village_procedure
Revises: 0011_request_extension
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_village_procedure"
down_revision = "0011_request_extension"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Revisions recorded before went through the party procedure (the only one there was).
    with op.batch_alter_table("item_revisions") as batch:
        batch.add_column(
            sa.Column(
                "procedure",
                sa.Enum(
                    "party",
                    "village",
                    name="procedure",
                    native_enum=False,
                    length=16,
                ),
                nullable=False,
                server_default="party",
            )
        )
        batch.add_column(sa.Column("meeting", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("seal", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("item_revisions") as batch:
        batch.drop_column("seal")
        batch.drop_column("meeting")
        batch.drop_column("procedure")
