"""Read what changed in the coverage since a content version (bot.changes), in one snapshot."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from bot.changes import published_version
from bot.kinds import DocumentKind, RemovalKind
from bot.models import Removal
from bot.quotes.query import QuoteRecord, quotes_in, speakers_changed
from bot.refs import entry_ref, ref_of
from bot.retrieval.documents import Document, documents_in
from bot.transactions import reading


@dataclass(frozen=True)
class Changes:
    version: int
    documents: list[Document]  # new, or changed: they replace the documents of the same ids
    removed: set[str]  # ids (bot.refs) of entries and summary points that went
    quotes: list[QuoteRecord]  # new, or changed hands
    stale_quote_entries: set[int]  # entries whose earlier quotes are all gone
    changed_speakers: set[int]

    @property
    def replaced(self) -> set[str]:
        """Ids of every document that is no longer as it was."""
        return self.removed | {ref_of(d.kind, d.row_id) for d in self.documents}


def read_changes(engine: Engine, since: int) -> Changes:
    with reading(engine) as connection:
        version = published_version(connection)
        documents = documents_in(connection, since)
        removals = connection.execute(select(col(Removal.kind), col(Removal.row_id)).where(col(Removal.seq) > since)).all()
        quotes = quotes_in(connection, since)
        speakers = speakers_changed(connection, since)
    removed = {entry_ref(row_id) if kind == RemovalKind.ENTRY else ref_of(DocumentKind.SUMMARY, row_id)
               for kind, row_id in removals if kind != RemovalKind.QUOTES}
    stale = {row_id for kind, row_id in removals if kind != RemovalKind.SUMMARY}
    stale |= {d.row_id for d in documents if d.kind == DocumentKind.ENTRY}
    return Changes(version, documents, removed, quotes, stale, speakers)
