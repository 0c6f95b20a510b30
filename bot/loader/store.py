"""Write parsed pages into the tables with upserts, so reloading adds nothing.

Over 300 lines: coverages, pages, entries (and which pages show them), summary points and
quotes are written in one batch that must stay consistent, so their writers live together."""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import col

from bot.changes import pending_version, record_removals
from bot.db import insert_for
from bot.kinds import RemovalKind
from bot.loader.fingerprints import fingerprint
from bot.loader.page_text import ParsedPage
from bot.loader.prepare import PreparedPage
from bot.models import Coverage, Entry, EntryPage, Page, Quote, SummaryPoint, table_of
from bot.quotes.store import SpeakerIds, store_quotes


@dataclass
class StoreResult:
    entries: int  # entries on the page
    new_entries: int
    summary_points: int
    new_summary_points: int


@dataclass
class LoadCache:
    """Ids one load run has already looked up, so each coverage and speaker costs one visit.

    Ids written inside a file's savepoint are provisional until the file is kept: `checkpoint`
    before each file and `rollback` when it fails forget the ones the failed file created.
    """

    speakers: SpeakerIds = field(default_factory=SpeakerIds)
    coverages: dict[str, int] = field(default_factory=dict)
    # Summary points stored in this run: every page of a coverage repeats them.
    points: set[tuple[int, str]] = field(default_factory=set)
    _saved: tuple[dict[str, int], set[tuple[int, str]]] = field(default_factory=lambda: ({}, set()))

    def forget(self) -> None:
        """Nothing this run stored was kept: start over."""
        self.speakers = SpeakerIds()
        self.coverages, self.points = {}, set()
        self._saved = ({}, set())

    def checkpoint(self) -> None:
        self.speakers.checkpoint()
        self._saved = (dict(self.coverages), set(self.points))

    def rollback(self) -> None:
        self.speakers.rollback()
        self.coverages, self.points = dict(self._saved[0]), set(self._saved[1])


@dataclass
class PageToStore:
    prepared: PreparedPage
    source: str
    content_hash: str
    known: bool  # loaded before: rows it no longer has must go


class RepeatedInBatch(ValueError):
    """The same entry appears on two pages of one batch; store those pages one at a time."""


def store_pages(connection: Connection, pages: list[PageToStore], cache: LoadCache) -> list[StoreResult]:
    """Upsert the rows of several pages inside the caller's transaction, a few statements in all."""
    coverage_ids = [_coverage_id(connection, page.prepared.parsed, page.source, cache) for page in pages]
    page_ids = _upsert_pages(connection, pages, coverage_ids)
    seq = pending_version(connection)

    per_page_entries = [
        _entry_rows(page.prepared, coverage_id, page_ids[page.source], seq)
        for page, coverage_id in zip(pages, coverage_ids, strict=False)
    ]
    # Sorted: loaders storing overlapping pages take their row locks in the same order.
    all_entries = sorted((row for rows in per_page_entries for row in rows), key=lambda r: (r["coverage_id"], r["fingerprint"]))
    keys = [(row["coverage_id"], row["fingerprint"]) for row in all_entries]
    if len(set(keys)) != len(keys):
        raise RepeatedInBatch("an entry repeats across pages of one batch")
    existing_entries = _existing(connection, table_of(Entry), all_entries)
    entry_ids = _upsert_entries(connection, all_entries)
    _link(connection, sorted({(entry_ids[(row["coverage_id"], row["fingerprint"])], row["page_id"]) for row in all_entries}))

    results = []
    replaced: list[int] = []
    for page, coverage_id, rows in zip(pages, coverage_ids, per_page_entries, strict=False):
        page_id = page_ids[page.source]
        point_rows = _point_rows(page.prepared.parsed, coverage_id, page_id, seq)
        unseen = [row for row in point_rows if (coverage_id, row["fingerprint"]) not in cache.points]
        new_points = _insert_points(connection, sorted(unseen, key=lambda r: r["fingerprint"]))
        cache.points.update((coverage_id, row["fingerprint"]) for row in point_rows)
        if page.known:
            _remove_stale(connection, page_id, [entry_ids[(coverage_id, row["fingerprint"])] for row in rows], point_rows)
        new_entries = sum((coverage_id, row["fingerprint"]) not in existing_entries for row in rows)
        results.append(StoreResult(len(rows), new_entries, len(point_rows), new_points))
        replaced += [entry_ids[(coverage_id, row["fingerprint"])] for row in rows
                     if page.known or (coverage_id, row["fingerprint"]) in existing_entries]

    quote_entry_ids: list[int] = []
    quotes = []
    for page, coverage_id in zip(pages, coverage_ids, strict=False):
        for key, entry_quotes in zip(page.prepared.fingerprints, page.prepared.quotes, strict=False):
            quote_entry_ids.append(entry_ids[(coverage_id, key)])
            quotes.append(entry_quotes)
    store_quotes(connection, quote_entry_ids, quotes, cache.speakers, replace_for=replaced, seq=seq)
    return results


def _upsert_pages(connection: Connection, pages: list[PageToStore], coverage_ids: list[int]) -> dict[str, int]:
    rows = [
        {
            "coverage_id": coverage_id,
            "source": page.source,
            "address": page.prepared.parsed.address,
            "page_number": page.prepared.parsed.page_number,
            "content_hash": page.content_hash,
            "zone": next((e.zone for e in page.prepared.parsed.entries if e.zone), None),
        }
        for page, coverage_id in zip(pages, coverage_ids, strict=False)
    ]
    return dict(connection.execute(_page_upsert(connection.dialect.name), rows).all())


def _remove_stale(connection: Connection, page_id: int, shown: list[int], point_rows: list[dict]) -> None:
    """Rows this file introduced and no longer contains were taken off the live page."""
    unlink_entries(connection, page_id, shown)
    table = table_of(SummaryPoint)
    keep = [row["fingerprint"] for row in point_rows]
    stale = select(table.c.id).where(table.c.page_id == page_id, table.c.fingerprint.not_in(keep))
    record_removals(connection, RemovalKind.SUMMARY, connection.execute(stale).scalars().all())
    connection.execute(delete(table).where(table.c.page_id == page_id, table.c.fingerprint.not_in(keep)))


def unlink_entries(connection: Connection, page_id: int, shown: list[int]) -> int:
    """The page no longer shows the entries not in `shown`: they leave this page, and leave the
    coverage only if no other page still shows them (entries move from page to page as a live
    story grows, and the pages of one story are loaded in any order). Returns how many left the
    coverage."""
    links = table_of(EntryPage)
    removed = 0
    dropped = [
        entry_id
        for (entry_id,) in connection.execute(
            select(links.c.entry_id).where(links.c.page_id == page_id, links.c.entry_id.not_in(shown))
        ).all()
    ]
    seq = pending_version(connection) if dropped else 0
    for start in range(0, len(dropped), 500):
        chunk = dropped[start : start + 500]
        connection.execute(delete(links).where(links.c.page_id == page_id, links.c.entry_id.in_(chunk)))
        elsewhere = dict(
            connection.execute(
                select(links.c.entry_id, func.min(links.c.page_id)).where(links.c.entry_id.in_(chunk)).group_by(links.c.entry_id)
            ).all()
        )
        gone = [entry_id for entry_id in chunk if entry_id not in elsewhere]
        if gone:
            connection.execute(delete(table_of(Quote)).where(col(Quote.entry_id).in_(gone)))
            connection.execute(delete(table_of(Entry)).where(col(Entry.id).in_(gone)))
            record_removals(connection, RemovalKind.ENTRY, gone)
            removed += len(gone)
        # An entry this page stored and another page still shows is that page's from now on.
        for entry_id, other in elsewhere.items():
            connection.execute(
                update(table_of(Entry))
                .where(col(Entry.id) == entry_id, col(Entry.page_id) == page_id)
                .values(
                    page_id=other,
                    page_number=select(col(Page.page_number)).where(col(Page.id) == other).scalar_subquery(),
                    address=select(col(Page.address)).where(col(Page.id) == other).scalar_subquery(),
                    seq=seq,
                )
            )
    return removed


def _link(connection: Connection, pairs: list[tuple[int, int]]) -> None:
    """Record that these pages show these entries (pairs of entry id and page id)."""
    if pairs:
        statement = _insert(connection.dialect.name, table_of(EntryPage)).on_conflict_do_nothing(
            index_elements=["entry_id", "page_id"]
        )
        connection.execute(statement, [{"entry_id": e, "page_id": p} for e, p in pairs])


def known_hashes(connection: Connection, sources: list[str]) -> dict[str, str]:
    """The content hash each of these files had when last loaded."""
    known: dict[str, str] = {}
    for start in range(0, len(sources), 500):
        rows = connection.execute(
            select(col(Page.source), col(Page.content_hash)).where(col(Page.source).in_(sources[start : start + 500]))
        )
        known.update(dict(rows.all()))
    return known


def _coverage_id(connection: Connection, parsed: ParsedPage, source: str, cache: LoadCache) -> int:
    key = parsed.coverage_key or f"file:{source}"
    if key in cache.coverages and not parsed.title:
        return cache.coverages[key]
    title = parsed.title or (parsed.summary[0] if parsed.summary else parsed.entries[0].title)
    address = re.sub(r"([?&]page=\d+|/page/\d+)$", "", parsed.address) if parsed.address else None
    table = table_of(Coverage)
    connection.execute(
        insert_for(connection, table)
        .values(key=key, title=title[:512], address=address)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    if parsed.title:
        connection.execute(update(table).where(table.c.key == key).values(title=parsed.title[:512]))
    cache.coverages[key] = connection.execute(select(table.c.id).where(table.c.key == key)).scalar_one()
    return cache.coverages[key]


def _entry_rows(prepared: PreparedPage, coverage_id: int, page_id: int, seq: int) -> list[dict]:
    parsed = prepared.parsed
    rows: dict[str, dict] = {}
    for entry, key in zip(parsed.entries, prepared.fingerprints, strict=False):
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
                "seq": seq,
            },
        )
    return list(rows.values())


def _point_rows(parsed: ParsedPage, coverage_id: int, page_id: int, seq: int) -> list[dict]:
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
                "seq": seq,
            },
        )
    return list(rows.values())


ENTRY_UPDATES = ("title", "label", "published_at", "zone", "author", "author_role", "body")
PAGE_UPDATES = ("coverage_id", "address", "page_number", "content_hash", "zone")


def _insert(dialect: str, table):
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


# Statements are built once per dialect: constructing an ON CONFLICT statement costs more than
# running it.
@lru_cache(maxsize=4)
def _page_upsert(dialect: str):
    table = table_of(Page)
    statement = _insert(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=["source"], set_={column: statement.excluded[column] for column in PAGE_UPDATES}
    ).returning(table.c.source, table.c.id)


@lru_cache(maxsize=4)
def _entry_upsert(dialect: str):
    """An entry also shown on another page (a saved excerpt repeating the first entries of a full
    page) is updated only by its own page, or when this copy's text is longer: a cut-off excerpt
    never overwrites the full entry, and a full page still completes one first seen cut off."""
    table = table_of(Entry)
    statement = _insert(dialect, table)
    wins = or_(table.c.page_id == statement.excluded.page_id, func.length(statement.excluded.body) > func.length(table.c.body))
    # Restamped only when what readers see of it changes: a page saved again with one new entry
    # leaves the others as they were.
    changed = or_(*(table.c[column].is_distinct_from(statement.excluded[column]) for column in ENTRY_UPDATES))
    updates = {column: case((wins, statement.excluded[column]), else_=table.c[column]) for column in ENTRY_UPDATES}
    return statement.on_conflict_do_update(
        index_elements=["coverage_id", "fingerprint"],
        set_={**updates, "seq": case((wins & changed, statement.excluded.seq), else_=table.c.seq)},
    ).returning(table.c.coverage_id, table.c.fingerprint, table.c.id)


@lru_cache(maxsize=4)
def _point_insert(dialect: str):
    statement = _insert(dialect, table_of(SummaryPoint))
    return statement.on_conflict_do_nothing(index_elements=["coverage_id", "fingerprint"])


def _existing(connection: Connection, table, rows: list[dict]) -> set[tuple[int, str]]:
    """(coverage, fingerprint) of these rows that the table already holds."""
    found: set[tuple[int, str]] = set()
    fingerprints = sorted({row["fingerprint"] for row in rows})
    for start in range(0, len(fingerprints), 500):
        found.update(
            connection.execute(
                select(table.c.coverage_id, table.c.fingerprint).where(
                    table.c.fingerprint.in_(fingerprints[start : start + 500])
                )
            ).all()
        )
    return found


def _upsert_entries(connection: Connection, rows: list[dict]) -> dict[tuple[int, str], int]:
    """Insert or update entries; every entry's id by (coverage, fingerprint)."""
    if not rows:
        return {}
    result = connection.execute(_entry_upsert(connection.dialect.name), rows)
    return {(coverage_id, key): entry_id for coverage_id, key, entry_id in result.all()}


def _insert_points(connection: Connection, rows: list[dict]) -> int:
    if not rows:
        return 0
    new = len({(row["coverage_id"], row["fingerprint"]) for row in rows} - _existing(connection, table_of(SummaryPoint), rows))
    connection.execute(_point_insert(connection.dialect.name), rows)
    return new
