"""Follows, pushes and what each chat has seen, in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.engine import Connection, Engine

from bot.db import insert_for
from bot.models import ChatSeen, Follow, Push, table_of
from bot.times import as_utc
from bot.transactions import writing

follows = table_of(Follow)
pushes = table_of(Push)
seen = table_of(ChatSeen)

MAX_FOLLOWS_PER_CHAT = 20
MAX_TOPIC_CHARS = 200


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class FollowRow:
    id: int
    chat_id: int
    thread_id: int
    topic: str
    after_entry: int


@dataclass(frozen=True)
class DuePush:
    id: int
    chat_id: int
    thread_id: int
    follow_id: int
    entry_id: int
    topic: str


def _follow(row) -> FollowRow:
    return FollowRow(row.id, row.chat_id, row.thread_id, row.topic, row.after_entry)


# --- follows ---------------------------------------------------------------------------------


def add_follow(engine: Engine, chat_id: int, thread_id: int, topic: str, newest_entry: int) -> tuple[FollowRow, bool]:
    """The chat's follow of `topic` (made now, new entries counted from `newest_entry`), and
    whether it is new. Raises ValueError when the chat already follows the most it may."""
    with writing(engine) as connection:
        existing = connection.execute(
            select(follows).where(follows.c.chat_id == chat_id, follows.c.thread_id == thread_id,
                                  follows.c.topic == topic)
        ).first()
        if existing is not None:
            return _follow(existing), False
        count = connection.execute(select(func.count()).select_from(follows).where(follows.c.chat_id == chat_id)).scalar_one()
        if count >= MAX_FOLLOWS_PER_CHAT:
            raise ValueError(f"a chat can follow at most {MAX_FOLLOWS_PER_CHAT} topics")
        connection.execute(
            follows.insert().values(chat_id=chat_id, thread_id=thread_id, topic=topic, created_at=now(),
                                    after_entry=newest_entry)
        )
        row = connection.execute(
            select(follows).where(follows.c.chat_id == chat_id, follows.c.thread_id == thread_id,
                                  follows.c.topic == topic)
        ).one()
        return _follow(row), True


def chat_follows(engine: Engine, chat_id: int) -> list[FollowRow]:
    with engine.connect() as connection:
        rows = connection.execute(select(follows).where(follows.c.chat_id == chat_id).order_by(follows.c.id)).all()
    return [_follow(row) for row in rows]


def get_follow(engine: Engine, follow_id: int) -> FollowRow | None:
    with engine.connect() as connection:
        row = connection.execute(select(follows).where(follows.c.id == follow_id)).first()
    return _follow(row) if row is not None else None


def remove_follows(engine: Engine, chat_id: int, follow_ids: list[int] | None = None) -> int:
    """Remove these follows of the chat (all of them for None), and their pushes not yet sent."""
    with writing(engine) as connection:
        chosen = follows.c.chat_id == chat_id
        if follow_ids is not None:
            chosen = and_(chosen, follows.c.id.in_(follow_ids))
        ids = connection.execute(select(follows.c.id).where(chosen)).scalars().all()
        if ids:
            connection.execute(delete(pushes).where(pushes.c.follow_id.in_(ids), pushes.c.sent_at.is_(None)))
            connection.execute(delete(follows).where(follows.c.id.in_(ids)))
    return len(ids)


# --- matching new entries --------------------------------------------------------------------


def record_matches(engine: Engine, horizon: int, match) -> int:
    """For every follow behind `horizon` (the newest entry the caller's index holds): push rows
    for the entries `match(follow, entry_ids)` picks among those after the follow's mark, and
    the mark moved to `horizon`. One writing transaction, so processes take turns and no entry
    is matched twice; the unique (chat, entry) key keeps a chat from getting an entry twice
    through two follows. Returns how many pushes were recorded."""
    recorded = 0
    # Most rounds have nothing to match: say so without taking the write lock.
    with engine.connect() as connection:
        if connection.execute(select(follows.c.id).where(follows.c.after_entry < horizon).limit(1)).first() is None:
            return 0
    with writing(engine) as connection:
        behind = [_follow(row) for row in connection.execute(
            select(follows).where(follows.c.after_entry < horizon).order_by(follows.c.id)
        ).all()]
        if not behind:
            return 0
        chosen: list[dict] = []
        for follow, entry_ids in match(behind, horizon):
            moment = now()
            chosen += [
                {"chat_id": follow.chat_id, "thread_id": follow.thread_id, "follow_id": follow.id,
                 "entry_id": entry_id, "created_at": moment, "claimed_by": "", "digest": ""}
                for entry_id in entry_ids
            ]
        for start in range(0, len(chosen), 5_000):
            statement = insert_for(connection, pushes).on_conflict_do_nothing(index_elements=["chat_id", "entry_id"])
            result = connection.execute(statement, chosen[start:start + 5_000])
            recorded += max(result.rowcount or 0, 0)
        connection.execute(
            update(follows).where(follows.c.id.in_([f.id for f in behind])).values(after_entry=horizon)
        )
    return recorded


# --- sending ---------------------------------------------------------------------------------


def claim_due(engine: Engine, owner: str, up_to_entry: int, *, quiet: timedelta, longest: timedelta,
              lease: timedelta, limit_chats: int = 500) -> list[DuePush]:
    """Pushes ready to go, claimed for `lease`: a chat's pushes are ready once no new one came
    for `quiet`, or the oldest has waited `longest` (entries landing together go in one
    message). Claimed rows are skipped by other processes (FOR UPDATE SKIP LOCKED on
    PostgreSQL; SQLite has one writer at a time anyway). Only entries up to `up_to_entry` (the
    newest the caller's index holds) are taken: another process may have matched newer ones."""
    moment = now()
    open_rows = and_(pushes.c.sent_at.is_(None), pushes.c.entry_id <= up_to_entry,
                     or_(pushes.c.claimed_until.is_(None), pushes.c.claimed_until < moment))
    with engine.connect() as connection:  # most rounds: nothing waiting, and no write lock taken
        if connection.execute(select(pushes.c.id).where(open_rows).limit(1)).first() is None:
            return []
    with writing(engine) as connection:
        chats = connection.execute(
            select(pushes.c.chat_id)
            .where(open_rows)
            .group_by(pushes.c.chat_id)
            .having(or_(func.max(pushes.c.created_at) <= moment - quiet, func.min(pushes.c.created_at) <= moment - longest))
            .limit(limit_chats)
        ).scalars().all()
        if not chats:
            return []
        query = (
            select(pushes.c.id, pushes.c.chat_id, pushes.c.thread_id, pushes.c.follow_id, pushes.c.entry_id,
                   follows.c.topic)
            .select_from(pushes.outerjoin(follows, follows.c.id == pushes.c.follow_id))
            .where(open_rows, pushes.c.chat_id.in_(chats))
            .order_by(pushes.c.chat_id, pushes.c.entry_id)
        )
        if connection.dialect.name == "postgresql":
            query = query.with_for_update(of=pushes, skip_locked=True)
        rows = connection.execute(query).all()
        if rows:
            connection.execute(
                update(pushes).where(pushes.c.id.in_([r.id for r in rows]))
                .values(claimed_by=owner, claimed_until=moment + lease)
            )
    return [DuePush(r.id, r.chat_id, r.thread_id, r.follow_id, r.entry_id, r.topic or "") for r in rows]


def record_outcomes(engine: Engine, sent: list[tuple[int, int | None, str]], released: list[int],
                    seen: dict[int, int], retry_after: timedelta) -> None:
    """In one transaction: pushes sent (push id, message id, digest of what it showed), pushes
    to claim again after `retry_after`, and the newest entry each chat was pushed."""
    moment = now()
    with writing(engine) as connection:
        if sent:
            connection.execute(
                update(pushes).where(pushes.c.id == bindparam("push_id"))
                .values(sent_at=moment, message_id=bindparam("message_id"), digest=bindparam("shown"),
                        claimed_until=None),
                [{"push_id": p, "message_id": m, "shown": d} for p, m, d in sent],
            )
        if released:
            connection.execute(
                update(pushes).where(pushes.c.id.in_(released))
                .values(claimed_by="", claimed_until=moment + retry_after)
            )
        for chat_id, entry_id in seen.items():
            _upsert_seen(connection, chat_id, entry_id, moment)


def sent_since(engine: Engine, since: datetime) -> list[tuple[int, int, int, int, str]]:
    """(chat, message id, thread, entry, digest) of what was pushed since `since`, by message."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(pushes.c.chat_id, pushes.c.message_id, pushes.c.thread_id, pushes.c.entry_id, pushes.c.digest)
            .where(pushes.c.sent_at >= since, pushes.c.message_id.is_not(None))
            .order_by(pushes.c.chat_id, pushes.c.message_id, pushes.c.entry_id)
        ).all()
    return [tuple(row) for row in rows]


def topic_of_message(engine: Engine, chat_id: int, message_id: int) -> tuple[str, int]:
    """The topic and follow a pushed message was for ("" and 0 once the follow is gone)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(pushes.c.follow_id, follows.c.topic)
            .select_from(pushes.outerjoin(follows, follows.c.id == pushes.c.follow_id))
            .where(pushes.c.chat_id == chat_id, pushes.c.message_id == message_id)
            .limit(1)
        ).first()
    if row is None or row.topic is None:
        return "", 0
    return row.topic, row.follow_id


def update_digests(engine: Engine, chat_id: int, message_id: int, digests: dict[int, str]) -> None:
    with writing(engine) as connection:
        for entry_id, digest in digests.items():
            connection.execute(
                update(pushes).where(pushes.c.chat_id == chat_id, pushes.c.message_id == message_id,
                                     pushes.c.entry_id == entry_id).values(digest=digest)
            )


# --- what a chat has seen ----------------------------------------------------------------------


def mark_seen(engine: Engine, chat_id: int, entry_id: int) -> None:
    """The chat was shown entries up to `entry_id` now (it never goes back)."""
    with writing(engine) as connection:
        _upsert_seen(connection, chat_id, entry_id, now())


def _upsert_seen(connection: Connection, chat_id: int, entry_id: int, moment: datetime) -> None:
    statement = insert_for(connection, seen).values(chat_id=chat_id, entry_id=entry_id, seen_at=moment)
    higher = func.max if connection.dialect.name == "sqlite" else func.greatest
    connection.execute(statement.on_conflict_do_update(
        index_elements=["chat_id"],
        set_={"entry_id": higher(seen.c.entry_id, statement.excluded.entry_id), "seen_at": statement.excluded.seen_at},
    ))


def last_seen(engine: Engine, chat_id: int) -> tuple[int, datetime] | None:
    with engine.connect() as connection:
        row = connection.execute(select(seen.c.entry_id, seen.c.seen_at).where(seen.c.chat_id == chat_id)).first()
    return (row.entry_id, as_utc(row.seen_at)) if row is not None else None
