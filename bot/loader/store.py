"""Write parsed pages into the tables: one transaction per file, upserts so reloads add nothing."""

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.engine import Connection

from bot.db import insert_for
from bot.loader.page_text import ParsedEntry, ParsedPage
from bot.models import ContentVersion, Coverage, Entry, Page, Quote, SummaryPoint
from bot.quotes.store import store_quotes


@dataclass
class StoreResult:
    entries: int  # entries on the page
    new_entries: int
    summary_points: int
    new_summary_points: int


def fingerprint(*parts: str) -> str:
    normal = "\x1f".join(re.sub(r"\s+", " ", part).strip().lower() for part in parts)
    return hashlib.sha256(normal.encode()).hexdigest()[:32]


def entry_fingerprint(entry: ParsedEntry) -> str:
    # A live entry keeps its title and time while its text is corrected, so those identify it;
    # untimed entries ("Via Email", "Post update") need their opening words as well.
    if entry.published_at is not None:
        return fingerprint(entry.title, entry.published_at.isoformat())
    return fingerprint(entry.title, entry.paragraphs[0] if entry.paragraphs else "")


def store_page(
    connection: Connection, parsed: ParsedPage, source: str, content_hash: str
) -> StoreResult:
    """Upsert one page's rows inside the caller's transaction."""
    coverage_id = _coverage_id(connection, parsed, source)
    page_values = {
        "coverage_id": coverage_id,
        "source": source,
        "address": parsed.address,
        "page_number": parsed.page_number,
        "content_hash": content_hash,
        "zone": next((e.zone for e in parsed.entries if e.zone), None),
    }
    statement = insert_for(connection, Page.__table__).values(**page_values)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["source"],
            set_={k: v for k, v in page_values.items() if k != "source"},
        )
    )
    page_id = connection.execute(select(Page.id).where(Page.source == source)).scalar_one()

    entry_rows = _entry_rows(parsed, coverage_id, page_id)
    new_entries = _upsert(
        connection,
        Entry.__table__,
        entry_rows,
        update_columns=["title", "label", "published_at", "zone", "author", "author_role", "body"],
        page_id=page_id,
    )
    point_rows = _point_rows(parsed, coverage_id, page_id)
    new_points = _upsert(connection, SummaryPoint.__table__, point_rows, update_columns=[])

    # Rows this file introduced and no longer contains were taken off the live page.
    stale = select(Entry.id).where(
        Entry.page_id == page_id, Entry.fingerprint.not_in([row["fingerprint"] for row in entry_rows])
    )
    connection.execute(delete(Quote.__table__).where(Quote.entry_id.in_(stale)))
    for table, rows in ((Entry.__table__, entry_rows), (SummaryPoint.__table__, point_rows)):
        keep = [row["fingerprint"] for row in rows]
        connection.execute(
            delete(table).where(table.c.page_id == page_id, table.c.fingerprint.not_in(keep))
        )

    ids = dict(
        connection.execute(
            select(Entry.fingerprint, Entry.id).where(
                Entry.coverage_id == coverage_id, Entry.fingerprint.in_([row["fingerprint"] for row in entry_rows])
            )
        ).all()
    )
    store_quotes(connection, parsed, [ids[entry_fingerprint(entry)] for entry in parsed.entries])
    return StoreResult(len(entry_rows), new_entries, len(point_rows), new_points)


def bump_content_version(connection: Connection) -> None:
    table = ContentVersion.__table__
    connection.execute(
        insert_for(connection, table).values(id=1, version=0).on_conflict_do_nothing(index_elements=["id"])
    )
    connection.execute(update(table).where(table.c.id == 1).values(version=table.c.version + 1))


def known_hash(connection: Connection, source: str) -> str | None:
    return connection.execute(select(Page.content_hash).where(Page.source == source)).scalar()


def _coverage_id(connection: Connection, parsed: ParsedPage, source: str) -> int:
    key = parsed.coverage_key or f"file:{source}"
    title = parsed.title or (parsed.summary[0] if parsed.summary else parsed.entries[0].title)
    address = re.sub(r"([?&]page=\d+|/page/\d+)$", "", parsed.address) if parsed.address else None
    table = Coverage.__table__
    connection.execute(
        insert_for(connection, table)
        .values(key=key, title=title[:512], address=address)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    if parsed.title:
        connection.execute(update(table).where(table.c.key == key).values(title=parsed.title[:512]))
    return connection.execute(select(table.c.id).where(table.c.key == key)).scalar_one()


def _entry_rows(parsed: ParsedPage, coverage_id: int, page_id: int) -> list[dict]:
    rows: dict[str, dict] = {}
    for entry in parsed.entries:
        key = entry_fingerprint(entry)
        rows.setdefault(
            key,
            {
                "coverage_id": coverage_id,
                "page_id": page_id,
                "fingerprint": key,
                "page_number": parsed.page_number,
                "position": entry.position,
                "title": entry.title,
                "label": entry.label,
                "published_at": entry.published_at,
                "zone": entry.zone,
                "author": entry.author,
                "author_role": entry.author_role,
                "body": "\n\n".join(entry.paragraphs),
                "address": parsed.address,
            },
        )
    return list(rows.values())


def _point_rows(parsed: ParsedPage, coverage_id: int, page_id: int) -> list[dict]:
    rows: dict[str, dict] = {}
    for position, text in enumerate(parsed.summary, start=1):
        key = fingerprint(text)
        rows.setdefault(
            key,
            {
                "coverage_id": coverage_id,
                "page_id": page_id,
                "fingerprint": key,
                "position": position,
                "kind": parsed.summary_kind,
                "text": text,
                "address": parsed.address,
            },
        )
    return list(rows.values())


def _upsert(
    connection: Connection, table, rows: list[dict], update_columns: list[str], page_id: int | None = None
) -> int:
    """Insert rows, updating `update_columns` of those already there; returns how many were new.

    An entry also shown on another page (a saved excerpt repeating the first entries of a full
    page) is updated only by its own page, or when this copy's text is longer: a cut-off excerpt
    never overwrites the full entry, and a full page still completes one first seen cut off.
    """
    if not rows:
        return 0
    coverage_ids = {row["coverage_id"] for row in rows}
    existing = set(
        connection.execute(
            select(table.c.fingerprint).where(
                table.c.coverage_id.in_(coverage_ids),
                table.c.fingerprint.in_([row["fingerprint"] for row in rows]),
            )
        ).scalars()
    )
    statement = insert_for(connection, table)
    if update_columns:
        wins = or_(
            table.c.page_id == page_id, func.length(statement.excluded.body) > func.length(table.c.body)
        )
        statement = statement.on_conflict_do_update(
            index_elements=["coverage_id", "fingerprint"],
            set_={
                column: case((wins, statement.excluded[column]), else_=table.c[column]) for column in update_columns
            },
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["coverage_id", "fingerprint"])
    for start in range(0, len(rows), 500):
        connection.execute(statement, rows[start : start + 500])
    return len({row["fingerprint"] for row in rows} - existing)
