"""Following a story, with `python -m bot run` (and `python -m bot push`) as real processes
against the stand-in Bot API: /follow, /following, /unfollow, /new, pushes by topic, one
message for entries landing together, edits when the page changes an entry, administrators
only in groups, forum threads, restarts, and two processes pushing without duplicates, on
SQLite and PostgreSQL; and, what pushes rely on, a new page answerable within seconds.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.db import make_engine
from bot.following import store
from tests.support.bot_process import (
    KNOWLEDGE,
    PESKOV,
    PESKOV_TITLE,
    REPLY_TIMEOUT,
    TOKEN,
    USERNAME,
    BotProcess,
    bot_env,
    new_chat,
    start_bot,
    stop_bot,
    visible,
)
from tests.support.databases import own_database
from tests.support.fake_bot_api import FakeBotApi

FAST_PUSHES = {"RELOAD_INTERVAL_SECONDS": "0.5", "PUSH_INTERVAL_SECONDS": "0.3", "PUSH_QUIET_SECONDS": "0.5",
               "PUSH_LONGEST_SECONDS": "5", "QUESTIONS_PER_MINUTE": "100"}
QUIET = 2.0  # seconds without a message that count as "nothing more was sent"


def story_page(updates: list[tuple[str, str]], story: str = "harbour-story", hour: int = 15) -> str:
    """A new live page of a story nobody has seen, its updates newest first."""
    lines = [f"URL: https://example.org/live/{story}?page=1", ""]
    for position, (title, body) in enumerate(updates, start=1):
        minute = 59 - position
        lines += [f"  {position}. {title}published at {hour}:{minute:02d} Greenwich Mean Time 24 February 2022", "",
                  f"    {body}", ""]
    return "\n".join(lines)


FIRST_UPDATES = [
    ("Ferry service to the islands resumes",
     "The harbour master said the ferry to the islands would run again from Monday after the storm."),
    ("Kremlin repeats warning over harbour talks",
     'Kremlin spokesman Dmitry Peskov said the harbour talks were "a waste of everyone\'s time".'),
    ("Lighthouse keeper rescues stranded kayakers",
     "Three kayakers were brought ashore by the lighthouse keeper after their boats capsized near the rocks."),
]


def seeded_folder(folder: Path) -> Path:
    """A KNOWLEDGE_DIR holding the seed page, settled."""
    folder.mkdir()
    seed = folder / "seed.txt"
    seed.write_bytes((KNOWLEDGE / "world-europe-60454795_page-28.txt").read_bytes())
    os.utime(seed, (time.time() - 60, time.time() - 60))
    return folder


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """The KNOWLEDGE_DIR of a test that starts bots of its own."""
    return seeded_folder(tmp_path / "knowledge")


@pytest.fixture(scope="module")
def shared(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BotProcess, Path]]:
    """One bot, and its KNOWLEDGE_DIR, for the tests below that need no start of their own: each
    publishes a story of its own (`story`) and talks in chats of its own."""
    work = tmp_path_factory.mktemp("following")
    folder = seeded_folder(work / "knowledge")
    api = FakeBotApi(token=TOKEN, username=USERNAME).start()
    bot = None
    try:
        with own_database(database_url, work) as url:
            bot = start_bot(api, work / "bot", database_url=url, knowledge_dir=folder, **FAST_PUSHES)
            try:
                bot.wait_ready()
                yield bot, folder
            finally:
                stop_bot(bot)
    finally:
        api.stop()


@pytest.fixture
def bot(shared: tuple[BotProcess, Path]) -> BotProcess:
    return shared[0]


@pytest.fixture
def folder(shared: tuple[BotProcess, Path]) -> Path:
    return shared[1]


_stories = itertools.count(1)


@pytest.fixture
def story() -> str:
    """A story no other test of the run publishes (its address, and its file's name)."""
    return f"harbour-story-{next(_stories)}"


def publish(knowledge: Path, updates: list[tuple[str, str]], story: str = "harbour-story") -> None:
    """Write a story's page as a newsroom's feed would: whole, then moved into the folder."""
    part = knowledge.parent / f"{story}.part"
    part.write_text(story_page(updates, story), encoding="utf-8")
    os.utime(part, (time.time() - 10, time.time() - 10))  # settled
    part.rename(knowledge / f"{story}.txt")


def pushes(api: FakeBotApi, chat: int) -> list[dict]:
    return [m for m in api.sent_messages(chat) if visible(m["text"]).startswith("New ")]


def wait_pushes(bot: BotProcess, chat: int, count: int = 1) -> list[dict]:
    return bot.api.wait_for(lambda: (found := pushes(bot.api, chat)) and len(found) >= count and found,
                            REPLY_TIMEOUT, f"{count} push(es) to chat {chat}")


def test_a_followed_topic_gets_its_new_entries_in_one_message_once(bot: BotProcess, folder: Path, story: str) -> None:
    peskov, everything, harbour_less = new_chat(), new_chat(), new_chat()
    (reply,) = bot.converse(peskov, "/follow Peskov")
    assert visible(reply["text"]).startswith("Following Peskov")
    bot.converse(everything, "/follow")
    bot.converse(harbour_less, "/follow Chernobyl")
    publish(folder, FIRST_UPDATES, story)

    (push,) = wait_pushes(bot, peskov)
    text = visible(push["text"])
    assert text.startswith("New on Peskov:")
    assert "Kremlin repeats warning over harbour talks" in text and "a waste of everyone's time" in text
    assert "Ferry" not in text and "Lighthouse" not in text
    assert "15:57 GMT, 24 Feb 2022" in text and f'href="https://example.org/live/{story}?page=1"' in push["text"]
    buttons = [b["text"] for row in push["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Unfollow Peskov", "More on this"]

    (all_of_it,) = wait_pushes(bot, everything)
    assert all(title in visible(all_of_it["text"]) for title, _ in FIRST_UPDATES)  # three entries, one message
    time.sleep(QUIET)
    assert len(pushes(bot.api, peskov)) == 1 and len(pushes(bot.api, everything)) == 1
    assert pushes(bot.api, harbour_less) == []


def test_following_lists_and_unfollow_stops(bot: BotProcess, folder: Path, story: str) -> None:
    chat = new_chat()
    bot.converse(chat, "/follow ferry")
    bot.converse(chat, "/follow lighthouse")
    (listing,) = bot.converse(chat, "/following")
    assert visible(listing["text"]).splitlines()[1:3] == ["1. ferry", "2. lighthouse"]
    (stopped,) = bot.converse(chat, "/unfollow 1")
    assert visible(stopped["text"]) == "Stopped following ferry."
    (usage,) = bot.converse(chat, "/unfollow 7")
    assert visible(usage["text"]).startswith("Usage: /unfollow N")
    publish(folder, FIRST_UPDATES, story)
    (push,) = wait_pushes(bot, chat)
    assert visible(push["text"]).startswith("New on lighthouse:")
    # The push's own button stops it.
    bot.api.send_callback_query(chat, push["message_id"], push["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    bot.api.wait_for(lambda: [a for n, a in bot.api.calls if n == "answerCallbackQuery"], REPLY_TIMEOUT, "the answer")
    (listing,) = bot.converse(chat, "/following")
    assert "follows nothing" in visible(listing["text"])


def test_new_shows_what_came_since_the_chat_last_looked(bot: BotProcess, folder: Path, story: str) -> None:
    chat = new_chat()
    bot.converse(chat, "/latest 2")
    time.sleep(1)  # what the chat has seen is noted in the background
    (nothing,) = bot.converse(chat, "/new")
    assert visible(nothing["text"]).startswith("Nothing new since ")
    logged = len(bot.log())
    publish(folder, FIRST_UPDATES, story)
    bot.wait_log("coverage check: 1 files: 1 loaded", after=logged)
    time.sleep(1)
    (fresh,) = bot.converse(chat, "/new")
    text = visible(fresh["text"])
    assert text.startswith("New since you last looked:")
    assert text.index("Ferry service") < text.index("Kremlin repeats") < text.index("Lighthouse keeper")
    time.sleep(1)
    (again,) = bot.converse(chat, "/new")
    assert visible(again["text"]).startswith("Nothing new since ")


def test_a_pushed_entry_corrected_on_the_page_is_edited(bot: BotProcess, folder: Path, story: str) -> None:
    chat = new_chat()
    bot.converse(chat, "/follow kayakers")
    publish(folder, FIRST_UPDATES, story)
    (push,) = wait_pushes(bot, chat)
    corrected = [*FIRST_UPDATES[:2], (FIRST_UPDATES[2][0], FIRST_UPDATES[2][1].replace("Three", "Four"))]
    publish(folder, corrected, story)
    edit = bot.api.wait_for(lambda: bot.api.edits(chat), REPLY_TIMEOUT, "the pushed message to be edited")[-1]
    assert edit["message_id"] == push["message_id"]
    assert "Four kayakers" in visible(edit["text"])
    assert len(pushes(bot.api, chat)) == 1  # edited, not sent again


def test_in_groups_only_administrators_follow_and_forum_topics_get_their_own_pushes(
    bot: BotProcess, folder: Path, story: str
) -> None:
    group, admin, member = -1_001_234_500_000 - new_chat(), new_chat(), new_chat()
    bot.api.set_admins(group, {admin})
    bot.api.send_text(group, f"/follow@{USERNAME} ferry", chat_type="supergroup", user_id=member, thread_id=77)
    (refused,) = bot.wait_messages(group, 0)
    assert "only its administrators" in visible(refused["text"])
    bot.api.send_text(group, f"/follow@{USERNAME} ferry", chat_type="supergroup", user_id=admin, thread_id=77)
    (accepted,) = bot.wait_messages(group, 1)
    assert visible(accepted["text"]).startswith("Following ferry")
    assert accepted.get("message_thread_id") == 77
    publish(folder, FIRST_UPDATES, story)
    (push,) = wait_pushes(bot, group)
    assert push.get("message_thread_id") == 77
    assert "Ferry service" in visible(push["text"])


def test_follows_survive_a_restart(api: FakeBotApi, bot_database: str, knowledge: Path, tmp_path: Path) -> None:
    chat = new_chat()
    first = start_bot(api, tmp_path / "first", database_url=bot_database, knowledge_dir=knowledge, **FAST_PUSHES)
    try:
        first.wait_ready()
        first.converse(chat, "/follow lighthouse")
    finally:
        stop_bot(first)
    second = start_bot(api, tmp_path / "second", database_url=bot_database, knowledge_dir=knowledge, **FAST_PUSHES)
    try:
        second.wait_ready()
        publish(knowledge, FIRST_UPDATES)
        (push,) = wait_pushes(second, chat)
        assert "Lighthouse keeper" in visible(push["text"])
    finally:
        stop_bot(second)


def test_a_bot_and_a_push_process_together_send_each_entry_once(
    api: FakeBotApi, bot_database: str, knowledge: Path, tmp_path: Path
) -> None:
    chats = [new_chat() for _ in range(12)]
    bot = start_bot(api, tmp_path / "bot", database_url=bot_database, knowledge_dir=knowledge, **FAST_PUSHES)
    pusher = None
    try:
        bot.wait_ready()
        for chat in chats:
            bot.converse(chat, "/follow" if chat % 2 else "/follow harbour")
        workdir = tmp_path / "pusher"
        workdir.mkdir()
        env = bot_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, DATABASE_URL=bot_database,
                      KNOWLEDGE_DIR=str(knowledge), **FAST_PUSHES)
        with open(workdir / "push.log", "wb") as log:
            pusher = subprocess.Popen([sys.executable, "-m", "bot", "push"], cwd=workdir, env=env,
                                      stdout=log, stderr=subprocess.STDOUT)
        api.wait_for(lambda: "pushing new entries" in (workdir / "push.log").read_text(), REPLY_TIMEOUT,
                     "the push process to start")
        publish(knowledge, FIRST_UPDATES)
        for chat in chats:
            wait_pushes(bot, chat)
        time.sleep(QUIET)
        assert [len(pushes(api, chat)) for chat in chats] == [1] * len(chats)
    finally:
        if pusher is not None:
            pusher.terminate()
            assert pusher.wait(10) == 0
        stop_bot(bot)


def test_a_question_during_a_large_fan_out_is_answered_first(
    api: FakeBotApi, bot_database: str, knowledge: Path, tmp_path: Path
) -> None:
    """60 chats follow everything and the bot may send 20 messages a second: the fan-out takes
    about 3 s, and a question asked meanwhile is answered before it ends."""
    bot = start_bot(api, tmp_path / "bot", database_url=bot_database, knowledge_dir=knowledge,
                    **{**FAST_PUSHES, "TELEGRAM_MAX_SENDS_PER_SECOND": "20"})
    try:
        bot.wait_ready()
        followers = [9_000_000 + n for n in range(60)]
        engine = make_engine(bot_database)
        try:
            for chat in followers:
                store.add_follow(engine, chat, 0, "", 20)
        finally:
            engine.dispose()
        publish(knowledge, FIRST_UPDATES)
        api.wait_for(lambda: sum(bool(pushes(api, c)) for c in followers) >= 20, REPLY_TIMEOUT, "the fan-out to start")
        asked = new_chat()
        (reply,) = bot.converse(asked, PESKOV)
        assert PESKOV_TITLE in visible(reply["text"])
        assert sum(bool(pushes(api, c)) for c in followers) < len(followers)  # answered mid-fan-out
        api.wait_for(lambda: all(pushes(api, c) for c in followers), 60, "every follower's push")
        assert all(len(pushes(api, c)) == 1 for c in followers)
    finally:
        stop_bot(bot)


def test_a_new_page_is_answerable_within_seconds_with_default_settings(
    api: FakeBotApi, bot_database: str, knowledge: Path, tmp_path: Path
) -> None:
    """No reload interval set: the file-system event, not the 30 s check, brings the page in
    (about 3 s on these machines; the bound here only tells the event from the check)."""
    bot = start_bot(api, tmp_path / "bot", database_url=bot_database, knowledge_dir=knowledge,
                    QUESTIONS_PER_MINUTE="100")
    try:
        bot.wait_ready()
        bot.wait_log("watching ")
        chat = new_chat()
        landed = time.monotonic()
        publish(knowledge, FIRST_UPDATES)
        while True:
            (reply,) = bot.converse(chat, "Who rescued the stranded kayakers?")
            if "Lighthouse keeper rescues stranded kayakers" in visible(reply["text"]):
                break
            assert time.monotonic() - landed < 15, "the new page was not answerable within 15 s"
            time.sleep(0.3)
        print(f"answerable {time.monotonic() - landed:.1f} s after the file landed")
    finally:
        stop_bot(bot)
