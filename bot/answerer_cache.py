"""The answerer over the current database content, rebuilt only when that content changes."""

import logging
import threading
import time

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.answers import Answerer
from bot.memory import release_free_memory, settle_after_build
from bot.quotes.lookup import QuoteBook
from bot.quotes.query import read_quotes
from bot.retrieval.documents import content_version, read_documents
from bot.retrieval.index import SearchIndex
from bot.retrieval.search import Searcher

log = logging.getLogger(__name__)


def build_answerer(engine: Engine) -> Answerer:
    answerer = Answerer(Searcher(SearchIndex(read_documents(engine))), QuoteBook(read_quotes(engine)))
    # This process keeps the answerer until the data changes: its objects are long-lived, and
    # the collector should stop walking them (bot.memory).
    settle_after_build()
    return answerer


class AnswererCache:
    """Keeps one index per process and swaps in a new one when any loader changes the data.

    Checking costs one tiny query, at most every `check_every` seconds. While one thread checks
    or rebuilds, every other answers from the index there is instead of waiting for it.
    """

    def __init__(self, engine: Engine, check_every: float = 5.0):
        self.engine = engine
        self.check_every = check_every
        self._lock = threading.Lock()
        self._answerer: Answerer | None = None
        self._version = -1
        self._checked_at = float("-inf")

    def answerer(self) -> Answerer:
        now = time.monotonic()
        current = self._answerer
        if current is not None and now - self._checked_at < self.check_every:
            return current
        if current is None:
            self._lock.acquire()
        elif not self._lock.acquire(blocking=False):
            # Another thread is checking or rebuilding: answer from the index there is.
            return current
        try:
            return self._checked(now)
        finally:
            self._lock.release()

    def _checked(self, now: float) -> Answerer:
        if self._answerer is not None and now - self._checked_at < self.check_every:
            return self._answerer
        try:
            version = content_version(self.engine)
        except SQLAlchemyError:
            if self._answerer is None:
                raise
            # The database is away: keep answering from the index already in memory.
            log.warning("database unreachable; answering from the last index", exc_info=True)
            self._checked_at = time.monotonic()
            return self._answerer
        if self._answerer is None or version != self._version:
            started = time.perf_counter()
            self._answerer = build_answerer(self.engine)
            self._version = version
            release_free_memory()  # the replaced index; the new one settled when it was built
            log.info(
                "index built: %d documents, version %d, %.2fs",
                len(self._answerer.documents), version, time.perf_counter() - started,
            )
        self._checked_at = time.monotonic()
        return self._answerer

    @property
    def version(self) -> int:
        """The content version the current index was built from."""
        return self._version

    def refresh(self) -> None:
        """Check the database now instead of waiting for the next interval (and wait for it)."""
        with self._lock:
            self._checked_at = float("-inf")
            self._checked(time.monotonic())
