"""New and changed coverage files reach a running bot: the watcher on its own, then the bot
process with RELOAD_INTERVAL_SECONDS=1 and /reload for administrators."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.db import make_engine
from bot.loader.watch import CoverageWatcher
from bot.models import Entry
from bot.telegram.handlers import NOT_ADMIN
from tests.support.bot_process import (
    KNOWLEDGE,
    PESKOV,
    PESKOV_TITLE,
    SECRET,
    TOKEN,
    USERNAME,
    BotProcess,
    assert_valid_html,
    new_chat,
    start_bot,
    stop_bot,
    visible,
)
from tests.support.fake_bot_api import FakeBotApi

NEW_ENTRY_TITLE = "Lighthouse keepers strike over pay in Oslo"
CHANGED_ENTRY_TITLE = "Volcanic ash grounds flights across Iceland"
FERRY_TITLE = "Ferry crews walk out over pay on the Clyde"


def page(address: str, title: str, body: str, minute: int = 0) -> str:
    return (
        f"URL: {address}\n\n"
        f"  1. {title}published at 10:{minute:02d} Greenwich Mean Time 3 March 2022\n\n"
        f"    {body}\n"
    )


def entries(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Entry)).scalar_one()


def bump_mtime(path: Path) -> None:
    """Make sure a rewrite is seen even on a file system with coarse timestamps."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


# --- the watcher ------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path, seed_page: Path) -> Path:
    folder = tmp_path / "coverage"
    folder.mkdir()
    shutil.copyfile(seed_page, folder / "seed.txt")
    return folder


def test_first_poll_loads_the_folder_and_an_unchanged_folder_gives_none(engine: Engine, folder: Path) -> None:
    watcher = CoverageWatcher(engine, folder, settle=0)
    report = watcher.poll()
    assert report is not None
    assert [(o.path.name, o.status, o.new_entries) for o in report.outcomes] == [("seed.txt", "loaded", 20)]
    assert watcher.poll() is None
    assert watcher.poll() is None
    (folder / "notes.md").write_text("not coverage")  # only .txt files are coverage
    assert watcher.poll() is None


def test_a_new_file_is_noticed_and_only_it_is_read(engine: Engine, folder: Path) -> None:
    watcher = CoverageWatcher(engine, folder, settle=0)
    watcher.poll()
    sub = folder / "later"
    sub.mkdir()
    (sub / "new.txt").write_text(page("https://www.bbc.co.uk/news/live/world-test-41", NEW_ENTRY_TITLE,
                                      "Lighthouse keepers walked out this morning in a dispute over pay."))
    report = watcher.poll()
    assert report is not None
    assert [(o.path.name, o.status, o.new_entries) for o in report.outcomes] == [("new.txt", "loaded", 1)]
    assert entries(engine) == 21
    assert watcher.poll() is None


def test_a_file_still_being_written_waits_and_says_when_to_look_again(engine: Engine, folder: Path) -> None:
    watcher = CoverageWatcher(engine, folder, settle=30)
    old = time.time() - 60
    os.utime(folder / "seed.txt", (old, old))
    assert watcher.poll() is not None and watcher.settles_in is None  # a file moved in whole is read at once
    fresh = folder / "fresh.txt"
    fresh.write_text(page("https://www.bbc.co.uk/news/live/world-test-42", NEW_ENTRY_TITLE, "Keepers walked out."))
    assert watcher.poll() is None
    assert watcher.settles_in is not None and 25 < watcher.settles_in <= 30
    os.utime(fresh, (old, old))  # left alone long enough
    report = watcher.poll()
    assert report is not None and [o.path.name for o in report.outcomes] == ["fresh.txt"]
    assert watcher.settles_in is None


def test_a_changed_file_is_noticed(engine: Engine, folder: Path) -> None:
    watcher = CoverageWatcher(engine, folder, settle=0)
    watcher.poll()
    seed = folder / "seed.txt"
    text = seed.read_text(encoding="utf-8")
    first = text.index("  1. ")
    added = (
        f"  1. {CHANGED_ENTRY_TITLE}published at 13:30 Greenwich Mean Time 21 February 2022\n\n"
        "    Flights were grounded across Iceland as a cloud of volcanic ash drifted south.\n\n"
    )
    seed.write_text(text[:first] + added + text[first:], encoding="utf-8")
    bump_mtime(seed)
    report = watcher.poll()
    assert report is not None
    [outcome] = report.outcomes
    assert (outcome.path.name, outcome.status, outcome.entries, outcome.new_entries) == ("seed.txt", "loaded", 21, 1)
    assert entries(engine) == 21
    assert watcher.poll() is None


def test_a_touched_but_unchanged_file_is_reported_unchanged(engine: Engine, folder: Path) -> None:
    watcher = CoverageWatcher(engine, folder, settle=0)
    watcher.poll()
    bump_mtime(folder / "seed.txt")
    report = watcher.poll()
    assert report is not None
    assert [(o.path.name, o.status) for o in report.outcomes] == [("seed.txt", "unchanged")]


def test_a_broken_new_file_is_reported_and_retried_when_rewritten(engine: Engine, folder: Path) -> None:
    watcher = CoverageWatcher(engine, folder, settle=0)
    watcher.poll()
    half = folder / "half-written.txt"
    half.write_bytes(b"")  # caught while another program was still writing it
    report = watcher.poll()
    assert report is not None and [(o.path.name, o.status) for o in report.failed] == [("half-written.txt", "failed")]
    assert "empty" in report.failed[0].message
    half.write_text(page("https://www.bbc.co.uk/news/live/world-test-42", NEW_ENTRY_TITLE, "Now it is complete."))
    bump_mtime(half)
    report = watcher.poll()
    assert report is not None and [(o.path.name, o.status) for o in report.outcomes] == [("half-written.txt", "loaded")]


def test_reload_all_reads_every_file_again(engine: Engine, folder: Path) -> None:
    watcher = CoverageWatcher(engine, folder, settle=0)
    watcher.poll()
    report = watcher.reload_all()
    assert [(o.path.name, o.status) for o in report.outcomes] == [("seed.txt", "unchanged")]
    assert CoverageWatcher(engine, folder / "missing").reload_all().outcomes == []


def test_a_file_that_arrived_while_the_database_was_down_is_loaded_when_it_is_back(engine: Engine, folder: Path) -> None:
    watcher = CoverageWatcher(engine, folder, settle=0)
    watcher.poll()
    (folder / "new.txt").write_text(page("https://www.bbc.co.uk/news/live/world-test-43", NEW_ENTRY_TITLE,
                                         "Lighthouse keepers walked out this morning in a dispute over pay."))
    unreachable = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    try:
        watcher.engine = unreachable
        with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises; the bot's job logs it
            watcher.poll()
    finally:
        unreachable.dispose()
    watcher.engine = engine  # the database is back
    report = watcher.poll()
    assert report is not None and [o.path.name for o in report.outcomes] == ["new.txt"]
    assert entries(engine) == 21


# --- the bot process ------------------------------------------------------------------------


ADMIN = 424242  # a private chat's id is its user's id


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BotProcess, Path]]:
    work = tmp_path_factory.mktemp("live-bot")
    knowledge = work / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    api = FakeBotApi(token=TOKEN, username=USERNAME).start()
    bot = None
    try:
        bot = start_bot(api, work / "run", knowledge_dir=knowledge, RELOAD_INTERVAL_SECONDS="1",
                        UNLOAD_AFTER_SECONDS="0", ADMIN_USER_IDS=f"{ADMIN},1", QUESTIONS_PER_MINUTE="60")
        bot.wait_ready()
        yield bot, knowledge
    finally:
        stop_bot(bot)
        api.stop()


def answered_with(bot: BotProcess, question: str, title: str, timeout: float = 60) -> dict:
    """Ask until the first citation is `title` (each reload check takes up to a second or two)."""
    chat = new_chat()
    deadline = time.monotonic() + timeout
    while True:
        (reply,) = bot.converse(chat, question)
        if re.search(rf"^1\. (\[\w+\] )?{re.escape(title)}$", visible(reply["text"]), re.MULTILINE):
            return reply
        if time.monotonic() > deadline:
            pytest.fail(f"no answer citing {title!r} within {timeout}s; last reply:\n{visible(reply['text'])}\n"
                        f"log:\n{bot.log()[-3000:]}")
        time.sleep(2)


def test_the_bot_answers_from_a_file_written_after_it_started(live: tuple[BotProcess, Path]) -> None:
    bot, knowledge = live
    (reply,) = bot.converse(new_chat(), "lighthouse keepers strike")
    assert NEW_ENTRY_TITLE not in visible(reply["text"])
    (knowledge / "later.txt").write_text(page(
        "https://www.bbc.co.uk/news/live/world-test-44", NEW_ENTRY_TITLE,
        "Lighthouse keepers walked out this morning in a dispute over pay with the coastal authority.",
    ), encoding="utf-8")
    reply = answered_with(bot, "Why are the lighthouse keepers on strike?", NEW_ENTRY_TITLE)
    assert_valid_html([reply])
    assert "coverage check: 1 files: 1 loaded" in bot.log()


def test_the_bot_answers_from_a_file_changed_after_it_started(live: tuple[BotProcess, Path]) -> None:
    bot, knowledge = live
    seed = next(knowledge.glob("world-europe-*.txt"))
    text = seed.read_text(encoding="utf-8")
    first = text.index("  1. ")
    seed.write_text(text[:first] + (
        f"  1. {CHANGED_ENTRY_TITLE}published at 13:30 Greenwich Mean Time 21 February 2022\n\n"
        "    Flights were grounded across Iceland as a cloud of volcanic ash drifted south.\n\n"
    ) + text[first:], encoding="utf-8")
    bump_mtime(seed)
    reply = answered_with(bot, "volcanic ash flights Iceland", CHANGED_ENTRY_TITLE)
    assert_valid_html([reply])
    # The page's other entries are still there.
    (peskov,) = bot.converse(new_chat(), PESKOV)
    assert PESKOV_TITLE in visible(peskov["text"])


def test_an_entry_edited_and_then_removed_while_the_bot_runs_is_updated_and_then_gone(
    live: tuple[BotProcess, Path],
) -> None:
    bot, knowledge = live
    ferry = knowledge / "ferry.txt"
    address = "https://www.bbc.co.uk/news/live/world-test-45"
    ferry.write_text(page(address, FERRY_TITLE, "Ferry crews walked out in the morning over a pay offer."), encoding="utf-8")
    answered_with(bot, "ferry crews pay", FERRY_TITLE)

    # The newsroom corrects the entry: the same entry, new words.
    ferry.write_text(page(address, FERRY_TITLE, "Ferry crews returned to work after accepting a new pay offer."),
                     encoding="utf-8")
    bump_mtime(ferry)
    deadline = time.monotonic() + 60
    while "returned to work" not in visible(answered_with(bot, "ferry crews pay", FERRY_TITLE)["text"]):
        assert time.monotonic() < deadline, "the corrected entry never reached the answers"
        time.sleep(1)

    ferry.unlink()
    chat = new_chat()
    while True:
        (reply,) = bot.converse(chat, "ferry crews pay")
        if FERRY_TITLE not in visible(reply["text"]):
            break
        assert time.monotonic() < deadline + 60, "the removed entry is still cited"
        time.sleep(1)


def test_reload_from_someone_else_is_refused(live: tuple[BotProcess, Path]) -> None:
    bot, _ = live
    (reply,) = bot.converse(new_chat(), "/reload")
    assert reply["text"] == NOT_ADMIN


def test_reload_from_an_admin_loads_now_and_says_what_it_did(live: tuple[BotProcess, Path]) -> None:
    bot, knowledge = live
    (knowledge / "empty.txt").write_bytes(b"")
    (reply,) = bot.converse(ADMIN, "/reload")
    assert_valid_html([reply])
    text = visible(reply["text"])
    assert text.startswith("Reloaded: ")
    match = re.match(r"Reloaded: (\d+) files: (\d+) loaded, (\d+) unchanged, (\d+) failed; "
                     r"(\d+) new entries, (\d+) new summary points", text)
    assert match, text
    files, loaded, unchanged, failed, _new, _points = map(int, match.groups())
    assert files == loaded + unchanged + failed and files >= 2
    assert failed == 1
    assert "• empty.txt: the file is empty" in text
    (knowledge / "empty.txt").unlink()


def test_nothing_secret_in_the_log(live: tuple[BotProcess, Path]) -> None:
    bot, _ = live
    log = bot.log()
    assert "index built" in log
    assert TOKEN not in log and SECRET not in log
    assert bot.api.errors == []
