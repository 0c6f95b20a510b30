"""The database engine: SQLite by default, PostgreSQL through DATABASE_URL."""

from pathlib import Path

from sqlalchemy import Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from bot import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from bot.schema import LEGACY_VERSION_TABLE, upgrade
from bot.transactions import WRITER

SQLITE_BUSY_SECONDS = 30.0


def in_memory(database_url: str | URL) -> bool:
    """A SQLite database in memory: only the process that opened it can see it."""
    url = make_url(database_url)
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and not in_memory(url):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # How long to wait for another process's write lock: 30 s unless the URL says
        # otherwise ("sqlite:///news.db?timeout=5").
        timeout = float(url.query.get("timeout", SQLITE_BUSY_SECONDS))  # type: ignore[arg-type]
        engine = create_engine(url.difference_update_query(["timeout"]), connect_args={"check_same_thread": False, "timeout": timeout})
    else:
        # One shared connection, or every session would see its own empty in-memory database.
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        # pysqlite commits DDL on its own; taking over BEGIN makes schema upgrades atomic too.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory(url):
            # WAL lets the bot read while a loader writes; with WAL, NORMAL sync cannot corrupt the
            # database (a power cut may lose the last commits, which a reload restores).
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # Writers ask for IMMEDIATE: SQLite cannot make a transaction that has already read wait
        # for the write lock, so a reader-turned-writer fails at once when another one holds it.
        immediate = connection.get_execution_options().get(WRITER, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def create_schema(engine: Engine) -> None:
    """Create the schema, or upgrade it to the latest revision (see bot/schema.py)."""
    upgrade(engine)


def drop_schema(engine: Engine) -> None:
    """Drop every table of the bot, the version table included (tests start from nothing)."""
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        for table in ("alembic_version", LEGACY_VERSION_TABLE):
            connection.execute(text(f"DROP TABLE IF EXISTS {table}"))


_engines: dict[str, Engine] = {}


def get_engine(database_url: str) -> Engine:
    """The process-wide engine for a URL, with the schema created on first use."""
    engine = _engines.get(database_url)
    if engine is None:
        engine = make_engine(database_url)
        create_schema(engine)
        _engines[database_url] = engine
    return engine


def insert_for(connection: Connection, table: Table):
    """An INSERT that supports ON CONFLICT on both SQLite and PostgreSQL."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
