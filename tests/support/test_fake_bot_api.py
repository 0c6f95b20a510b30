"""Prove FakeBotApi speaks the Bot API well enough for real python-telegram-bot code."""

from __future__ import annotations

import asyncio
import html
import json
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    InlineQueryHandler,
)

from tests.support.fake_bot_api import FakeBotApi, validate_telegram_html


@pytest.fixture
def api():
    with FakeBotApi() as server:
        yield server


def _post(api: FakeBotApi, method: str, payload: dict[str, Any], token: str | None = None):
    """Raw JSON request, to check the server independently of PTB's encoding."""
    request = urllib.request.Request(
        f"{api.base_url}{token or api.token}/{method}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


async def _run_app(api: FakeBotApi, handlers: list, scenario) -> None:
    """Run a polling Application against the fake while ``scenario()`` drives it."""
    app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    app.add_handlers(handlers)
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0)
        try:
            await scenario()
        finally:
            await app.updater.stop()
            await app.stop()


def test_command_reply_and_keyboard_roundtrip(api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = " ".join(context.args)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])
        await update.effective_chat.send_action("typing")
        await update.message.reply_text(
            f"Hello <b>{html.escape(args)}</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard
        )

    async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"was: {update.effective_message.text}")

    async def scenario() -> None:
        api.send_text(42, "/start a<b")
        (reply,) = await api.async_wait_for_messages(42, 1, timeout=5)
        assert reply["text"] == "Hello <b>a&lt;b</b>"
        assert reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "more"
        api.send_callback_query(42, reply["message_id"], "more")
        await api.async_wait_for(api.edits, timeout=5, what="edit")

    asyncio.run(_run_app(api, [CommandHandler("start", start), CallbackQueryHandler(more)],
                         scenario))
    assert api.chat_actions(42)[0]["action"] == "typing"
    assert api.edits(42)[0]["text"] == "was: Hello a<b"
    assert [m for m, _ in api.calls].count("answerCallbackQuery") == 1
    assert api.errors == []


def test_inline_query_results_are_recorded(api: FakeBotApi) -> None:
    async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query.query
        content = InputTextMessageContent(query)
        await update.inline_query.answer([InlineQueryResultArticle("1", query, content)])

    async def scenario() -> None:
        api.send_inline_query("rates")
        await api.async_wait_for(api.inline_answers, timeout=5, what="inline answer")

    asyncio.run(_run_app(api, [InlineQueryHandler(inline)], scenario))
    assert api.inline_answers()[0]["results"][0]["title"] == "rates"


@pytest.mark.filterwarnings("ignore:.*retry_after.*timedelta")  # PTB's own int/timedelta notice
def test_a_flood_limit_reaches_the_bot_as_retry_after_and_the_next_send_succeeds(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", status=429, retry_after=1)

    async def send():
        async with ExtBot(api.token, base_url=api.base_url) as bot:
            with pytest.raises(RetryAfter) as refused:
                await bot.send_message(7, "hi")
            return refused.value, await bot.send_message(7, "hi")

    refused, message = asyncio.run(send())
    assert refused.retry_after in (1, timedelta(seconds=1))
    assert (message.text, message.message_id, message.from_user.username) == (
        "hi", 1, "newsdesk_test_bot")
    assert [m for m, _ in api.calls].count("sendMessage") == 2
    assert len(api.sent_messages(7)) == 1


def test_bad_html_server_error_and_outage_reach_the_bot(api: FakeBotApi) -> None:
    async def scenario() -> None:
        async with ExtBot(api.token, base_url=api.base_url) as bot:
            with pytest.raises(BadRequest, match="(?i)can't parse entities"):
                await bot.send_message(1, "<b>oops", parse_mode=ParseMode.HTML)
            api.fail_next("getMe", status=500)
            with pytest.raises(NetworkError, match="Internal Server Error"):
                await bot.get_me()
            api.set_down(True)
            with pytest.raises(NetworkError):
                await bot.get_me()
            api.set_down(False)
            assert (await bot.get_me()).supports_inline_queries

    asyncio.run(scenario())
    assert len(api.errors) == 1 and "start tag \"b\"" in api.errors[0]


def test_raw_protocol_token_unknown_method_and_long_poll(api: FakeBotApi) -> None:
    assert _post(api, "getMe", {}, token="1:wrong") == (
        401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    assert _post(api, "nope", {})[0] == 404
    status, body = _post(api, "SENDMESSAGE", {"chat_id": 5, "text": "x"})
    assert status == 200 and body["result"]["chat"]["id"] == 5

    threading.Timer(0.2, api.send_text, (5, "hey @newsdesk_test_bot")).start()
    started = time.monotonic()
    status, body = _post(api, "getUpdates", {"timeout": 5})
    assert time.monotonic() - started < 2
    (update,) = body["result"]
    assert update["message"]["entities"] == [{"type": "mention", "offset": 4, "length": 18}]
    assert isinstance(update["message"]["date"], int) and update["message"]["date"] < 10**10
    assert _post(api, "getUpdates", {"offset": update["update_id"] + 1})[1]["result"] == []

    api.send_text(-5, "/latest@newsdesk_test_bot 3", chat_type="group")
    (update,) = _post(api, "getUpdates", {"offset": update["update_id"] + 1})[1]["result"]
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 25}]
    assert update["message"]["from"]["id"] != -5


def test_commands_edits_delay_and_wait_timeout(api: FakeBotApi) -> None:
    async def scenario() -> None:
        async with ExtBot(api.token, base_url=api.base_url) as bot:
            await bot.set_my_commands([("latest", "Latest news")])
            assert [c.command for c in await bot.get_my_commands()] == ["latest"]
            message = await bot.send_message(-100, "<i>x</i>", parse_mode=ParseMode.HTML)
            assert (message.chat.type, message.text) == ("supergroup", "x")
            with pytest.raises(BadRequest, match="(?i)not modified"):
                await message.edit_text("<i>x</i>", parse_mode=ParseMode.HTML)
            await message.edit_text("<b>x</b>", parse_mode=ParseMode.HTML)
            api.delay("getMe", 0.5)
            with pytest.raises(TimedOut):
                await bot.get_me(read_timeout=0.1)

    asyncio.run(scenario())
    assert len(api.errors) == 1 and len(api.edits(-100)) == 1
    with pytest.raises(AssertionError, match=r"1 message\(s\) to chat 5"):
        api.wait_for_messages(5, timeout=0.1)


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "<b>bold <i>both</b></i>", "<b>open", "a < b", "x&nbsp;y",
     "<br>", '<span class="x">s</span>', "&lt;" * 4097],
)
def test_validator_rejects(text: str) -> None:
    assert validate_telegram_html(text)


@pytest.mark.parametrize(
    "text",
    [html.escape("<script> & \"quotes\""), "<b>b <i>i</i></b> &#128512; &#x1F600;",
     '<a href="https://x.y/?a=1&amp;b=2">l</a> <span class="tg-spoiler">s</span>',
     '<pre><code class="language-python">x = 1</code></pre>', "&lt;" * 4096, "AT&T"],
)
def test_validator_accepts(text: str) -> None:
    assert validate_telegram_html(text) == []
