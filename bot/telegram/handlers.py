"""Telegram handlers: parse the update, call the shared answer code, send the rendered reply."""

import asyncio
import logging
import re
from html import escape
from uuid import uuid4

from telegram import (
    CallbackQuery,
    InlineQuery,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError

from bot.answerer_cache import AnswererCache
from bot.answers import Answer, Answerer
from bot.following import store
from bot.loader.in_child import LoadStopped
from bot.loader.watch import CoverageWatcher
from bot.telegram.delivery import delivery, outgoing, say
from bot.telegram.guards import addressed_to_bot, is_admin, settings_of
from bot.telegram.render import (
    answer_blocks,
    citation_html,
    help_html,
    inline_description,
    more_keyboard,
    more_token,
    parse_more,
    plain,
    split_messages,
    start_html,
)
from bot.telegram.state import Context
from bot.telegram.upkeep import off_loop

log = logging.getLogger(__name__)

DEFAULT_LATEST = 5
MAX_LATEST = 20
MAX_WHO_CHARS = 200
LATEST_USAGE = plain(f"Usage: /latest N, where N is a number from 1 to {MAX_LATEST}.")
WHO_USAGE = plain("Usage: /who NAME [TOPIC], e.g. /who Kuleba sanctions")
ASK_USAGE = plain("Usage: /ask QUESTION, e.g. /ask What did Kuleba want from the EU?")
MAX_INLINE_RESULTS = 10
NOT_ADMIN = plain("Only the bot's administrators can do that.")
UNKNOWN_COMMAND = plain("I don't know that command. Send /help to see what I can do.")

COMMANDS = [
    ("start", "What this bot covers and how to ask"),
    ("help", "Every command, with examples"),
    ("latest", "The newest updates: /latest 5"),
    ("summary", "The key points of the coverage"),
    ("ask", "Ask a question: /ask What did Peskov say?"),
    ("who", "Who said what: /who Kuleba sanctions"),
    ("follow", "Follow new entries: /follow Mariupol"),
    ("following", "What this chat follows"),
    ("unfollow", "Stop following: /unfollow 1"),
    ("new", "What is new since you last looked"),
]


def message_of(update: Update) -> Message:
    """The message a message or command handler was called for (python-telegram-bot calls
    them only with one)."""
    message = update.effective_message
    if message is None:
        raise ValueError("an update without a message reached a message handler")
    return message


def query_of(update: Update) -> CallbackQuery:
    if update.callback_query is None:
        raise ValueError("an update without a button press reached a button handler")
    return update.callback_query


def inline_of(update: Update) -> InlineQuery:
    if update.inline_query is None:
        raise ValueError("an update without an inline query reached the inline handler")
    return update.inline_query


def answerers(context: Context) -> AnswererCache:
    return context.bot_data.answerers


async def current_answerer(context: Context) -> Answerer:
    # Index (re)builds and database reads block, so they run off the event loop.
    return await asyncio.to_thread(answerers(context).answerer)


def reply_answer(context: Context, message: Message, answer: Answer) -> None:
    messages = split_messages(answer_blocks(answer))
    token = context.bot_data.asked.remember(answer.question) if answer.more and answer.question else ""
    keyboard = more_keyboard(answer.more, token)
    delivery(context).send(
        [outgoing(message, text, keyboard if index == len(messages) - 1 else None) for index, text in enumerate(messages)]
    )


TYPING_AFTER = 0.5  # seconds: quicker answers arrive before "typing…" would be seen


async def answer_question(update: Update, context: Context, question: str) -> None:
    message = message_of(update)

    async def work() -> Answer:
        answerer = await current_answerer(context)
        return await asyncio.to_thread(answerer.answer, question)

    answer = await while_typing(context, message.chat_id, work())
    reply_answer(context, message, answer)


async def while_typing(context: Context, chat_id: int, work):
    """Run `work`, showing "typing…" if it takes long enough for the user to notice.

    Most answers take milliseconds; sending the action anyway would double the requests the
    bot makes against Telegram's rate limits for nothing the user could see.
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER)
    if not done:
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError:
            log.warning("could not show 'typing'", exc_info=True)
    return await task


async def start(update: Update, context: Context) -> None:
    answerer = await current_answerer(context)
    say(context, message_of(update), start_html(answerer.stats()))


async def help_command(update: Update, context: Context) -> None:
    say(context, message_of(update), help_html(context.bot.username or "bot"))


async def latest(update: Update, context: Context) -> None:
    count = DEFAULT_LATEST
    if context.args:
        try:
            count = int(context.args[0])
        except ValueError:
            count = 0
        if count < 1:
            say(context, message_of(update), LATEST_USAGE)
            return
        count = min(count, MAX_LATEST)
    answerer = await current_answerer(context)
    reply_answer(context, message_of(update), answerer.latest(count))
    remember_seen(context, message_of(update).chat_id, answerer.newest_entry_id)


_noting: set[asyncio.Future] = set()


def remember_seen(context: Context, chat_id: int, entry_id: int) -> None:
    """Note in the background what the chat has now seen, for /new: a reply never waits on a write."""
    engine = answerers(context).engine

    async def note() -> None:
        try:
            await off_loop(lambda: store.mark_seen(engine, chat_id, entry_id))
        except Exception as exc:  # /new may then show a little more than it should: no harm
            log.warning("could not note what chat %s has seen: %s", chat_id, exc.__class__.__name__)

    task = asyncio.ensure_future(note())
    _noting.add(task)  # the loop keeps only a weak reference to a task
    task.add_done_callback(_noting.discard)


async def summary(update: Update, context: Context) -> None:
    answerer = await current_answerer(context)
    reply_answer(context, message_of(update), answerer.key_points())


async def ask(update: Update, context: Context) -> None:
    question = " ".join(context.args or [])
    if not question.strip():
        say(context, message_of(update), ASK_USAGE)
        return
    await answer_question(update, context, question)


async def who(update: Update, context: Context) -> None:
    """/who NAME [TOPIC]: the longest leading run of words that names a speaker is the name."""
    args = context.args or []
    if not args or len(" ".join(args)) > MAX_WHO_CHARS:
        say(context, message_of(update), WHO_USAGE)
        return
    async def work() -> Answer:
        answerer = await current_answerer(context)
        return await asyncio.to_thread(answerer.who_from_words, args)

    answer = await while_typing(context, message_of(update).chat_id, work())
    reply_answer(context, message_of(update), answer)


async def text_message(update: Update, context: Context) -> None:
    message = message_of(update)
    question = message.text or message.caption or ""
    if message.chat.type != ChatType.PRIVATE:
        if not addressed_to_bot(message, context.bot.username, context.bot.id):
            return
        question = re.sub(rf"@{re.escape(context.bot.username or '')}\b", " ", question, flags=re.IGNORECASE)
    await answer_question(update, context, question)


async def more(update: Update, context: Context) -> None:
    query = query_of(update)
    await query.answer()
    refs = parse_more(query.data or "")
    question = context.bot_data.asked.question(more_token(query.data or ""))
    answerer = await current_answerer(context)
    answer = await asyncio.to_thread(answerer.resolve, refs, question)
    if isinstance(query.message, Message):
        reply_answer(context, query.message, answer)


async def inline_query(update: Update, context: Context) -> None:
    query = inline_of(update)
    text = (query.query or "").strip()
    answerer = await current_answerer(context)
    answer = await asyncio.to_thread(answerer.search, text, MAX_INLINE_RESULTS) if text else answerer.latest(MAX_INLINE_RESULTS)
    results = []
    for citation in answer.citations[:MAX_INLINE_RESULTS]:
        results.append(
            InlineQueryResultArticle(
                id=uuid4().hex,
                title=citation.title[:200],
                description=inline_description(citation),
                input_message_content=InputTextMessageContent(
                    # A message has Telegram's length limit, however long the entry's title.
                    split_messages([citation_html(citation)])[0]
                ),
            )
        )
    # Where only some chats may ask, Telegram must not serve one user's results to another.
    restricted = bool(settings_of(context).allowed_chat_ids)
    await query.answer(results, cache_time=0 if restricted else 30, is_personal=restricted)


async def unknown_command(update: Update, context: Context) -> None:
    message = message_of(update)
    command = (message.text or "").split()[0] if message.text else ""
    target = command.partition("@")[2].lower()
    username = (context.bot.username or "").lower()
    if target and target != username:
        return  # "/start@other_bot": another bot's command
    if message.chat.type != ChatType.PRIVATE and not target:
        return  # in groups, only commands addressed to this bot get the pointer
    say(context, message, UNKNOWN_COMMAND)


async def reload_command(update: Update, context: Context) -> None:
    """Admins: load new and changed coverage now instead of waiting for the next check."""
    if not is_admin(update, context):
        say(context, message_of(update), NOT_ADMIN)
        return
    watcher: CoverageWatcher = context.bot_data.watcher
    try:
        report = await asyncio.to_thread(watcher.reload_all)
    except LoadStopped:
        return  # the bot is stopping
    await asyncio.to_thread(answerers(context).refresh)
    failures = "".join(f"\n• {escape(o.path.name)}: {escape(o.message)}" for o in report.failed)
    say(context, message_of(update), f"Reloaded: {escape(report.summary_line())}{failures}")


async def stale_button(update: Update, context: Context) -> None:
    """A button whose data this bot does not know (an old release's, or tampered): answer it, so
    the user's client stops waiting, and say so."""
    await query_of(update).answer("That button no longer works. Ask again.")
