"""Faults a production bot meets, with `python -m bot run` as a real process and the stand-in Bot
API: Telegram unreachable at start or for a while, HTTP errors, flood limits, SIGTERM, chats it
must ignore, users asking too fast, the database going away, and the token staying secret
through all of it.

One bot process (ALLOWED_CHAT_IDS and QUESTIONS_PER_MINUTE=3 set, DEBUG logging) serves most
tests; each test talks in chats of its own. Tests that need a differently started process
start their own. No timing is asserted except SIGTERM's five seconds.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.answers import NOTHING_FOUND
from bot.db import make_engine
from bot.telegram.delivery import SORRY
from bot.telegram.errors import TRY_AGAIN
from bot.telegram.guards import SLOW_DOWN
from tests.support.bot_process import (
    KNOWLEDGE,
    PESKOV,
    PESKOV_TITLE,
    QUIET,
    REPLY_TIMEOUT,
    SECRET,
    TOKEN,
    USERNAME,
    BotProcess,
    assert_valid_html,
    start_bot,
    stop_bot,
    visible,
)
from tests.support.fake_bot_api import FakeBotApi

OUTAGE_TIMEOUT = 60  # polling backs off while Telegram is away; it may take a while to come back
FORBIDDEN_IN_CHAT = ("Traceback", "Error", "Exception", "sqlalchemy", "psycopg", "OperationalError", SECRET)
# The shared bot answers these chats only; this module's chats come from them.
ALLOWED = range(700_001, 700_201)
ADMIN = ALLOWED[-1]
STRANGER_CHAT = 99_001
_chats = itertools.count(ALLOWED[0])


def new_chat() -> int:
    """A private chat (and its user) of its own, one the shared bot answers."""
    chat = next(_chats)
    assert chat < ADMIN
    return chat


def assert_clean(messages: list[dict]) -> None:
    """What reaches a chat never shows internals."""
    for message in messages:
        for word in FORBIDDEN_IN_CHAT:
            assert word not in message["text"], message["text"][:500]


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    api = FakeBotApi(token=TOKEN, username=USERNAME).start()
    bot = None
    try:
        bot = start_bot(
            api, tmp_path_factory.mktemp("faults-bot"), log_level="DEBUG",
            ALLOWED_CHAT_IDS=",".join(str(chat) for chat in ALLOWED),
            ADMIN_USER_IDS=str(ADMIN),
            QUESTIONS_PER_MINUTE="3",
        )
        bot.wait_ready()
        yield bot
    finally:
        stop_bot(bot)
        api.stop()


# --- Telegram unreachable or failing ------------------------------------------------------------


def test_telegram_unreachable_at_start(tmp_path: Path) -> None:
    """The bot waits for Telegram instead of exiting, then starts and answers."""
    with FakeBotApi(token=TOKEN, username=USERNAME) as api:
        api.set_down(True)
        bot = start_bot(api, tmp_path / "bot")
        try:
            time.sleep(4)
            assert bot.alive(), f"the bot exited while Telegram was unreachable:\n{bot.log()[-2000:]}"
            api.set_down(False)
            api.wait_for(lambda: api.successful_calls("setMyCommands") or not bot.alive(), OUTAGE_TIMEOUT,
                         "the bot to start once Telegram is back")
            assert bot.alive(), bot.log()[-2000:]
            (reply,) = bot.converse(new_chat(), "/latest 1", timeout=OUTAGE_TIMEOUT)
            assert visible(reply["text"]).startswith("The newest updates:")
        finally:
            stop_bot(bot)
    assert SECRET not in bot.log()


def test_telegram_going_away_mid_run_and_coming_back(bot: BotProcess) -> None:
    api = bot.api
    casualty, first, second = new_chat(), new_chat(), new_chat()
    bot.converse(casualty, "/latest 1")  # polling is running
    api.set_down(True)
    try:
        # A long poll open when the server went away still returns; if one is open, this message
        # is what it carries (and its reply is lost with the connection: nothing can be sent).
        api.send_text(casualty, "/latest 1")
        time.sleep(1)
        # Sent while Telegram is away: the bot cannot fetch them yet.
        api.send_text(first, "/latest 1")
        api.send_text(second, PESKOV)
        time.sleep(3)  # polling fails a few times meanwhile
        assert bot.alive()
        assert api.sent_messages(first) == [] and api.sent_messages(second) == []
    finally:
        api.set_down(False)
    (latest,) = bot.wait_messages(first, 0, timeout=OUTAGE_TIMEOUT)
    assert visible(latest["text"]).startswith("The newest updates:")
    (answer,) = bot.wait_messages(second, 0, timeout=OUTAGE_TIMEOUT)
    assert PESKOV_TITLE in visible(answer["text"])
    assert_valid_html([latest, answer])
    assert_clean(api.sent_messages(casualty))
    # Each was answered once.
    assert len(bot.settle(first)) == 1 and len(bot.settle(second)) == 1


def test_http_500_on_get_updates_once(bot: BotProcess) -> None:
    api = bot.api
    polls = len([name for name, _ in api.calls if name == "getUpdates"])
    api.fail_next("getUpdates", status=500)
    # Wake the open long poll, so the next one (the failing one) comes at once.
    (reply,) = bot.converse(new_chat(), "/latest 1")
    api.wait_for(lambda: len([name for name, _ in api.calls if name == "getUpdates"]) >= polls + 2, REPLY_TIMEOUT,
                 "the failing getUpdates")
    chat = new_chat()
    (reply,) = bot.converse(chat, PESKOV, timeout=OUTAGE_TIMEOUT)
    assert PESKOV_TITLE in visible(reply["text"])
    assert bot.alive()


def test_an_update_the_bot_cannot_read_is_logged_once_and_skipped(bot: BotProcess) -> None:
    api = bot.api
    polls = len([name for name, _ in api.calls if name == "getUpdates"])
    unreadable = api.push_update({"message": {"message_id": "x", "date": "yesterday", "chat": "nowhere"}})
    chat = new_chat()
    (reply,) = bot.converse(chat, PESKOV)  # the next update is answered as usual
    assert PESKOV_TITLE in visible(reply["text"])
    time.sleep(1)
    # Skipped, not fetched again and again.
    assert len([name for name, _ in api.calls if name == "getUpdates"]) - polls < 10
    assert bot.log().count(f"skipped update {unreadable}") == 1
    assert bot.alive()


def test_flood_limit_on_send_message_is_waited_out(bot: BotProcess) -> None:
    api, chat = bot.api, new_chat()
    api.fail_next("sendMessage", status=429, retry_after=2)
    (reply,) = bot.converse(chat, PESKOV)
    assert PESKOV_TITLE in visible(reply["text"])
    attempts = [p for name, p in api.calls if name == "sendMessage" and p.get("chat_id") == chat]
    assert len(attempts) == 2  # refused once, then sent after the wait
    assert len(bot.settle(chat)) == 1


def test_a_reply_telegram_refuses_gives_an_apology_and_a_log_line_without_the_token(bot: BotProcess) -> None:
    api, chat = bot.api, new_chat()
    api.fail_next("sendMessage", status=400, description="Bad Request: message is too long")
    (reply,) = bot.converse(chat, PESKOV)
    assert reply["text"] == SORRY
    log = bot.wait_log(f"Telegram refused a message to chat {chat}")
    assert "essage is too long" in log
    assert TOKEN not in log and SECRET not in log


# --- who may ask, and how often ---------------------------------------------------------------


def test_a_chat_not_allowed_gets_no_reply(bot: BotProcess) -> None:
    api = bot.api
    for message in (PESKOV, "/start", "/latest 2", "/reload"):
        api.send_text(STRANGER_CHAT, message)
    api.send_text(STRANGER_CHAT - 1, PESKOV, chat_type="group", user_id=ALLOWED[0])  # an allowed user elsewhere
    before = len(api.inline_answers())
    api.send_inline_query("kill list", user_id=STRANGER_CHAT)
    # A barrier: an allowed chat's question, sent after them, is answered.
    (reply,) = bot.converse(new_chat(), "/latest 1")
    assert visible(reply["text"]).startswith("The newest updates:")
    time.sleep(QUIET)
    assert api.sent_messages(STRANGER_CHAT) == [] and api.chat_actions(STRANGER_CHAT) == []
    assert api.sent_messages(STRANGER_CHAT - 1) == []
    assert len(api.inline_answers()) == before


def test_inline_answers_are_personal_where_only_some_chats_may_ask(bot: BotProcess) -> None:
    api = bot.api
    before = len(api.inline_answers())
    api.send_inline_query("kill list", user_id=new_chat())
    answers = api.wait_for(lambda: api.inline_answers()[before:], 10, "an inline answer")
    assert str(answers[0].get("is_personal")).lower() == "true"
    assert str(answers[0].get("cache_time")) == "0"


def test_the_fourth_question_in_a_minute_is_asked_to_slow_down(bot: BotProcess) -> None:
    api, chat = bot.api, new_chat()
    questions = [PESKOV, "kill list", "What did Kuleba want from the EU?", "Chernobyl"]
    for question in questions:  # one after another, as fast as a user can type
        (reply,) = bot.converse(chat, question)
        last = reply
    assert last["text"] == SLOW_DOWN
    texts = [m["text"] for m in api.sent_messages(chat)]
    assert texts.count(SLOW_DOWN) == 1
    assert all(visible(t) != NOTHING_FOUND for t in texts[:3])
    # Anything else within the minute, commands in any case included: ignored, without
    # repeating the warning.
    for message in ("summit", "/ask sanctions", "/ASK sanctions", "/Who Peskov", "/latest 1", "/help"):
        api.send_text(chat, message)
    messages = bot.silence(chat)  # even a barrier /help would be ignored here
    assert [m["text"] for m in messages].count(SLOW_DOWN) == 1
    assert len(messages) == 4
    # Someone else is not affected.
    (other,) = bot.converse(new_chat(), PESKOV)
    assert PESKOV_TITLE in visible(other["text"])


def test_talk_between_group_members_does_not_spend_their_budget(bot: BotProcess) -> None:
    api = bot.api
    group, member = ALLOWED[150], new_chat()
    for n in range(6):
        api.send_text(group, f"see you at the pub at {n}", chat_type="group", user_id=member)
    (reply,) = bot.converse(group, f"@{USERNAME} {PESKOV}", chat_type="group", user_id=member)
    assert PESKOV_TITLE in visible(reply["text"])


# --- a handler that crashes -----------------------------------------------------------------


def answer_garbage_once(api: FakeBotApi, method: str) -> None:
    """The next `method` call gets a malformed (but 200 OK) result (through the fake's method
    table, a private part of it): the handler that made it dies
    with an exception of no Telegram kind, as a bug in a handler would."""
    name, real = api._methods[method.lower()]
    calls = {"n": 0}

    def garbage_once(params: dict):
        calls["n"] += 1
        return "not a message" if calls["n"] == 1 else real(params)

    api._methods[method.lower()] = (name, garbage_once)


def test_a_crash_while_sending_gives_an_apology_and_no_traceback_in_the_chat(bot: BotProcess) -> None:
    chat = new_chat()
    log_before = len(bot.log())
    answer_garbage_once(bot.api, "sendMessage")
    bot.api.send_text(chat, PESKOV)
    # The fake counts the garbled send as sent; then comes the apology.
    _garbled, apology = bot.api.wait_for_messages(chat, 2, REPLY_TIMEOUT)
    assert apology["text"] == SORRY
    assert_clean(bot.settle(chat))
    log = bot.wait_log("Traceback", after=log_before)[log_before:]
    assert f"error while sending a message to chat {chat}" in log
    assert TOKEN not in log and SECRET not in log
    # The next question is answered as usual.
    (next_reply,) = bot.converse(new_chat(), PESKOV)
    assert PESKOV_TITLE in visible(next_reply["text"])


# --- stopping ---------------------------------------------------------------------------------


def assert_stops_on_sigterm(bot: BotProcess) -> None:
    """SIGTERM ends the bot within five seconds, with exit code 0."""
    bot.proc.send_signal(signal.SIGTERM)
    try:
        code = bot.proc.wait(5)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running 5 s after SIGTERM:\n{bot.log()[-2000:]}")
    assert code == 0, bot.log()[-2000:]


def test_sigterm_stops_the_bot_within_five_seconds_with_exit_code_0(tmp_path: Path) -> None:
    with FakeBotApi(token=TOKEN, username=USERNAME) as api:
        bot = start_bot(api, tmp_path / "bot")
        try:
            bot.wait_ready()
            (reply,) = bot.converse(new_chat(), "/latest 1")  # busy with a long poll from here on
            assert visible(reply["text"]).startswith("The newest updates:")
            time.sleep(1)
            assert_stops_on_sigterm(bot)
        finally:
            stop_bot(bot)
    assert "Traceback" not in bot.log()
    assert SECRET not in bot.log()


def test_sigterm_while_the_long_poll_is_being_opened_stops_the_bot_cleanly(tmp_path: Path) -> None:
    """Ready, but python-telegram-bot still opening its long poll (here: a slow deleteWebhook):
    SIGTERM then used to leave that half done, log an error and hang."""
    with FakeBotApi(token=TOKEN, username=USERNAME) as api:
        api.delay("deleteWebhook", 1.0)
        bot = start_bot(api, tmp_path / "bot")
        try:
            bot.wait_ready()
            assert_stops_on_sigterm(bot)
        finally:
            stop_bot(bot)
    assert "Traceback" not in bot.log() and "stopped on an error" not in bot.log()


def write_big_page(path: Path, megabytes: int = 50) -> int:
    """A live page of `megabytes` MB: thousands of long entries. Returns how many."""
    body = " ".join(["Officials said the talks on the border would go on for another week"] * 30)
    with open(path, "w", encoding="utf-8") as out:
        out.write("URL: https://example.org/live/a-very-long-story?page=1\n\n")
        n = 0
        while out.tell() < megabytes * 1_000_000:
            n += 1
            out.write(f"  {n}. Long update {n}published at {9 + n // 60 % 14:02d}:{n % 60:02d} Greenwich Mean Time "
                      f"21 February 2022\n\n    {body} ({n}).\n\n")
    return n


def test_sigterm_during_the_load_of_a_50_mb_file_stops_within_five_seconds_keeping_what_was_committed(
    tmp_path: Path,
) -> None:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    seed = knowledge / "seed.txt"
    seed.write_bytes((KNOWLEDGE / "world-europe-60454795_page-28.txt").read_bytes())
    os.utime(seed, (time.time() - 60, time.time() - 60))  # settled: loaded at start
    with FakeBotApi(token=TOKEN, username=USERNAME) as api:
        bot = start_bot(api, tmp_path / "bot", knowledge_dir=knowledge, RELOAD_INTERVAL_SECONDS="1")
        try:
            bot.wait_ready()
            entries = write_big_page(tmp_path / "big.part")
            started = len(bot.log())
            (tmp_path / "big.part").rename(knowledge / "big.txt")
            bot.wait_log("loading 1 new or changed file", after=started)
            # Answers go on meanwhile, from the index there is.
            (reply,) = bot.converse(new_chat(), PESKOV)
            assert PESKOV_TITLE in visible(reply["text"])
            time.sleep(2)  # well into reading and storing the file
            assert_stops_on_sigterm(bot)
        finally:
            stop_bot(bot)
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            titles = connection.execute(text("SELECT title FROM entry")).scalars().all()
    finally:
        engine.dispose()
    assert PESKOV_TITLE in titles  # what was committed before stays
    assert sum(t.startswith("Long update") for t in titles) in (0, entries)  # the big file whole or not at all
    assert "Traceback" not in bot.log()


# --- the database going away ------------------------------------------------------------------


class TcpProxy:
    """A TCP forwarder to the database that can be cut (connections dropped, port closed) and
    restored on the same port: the database becoming unreachable and coming back."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._server: socket.socket | None = None
        self._serving = threading.Event()

    def up(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        server.settimeout(0.2)
        self._server = server
        self._serving.set()
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def down(self) -> None:
        self._serving.clear()
        if self._server is not None:
            self._server.close()
            self._server = None
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()

    def _accept(self, server: socket.socket) -> None:
        while self._serving.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def postgres_behind_a_proxy() -> Iterator[tuple[str, TcpProxy]]:
    """A DATABASE_URL to a schema of its own in TEST_POSTGRES_URL's database, through a proxy."""
    url = os.environ.get("TEST_POSTGRES_URL", "").strip()
    if not url:
        pytest.skip("set TEST_POSTGRES_URL to run the database outage against PostgreSQL")
    direct = make_url(url)
    admin = make_engine(url)
    schema = f"newsdesk_outage_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        pytest.skip(f"PostgreSQL at TEST_POSTGRES_URL is not reachable: {exc}")
    proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or 5432)
    proxy.up()
    proxied = direct.set(host="127.0.0.1", port=proxy.port).update_query_dict(
        {"connect_timeout": "3", "options": f"-csearch_path={schema}"}
    )
    try:
        yield proxied.render_as_string(hide_password=False), proxy
    finally:
        proxy.down()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def test_the_database_going_away_and_coming_back(postgres_behind_a_proxy: tuple[str, TcpProxy], tmp_path: Path) -> None:
    database_url, proxy = postgres_behind_a_proxy
    with FakeBotApi(token=TOKEN, username=USERNAME) as api:
        bot = start_bot(api, tmp_path / "bot", database_url=database_url, ADMIN_USER_IDS=str(ADMIN),
                        INDEX_CHECK_SECONDS="1")
        try:
            bot.wait_ready()
            (before,) = bot.converse(new_chat(), PESKOV)
            assert PESKOV_TITLE in visible(before["text"])

            proxy.down()
            time.sleep(1.5)  # past the answerer cache's 1 s between database checks
            chat = new_chat()
            replies = bot.converse(chat, PESKOV)
            assert_clean(replies)
            answer = replies[0]["text"]
            # From the index in memory, or a short "try again".
            assert PESKOV_TITLE in visible(answer) or answer == TRY_AGAIN, answer
            bot.wait_log("database unreachable")
            (latest,) = bot.converse(chat, "/latest 2")
            assert_clean([latest])
            # Work that needs the database says so, briefly.
            (reload_reply,) = bot.converse(ADMIN, "/reload")
            assert reload_reply["text"] == TRY_AGAIN
            log = bot.wait_log("database error while handling an update")
            assert bot.alive()

            proxy.up()
            (reload_reply,) = bot.converse(ADMIN, "/reload", timeout=OUTAGE_TIMEOUT)
            assert visible(reload_reply["text"]).startswith("Reloaded: 1 files: 0 loaded, 1 unchanged, 0 failed")
            (after,) = bot.converse(new_chat(), PESKOV)
            assert PESKOV_TITLE in visible(after["text"])
            assert_clean(api.sent_messages())
            log = bot.log()
            assert TOKEN not in log and SECRET not in log
        finally:
            stop_bot(bot)


def test_a_database_not_up_at_start_is_waited_for_and_sigterm_still_stops_the_bot(tmp_path: Path) -> None:
    """Nothing answers at the database's address: the bot says so and keeps trying, without
    leaking the password, and stops at once when told to."""
    with FakeBotApi(token=TOKEN, username=USERNAME) as api:
        bot = start_bot(api, tmp_path / "bot",
                        database_url="postgresql+psycopg://newsdesk:s3cret-pw@127.0.0.1:1/newsdesk?connect_timeout=3")
        try:
            bot.wait_log("cannot be used yet")
            bot.wait_log("trying again in 2 s")  # a second try, with back-off
            assert bot.alive()
            assert_stops_on_sigterm(bot)
        finally:
            stop_bot(bot)
    log = bot.log()
    assert "port 1" in log  # it says where it tried
    assert "s3cret-pw" not in log and SECRET not in log
    assert api.sent_messages() == []


def test_postgresql_coming_up_after_the_bot_started(postgres_behind_a_proxy: tuple[str, TcpProxy], tmp_path: Path) -> None:
    database_url, proxy = postgres_behind_a_proxy
    proxy.down()
    with FakeBotApi(token=TOKEN, username=USERNAME) as api:
        bot = start_bot(api, tmp_path / "bot", database_url=database_url)
        try:
            bot.wait_log("cannot be used yet")
            proxy.up()
            bot.wait_ready()
            (reply,) = bot.converse(new_chat(), PESKOV)
            assert PESKOV_TITLE in visible(reply["text"])
        finally:
            stop_bot(bot)


def test_a_sqlite_database_locked_by_another_process_at_start_is_waited_for(tmp_path: Path) -> None:
    """Another process holds the write lock for longer than SQLite's busy wait."""
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    with FakeBotApi(token=TOKEN, username=USERNAME) as api:
        # A 1 s busy wait instead of 30 s: the bot's own back-off is what is tested.
        bot = start_bot(api, tmp_path / "bot", database_url=f"sqlite:///{path}?timeout=1")
        try:
            bot.wait_log("cannot be used yet", timeout=90)
            assert bot.alive()
            holder.rollback()
            holder.close()
            bot.wait_ready()
            (reply,) = bot.converse(new_chat(), PESKOV)
            assert PESKOV_TITLE in visible(reply["text"])
        finally:
            holder.close()
            stop_bot(bot)
    assert "database is locked" in bot.log()


# --- last: the token through everything above -------------------------------------------------


def test_token_never_appears_in_output_or_in_anything_sent(bot: BotProcess) -> None:
    """Runs last in this module: the shared bot's whole output so far, DEBUG included, after the
    failed requests, outages and crashes above."""
    api = bot.api
    api.fail_next("sendMessage", status=500)
    api.fail_next("getUpdates", status=500)
    chat = new_chat()
    bot.converse(chat, "/latest 1", count=1)
    log = bot.log()
    assert "DEBUG" in log  # the widest output
    assert TOKEN not in log and SECRET not in log
    sent = json.dumps([params for _, params in api.calls], ensure_ascii=False, default=str)
    assert SECRET not in sent
    assert api.errors == [], "the bot sent requests Telegram would reject"


def test_webhook_mode_without_a_secret_makes_one_and_refuses_forged_updates(tmp_path: Path) -> None:
    """An empty WEBHOOK_SECRET_TOKEN must not leave the webhook open to anyone who finds it."""
    import urllib.error
    import urllib.request

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with FakeBotApi(token=TOKEN, username=USERNAME) as api:
        bot = start_bot(api, tmp_path / "bot", WEBHOOK_URL="https://bot.example.com/telegram",
                        WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port), WEBHOOK_SECRET_TOKEN="")
        try:
            calls = api.wait_for(lambda: api.successful_calls("setWebhook"), 30, "the webhook to be registered")
            secret = str(calls[0].get("secret_token") or "")
            assert len(secret) >= 32
            forged = json.dumps({"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "/reload",
                                 "chat": {"id": 1, "type": "private"}, "from": {"id": 1, "is_bot": False, "first_name": "X"}}})
            request = urllib.request.Request(f"http://127.0.0.1:{port}/telegram", data=forged.encode(),
                                             headers={"Content-Type": "application/json"})
            status = None
            deadline = time.monotonic() + 20
            while status is None and time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(request, timeout=10)
                    status = 200
                except urllib.error.HTTPError as refused:
                    status = refused.code
                except urllib.error.URLError:  # the webhook server is not listening yet
                    time.sleep(0.2)
            assert status == 403
            assert "WEBHOOK_SECRET_TOKEN is empty" in bot.log()
            assert secret not in bot.log()
        finally:
            stop_bot(bot)
