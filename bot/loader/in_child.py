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
from pathlib import Path

from bot.loader.run import LoadReport, load_paths

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
# A child must not be forked from a process with threads running (their locks would be copied
# held); a fresh interpreter costs about a second, once per batch of changed files.
_CONTEXT = get_context("spawn")


class LoadStopped(Exception):
    """The bot is stopping: the load was abandoned, with what it had committed kept."""


def load_in_child(database_url: str, paths: list[Path], stop: threading.Event) -> LoadReport:
    receiving, sending = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(target=_load, args=(database_url, paths, sending), name="newsdesk-load", daemon=True)
    child.start()
    sending.close()
    try:
        while not receiving.poll(POLL_SECONDS):
            if stop.is_set():
                child.terminate()
                raise LoadStopped()
            if not child.is_alive():
                raise RuntimeError(f"the loading process ended without a report (exit code {child.exitcode})")
        outcome = receiving.recv()
    finally:
        child.join(5)
        receiving.close()
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def _load(database_url: str, paths: list[Path], sending: Connection) -> None:
    from bot.db import make_engine

    engine = make_engine(database_url)
    try:
        report: LoadReport | BaseException = load_paths(engine, paths, workers=1)
    except Exception as exc:  # handed to the bot, which logs it as it would its own
        report = exc
    finally:
        engine.dispose()
    try:
        sending.send(report)
    except Exception as exc:  # an exception that cannot be pickled
        sending.send(RuntimeError(f"{type(exc).__name__} in the loading process"))
