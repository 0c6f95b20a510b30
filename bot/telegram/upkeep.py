"""Keeping the coverage current while the bot runs, without ever being in the way of stopping.

The periodic check runs as a task of its own rather than inside the job (python-telegram-bot
waits for running jobs when it stops), and its blocking work runs in daemon threads (the
default thread pool is waited for at exit). A load under way is in a child process, which the
watcher abandons once its `stopping` event is set.
"""

import asyncio
import logging
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

from telegram.ext import ContextTypes

from bot.library import Library
from bot.loader.in_child import LoadStopped
from bot.loader.watch import CoverageWatcher

log = logging.getLogger(__name__)
T = TypeVar("T")


async def off_loop(work: Callable[[], T]) -> T:
    """`work()` in a daemon thread; a stopping process does not wait for it."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def run() -> None:
        try:
            result = work()
        except BaseException as exc:  # handed to the awaiting task, whatever it is
            error = exc
            with suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
                loop.call_soon_threadsafe(settle, lambda: future.set_exception(error))
        else:
            with suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, lambda: future.set_result(result))

    threading.Thread(target=run, name="newsdesk-upkeep", daemon=True).start()
    return await future


class CoverageUpkeep:
    def __init__(self, watcher: CoverageWatcher, library: Library):
        self.watcher = watcher
        self.library = library
        self._task: asyncio.Task | None = None

    async def job(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Job callback: start a check unless one is still under way."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.check(), name="coverage check")

    async def check(self) -> None:
        """Pick up files that appeared, changed or vanished in KNOWLEDGE_DIR."""
        try:
            report = await off_loop(self.watcher.poll)
        except LoadStopped:
            return
        except Exception:  # the next check tries again; the bot goes on answering
            log.exception("the coverage check failed")
            return
        if report is None:
            return
        log.info("coverage check: %s", report.summary_line())
        for outcome in report.failed:
            log.error("could not load %s: %s", outcome.path, outcome.message)
        try:
            await off_loop(self.library.refresh)
        except Exception:
            log.exception("the index could not be rebuilt; answering from the last one")

    async def stop(self) -> None:
        self.watcher.stopping.set()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
