"""Which pages show each entry, so an entry moving between pages is never lost.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entrypage",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("entry.id"), nullable=False, index=True),
        sa.Column("page_id", sa.Integer(), sa.ForeignKey("page.id"), nullable=False, index=True),
        sa.UniqueConstraint("entry_id", "page_id"),
    )
    # Until now an entry was shown by the one page that stored it.
    op.execute("INSERT INTO entrypage (entry_id, page_id) SELECT id, page_id FROM entry")


def downgrade() -> None:
    op.drop_table("entrypage")
