"""Who said what: speakers and their quotes; key points told apart from Summary bullets.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows written before this release are all Summary bullets.
    with op.batch_alter_table("summarypoint") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="summary"))
    op.create_table(
        "speaker",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(256), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("role", sa.String(256)),
        sa.Column("aliases", sa.Text(), nullable=False, server_default=""),
    )
    op.create_table(
        "quote",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("entry.id"), nullable=False, index=True),
        sa.Column("speaker_id", sa.Integer(), sa.ForeignKey("speaker.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("direct", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("quote")
    op.drop_table("speaker")
    with op.batch_alter_table("summarypoint") as batch:
        batch.drop_column("kind")
