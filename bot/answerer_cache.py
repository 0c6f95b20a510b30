"""The answerer over the current database content: built in full at start-up, then extended with
what changed (bot.changes_read), and built in full again only once the additions outgrow a share
of the main index."""

import logging
import threading
import time

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.answers import Answerer
from bot.changes import content_version, published_version
from bot.changes_read import Changes, read_changes
from bot.memory import release_free_memory, settle_after_build
from bot.quotes.lookup import QuoteBook
from bot.quotes.query import quotes_in
from bot.retrieval.documents import documents_in
from bot.retrieval.index import SearchIndex
from bot.retrieval.parallel_build import PartsBuild
from bot.retrieval.search import Searcher
from bot.transactions import reading

log = logging.getLogger(__name__)

# Documents added beside the main index before it is built in full again: a share of it, so
# that full builds stay rare however large the coverage, and at least this many.
FOLD_SHARE = 0.1
FOLD_MIN = 2_000


def build_answerer(engine: Engine) -> Answerer:
    return built_answerer(engine)[0]


def built_answerer(engine: Engine) -> tuple[Answerer, int]:
    """An answerer over everything, and the content version it holds."""
    with reading(engine) as connection:
        version = published_version(connection)
        documents = documents_in(connection)
        building = PartsBuild(documents)  # under way while the quotes are read
        try:
            quotes = quotes_in(connection)
        except BaseException:
            building.abandon()
            raise
    answerer = Answerer(Searcher(SearchIndex(documents, building=building)), QuoteBook(quotes))
    # This process keeps the answerer until the data changes: its objects are long-lived, and
    # the collector should stop walking them (bot.memory).
    settle_after_build()
    return answerer, version


def extended_answerer(answerer: Answerer, changes: Changes) -> Answerer:
    """`answerer` with `changes` applied; it stays as it was for the answers still using it."""
    gone = [doc for ref in changes.replaced if (doc := answerer.position(ref)) is not None]
    index = answerer.searcher.index.extended(changes.documents, gone)
    searcher = answerer.searcher.extended(index)
    quotes = answerer.quotes.extended(changes.quotes, changes.stale_quote_entries, changes.changed_speakers)
    return answerer.extended(searcher, quotes, changes.removed)


def outgrown(answerer: Answerer, adding: int = 0) -> bool:
    """Whether the index, with `adding` documents more, is due a full build."""
    index = answerer.searcher.index
    added = index.added + adding
    # Added segments normalise lengths by the main index's averages: once they outnumber it (an
    # empty database's index, before the first load), those averages say little and a full
    # build, cheap at that size, is due.
    return added > min(index.main_size, max(FOLD_MIN, FOLD_SHARE * index.main_size))


class AnswererCache:
    """Keeps one index per process and brings it up to date when any loader changes the data.

    Checking costs one tiny query, at most every `check_every` seconds, and runs in a thread of
    its own with whatever update it finds: a question never waits for it, but is answered from
    the index there is. Only the very first build, with nothing to answer from yet, is waited for.
    """

    def __init__(self, engine: Engine, check_every: float = 1.0):
        self.engine = engine
        self.check_every = check_every
        self._lock = threading.Lock()  # held by whoever checks or updates
        self._answerer: Answerer | None = None
        self._version = -1
        self._checked_at = float("-inf")

    def answerer(self) -> Answerer:
        current = self._answerer
        if current is None:
            return self.refresh()
        if time.monotonic() - self._checked_at >= self.check_every and self._lock.acquire(blocking=False):
            threading.Thread(target=self._check_in_background, name="index update", daemon=True).start()
        return current

    def refresh(self) -> Answerer:
        """Check the database now, bring the index up to date, and return it (waits for both)."""
        with self._lock:
            return self._checked()

    def _check_in_background(self) -> None:
        try:
            self._checked()
        except Exception:  # the next check tries again; answers go on from the index there is
            log.exception("the index could not be updated; answering from the last one")
        finally:
            self._lock.release()

    def _checked(self) -> Answerer:
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
            self._update(version)
        self._checked_at = time.monotonic()
        assert self._answerer is not None
        return self._answerer

    def _update(self, version: int) -> None:
        started = time.perf_counter()
        current = self._answerer
        # A version below the one held: the database was replaced, not changed.
        if current is None or version < self._version:
            self._build(started)
            return
        changes = read_changes(self.engine, self._version)
        if outgrown(current, len(changes.documents)):
            self._build(started)
            return
        self._answerer, self._version = extended_answerer(current, changes), changes.version
        # Reference counting freed what only the old index held (nothing in an index forms a
        # cycle): hand it back, without a collection that would stop answers meanwhile.
        del current
        release_free_memory()
        log.info(
            "index updated to version %d: %d documents in, %d out, %.3fs",
            changes.version, len(changes.documents), len(changes.replaced), time.perf_counter() - started,
        )

    def _build(self, started: float) -> None:
        self._answerer, self._version = built_answerer(self.engine)
        release_free_memory()  # the replaced index; the new one settled when it was built
        log.info(
            "index built: %d documents, version %d, %.2fs",
            len(self._answerer.documents), self._version, time.perf_counter() - started,
        )

    @property
    def version(self) -> int:
        """The content version the current index was built from."""
        return self._version
