"""Loading for the running bot, in a child process.

Parsing and storing a large file is seconds of pure Python: in the bot's own process it would
hold the interpreter lock the answers need, and a thread cannot be stopped, so SIGTERM would
wait for the load to end. A child process takes neither from the bot, and stopping it is
immediate: its open transaction is rolled back by the database, and every file committed
before stays.
"""

from __future__ import annotations

import logging
import threading
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from bot.db import in_memory
from bot.loader.run import LoadReport, load_paths

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
END_WAIT_SECONDS = 1.0
# The child is started once and kept, so that its second of start-up (importing, reading WordNet
# and the names list) is not paid again by every load, on the core the answers need. Started
# while the bot's process still runs one thread, it is forked and shares what that process has
# imported and read; a child started later (after one died) is a fresh interpreter, as a fork
# from a process with threads running would copy their locks held.
_FORK = get_context("fork")
_SPAWN = get_context("spawn")


class LoadStopped(Exception):
    """The bot is stopping: the load was abandoned, with what it had committed kept."""


class ChildLoader:
    """Loads files in one long-lived child process, started on first use and again if it dies."""

    def __init__(self, database_url: str):
        self.database_url = database_url
        self._lock = threading.Lock()  # one load at a time goes to the child
        self._child: BaseProcess | None = None
        self._pipe: Connection | None = None

    @classmethod
    def for_url(cls, database_url: str) -> ChildLoader | None:
        """A loader for this database, or None when only this process can open it (SQLite in memory)."""
        return None if in_memory(database_url) else cls(database_url)

    def start(self) -> None:
        """Start the child now (the bot does, before it opens the database or starts a thread)."""
        with self._lock:
            self._running()

    def load(self, paths: list[Path], stop: threading.Event) -> LoadReport:
        with self._lock:
            child, pipe = self._running()
            pipe.send(paths)
            try:
                while not pipe.poll(POLL_SECONDS):
                    if stop.is_set():
                        self._end()
                        raise LoadStopped()
                    if not child.is_alive():
                        self._end()
                        raise RuntimeError(f"the loading process ended without a report (exit code {child.exitcode})")
                outcome = pipe.recv()
            except (EOFError, OSError) as exc:
                self._end()
                raise RuntimeError(f"the loading process ended without a report ({exc})") from exc
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def _running(self) -> tuple[BaseProcess, Connection]:
        if self._child is None or self._pipe is None or not self._child.is_alive():
            self._end()
            context = _FORK if threading.active_count() == 1 else _SPAWN
            ours, theirs = context.Pipe(duplex=True)
            self._child = context.Process(target=_serve, args=(self.database_url, theirs), name="newsdesk-load", daemon=True)
            self._child.start()
            theirs.close()
            self._pipe = ours
        return self._child, self._pipe

    def _end(self) -> None:
        if self._child is not None and self._child.is_alive():
            self._child.terminate()
        if self._child is not None:
            # A stopping bot must not wait on its loader: what the child has committed stays,
            # and its open transaction is rolled back by the database either way.
            self._child.join(END_WAIT_SECONDS)
            if self._child.is_alive():
                self._child.kill()
                self._child.join()
        if self._pipe is not None:
            self._pipe.close()
        self._child, self._pipe = None, None

    def close(self) -> None:
        with self._lock:
            self._end()


def _serve(database_url: str, pipe: Connection) -> None:
    from bot.db import make_engine
    from bot.quotes.name_evidence import load_resources

    # Now, while the bot starts: not during the first new page, beside the answers.
    load_resources()
    engine = make_engine(database_url)
    try:
        while True:
            try:
                paths = pipe.recv()
            except EOFError:  # the bot is gone
                return
            try:
                report: LoadReport | BaseException = load_paths(engine, paths, workers=1)
            except Exception as exc:  # handed to the bot, which logs it as it would its own
                report = exc
            try:
                pipe.send(report)
            except Exception as exc:  # an exception that cannot be pickled
                pipe.send(RuntimeError(f"{type(exc).__name__} in the loading process"))
    finally:
        engine.dispose()
