"""Following a story from a chat: /follow, /following, /unfollow, /new and the push buttons."""

import asyncio
import logging
from html import escape

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.following import store
from bot.retrieval.text import normalise
from bot.telegram.delivery import say
from bot.telegram.handlers import answerers, current_answerer, message_of, query_of, remember_seen, reply_answer
from bot.telegram.render import ABOUT_PREFIX, UNFOLLOW_PREFIX, follows_html, parse_id, plain
from bot.telegram.state import Context
from bot.telegram.upkeep import off_loop
from bot.times import display_time

log = logging.getLogger(__name__)

NEW_COUNT = 5
ONLY_ADMINS = plain("In a group, only its administrators can follow and unfollow.")
NO_WORDS = plain("I can't match that topic: it has no words to look for. Try e.g. /follow Mariupol")
FOLLOWS_NOTHING = plain("This chat follows nothing.")
UNFOLLOW_USAGE = plain("Usage: /unfollow N (the number /following shows) or /unfollow all.")
MANAGERS = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}


def _thread(message: Message) -> int:
    return message.message_thread_id if message.is_topic_message and message.message_thread_id else 0


async def may_manage(update: Update, context: Context) -> bool:
    """Anyone in a private chat; in a group, only its administrators (asked of Telegram)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True  # only a channel's administrators can post in it
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous administrator, writing as the group
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("could not check whether user %s administers chat %s: %s", user.id, chat.id, exc)
        return False
    return member.status in MANAGERS


async def follow(update: Update, context: Context) -> None:
    message = message_of(update)
    if not await may_manage(update, context):
        say(context, message, ONLY_ADMINS)
        return
    topic = " ".join(normalise(" ".join(context.args or [])).split())[: store.MAX_TOPIC_CHARS]
    answerer = await current_answerer(context)
    if topic and not answerer.searcher.query_terms(topic) and answerer.quotes.speaker(topic) is None:
        say(context, message, NO_WORDS)
        return
    try:
        _row, new = await off_loop(lambda: store.add_follow(
            answerers(context).engine, message.chat_id, _thread(message), topic, answerer.newest_entry_id))
    except ValueError as exc:
        say(context, message, plain(f"This chat cannot follow more: {exc}. See /following."))
        return
    what = _named(topic)
    if new:
        say(context, message, f"Following {what}: new entries will be sent here as they are published. "
                              "See /following; stop with /unfollow.")
    else:
        say(context, message, f"This chat already follows {what}. See /following.")


async def following(update: Update, context: Context) -> None:
    message = message_of(update)
    rows = await off_loop(lambda: store.chat_follows(answerers(context).engine, message.chat_id))
    say(context, message, follows_html([row.topic for row in rows]))


async def unfollow(update: Update, context: Context) -> None:
    message = message_of(update)
    if not await may_manage(update, context):
        say(context, message, ONLY_ADMINS)
        return
    engine = answerers(context).engine
    args = context.args or []
    rows = await off_loop(lambda: store.chat_follows(engine, message.chat_id))
    if len(args) == 1 and args[0].lower() == "all":
        removed = await off_loop(lambda: store.remove_follows(engine, message.chat_id))
        say(context, message, plain(f"Stopped following {removed} topic(s).") if removed else FOLLOWS_NOTHING)
        return
    if len(args) != 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= max(len(rows), 1):
        say(context, message, UNFOLLOW_USAGE)
        return
    if not rows:
        say(context, message, FOLLOWS_NOTHING)
        return
    chosen = rows[int(args[0]) - 1]
    await off_loop(lambda: store.remove_follows(engine, message.chat_id, [chosen.id]))
    say(context, message, f"Stopped following {_named(chosen.topic)}.")


async def new(update: Update, context: Context) -> None:
    """The entries since this chat last asked (/new, /latest) or was sent a push."""
    message = message_of(update)
    engine = answerers(context).engine
    answerer = await current_answerer(context)
    last = await off_loop(lambda: store.last_seen(engine, message.chat_id))
    if last is None:
        answer = answerer.latest(NEW_COUNT, question="/new")
    else:
        answer = answerer.entries_after(last[0], NEW_COUNT)
        if not answer.citations:
            when = escape(display_time(last[1], "GMT"))
            say(context, message, f"Nothing new since {when}.")
            return
    reply_answer(context, message, answer)
    remember_seen(context, message.chat_id, answerer.newest_entry_id)


async def unfollow_button(update: Update, context: Context) -> None:
    query = query_of(update)
    follow_id = parse_id(query.data or "", UNFOLLOW_PREFIX)
    chat = update.effective_chat
    engine = answerers(context).engine
    row = await off_loop(lambda: store.get_follow(engine, follow_id)) if follow_id is not None else None
    if row is None or chat is None or row.chat_id != chat.id:
        await query.answer("This chat no longer follows that.")
        return
    if not await may_manage(update, context):
        await query.answer(ONLY_ADMINS, show_alert=True)
        return
    await off_loop(lambda: store.remove_follows(engine, chat.id, [row.id]))
    await query.answer(f"Stopped following {row.topic or 'this coverage'}.")


async def about_button(update: Update, context: Context) -> None:
    """"More on this" under a pushed entry: what else the coverage says about its subject."""
    query = query_of(update)
    await query.answer()
    ref = (query.data or "")[len(ABOUT_PREFIX):]
    answerer = await current_answerer(context)
    answer = await asyncio.to_thread(answerer.more_on, ref)
    if isinstance(query.message, Message):
        reply_answer(context, query.message, answer)


def _named(topic: str) -> str:
    return f"<b>{escape(topic)}</b>" if topic else "every new entry"
