"""Transactions that write: they queue behind each other instead of failing or deadlocking."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

# Execution option read by the SQLite "begin" hook in bot.db: start with BEGIN IMMEDIATE.
WRITER = "newsdesk_writer"
# PostgreSQL: every writer of coverage takes this lock, so loaders never deadlock on each other's rows.
WRITE_LOCK = 7_240_520


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: it waits for other writers instead of failing or deadlocking."""
    with engine.connect() as connection:
        connection = connection.execution_options(**{WRITER: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
            yield connection


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A transaction that only reads and sees one state of the database throughout, however
    many writers commit meanwhile (SQLite's WAL snapshot; PostgreSQL's REPEATABLE READ)."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection
