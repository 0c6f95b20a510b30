"""Who may talk to the bot, and how often: checks that run before any handler."""

import time
from collections import defaultdict, deque

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.config import Settings
from bot.telegram.delivery import say
from bot.telegram.render import plain
from bot.telegram.state import Context

WINDOW_SECONDS = 60.0
SLOW_DOWN = "You're asking faster than I can keep up with. Please wait a minute and ask again."
PRUNE_EVERY = 1_000
# Telegram's user for a group's anonymous administrators: one id shared by all of them everywhere.
ANONYMOUS_ADMIN = 1087968824


class QuestionLimiter:
    """A sliding one-minute window of requests per key (a user, or a chat for anonymous admins)."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._asked: dict[object, deque[float]] = defaultdict(deque)
        self._warned: dict[object, float] = {}
        self._calls = 0

    def allow(self, key: object, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self._calls += 1
        if self._calls % PRUNE_EVERY == 0:
            self._forget_before(now - WINDOW_SECONDS)
        asked = self._asked[key]
        while asked and now - asked[0] >= WINDOW_SECONDS:
            asked.popleft()
        if len(asked) >= self.per_minute:
            return False
        asked.append(now)
        return True

    def should_warn(self, key: object, now: float | None = None) -> bool:
        """Say "slow down" once per window, not once per message."""
        now = time.monotonic() if now is None else now
        if now - self._warned.get(key, -WINDOW_SECONDS) >= WINDOW_SECONDS:
            self._warned[key] = now
            return True
        return False

    def _forget_before(self, cutoff: float) -> None:
        """Users whose window has passed are forgotten: a million of them must not stay in memory."""
        for key in [k for k, asked in self._asked.items() if not asked or asked[-1] < cutoff]:
            del self._asked[key]
        for key in [k for k, when in self._warned.items() if when < cutoff]:
            del self._warned[key]

    def __len__(self) -> int:
        return len(self._asked)


def settings_of(context: Context) -> Settings:
    return context.bot_data.settings


async def enforce_access(update: Update, context: Context) -> None:
    """With ALLOWED_CHAT_IDS set, updates from any other chat are dropped unanswered."""
    allowed = settings_of(context).allowed_chat_ids
    if not allowed:
        return
    chat = update.effective_chat
    if chat is not None and chat.id in allowed:
        return
    if chat is None and update.effective_user is not None and update.effective_user.id in allowed:
        return  # inline queries have no chat: a user allowed as a private chat may use them
    raise ApplicationHandlerStop


def addressed_to_bot(message: Message, username: str | None, bot_id: int) -> bool:
    """In a group, a message is for the bot when it replies to the bot or mentions it."""
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        return True
    mentions = [*message.parse_entities(["mention"]).values(), *message.parse_caption_entities(["mention"]).values()]
    return username is not None and any(m.lower() == f"@{username.lower()}" for m in mentions)


def budget_key(update: Update, bot_username: str | None, bot_id: int) -> object | None:
    """Whose budget an update spends, or None when it asks nothing of the bot.

    Every command, question, edit of one and button press counts; talk between group members
    does not. Inline queries (sent while typing) have a budget of their own. Anonymous group
    admins share one user id across all groups, so they are counted per chat."""
    user = update.effective_user
    if update.inline_query is not None:
        return ("inline", user.id) if user else None
    message = update.effective_message
    chat = update.effective_chat
    if update.callback_query is None:
        if message is None or chat is None:
            return None
        text = message.text or message.caption or ""
        is_command = text.startswith("/")
        if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) and not is_command:
            if not addressed_to_bot(message, bot_username, bot_id):
                return None
        if chat.type == ChatType.CHANNEL and not is_command:
            return None
    if user is None or user.id == ANONYMOUS_ADMIN or (message is not None and message.sender_chat is not None):
        return ("chat", chat.id) if chat is not None else None
    return ("user", user.id)


async def limit_questions(update: Update, context: Context) -> None:
    limiter: QuestionLimiter = context.bot_data.limiter
    key = budget_key(update, context.bot.username, context.bot.id)
    if key is None or limiter.allow(key):
        return
    if limiter.should_warn(key):
        if update.callback_query is not None:
            await update.callback_query.answer(SLOW_DOWN)
        elif update.effective_message is not None and update.inline_query is None:
            say(context, update.effective_message, plain(SLOW_DOWN))
    elif update.callback_query is not None:
        await update.callback_query.answer()  # the client must not keep spinning
    raise ApplicationHandlerStop


def is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings_of(context).admin_user_ids
