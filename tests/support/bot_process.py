"""`python -m bot run` as a real process against the stand-in Bot API.

Each process gets its own working folder (so no project .env is read), its own database and
log file, and an environment stripped of every bot setting the test run may carry.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from tests.support.fake_bot_api import FakeBotApi

PROJECT = Path(__file__).resolve().parents[2]
KNOWLEDGE = PROJECT / "knowledge"
# Shaped like a real token (digits, colon, 35 URL-safe characters), so the log redaction pattern
# applies too; tests look for the whole token and for the secret part after the colon.
TOKEN = "7012345678:AAHproductionTESTtoken_only-987654321xyz"
SECRET = TOKEN.split(":", 1)[1]
USERNAME = "newsdesk_prod_test_bot"
START_TIMEOUT = 90
REPLY_TIMEOUT = 30
QUIET = 1.0  # seconds without a reply that count as "no reply", where no barrier can be sent
HELP_OPENING = "What I can do"

PESKOV = "What did Peskov say about the summit?"
PESKOV_TITLE = "Kremlin says no concrete plans in place for summit"
TAG = re.compile(r"<[^>]+>")
_chat_ids = itertools.count(5001)


def new_chat(group: bool = False) -> int:
    """A chat (private: also its user) no other test of this run talks in."""
    n = next(_chat_ids)
    return -100_000_000 - n if group else n


def visible(html_text: str) -> str:
    return unescape(TAG.sub("", html_text))


def bot_env(**settings: str) -> dict[str, str]:
    """The test's environment without any bot setting that could leak in, plus `settings`."""
    known = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in known and not k.upper().startswith("TELEGRAM_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env.update(settings)
    return env


@dataclass
class BotProcess:
    api: FakeBotApi
    proc: subprocess.Popen
    log_path: Path
    database_url: str
    settings: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def fail_if_dead(self) -> None:
        if not self.alive():
            pytest.fail(f"the bot process exited ({self.proc.returncode}):\n{self.log()[-4000:]}")

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Until the bot has registered its commands (the last step of its start-up)."""
        self.api.wait_for(lambda: self.api.successful_calls("setMyCommands") or not self.alive(), timeout,
                          "the bot to register its commands")
        self.fail_if_dead()

    def wait_log(self, text: str, timeout: float = REPLY_TIMEOUT, after: int = 0) -> str:
        """Until `text` appears in the log past character `after`; returns the log."""
        self.api.wait_for(lambda: text in self.log()[after:] or not self.alive(), timeout, f"{text!r} in the log")
        self.fail_if_dead()
        return self.log()

    def send(self, chat_id: int, text: str, **kwargs: Any) -> int:
        """Queue a message; returns how many messages the chat had before it."""
        before = len(self.api.sent_messages(chat_id))
        self.api.send_text(chat_id, text, **kwargs)
        return before

    def wait_messages(self, chat_id: int, before: int, count: int = 1, timeout: float = REPLY_TIMEOUT) -> list[dict]:
        self.fail_if_dead()
        return self.api.wait_for_messages(chat_id, before + count, timeout)[before:before + count]

    def converse(self, chat_id: int, text: str, count: int = 1, timeout: float = REPLY_TIMEOUT,
                 **kwargs: Any) -> list[dict]:
        """Send `text` as a user and return the bot's next `count` messages to that chat."""
        before = self.send(chat_id, text, **kwargs)
        return self.wait_messages(chat_id, before, count, timeout)

    def settle(self, chat_id: int, chat_type: str = "private", **kwargs: Any) -> list[dict]:
        """Every message the bot sent to the chat in answer to what it was sent so far.

        A chat's updates are handled one after another and its replies go out in order, so once
        the reply to a /help sent now has arrived, nothing that came before is still on its way:
        a barrier instead of waiting for a silence. The /help and its reply are not returned."""
        command = "/help" if chat_type == "private" else f"/help@{USERNAME}"
        before = len(self.api.sent_messages(chat_id))
        self.api.send_text(chat_id, command, chat_type=chat_type, **kwargs)
        messages = self.api.wait_for(
            lambda: (found := self.api.sent_messages(chat_id)) and any(
                visible(m["text"]).startswith(HELP_OPENING) for m in found[before:]) and found,
            REPLY_TIMEOUT, f"the reply to the barrier {command}")
        self.fail_if_dead()
        barrier = next(i for i in range(before, len(messages)) if visible(messages[i]["text"]).startswith(HELP_OPENING))
        return messages[:barrier]

    def silence(self, chat_id: int, quiet: float = 1.5) -> list[dict]:
        """Every message sent to the chat once none has arrived for `quiet` seconds: for a chat
        where even a barrier would go unanswered (one asked to slow down)."""
        messages = self.api.sent_messages(chat_id)
        deadline = time.monotonic() + REPLY_TIMEOUT
        while time.monotonic() < deadline:
            time.sleep(quiet)
            latest = self.api.sent_messages(chat_id)
            if len(latest) == len(messages):
                return latest
            messages = latest
        return messages


def start_bot(api: FakeBotApi, workdir: Path, *, token: str = TOKEN, knowledge_dir: Path = KNOWLEDGE,
              database_url: str | None = None, log_level: str = "INFO", python_args: tuple[str, ...] = (),
              **settings: str) -> BotProcess:
    """Start `python -m bot run` in `workdir`; `settings` are extra environment variables and
    `python_args` go to the interpreter before it (a profiler's, say)."""
    workdir.mkdir(parents=True, exist_ok=True)
    # Failed sends are tried again after 0.05 s, 0.1 s, ... instead of 1 s, 2 s, ...
    settings.setdefault("SEND_RETRY_SECONDS", "0.05")
    log_path = workdir / "bot.log"
    database_url = database_url or f"sqlite:///{workdir / 'bot.db'}"
    env = bot_env(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=api.base_url,
        DATABASE_URL=database_url,
        KNOWLEDGE_DIR=str(knowledge_dir),
        LOG_LEVEL=log_level,
        **settings,
    )
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, *python_args, "-m", "bot", "run"], cwd=workdir, env=env,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return BotProcess(api, proc, log_path, database_url, settings)


def stop_bot(bot: BotProcess | None) -> None:
    if bot is None or bot.proc.poll() is not None:
        return
    bot.proc.terminate()
    try:
        bot.proc.wait(20)
    except subprocess.TimeoutExpired:
        bot.proc.kill()
        bot.proc.wait(10)


def assert_valid_html(messages: list[dict]) -> None:
    from tests.support.fake_bot_api import validate_telegram_html

    assert messages
    for message in messages:
        assert validate_telegram_html(message["text"]) == [], message["text"][:300]
        assert len(message["text"]) <= 4096
