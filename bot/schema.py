"""The schema: bot/models.py describes it, Alembic migrations (bot/migrations) bring every
database to it, new or made by an earlier release.

Migrations run on the connection of one writing transaction (bot.transactions), so several
processes starting at once migrate once, and an upgrade that fails half-way changes nothing
(PostgreSQL and, through bot.db's BEGIN hook, SQLite both roll DDL back).
"""

from functools import lru_cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from bot.transactions import writing

HEAD = "head"
# Releases before Alembic kept their version here, or (the first release) nowhere at all.
LEGACY_VERSION_TABLE = "schema_version"
LEGACY_REVISIONS = {1: "0001", 2: "0002", 3: "0003"}


@lru_cache(maxsize=1)
def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "bot:migrations")
    return config


@lru_cache(maxsize=1)
def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _legacy_version(connection: Connection, tables: set[str]) -> int:
    if LEGACY_VERSION_TABLE in tables:
        return connection.execute(text(f"SELECT version FROM {LEGACY_VERSION_TABLE}")).scalar() or 0
    # The first release had no version table: it is dated by its tables.
    if "entrypage" in tables:
        return 3
    if "quote" in tables:
        return 2
    return 1 if "entry" in tables else 0


def adopt_earlier_release(connection: Connection) -> None:
    """Stamp a database made before Alembic with the revision its schema matches."""
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables:
        return
    version = _legacy_version(connection, tables)
    if version:
        MigrationContext.configure(connection).stamp(script_directory(), LEGACY_REVISIONS[version])
    if LEGACY_VERSION_TABLE in tables:
        connection.execute(text(f"DROP TABLE {LEGACY_VERSION_TABLE}"))


def upgrade(engine: Engine, target: str = HEAD) -> str | None:
    """Bring the database to `target`; returns the revision it was at before (None: empty)."""
    with writing(engine) as connection:
        adopt_earlier_release(connection)
        before = current_revision(connection)
        if before == script_directory().get_current_head() and target == HEAD:
            return before
        config = alembic_config()
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, target)
        finally:
            config.attributes.pop("connection", None)
    return before
