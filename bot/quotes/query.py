"""Read quotes back: everything (for `quotes --json`), or one speaker's, ranked by topic."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine, Row
from sqlmodel import col

from bot.models import Entry, Quote, Speaker
from bot.times import as_utc


@dataclass(frozen=True, slots=True)
class QuoteRecord:
    quote_id: int
    entry_id: int
    speaker_id: int
    speaker: str
    speaker_kind: str
    speaker_role: str | None
    aliases: tuple[str, ...]
    text: str
    direct: bool
    entry_title: str
    published_at: datetime | None
    zone: str | None
    address: str | None


def read_quotes(engine: Engine) -> list[QuoteRecord]:
    with engine.connect() as connection:
        return quotes_in(connection)


def quotes_in(connection: Connection, since: int | None = None) -> list[QuoteRecord]:
    """Every quote (None), or those written after content version `since` and those of speakers
    changed since (renamed, merged, given a role)."""
    statement = (
        select(
            col(Quote.id), col(Quote.entry_id), col(Quote.speaker_id), col(Speaker.name), col(Speaker.kind), col(Speaker.role), col(Speaker.aliases), col(Quote.text),
            col(Quote.direct), col(Entry.title), col(Entry.published_at), col(Entry.zone), col(Entry.address),
        )
        .join(Speaker, col(Speaker.id) == col(Quote.speaker_id))
        .join(Entry, col(Entry.id) == col(Quote.entry_id))
    )
    rows: Iterable[Row]
    if since is None:
        # Streamed: a hundred thousand rows held at once would leave their memory behind.
        rows = connection.execution_options(yield_per=2000).execute(
            statement.order_by(col(Entry.coverage_id), col(Entry.page_number), col(Entry.position), col(Quote.position))
        )
    else:
        # Two indexed lookups: one condition over both tables would scan every quote.
        found: dict[int, Row] = {}
        for condition in (col(Quote.seq) > since, col(Quote.speaker_id).in_(_speakers_since(since))):
            found.update((cast(int, row[0]), row) for row in connection.execute(statement.where(condition)).all())
        rows = [found[quote_id] for quote_id in sorted(found)]
    # A large coverage has a hundred thousand quotes by a few thousand speakers: every quote of
    # one speaker (or one entry) shares one copy of its name, role and aliases (title, time).
    speakers: dict[int, tuple] = {}
    entries: dict[int, tuple] = {}
    records = []
    for row in rows:
        speaker = speakers.get(row[2])
        if speaker is None:
            speaker = speakers[row[2]] = (row[3], row[4], row[5], tuple(a for a in row[6].split("|") if a))
        entry = entries.get(row[1])
        if entry is None:
            entry = entries[row[1]] = (row[9], as_utc(row[10]) if row[10] else None, row[11], row[12])
        records.append(QuoteRecord(
            quote_id=cast(int, row[0]), entry_id=row[1], speaker_id=row[2], speaker=speaker[0], speaker_kind=speaker[1],
            speaker_role=speaker[2], aliases=speaker[3], text=row[7], direct=row[8],
            entry_title=entry[0], published_at=entry[1], zone=entry[2], address=entry[3],
        ))
    return records


def _speakers_since(since: int):
    return select(col(Speaker.id)).where(col(Speaker.seq) > since)


def speakers_changed(connection: Connection, since: int) -> set[int]:
    return {cast(int, i) for i in connection.execute(_speakers_since(since)).scalars()}
