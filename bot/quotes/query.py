"""Read quotes back: everything (for `quotes --json`), or one speaker's, ranked by topic."""

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from bot.models import Entry, Quote, Speaker
from bot.times import as_utc


@dataclass(frozen=True)
class QuoteRecord:
    quote_id: int
    entry_id: int
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
    statement = (
        select(
            col(Quote.id), col(Quote.entry_id), col(Speaker.name), col(Speaker.kind), col(Speaker.role), col(Speaker.aliases), col(Quote.text),
            col(Quote.direct), col(Entry.title), col(Entry.published_at), col(Entry.zone), col(Entry.address),
        )
        .join(Speaker, col(Speaker.id) == col(Quote.speaker_id))
        .join(Entry, col(Entry.id) == col(Quote.entry_id))
        .order_by(col(Entry.coverage_id), col(Entry.page_number), col(Entry.position), col(Quote.position))
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return [
        QuoteRecord(
            quote_id=cast(int, row[0]), entry_id=row[1], speaker=row[2], speaker_kind=row[3], speaker_role=row[4],
            aliases=tuple(a for a in row[5].split("|") if a), text=row[6], direct=row[7], entry_title=row[8],
            published_at=as_utc(row[9]) if row[9] else None, zone=row[10], address=row[11],
        )
        for row in rows
    ]
