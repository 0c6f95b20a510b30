"""Keeping the coverage current while the bot runs, without ever being in the way of stopping.

A change in KNOWLEDGE_DIR is noticed from file-system events as it happens, and by a periodic
check where the file system reports none.

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

from watchfiles import awatch

from bot.answerer_cache import AnswererCache
from bot.loader.in_child import LoadStopped
from bot.loader.watch import CoverageWatcher
from bot.telegram.state import Context

log = logging.getLogger(__name__)
T = TypeVar("T")
WATCH_TIMEOUT_MS = 1_000


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
    def __init__(self, watcher: CoverageWatcher, answerers: AnswererCache):
        self.watcher = watcher
        self.answerers = answerers
        self._task: asyncio.Task | None = None
        self._again = False  # a change was seen while a check was under way
        self._watching: asyncio.Task | None = None
        self._stop_watching = asyncio.Event()

    async def job(self, _context: Context) -> None:
        """Job callback (the polling fallback): start a check unless one is under way."""
        self.start_check()

    def start_check(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._checks(), name="coverage check")
        else:
            self._again = True

    async def _checks(self) -> None:
        await self.check()
        while not self.watcher.stopping.is_set():
            if self._again:
                self._again = False
            elif self.watcher.settles_in is not None:
                # A file was still being written: look again once it has been left alone.
                await asyncio.sleep(self.watcher.settles_in + 0.1)
            else:
                return
            await self.check()

    def watch(self) -> None:
        """React to file-system events in KNOWLEDGE_DIR (inotify and the like, through
        watchfiles) instead of waiting for the next periodic check. Where the file system
        reports nothing (some network and container mounts), the periodic check still runs."""
        if self.watcher.folder.is_dir():
            self._watching = asyncio.create_task(self._watch(), name="watching KNOWLEDGE_DIR")

    async def _watch(self) -> None:
        watching = False
        try:
            # A timeout yields an empty batch: the first one says the watch is in place.
            async for changes in awatch(self.watcher.folder, stop_event=self._stop_watching, recursive=True,
                                        watch_filter=lambda _change, path: path.endswith(".txt"),
                                        rust_timeout=WATCH_TIMEOUT_MS, yield_on_timeout=True):
                if not changes:
                    if not watching:
                        watching = True
                        log.info("watching %s for changes", self.watcher.folder)
                        self.start_check()  # for anything that landed before the watch was in place
                    continue
                log.debug("%d change(s) in %s", len(changes), self.watcher.folder)
                # Now: a file moved in whole is read at once; one still being written is looked
                # at again once it has been left alone for the watcher's settle time (_checks).
                self.start_check()
        except Exception as exc:  # no events: the periodic check is still there
            log.warning("cannot watch %s for changes (%s); checking every interval instead",
                        self.watcher.folder, exc)

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
            await off_loop(self.answerers.refresh)
        except Exception:
            log.exception("the index could not be updated; answering from the last one")

    async def stop(self) -> None:
        self.watcher.stopping.set()
        self._stop_watching.set()
        if self._watching is not None:
            self._watching.cancel()
            with suppress(asyncio.CancelledError):
                await self._watching
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        await off_loop(self.watcher.close)
