"""What the running bot shares between its handlers: one typed object instead of string keys.

python-telegram-bot makes it with no arguments when the application is built
(`ContextTypes(bot_data=BotState)`); `build_application` then fills every field in before any
handler can run, so handlers read the fields without checks.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

if TYPE_CHECKING:
    from bot.answerer_cache import AnswererCache
    from bot.config import Settings
    from bot.loader.watch import CoverageWatcher
    from bot.telegram.asked import RecentQuestions
    from bot.telegram.delivery import Delivery
    from bot.telegram.guards import QuestionLimiter
    from bot.telegram.pusher import Pusher
    from bot.telegram.upkeep import CoverageUpkeep


class BotState:
    answerers: AnswererCache
    settings: Settings
    limiter: QuestionLimiter
    asked: RecentQuestions
    watcher: CoverageWatcher
    upkeep: CoverageUpkeep
    delivery: Delivery

    def __init__(self) -> None:
        self.pusher: Pusher | None = None  # None with PUSH_ENABLED=false
        self.pushing: tuple[asyncio.Event, asyncio.Task[None]] | None = None
        # Set once start-up work is done and python-telegram-bot opens its long poll or webhook.
        self.started_up = False


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotState]
CONTEXT_TYPES = ContextTypes(bot_data=BotState)
