"""SQLModel tables: coverages, their pages, entries, summary points, quotes, and replies waiting to be sent."""

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, Integer, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Coverage(SQLModel, table=True):
    """One live story, which may span many pages (`?page=2`, `?page=3`, ...)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=512)
    title: str = Field(default="", max_length=512)
    address: str | None = Field(default=None, max_length=2048)


class Page(SQLModel, table=True):
    """One loaded file: what lets a reload skip unchanged files and update changed ones.

    Keyed by the file, not the address: a saved excerpt of a page and the full page may share one.
    """

    id: int | None = Field(default=None, primary_key=True)
    coverage_id: int = Field(foreign_key="coverage.id", index=True)
    source: str = Field(unique=True, max_length=4096)
    address: str | None = Field(default=None, max_length=2048)
    page_number: int = 1
    content_hash: str = Field(max_length=64)
    zone: str | None = Field(default=None, max_length=8)


class Entry(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("coverage_id", "fingerprint"),)

    id: int | None = Field(default=None, primary_key=True)
    coverage_id: int = Field(foreign_key="coverage.id", index=True)
    page_id: int = Field(foreign_key="page.id", index=True)
    fingerprint: str = Field(max_length=64)
    page_number: int = 1
    position: int
    title: str = Field(sa_column=Column(Text, nullable=False))
    label: str | None = Field(default=None, max_length=32)
    # In UTC; `zone` keeps the page's own zone (GMT/BST) for display.
    published_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True, index=True)
    )
    zone: str | None = Field(default=None, max_length=8)
    author: str | None = Field(default=None, max_length=256)
    author_role: str | None = Field(default=None, max_length=256)
    # Clean body paragraphs joined by blank lines.
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    address: str | None = Field(default=None, max_length=2048)
    # The content version that last wrote this row (bot.changes): readers fetch only what is newer.
    seq: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0", index=True))


class EntryPage(SQLModel, table=True):
    """Which pages' latest files show an entry: a live story's entries move from page to page as
    it grows, and an entry goes only when no page of its coverage shows it any more."""

    __table_args__ = (UniqueConstraint("entry_id", "page_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    page_id: int = Field(foreign_key="page.id", index=True)


class SummaryPoint(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("coverage_id", "fingerprint"),)

    id: int | None = Field(default=None, primary_key=True)
    coverage_id: int = Field(foreign_key="coverage.id", index=True)
    page_id: int = Field(foreign_key="page.id", index=True)
    fingerprint: str = Field(max_length=64)
    position: int
    # "summary": a newer page's Summary bullet; "key_point": an older page's numbered key point.
    kind: str = Field(default="summary", max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    address: str | None = Field(default=None, max_length=2048)
    # The content version that last wrote this row (bot.changes): readers fetch only what is newer.
    seq: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0", index=True))


class ContentVersion(SQLModel, table=True):
    """Bumped by every load that changes something; rows it writes carry the new number in `seq`,
    so a process holding an older version reads only what changed since."""

    id: int = Field(default=1, primary_key=True)
    version: int = 0


class Removal(SQLModel, table=True):
    """An entry or summary point that left the coverage, and the content version that took it out."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # "entry" or "summary"
    row_id: int
    seq: int = Field(index=True)


class Speaker(SQLModel, table=True):
    """A person or organisation quoted in the coverage, under its fullest known name."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=256)
    kind: str = Field(default="person", max_length=16)  # "person" or "org"
    role: str | None = Field(default=None, max_length=256)
    # Other names the coverage uses ("Peskov"), separated by "|".
    aliases: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # The content version that last wrote this row (bot.changes): readers fetch only what is newer.
    seq: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0", index=True))


class Quote(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    speaker_id: int = Field(foreign_key="speaker.id", index=True)
    position: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    direct: bool = True
    # The content version that last wrote this row (bot.changes): readers fetch only what is newer.
    seq: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0", index=True))


class OutgoingMessage(SQLModel, table=True):
    """A reply Telegram could not take yet: kept so that neither an outage nor a restart loses
    it. A process sending a chat's messages holds them under a lease it renews; rows whose lease
    ran out (their process died) are taken over by another."""

    id: int | None = Field(default=None, primary_key=True)
    # Telegram's chat ids need 52 bits.
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    thread_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    text: str = Field(sa_column=Column(Text, nullable=False))
    # The inline keyboard as Telegram's JSON, if the message has one.
    keyboard: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    owner: str = Field(default="", max_length=64)
    lease_until: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))


class Follow(SQLModel, table=True):
    """A chat following a coverage's new entries: all of them, or those about a topic."""

    __table_args__ = (UniqueConstraint("chat_id", "thread_id", "topic"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    # The forum topic /follow was sent in; 0 for none (a NULL would not count as equal in the
    # unique constraint).
    thread_id: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    topic: str = Field(default="", max_length=200)  # "" follows everything
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # Entries are numbered as they are loaded: those above this one are new to the follow.
    after_entry: int = 0


class Push(SQLModel, table=True):
    """One entry for one chat: at most one row, so it is sent at most once, whichever process
    sends it. Rows are claimed for a while before sending; several entries for one chat that
    land together go out in one message, and their rows share its message id."""

    __table_args__ = (UniqueConstraint("chat_id", "entry_id"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    thread_id: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    # No foreign keys: a follow or an entry may go while its pushes are still recorded.
    follow_id: int = Field(index=True)
    entry_id: int = Field(index=True)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
    claimed_by: str = Field(default="", max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True, index=True))
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # What the message showed of the entry, to tell when the page changed it.
    digest: str = Field(default="", max_length=64)


class ChatSeen(SQLModel, table=True):
    """The newest entry a chat was shown by /new, /latest or a push: what /new starts after."""

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    entry_id: int = 0
    seen_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


def table_of(model: type[SQLModel]) -> Table:
    """A model's Core table, for bulk statements (SQLModel does not type `__table__`)."""
    return model.__table__  # type: ignore[attr-defined]
