"""Versioned schema: every database, new or old, is brought to the latest version by migrations.

A small ordered list of migrations instead of Alembic: the schema is a handful of tables, the
same code must run on SQLite and PostgreSQL without a separate tool or config, and a new
database runs the very migrations an old one does, so they are exercised by every test.
An upgrade runs in one writing transaction (bot.transactions), so several processes starting
at once migrate once.
"""

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    text,
)
from sqlalchemy.engine import Connection, Engine

from bot.transactions import writing

VERSION_TABLE = "schema_version"


def _v1_tables(metadata: MetaData) -> None:
    """The first released schema: coverages, pages, entries, summary points."""
    Table(
        "coverage", metadata,
        Column("id", Integer, primary_key=True),
        Column("key", String(512), nullable=False, unique=True),
        Column("title", String(512), nullable=False),
        Column("address", String(2048)),
    )
    Table(
        "page", metadata,
        Column("id", Integer, primary_key=True),
        Column("coverage_id", Integer, ForeignKey("coverage.id"), nullable=False, index=True),
        Column("source", String(4096), nullable=False, unique=True),
        Column("address", String(2048)),
        Column("page_number", Integer, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("zone", String(8)),
    )
    Table(
        "entry", metadata,
        Column("id", Integer, primary_key=True),
        Column("coverage_id", Integer, ForeignKey("coverage.id"), nullable=False, index=True),
        Column("page_id", Integer, ForeignKey("page.id"), nullable=False, index=True),
        Column("fingerprint", String(64), nullable=False),
        Column("page_number", Integer, nullable=False),
        Column("position", Integer, nullable=False),
        Column("title", Text, nullable=False),
        Column("label", String(32)),
        Column("published_at", DateTime(timezone=True), index=True),
        Column("zone", String(8)),
        Column("author", String(256)),
        Column("author_role", String(256)),
        Column("body", Text, nullable=False),
        Column("address", String(2048)),
        UniqueConstraint("coverage_id", "fingerprint"),
    )
    Table(
        "summarypoint", metadata,
        Column("id", Integer, primary_key=True),
        Column("coverage_id", Integer, ForeignKey("coverage.id"), nullable=False, index=True),
        Column("page_id", Integer, ForeignKey("page.id"), nullable=False, index=True),
        Column("fingerprint", String(64), nullable=False),
        Column("position", Integer, nullable=False),
        Column("text", Text, nullable=False),
        Column("address", String(2048)),
        UniqueConstraint("coverage_id", "fingerprint"),
    )
    Table(
        "contentversion", metadata,
        Column("id", Integer, primary_key=True),
        Column("version", Integer, nullable=False),
    )


def _v2_tables(metadata: MetaData) -> None:
    """Who said what: speakers and their quotes."""
    Table(
        "speaker", metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(256), nullable=False, unique=True),
        Column("kind", String(16), nullable=False),
        Column("role", String(256)),
        Column("aliases", Text, nullable=False, server_default=""),
    )
    Table(
        "quote", metadata,
        Column("id", Integer, primary_key=True),
        Column("entry_id", Integer, ForeignKey("entry.id"), nullable=False, index=True),
        Column("speaker_id", Integer, ForeignKey("speaker.id"), nullable=False, index=True),
        Column("position", Integer, nullable=False),
        Column("text", Text, nullable=False),
        Column("direct", Boolean, nullable=False),
    )


def _v3_tables(metadata: MetaData) -> None:
    """Which pages show each entry."""
    Table(
        "entrypage", metadata,
        Column("id", Integer, primary_key=True),
        Column("entry_id", Integer, ForeignKey("entry.id"), nullable=False, index=True),
        Column("page_id", Integer, ForeignKey("page.id"), nullable=False, index=True),
        UniqueConstraint("entry_id", "page_id"),
    )


def migrate_1(connection: Connection) -> None:
    metadata = MetaData()
    _v1_tables(metadata)
    metadata.create_all(connection)


def migrate_2(connection: Connection) -> None:
    # Older pages' numbered key points are told apart from newer pages' Summary bullets.
    connection.execute(text("ALTER TABLE summarypoint ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'summary'"))
    metadata = MetaData()
    Table("entry", metadata, Column("id", Integer, primary_key=True))
    _v2_tables(metadata)
    metadata.create_all(connection, tables=[metadata.tables["speaker"], metadata.tables["quote"]])


def migrate_3(connection: Connection) -> None:
    # Until now an entry was shown by the one page that stored it.
    metadata = MetaData()
    Table("entry", metadata, Column("id", Integer, primary_key=True))
    Table("page", metadata, Column("id", Integer, primary_key=True))
    _v3_tables(metadata)
    metadata.create_all(connection, tables=[metadata.tables["entrypage"]])
    connection.execute(text("INSERT INTO entrypage (entry_id, page_id) SELECT id, page_id FROM entry"))


MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: migrate_1, 2: migrate_2, 3: migrate_3}
LATEST = max(MIGRATIONS)


def current_version(connection: Connection) -> int:
    tables = set(inspect(connection).get_table_names())
    if VERSION_TABLE in tables:
        return connection.execute(text(f"SELECT version FROM {VERSION_TABLE}")).scalar() or 0
    # A database made before the version table existed is dated by its tables.
    if "entrypage" in tables:
        return 3
    if "quote" in tables:
        return 2
    return 1 if "entry" in tables else 0


def upgrade(engine: Engine, target: int = LATEST) -> int:
    """Bring the database to `target`; returns the version it was at before."""
    with writing(engine) as connection:
        before = current_version(connection)
        if VERSION_TABLE not in inspect(connection).get_table_names():
            connection.execute(text(f"CREATE TABLE {VERSION_TABLE} (version INTEGER NOT NULL)"))
            connection.execute(text(f"INSERT INTO {VERSION_TABLE} (version) VALUES (:v)"), {"v": before})
        for version in range(before + 1, target + 1):
            MIGRATIONS[version](connection)
            connection.execute(text(f"UPDATE {VERSION_TABLE} SET version = :v"), {"v": version})
    return before
