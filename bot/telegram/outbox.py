"""Replies Telegram could not take yet, kept in the database so an outage or a restart loses none.

Each row is held by the process sending it, under a lease that process renews while it keeps
trying; rows whose lease ran out (the process died) are taken over by the next process that
looks. A clean shutdown hands its rows back at once by ending their lease.
"""

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from telegram import InlineKeyboardMarkup

from bot.models import OutgoingMessage, table_of
from bot.times import as_utc
from bot.transactions import writing

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
table = table_of(OutgoingMessage)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Outgoing:
    """One message on its way to a chat: a reply, or a push (which has rows of its own in the
    push table, and so is never kept here)."""

    chat_id: int
    text: str  # Telegram HTML
    thread_id: int | None = None
    keyboard: InlineKeyboardMarkup | None = None
    created_at: datetime = field(default_factory=now)
    stored_id: int | None = None  # its row in the outbox, once it had to be kept
    push: bool = False
    edit_message_id: int | None = None  # edit this message of the chat instead of sending one
    # Called with the sent message's id; or with None when the push was given up for now.
    on_done: Callable[[int | None], Awaitable[None]] | None = None


class Outbox:
    """The outbox table, as one process sees it."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.owner = uuid.uuid4().hex

    def keep(self, messages: list[Outgoing]) -> None:
        """Store messages not stored yet, in their order, leased to this process."""
        fresh = [m for m in messages if m.stored_id is None and not m.push]
        if not fresh:
            return
        until = now() + LEASE
        with writing(self.engine) as connection:
            for message in fresh:
                inserted = connection.execute(
                    table.insert().values(
                        chat_id=message.chat_id,
                        thread_id=message.thread_id,
                        text=message.text,
                        keyboard=json.dumps(message.keyboard.to_dict()) if message.keyboard else None,
                        created_at=message.created_at,
                        owner=self.owner,
                        lease_until=until,
                    )
                ).inserted_primary_key
                message.stored_id = inserted[0] if inserted is not None else None

    def sent(self, message: Outgoing) -> None:
        if message.stored_id is None:
            return
        with writing(self.engine) as connection:
            connection.execute(delete(table).where(table.c.id == message.stored_id))
        message.stored_id = None

    def renew(self) -> None:
        """Keep holding this process's rows while it still tries to send them."""
        with writing(self.engine) as connection:
            connection.execute(update(table).where(table.c.owner == self.owner).values(lease_until=now() + LEASE))

    def release(self) -> None:
        """Hand this process's rows to whichever process looks next (at shutdown)."""
        with writing(self.engine) as connection:
            connection.execute(update(table).where(table.c.owner == self.owner).values(lease_until=now()))

    def take_over(self, keep_for: timedelta) -> list[Outgoing]:
        """Rows nobody holds any more, oldest first, now held by this process; rows older than
        `keep_for` are dropped (a reply an hour late answers a question nobody is waiting on)."""
        moment = now()
        with writing(self.engine) as connection:
            expired = connection.execute(
                delete(table).where(table.c.created_at < moment - keep_for).returning(table.c.chat_id)
            ).scalars().all()
            rows = connection.execute(
                select(table)
                .where(table.c.lease_until <= moment)
                .order_by(table.c.id)
            ).all()
            if rows:
                connection.execute(
                    update(table)
                    .where(table.c.id.in_([row.id for row in rows]))
                    .values(owner=self.owner, lease_until=moment + LEASE)
                )
        if expired:
            log.warning("dropped %d kept replies older than %s (chats %s)", len(expired), keep_for,
                        ", ".join(str(chat) for chat in sorted(set(expired))))
        return [
            Outgoing(
                chat_id=row.chat_id,
                text=row.text,
                thread_id=row.thread_id,
                keyboard=InlineKeyboardMarkup.de_json(json.loads(row.keyboard), None) if row.keyboard else None,
                created_at=as_utc(row.created_at),
                stored_id=row.id,
            )
            for row in rows
        ]

