"""The first release: coverages, pages, entries, summary points and the content version.

Revision ID: 0001
Revises:
Create Date: 2026-11-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coverage",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(512), nullable=False, unique=True),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("address", sa.String(2048)),
    )
    op.create_table(
        "page",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("coverage_id", sa.Integer(), sa.ForeignKey("coverage.id"), nullable=False, index=True),
        sa.Column("source", sa.String(4096), nullable=False, unique=True),
        sa.Column("address", sa.String(2048)),
        sa.Column("page_number", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("zone", sa.String(8)),
    )
    op.create_table(
        "entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("coverage_id", sa.Integer(), sa.ForeignKey("coverage.id"), nullable=False, index=True),
        sa.Column("page_id", sa.Integer(), sa.ForeignKey("page.id"), nullable=False, index=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("page_number", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("label", sa.String(32)),
        sa.Column("published_at", sa.DateTime(timezone=True), index=True),
        sa.Column("zone", sa.String(8)),
        sa.Column("author", sa.String(256)),
        sa.Column("author_role", sa.String(256)),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("address", sa.String(2048)),
        sa.UniqueConstraint("coverage_id", "fingerprint"),
    )
    op.create_table(
        "summarypoint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("coverage_id", sa.Integer(), sa.ForeignKey("coverage.id"), nullable=False, index=True),
        sa.Column("page_id", sa.Integer(), sa.ForeignKey("page.id"), nullable=False, index=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("address", sa.String(2048)),
        sa.UniqueConstraint("coverage_id", "fingerprint"),
    )
    op.create_table(
        "contentversion",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in ("contentversion", "summarypoint", "entry", "page", "coverage"):
        op.drop_table(table)
