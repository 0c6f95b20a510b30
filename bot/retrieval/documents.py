"""What the index searches: entries and summary points, read once from the database."""

import sys
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, true
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from bot.kinds import DocumentKind
from bot.models import Coverage, Entry, SummaryPoint
from bot.times import as_utc


@dataclass(frozen=True, slots=True)
class Document:
    kind: DocumentKind
    row_id: int
    coverage_id: int
    coverage_title: str
    title: str
    body: str  # paragraphs separated by blank lines
    published_at: datetime | None  # aware UTC
    zone: str | None
    author: str | None
    author_role: str | None
    label: str | None
    address: str | None
    # Newest first within a coverage: lower sorts earlier.
    page_number: int
    position: int

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p]

    @property
    def byline(self) -> str:
        """The author and their role ("Jessica Parker Reporting from Kyiv"), or nothing."""
        return f"{self.author} {self.author_role or ''}".rstrip() if self.author else ""

    @property
    def plain_text(self) -> str:
        """Title and body as one run of text."""
        return f"{self.title} {self.body}"


def _shared(value: str | None) -> str | None:
    # Zones, labels, authors and addresses repeat across thousands of entries: keep one copy.
    return sys.intern(value) if value is not None else None


def read_documents(engine: Engine) -> list[Document]:
    with engine.connect() as connection:
        return documents_in(connection)


def documents_in(connection: Connection, since: int | None = None) -> list[Document]:
    """Every entry and summary point written after content version `since` (all of them when
    none is given), entries first, streamed from the database so no second copy is held."""
    documents: list[Document] = []
    newer = (col(Entry.seq) > since) if since is not None else true()
    newer_points = (col(SummaryPoint.seq) > since) if since is not None else true()
    # Ordered here only when reading everything: SQLite would walk the whole table in id order
    # rather than use the index on `seq`.
    by_id = [col(Entry.id)] if since is None else []
    points_by_id = [col(SummaryPoint.id)] if since is None else []
    titles = dict(connection.execute(select(col(Coverage.id), col(Coverage.title))).all())
    entries = connection.execution_options(yield_per=2000).execute(
        select(
            col(Entry.id), col(Entry.coverage_id), col(Entry.title), col(Entry.body), col(Entry.published_at), col(Entry.zone),
            col(Entry.author), col(Entry.author_role), col(Entry.label), col(Entry.address), col(Entry.page_number), col(Entry.position),
        ).where(newer).order_by(*by_id)
    )
    for row in entries:
        documents.append(
            Document(
                kind=DocumentKind.ENTRY,
                row_id=row.id,
                coverage_id=row.coverage_id,
                coverage_title=titles.get(row.coverage_id, ""),
                title=row.title,
                body=row.body,
                published_at=as_utc(row.published_at) if row.published_at else None,
                zone=_shared(row.zone),
                author=_shared(row.author),
                author_role=_shared(row.author_role),
                label=_shared(row.label),
                address=_shared(row.address),
                page_number=row.page_number,
                position=row.position,
            )
        )
    points = connection.execute(
        select(
            col(SummaryPoint.id), col(SummaryPoint.coverage_id), col(SummaryPoint.text), col(SummaryPoint.address),
            col(SummaryPoint.position), col(SummaryPoint.kind),
        ).where(newer_points).order_by(*points_by_id)
    ).all()
    documents += [
        Document(
            kind=DocumentKind(row.kind),
            row_id=row.id,
            coverage_id=row.coverage_id,
            coverage_title=titles.get(row.coverage_id, ""),
            title=row.text,
            body=row.text,
            published_at=None,
            zone=None,
            author=None,
            author_role=None,
            label=None,
            address=row.address,
            page_number=0,
            position=row.position,
        )
        for row in points
    ]
    if since is not None:
        documents.sort(key=lambda d: (d.kind != DocumentKind.ENTRY, d.row_id))
    return documents
