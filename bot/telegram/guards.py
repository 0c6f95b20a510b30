"""Who may talk to the bot, and how often: checks that run before any handler."""

import time
from collections import defaultdict, deque

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.config import Settings

WINDOW_SECONDS = 60.0
SLOW_DOWN = "You're asking faster than I can keep up with. Please wait a minute and ask again."


class QuestionLimiter:
    """A sliding one-minute window of questions per user."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._asked: dict[int, deque[float]] = defaultdict(deque)
        self._warned: dict[int, float] = {}

    def allow(self, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        asked = self._asked[user_id]
        while asked and now - asked[0] >= WINDOW_SECONDS:
            asked.popleft()
        if len(asked) >= self.per_minute:
            return False
        asked.append(now)
        return True

    def should_warn(self, user_id: int, now: float | None = None) -> bool:
        """Say "slow down" once per window, not once per message."""
        now = time.monotonic() if now is None else now
        if now - self._warned.get(user_id, -WINDOW_SECONDS) >= WINDOW_SECONDS:
            self._warned[user_id] = now
            return True
        return False


def settings_of(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.bot_data["settings"]


async def enforce_access(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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


async def limit_questions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    limiter: QuestionLimiter = context.bot_data["limiter"]
    user = update.effective_user
    if user is None or limiter.allow(user.id):
        return
    if update.effective_message is not None and limiter.should_warn(user.id):
        await update.effective_message.reply_text(SLOW_DOWN)
    raise ApplicationHandlerStop


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings_of(context).admin_user_ids
