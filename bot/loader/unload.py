"""Take a file's rows out of the database (its file was deleted or moved away), and follow a
file that was only renamed."""

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from bot.changes import publish
from bot.loader.store import unlink_entries
from bot.models import Page, SummaryPoint, table_of
from bot.transactions import writing


@dataclass
class Unloaded:
    pages: int = 0
    entries: int = 0  # entries that left the coverage: no other page shows them


def unload_sources(engine: Engine, sources: list[str]) -> Unloaded:
    """Remove these files' pages. Their entries go unless another page of the coverage still
    shows them; their summary points pass to another page of the coverage if there is one."""
    done = Unloaded()
    with writing(engine) as connection:
        for source in sources:
            page = connection.execute(select(col(Page.id), col(Page.coverage_id)).where(col(Page.source) == source)).first()
            if page is None:
                continue
            page_id, coverage_id = cast(int, page[0]), page[1]
            done.entries += unlink_entries(connection, page_id, [])
            heir = connection.execute(
                select(func.min(col(Page.id))).where(col(Page.coverage_id) == coverage_id, col(Page.id) != page_id)
            ).scalar()
            points = table_of(SummaryPoint)
            if heir is None:
                connection.execute(delete(points).where(points.c.page_id == page_id))
            else:
                connection.execute(update(points).where(points.c.page_id == page_id).values(page_id=heir))
            connection.execute(delete(table_of(Page)).where(col(Page.id) == page_id))
            done.pages += 1
        if done.pages:
            publish(connection)
    return done


def loaded_sources(engine: Engine, sources: list[str]) -> set[str]:
    """Which of these files the database holds."""
    with engine.connect() as connection:
        return set(connection.execute(select(col(Page.source)).where(col(Page.source).in_(sources))).scalars())


def renamed_from(connection: Connection, content_hashes: list[str]) -> dict[str, str]:
    """For each content hash, a stored file with that content that no longer exists where it
    was (the file was moved), if there is one. One query per 500 hashes: a first load of
    thousands of files must not cost a query each."""
    moved: dict[str, str] = {}
    wanted = sorted(set(content_hashes))
    for start in range(0, len(wanted), 500):
        rows = connection.execute(
            select(col(Page.content_hash), col(Page.source)).where(col(Page.content_hash).in_(wanted[start : start + 500]))
        ).all()
        for content_hash, source in rows:
            if content_hash not in moved and not Path(source).exists():
                moved[content_hash] = source
    return moved


def rename_source(connection: Connection, old: str, new: str) -> None:
    connection.execute(update(table_of(Page)).where(col(Page.source) == old).values(source=new))
