"""Read quotes back: everything (for `quotes --json`), or one speaker's, ranked by topic."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.loader.timestamps import as_utc
from bot.models import Entry, Quote, Speaker


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
            Quote.id, Quote.entry_id, Speaker.name, Speaker.kind, Speaker.role, Speaker.aliases, Quote.text,
            Quote.direct, Entry.title, Entry.published_at, Entry.zone, Entry.address,
        )
        .join(Speaker, Speaker.id == Quote.speaker_id)
        .join(Entry, Entry.id == Quote.entry_id)
        .order_by(Entry.coverage_id, Entry.page_number, Entry.position, Quote.position)
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return [
        QuoteRecord(
            quote_id=row[0], entry_id=row[1], speaker=row[2], speaker_kind=row[3], speaker_role=row[4],
            aliases=tuple(a for a in row[5].split("|") if a), text=row[6], direct=row[7], entry_title=row[8],
            published_at=as_utc(row[9]) if row[9] else None, zone=row[10], address=row[11],
        )
        for row in rows
    ]
