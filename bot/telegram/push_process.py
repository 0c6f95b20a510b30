"""`python -m bot push`: a process that only pushes new entries to the chats following them,
so delivery can be scaled apart from answering; any number may run on one database."""

import asyncio
import logging
import signal
from datetime import timedelta

from telegram.error import InvalidToken, NetworkError

from bot.answerer_cache import AnswererCache
from bot.config import Settings
from bot.telegram.app import make_bot, open_database
from bot.telegram.delivery import Delivery
from bot.telegram.outbox import Outbox
from bot.telegram.pusher import Pusher, push_timing
from bot.telegram.tolerant_bot import UpdateTolerantBot

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 30.0


def run(settings: Settings) -> None:
    engine = open_database(settings)
    if engine is None:
        return
    asyncio.run(_push(settings, AnswererCache(engine, check_every=settings.index_check_seconds)))


async def _push(settings: Settings, answerers: AnswererCache) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    bot = make_bot(settings)
    if not await _reach_telegram(bot, stopping):
        return
    delivery = Delivery(bot, Outbox(answerers.engine), per_second=settings.telegram_max_sends_per_second,
                        keep_for=timedelta(seconds=settings.keep_unsent_seconds),
                        retry_seconds=settings.send_retry_seconds)
    pusher = Pusher(answerers, delivery, push_timing(settings))
    log.info("pushing new entries for @%s", bot.username)
    try:
        await pusher.run(settings.push_interval_seconds, stopping)
    finally:
        await delivery.stop()
        await bot.shutdown()
    log.info("stopped pushing")


async def _reach_telegram(bot: UpdateTolerantBot, stopping: asyncio.Event) -> bool:
    """Telegram may be unreachable when the process starts: keep trying, as the bot does."""
    delay = 1.0
    while not stopping.is_set():
        try:
            await bot.initialize()
            return True
        except InvalidToken:
            raise
        except NetworkError as exc:
            log.warning("Telegram unreachable (%s); trying again in %.0f s", exc.__class__.__name__, delay)
            try:
                await asyncio.wait_for(stopping.wait(), timeout=delay)
            except TimeoutError:
                pass
            delay = min(delay * 2, MAX_BACKOFF_SECONDS)
    return False
