"""Take a file's rows out of the database (its file was deleted or moved away), and follow a
file that was only renamed."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine

from bot.loader.store import bump_content_version, unlink_entries
from bot.models import Page, SummaryPoint
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
            page = connection.execute(select(Page.id, Page.coverage_id).where(Page.source == source)).first()
            if page is None:
                continue
            page_id, coverage_id = page
            done.entries += unlink_entries(connection, page_id, [])
            heir = connection.execute(
                select(func.min(Page.id)).where(Page.coverage_id == coverage_id, Page.id != page_id)
            ).scalar()
            points = SummaryPoint.__table__
            if heir is None:
                connection.execute(delete(points).where(points.c.page_id == page_id))
            else:
                connection.execute(update(points).where(points.c.page_id == page_id).values(page_id=heir))
            connection.execute(delete(Page.__table__).where(Page.id == page_id))
            done.pages += 1
        if done.pages:
            bump_content_version(connection)
    return done


def loaded_sources(engine: Engine, sources: list[str]) -> set[str]:
    """Which of these files the database holds."""
    with engine.connect() as connection:
        return set(connection.execute(select(Page.source).where(Page.source.in_(sources))).scalars())


def renamed_from(connection: Connection, content_hash: str) -> str | None:
    """A stored file with this content that no longer exists where it was: the file was moved."""
    for (source,) in connection.execute(select(Page.source).where(Page.content_hash == content_hash)).all():
        if not Path(source).exists():
            return source
    return None


def rename_source(connection: Connection, old: str, new: str) -> None:
    connection.execute(update(Page.__table__).where(Page.source == old).values(source=new))
