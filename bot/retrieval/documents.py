"""What the index searches: entries and summary points, read once from the database."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.loader.timestamps import as_utc
from bot.models import ContentVersion, Coverage, Entry, SummaryPoint


@dataclass(frozen=True)
class Document:
    kind: str  # "entry", "summary" or "key_point"
    row_id: int
    coverage_id: int
    coverage_title: str
    title: str
    paragraphs: tuple[str, ...]
    published_at: datetime | None  # aware UTC
    zone: str | None
    author: str | None
    author_role: str | None
    label: str | None
    address: str | None
    # Newest first within a coverage: lower sorts earlier.
    page_number: int
    position: int


def content_version(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(ContentVersion.version).where(ContentVersion.id == 1)).scalar() or 0


def read_documents(engine: Engine) -> list[Document]:
    with engine.connect() as connection:
        titles = dict(connection.execute(select(Coverage.id, Coverage.title)).all())
        entries = connection.execute(
            select(
                Entry.id, Entry.coverage_id, Entry.title, Entry.body, Entry.published_at, Entry.zone,
                Entry.author, Entry.author_role, Entry.label, Entry.address, Entry.page_number, Entry.position,
            ).order_by(Entry.id)
        ).all()
        points = connection.execute(
            select(
                SummaryPoint.id, SummaryPoint.coverage_id, SummaryPoint.text, SummaryPoint.address,
                SummaryPoint.position, SummaryPoint.kind,
            ).order_by(SummaryPoint.id)
        ).all()
    documents = [
        Document(
            kind="entry",
            row_id=row.id,
            coverage_id=row.coverage_id,
            coverage_title=titles.get(row.coverage_id, ""),
            title=row.title,
            paragraphs=tuple(p for p in row.body.split("\n\n") if p),
            published_at=as_utc(row.published_at) if row.published_at else None,
            zone=row.zone,
            author=row.author,
            author_role=row.author_role,
            label=row.label,
            address=row.address,
            page_number=row.page_number,
            position=row.position,
        )
        for row in entries
    ]
    documents += [
        Document(
            kind=row.kind,
            row_id=row.id,
            coverage_id=row.coverage_id,
            coverage_title=titles.get(row.coverage_id, ""),
            title=row.text,
            paragraphs=(row.text,),
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
    return documents
