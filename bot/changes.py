"""Change stamps: how a process that holds the coverage as of one content version learns what
changed since, without reading everything again.

Every writing transaction (they queue behind each other, bot.transactions) stamps the rows it
writes with the version it is about to publish, records what it removes, and publishes that
version last. A reader that saw version V reads rows stamped above V and removals above V.
"""

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from bot.db import insert_for
from bot.kinds import RemovalKind
from bot.models import ContentVersion, Removal, table_of


def published_version(connection: Connection) -> int:
    return connection.execute(select(col(ContentVersion.version)).where(col(ContentVersion.id) == 1)).scalar() or 0


def content_version(engine: Engine) -> int:
    """The version the database holds now: what a process compares with the one it indexed."""
    with engine.connect() as connection:
        return published_version(connection)


def pending_version(connection: Connection) -> int:
    """The version this writing transaction will publish: what its rows are stamped with."""
    return published_version(connection) + 1


def publish(connection: Connection) -> None:
    """Make the transaction's changes known: the last statement of a writer that changed something."""
    table = table_of(ContentVersion)
    connection.execute(insert_for(connection, table).values(id=1, version=0).on_conflict_do_nothing(index_elements=["id"]))
    connection.execute(update(table).where(table.c.id == 1).values(version=table.c.version + 1))


def record_removals(connection: Connection, kind: RemovalKind, row_ids: Iterable[int]) -> None:
    ids = list(row_ids)
    if ids:
        seq = pending_version(connection)
        rows = [{"kind": kind.value, "row_id": row_id, "seq": seq} for row_id in ids]
        connection.execute(table_of(Removal).insert(), rows)
