"""Sending replies: nothing lost while Telegram cannot take them (kept in the database, also
across a restart, and sent in order per chat once it answers), and no chat's flood limit or
429 can make another chat wait. Real bot processes against the stand-in Bot API, on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.db import make_engine
from bot.telegram.outbox import Outbox, Outgoing, now
from tests.support.bot_process import (
    PESKOV,
    PESKOV_TITLE,
    REPLY_TIMEOUT,
    BotProcess,
    new_chat,
    start_bot,
    stop_bot,
    visible,
)
from tests.support.fake_bot_api import FakeBotApi

QUESTIONS = [
    ("What did Peskov say about the summit?", PESKOV_TITLE),
    ("kill list", "kill list"),
    ("What did Kuleba want from the EU?", "Kuleba"),
]
OUTAGE_SECONDS = 1  # longer than the few quick retries (0.05 + 0.1 + 0.2 s here) that were all a reply used to get


def ask_during_outage(bot: BotProcess, chat: int) -> None:
    """Three questions whose replies Telegram refuses with 502 (only for this chat) for a while."""
    bot.api.fail_next("sendMessage", status=502, times=100_000, chat_id=chat)
    for question, _ in QUESTIONS:
        bot.send(chat, question)
    bot.wait_log(f"unsent replies to chat {chat}")  # kept in the database after a few tries


def assert_answered_in_order_once(bot: BotProcess, chat: int) -> None:
    replies = bot.wait_messages(chat, 0, count=len(QUESTIONS), timeout=REPLY_TIMEOUT)
    for reply, (_, expected) in zip(replies, QUESTIONS, strict=False):
        assert expected.lower() in visible(reply["text"]).lower()
    assert len(bot.settle(chat)) == len(QUESTIONS)


def kept_rows(url: str) -> int:
    """Replies kept in the bot's database (a plain engine: nothing is created or migrated)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM outgoingmessage")).scalar_one()
    finally:
        engine.dispose()


def test_replies_refused_for_longer_than_the_retries_arrive_in_order_when_telegram_is_back(
    api: FakeBotApi, bot_database: str, tmp_path: Path
) -> None:
    bot = start_bot(api, tmp_path / "bot", database_url=bot_database, QUESTIONS_PER_MINUTE="50")
    try:
        bot.wait_ready()
        chat = new_chat()
        ask_during_outage(bot, chat)
        time.sleep(OUTAGE_SECONDS)
        assert api.sent_messages(chat) == []
        assert kept_rows(bot_database) >= 1
        # Other chats are answered meanwhile.
        (other,) = bot.converse(new_chat(), PESKOV)
        assert PESKOV_TITLE in visible(other["text"])
        api.clear_faults()
        assert_answered_in_order_once(bot, chat)
        api.wait_for(lambda: kept_rows(bot_database) == 0, REPLY_TIMEOUT, "the kept replies to be cleared")
    finally:
        stop_bot(bot)


def test_replies_kept_when_the_bot_stops_are_sent_by_the_next_start(
    api: FakeBotApi, bot_database: str, tmp_path: Path
) -> None:
    first = start_bot(api, tmp_path / "first", database_url=bot_database, QUESTIONS_PER_MINUTE="50")
    chat = new_chat()
    try:
        first.wait_ready()
        ask_during_outage(first, chat)
    finally:
        stop_bot(first)
    assert first.proc.returncode == 0, first.log()[-2000:]
    assert api.sent_messages(chat) == []
    assert kept_rows(bot_database) == len(QUESTIONS)
    api.clear_faults()
    second = start_bot(api, tmp_path / "second", database_url=bot_database)
    try:
        second.wait_ready()
        assert_answered_in_order_once(second, chat)
        assert "sending 3 kept replies" in second.log()
    finally:
        stop_bot(second)


def test_a_flooded_group_makes_no_other_chat_wait(api: FakeBotApi, tmp_path: Path) -> None:
    """A group member asking /latest 20 thirty times fills the group's 20-a-minute budget for
    minutes; sixteen other groups get 429 retry_after=20; a private user is answered at once."""
    bot = start_bot(api, tmp_path / "bot", QUESTIONS_PER_MINUTE="100")
    try:
        bot.wait_ready()
        group, member = -1_000_000_000_001, new_chat()
        for _ in range(30):
            bot.send(group, "/latest 20", chat_type="group", user_id=member)
        refusing = [-1_000_000_000_100 - n for n in range(16)]
        for chat in refusing:
            api.fail_next("sendMessage", status=429, retry_after=20, chat_id=chat)
            bot.send(chat, "/latest 1", chat_type="group", user_id=new_chat())
        api.wait_for(lambda: len(api.sent_messages(group)) >= 20 and all(
            any(name == "sendMessage" and str(p.get("chat_id")) == str(chat) for name, p in api.calls)
            for chat in refusing), REPLY_TIMEOUT, "the group's first minute of replies and the 429s")

        private = new_chat()
        asked = time.monotonic()
        (reply,) = bot.converse(private, PESKOV)
        waited = time.monotonic() - asked
        assert PESKOV_TITLE in visible(reply["text"])
        assert waited < 1.0, f"the private user waited {waited:.1f} s"
        assert len(api.sent_messages(group)) == 20  # the group's own budget still holds
    finally:
        stop_bot(bot)


# --- the outbox itself ---------------------------------------------------------------------


def test_kept_messages_are_held_by_one_process_and_handed_over_in_order(engine: Engine) -> None:
    mine, theirs = Outbox(engine), Outbox(engine)
    messages = [Outgoing(42, f"message {n}", thread_id=7 if n == 1 else None) for n in range(3)]
    mine.keep(messages)
    assert all(m.stored_id for m in messages)
    assert theirs.take_over(timedelta(hours=1)) == []  # still leased to its process
    mine.release()
    taken = theirs.take_over(timedelta(hours=1))
    assert [(m.chat_id, m.text, m.thread_id) for m in taken] == [(42, "message 0", None), (42, "message 1", 7),
                                                                 (42, "message 2", None)]
    assert mine.take_over(timedelta(hours=1)) == []  # now the other process's
    theirs.sent(taken[0])
    theirs.release()
    assert [m.text for m in mine.take_over(timedelta(hours=1))] == ["message 1", "message 2"]


def test_kept_messages_older_than_the_limit_are_dropped(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    outbox = Outbox(engine)
    old = Outgoing(-5, "an hour late", created_at=now() - timedelta(hours=2))
    outbox.keep([old, Outgoing(-5, "fresh")])
    outbox.release()
    assert [m.text for m in Outbox(engine).take_over(timedelta(hours=1))] == ["fresh"]
    assert "dropped 1 kept replies" in caplog.text
