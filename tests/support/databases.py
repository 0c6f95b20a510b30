"""Databases of a test's own: a PostgreSQL URL working in a schema, and a database for a bot
process that a whole module shares."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db import make_engine


def in_schema(url: str, schema: str) -> str:
    """The PostgreSQL URL with `schema` first on its search path."""
    parsed = make_url(url)
    options = parsed.query.get("options", "")
    if isinstance(options, tuple):
        options = " ".join(options)
    options = f"{options} -csearch_path={schema}".strip()
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


@contextmanager
def own_database(database_url: str, folder: Path) -> Iterator[str]:
    """A database of its own for a bot process shared by a module's tests: a SQLite file in
    `folder`, or a PostgreSQL schema of its own (dropped afterwards), so the tests around it that
    empty the run's schema cannot pull the tables from under it."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{folder / 'bot.db'}"
        return
    schema = f"newsdesk_shared_{uuid.uuid4().hex[:12]}"
    admin = make_engine(database_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'create schema "{schema}"'))
        yield in_schema(database_url, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'drop schema if exists "{schema}" cascade'))
        admin.dispose()
