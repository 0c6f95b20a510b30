"""The bot as users meet it: `python -m bot run` as a real process, against a stand-in Bot API.

One module-scoped bot process serves most tests (each test talks in chats of its own); tests
that need a differently configured process (no token, a rejected token) start their own.
Timeouts are generous and nothing asserts on speed; "ignored" means no reply within a few seconds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answerer_cache import build_answerer
from bot.answers import NOTHING_FOUND, Answerer
from bot.db import make_engine
from bot.telegram.delivery import SORRY
from bot.telegram.handlers import COMMANDS, UNKNOWN_COMMAND
from bot.telegram.render import answer_blocks, parse_more, split_messages
from tests.support.bot_process import (
    PESKOV,
    PESKOV_TITLE,
    REPLY_TIMEOUT,
    SECRET,
    START_TIMEOUT,
    TOKEN,
    USERNAME,
    BotProcess,
    bot_env,
    new_chat,
    start_bot,
    stop_bot,
    visible,
)
from tests.support.fake_bot_api import FakeBotApi, validate_telegram_html

PESKOV_TIME = "08:54 GMT, 21 Feb 2022"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    api = FakeBotApi(token=TOKEN, username=USERNAME).start()
    process = None
    try:
        # DEBUG logging: the widest output, so the token check sees everything the bot can print.
        process = start_bot(api, tmp_path_factory.mktemp("bot"), log_level="DEBUG")
        process.wait_ready()
        yield process
    finally:
        stop_bot(process)
        api.stop()


@pytest.fixture(scope="module")
def oracle(bot: BotProcess) -> Answerer:
    """The shared answer code over the database the bot loaded, to predict its exact messages."""
    engine = make_engine(bot.database_url)
    try:
        return build_answerer(engine)
    finally:
        engine.dispose()


def rendered(answer) -> list[str]:
    return split_messages(answer_blocks(answer))


def assert_valid(messages: list[dict]) -> None:
    assert messages
    for message in messages:
        text = message["text"]
        assert validate_telegram_html(text) == [], text[:300]
        assert len(text) <= 4096
        assert message.get("parse_mode", "HTML") == "HTML"


def assert_no_api_errors(bot: BotProcess) -> None:
    assert bot.api.errors == [], "the bot sent requests Telegram would reject"


def numbered_entries(text: str) -> list[tuple[str, str]]:
    """(title, time) of each numbered citation in a message's visible text."""
    return re.findall(r"^\d+\. (.+)\n(\d\d:\d\d GMT, \d+ \w+ \d{4})", visible(text), re.MULTILINE)


# --- start-up, /start, /help ------------------------------------------------------------------------


def test_commands_are_registered_at_startup(bot: BotProcess) -> None:
    (call,) = bot.api.successful_calls("setMyCommands")
    registered = [(c["command"], c["description"]) for c in call["commands"]]
    assert registered == [tuple(c) for c in COMMANDS]
    assert {"start", "help", "latest", "summary", "ask"} <= {name for name, _ in registered}
    assert all(description.strip() for _, description in registered)
    bot.api.wait_for(lambda: f"bot @{USERNAME} ready" in bot.log(), REPLY_TIMEOUT, "the ready line in the log")


def test_start_tells_what_is_covered_and_how_to_ask(bot: BotProcess) -> None:
    (reply,) = bot.converse(new_chat(), "/start")
    assert_valid([reply])
    text = visible(reply["text"])
    assert "20 entries" in text
    assert "from 08:08 GMT, 21 Feb 2022 to 13:11 GMT, 21 Feb 2022" in text
    assert "for example" in text
    for example in ("What's the latest?", "What are the key points?", "What happened at 13:11?"):
        assert f"• {example}" in text
    assert "/help" in text


def test_help_lists_every_command(bot: BotProcess) -> None:
    (reply,) = bot.converse(new_chat(), "/help")
    assert_valid([reply])
    text = visible(reply["text"])
    for name, _ in COMMANDS:
        assert re.search(rf"(^|\s)/{name}\b", text), f"/{name} missing from /help"
    assert f"@{USERNAME}" in text  # the inline example names the real bot


# --- /latest, /summary ----------------------------------------------------------------------------


def test_latest_3_lists_three_newest_entries_newest_first(bot: BotProcess) -> None:
    (reply,) = bot.converse(new_chat(), "/latest 3")
    assert_valid([reply])
    assert visible(reply["text"]).startswith("The newest updates:")
    assert numbered_entries(reply["text"]) == [
        ("EU agrees to provide Ukraine with 'advisory' military training", "13:11 GMT, 21 Feb 2022"),
        ("UK defence secretary to update MPs on Ukraine crisis", "12:58 GMT, 21 Feb 2022"),
        ("What we know about Donbas attacks", "12:45 GMT, 21 Feb 2022"),
    ]
    assert len(re.findall(r"^\d+\. ", visible(reply["text"]), re.MULTILINE)) == 3


def test_latest_20_arrives_split_in_order_with_every_message_valid(bot: BotProcess, oracle: Answerer) -> None:
    chat = new_chat()
    expected = rendered(oracle.latest(20))
    assert len(expected) >= 2
    replies = bot.converse(chat, "/latest 20", count=len(expected))
    assert [r["text"] for r in bot.settle(chat)] == expected
    assert_valid(replies)
    entries = [e for r in replies for e in numbered_entries(r["text"])]
    assert len(entries) == 20
    times = [e[1] for e in entries]
    assert times == sorted(times, reverse=True)  # all on 21 Feb 2022: the clock orders them


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("/latest abc", "Usage: /latest N"),
        ("/latest -5", "Usage: /latest N"),
        ("/latest 0", "Usage: /latest N"),
        ("/ask", "Usage: /ask QUESTION"),
        ("/who " + "x" * 5000, "Usage: /who NAME"),
    ],
)
def test_commands_without_a_usable_argument_explain_their_usage(bot: BotProcess, command: str, usage: str) -> None:
    (reply,) = bot.converse(new_chat(), command)
    assert reply["text"].startswith(usage)


def test_latest_count_is_clamped(bot: BotProcess) -> None:
    replies = bot.converse(new_chat(), "/latest 50", count=1)
    assert len(numbered_entries(replies[0]["text"])) >= 1


def test_a_photo_with_a_question_in_its_caption_is_answered(bot: BotProcess) -> None:
    chat = new_chat()
    before = len(bot.api.sent_messages(chat))
    bot.api._chats[chat] = {"id": chat, "type": "private", "first_name": "Tess"}
    bot.api.push_update({"message": {
        "message_id": 9001, "date": 0, "chat": bot.api._chats[chat],
        "from": {"id": chat, "is_bot": False, "first_name": "Tess"},
        "photo": [{"file_id": "p", "file_unique_id": "p", "width": 10, "height": 10}],
        "caption": "What did Peskov say about the summit?",
    }})
    replies = bot.api.wait_for(lambda: bot.api.sent_messages(chat)[before:], REPLY_TIMEOUT, "an answer to the caption")
    assert "summit" in visible(replies[0]["text"]).lower()


def test_a_command_posted_in_a_channel_is_answered(bot: BotProcess) -> None:
    channel = -100_777
    bot.api._chats[channel] = {"id": channel, "type": "channel", "title": "News"}
    bot.api.push_update({"channel_post": {
        "message_id": 9002, "date": 0, "chat": bot.api._chats[channel], "text": f"/latest@{USERNAME} 1",
        "entities": [{"type": "bot_command", "offset": 0, "length": len(f"/latest@{USERNAME}")}],
    }})
    replies = bot.api.wait_for(lambda: bot.api.sent_messages(channel), REPLY_TIMEOUT, "an answer in the channel")
    assert visible(replies[0]["text"]).startswith("The newest updates:")


def test_a_button_this_bot_does_not_know_is_answered(bot: BotProcess) -> None:
    chat = new_chat()
    (reply,) = bot.converse(chat, "/latest 1")
    before = len(bot.api.successful_calls("answerCallbackQuery"))
    bot.api.send_callback_query(chat, reply["message_id"], "unknown:data")
    answered = bot.api.wait_for(lambda: bot.api.successful_calls("answerCallbackQuery")[before:], 10, "the button answered")
    assert "no longer works" in str(answered[0].get("text"))


def test_summary_gives_the_key_points(bot: BotProcess) -> None:
    (reply,) = bot.converse(new_chat(), "/summary")
    assert_valid([reply])
    text = visible(reply["text"])
    assert text.startswith("The key points:")
    bullets = [line for line in text.splitlines() if line.startswith("• ")]
    assert len(bullets) == 8
    assert any("Zelensky says 137 Ukrainian citizens" in b for b in bullets)
    assert any("Chernobyl" in b for b in bullets)
    assert re.search(r'<a href="https://feeds\.bbci\.co\.uk/[^"]+">Source</a>', reply["text"])


# --- questions ------------------------------------------------------------------------------------


def test_ask_cites_the_entry(bot: BotProcess, oracle: Answerer) -> None:
    chat = new_chat()
    (reply,) = bot.converse(chat, f"/ask {PESKOV}")
    assert_valid([reply])
    assert reply["text"] == rendered(oracle.answer(PESKOV))[0]
    title, when = numbered_entries(reply["text"])[0]
    assert title == f"[Breaking] {PESKOV_TITLE}" and when == PESKOV_TIME
    assert "Peskov" in visible(reply["text"])
    if oracle.answer(PESKOV).more:
        assert reply["reply_markup"]["inline_keyboard"][0][0]["text"] == "More"
    else:
        assert "reply_markup" not in reply
    # A quick answer needs no "typing…"; if one was sent, it came before the answer.
    names = [name for name, p in bot.api.calls if p.get("chat_id") == chat]
    if "sendChatAction" in names:
        assert names.index("sendChatAction") < names.index("sendMessage")


def test_plain_private_message_is_answered_like_ask(bot: BotProcess) -> None:
    (asked,) = bot.converse(new_chat(), f"/ask {PESKOV}")
    (plain,) = bot.converse(new_chat(), PESKOV)
    assert plain["text"] == asked["text"]
    assert plain.get("reply_markup") == asked.get("reply_markup")
    assert numbered_entries(plain["text"])[0] == (f"[Breaking] {PESKOV_TITLE}", PESKOV_TIME)


def test_question_without_answer_cites_nothing_and_suggests_latest(bot: BotProcess) -> None:
    (reply,) = bot.converse(new_chat(), "bitcoin price")
    assert_valid([reply])
    assert visible(reply["text"]) == NOTHING_FOUND
    assert "/latest" in reply["text"]
    assert "<b>" not in reply["text"] and "Source" not in reply["text"]
    assert numbered_entries(reply["text"]) == []
    assert "reply_markup" not in reply


def test_5000_character_message_is_answered_within_limits(bot: BotProcess) -> None:
    chat = new_chat()
    question = (PESKOV + " ") * 200
    question = question[:5000]
    assert len(question) == 5000
    bot.converse(chat, question)
    replies = bot.settle(chat)
    assert_valid(replies)
    assert numbered_entries(replies[0]["text"])  # still an answer with citations
    assert_no_api_errors(bot)


def test_html_and_emoji_in_the_question_cannot_break_the_reply(bot: BotProcess) -> None:
    chat = new_chat()
    bot.converse(chat, "<b>Peskov</b> & <script>alert('x')</script> summit 🚀😀 &amp; </i>")
    replies = bot.settle(chat)
    assert_valid(replies)
    assert all("<script>" not in r["text"] for r in replies)
    assert_no_api_errors(bot)


def test_unknown_command_points_to_help(bot: BotProcess) -> None:
    (reply,) = bot.converse(new_chat(), "/frobnicate now")
    assert reply["text"] == UNKNOWN_COMMAND
    assert "/help" in reply["text"]


# --- groups ---------------------------------------------------------------------------------------


def test_group_message_needs_a_mention_or_a_reply_to_the_bot(bot: BotProcess) -> None:
    api, chat = bot.api, new_chat(group=True)
    someone = {"message_id": 999, "date": int(time.time()), "chat": {"id": chat, "type": "group", "title": "G"},
               "from": {"id": 4242, "is_bot": False, "first_name": "Other"}, "text": "hello"}
    api.send_text(chat, PESKOV, chat_type="group")
    # A mention, but of someone else (Telegram marks it as a mention entity too).
    api.send_text(chat, "@someone_else " + PESKOV, chat_type="group",
                  entities=[{"type": "mention", "offset": 0, "length": len("@someone_else")}])
    api.send_text(chat, PESKOV, chat_type="group", reply_to_message=someone)  # a reply, but not to the bot
    assert bot.settle(chat, chat_type="group") == [] and api.chat_actions(chat) == []

    (reply,) = bot.converse(chat, f"@{USERNAME} {PESKOV}", chat_type="group")
    assert_valid([reply])
    assert numbered_entries(reply["text"])[0] == (f"[Breaking] {PESKOV_TITLE}", PESKOV_TIME)

    bots_message = {"message_id": reply["message_id"], "date": int(time.time()),
                    "chat": {"id": chat, "type": "group", "title": "G"}, "from": api.bot_user,
                    "text": visible(reply["text"])}
    (follow_up,) = bot.converse(chat, "bitcoin price", chat_type="group", reply_to_message=bots_message)
    assert visible(follow_up["text"]) == NOTHING_FOUND
    # The first barrier's /help reply and the two answers: each answered once, nothing else.
    assert len(bot.settle(chat, chat_type="group")) == 3


def test_group_command_addressed_to_the_bot_is_answered(bot: BotProcess) -> None:
    (reply,) = bot.converse(new_chat(group=True), f"/latest@{USERNAME} 2", chat_type="group")
    assert [t for t, _ in numbered_entries(reply["text"])] == [
        "EU agrees to provide Ukraine with 'advisory' military training",
        "UK defence secretary to update MPs on Ukraine crisis",
    ]


def test_group_command_for_another_bot_is_ignored(bot: BotProcess) -> None:
    api, chat = bot.api, new_chat(group=True)
    api.send_text(chat, "/start@other_bot", chat_type="group")
    api.send_text(chat, "/stats@other_bot", chat_type="group")
    assert bot.settle(chat, chat_type="group") == []


# --- the "More" button and inline mode ------------------------------------------------------------


def test_more_button_brings_further_results(bot: BotProcess, oracle: Answerer) -> None:
    api, chat = bot.api, new_chat()
    question = "What's the latest?"  # the three newest, and a button for the next seven
    assert len(oracle.answer(question).more) >= 4
    (first,) = bot.converse(chat, question)
    first_titles = [t for t, _ in numbered_entries(first["text"])]
    assert len(first_titles) == 3
    data = first["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert data.startswith("more:") and len(data.encode()) <= 64

    answered_before = len(api.successful_calls("answerCallbackQuery"))
    before = len(api.sent_messages(chat))
    api.send_callback_query(chat, first["message_id"], data)
    (more,) = bot.wait_messages(chat, before)
    assert_valid([more])
    assert visible(more["text"]).startswith("More results:")
    more_titles = [t for t, _ in numbered_entries(more["text"])]
    assert len(more_titles) == 3
    assert not set(more_titles) & set(first_titles)
    api.wait_for(lambda: len(api.successful_calls("answerCallbackQuery")) > answered_before, REPLY_TIMEOUT,
                 "the button press to be acknowledged")
    # The new message carries the results still not shown.
    data_2 = more["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert parse_more(data_2) == parse_more(data)[3:]


def test_inline_query_offers_cited_articles(bot: BotProcess) -> None:
    api = bot.api
    for query in ("kill list", ""):  # a search, then an empty query (the newest entries)
        before = len(api.inline_answers())
        api.send_inline_query(query)
        answers = api.wait_for(lambda before=before: api.inline_answers()[before:], REPLY_TIMEOUT, "an inline answer")
        results = answers[0]["results"]
        assert 1 <= len(results) <= 10
        assert str(answers[0].get("is_personal", False)).lower() == "false"  # anyone may ask this bot
        assert len({r["id"] for r in results}) == len(results)
        for result in results:
            assert result["type"] == "article" and result["title"].strip()
            content = result["input_message_content"]
            assert content["parse_mode"] == "HTML"
            assert validate_telegram_html(content["message_text"]) == []
            assert result["title"] in visible(content["message_text"]).splitlines()[0]
        if query:
            assert any("kill list" in r["title"].lower() for r in results)
        else:
            assert results[0]["title"] == "EU agrees to provide Ukraine with 'advisory' military training"


# --- faults ---------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore")
def test_rate_limited_reply_is_retried_and_arrives(bot: BotProcess) -> None:
    api, chat = bot.api, new_chat()
    api.fail_next("sendMessage", status=429, retry_after=1)
    (reply,) = bot.converse(chat, f"/ask {PESKOV}")
    assert numbered_entries(reply["text"])[0][0] == f"[Breaking] {PESKOV_TITLE}"
    attempts = [p for name, p in api.calls if name == "sendMessage" and p.get("chat_id") == chat]
    assert len(attempts) == 2  # the 429, then the retry
    assert len(bot.settle(chat)) == 1  # delivered once


def test_a_failed_send_is_tried_again_and_the_reply_arrives(bot: BotProcess) -> None:
    api, chat = bot.api, new_chat()
    api.fail_next("sendMessage", status=500)
    (reply,) = bot.converse(chat, f"/ask {PESKOV}")
    assert "Dmitry Peskov" in reply["text"]
    assert "sending failed" in bot.log()


def test_a_reply_failing_again_and_again_is_kept_trying_and_arrives(bot: BotProcess) -> None:
    api, chat = bot.api, new_chat()
    api.fail_next("sendMessage", status=500, times=4)  # Telegram's own trouble, four times over
    (reply,) = bot.converse(chat, f"/ask {PESKOV}")
    assert "Dmitry Peskov" in reply["text"]
    assert len(bot.settle(chat)) == 1


def test_a_reply_telegram_refuses_for_good_is_logged_and_the_user_gets_an_apology(bot: BotProcess) -> None:
    api, chat = bot.api, new_chat()
    api.fail_next("sendMessage", status=400, description="Bad Request: can't parse entities")
    (reply,) = bot.converse(chat, f"/ask {PESKOV}")
    assert reply["text"] == SORRY
    api.wait_for(lambda: "Telegram refused a message" in bot.log(), REPLY_TIMEOUT, "the error in the log")
    assert SECRET not in bot.log()


def test_bot_survives_an_api_outage_and_answers_afterwards(bot: BotProcess) -> None:
    api, chat = bot.api, new_chat()
    api.wait_for(api.long_poll_open, REPLY_TIMEOUT, "the bot's long poll")
    api.set_down(True)  # new connections are dropped; the long poll already open still delivers
    try:
        api.send_text(chat, "/latest 1")
        api.wait_for(lambda: "sending failed" in bot.log(), REPLY_TIMEOUT, "the failed reply to be logged")
        time.sleep(1.5)  # polling fails meanwhile too
    finally:
        api.set_down(False)
    assert bot.proc.poll() is None
    # The reply worked out during the outage is delivered once Telegram is back.
    (late,) = api.wait_for_messages(chat, 1, timeout=REPLY_TIMEOUT)
    assert len(numbered_entries(late["text"])) == 1
    (reply,) = bot.converse(chat, "/latest 1")  # polling resumes by itself
    assert len(numbered_entries(reply["text"])) == 1


def test_token_never_appears_in_output_or_in_anything_sent(bot: BotProcess) -> None:
    """Everything the bot printed and sent so far is checked, after an error of its own (and,
    when the module runs in order, after every test above)."""
    api, chat = bot.api, new_chat()
    api.fail_next("sendMessage", status=400, description="Bad Request: can't parse entities")
    bot.converse(chat, f"/ask {PESKOV}")
    api.send_inline_query("kill list")
    api.wait_for(lambda: api.inline_answers(), REPLY_TIMEOUT, "an inline answer")
    log = bot.wait_log("Telegram refused a message")
    assert TOKEN not in log and SECRET not in log
    sent = json.dumps([params for _, params in bot.api.calls], ensure_ascii=False, default=str)
    assert SECRET not in sent
    assert bot.api.sent_messages() and bot.api.inline_answers()
    assert_no_api_errors(bot)


# --- separate processes -------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_run_without_token_explains_botfather_and_exits_2(tmp_path: Path, token: str | None) -> None:
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
    if token is not None:
        settings["TELEGRAM_BOT_TOKEN"] = token
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=bot_env(**settings),
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, lines
    assert "@BotFather" in lines[0] and "TELEGRAM_BOT_TOKEN" in lines[0]


def test_rejected_token_is_not_printed(tmp_path: Path) -> None:
    with FakeBotApi(token=TOKEN, username=USERNAME) as api:
        wrong = "6012345678:AAHrevokedTOKEN_0123456789abcdefghij"
        process = start_bot(api, tmp_path, token=wrong)
        try:
            returncode = process.proc.wait(START_TIMEOUT)
        finally:
            stop_bot(process)
    output = process.log()
    assert returncode != 0, output[-2000:]
    assert wrong.split(":", 1)[1] not in output, "the rejected token was printed"
