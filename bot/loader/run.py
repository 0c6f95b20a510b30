"""Load coverage files into the database, reporting every file's outcome."""

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.changes import publish
from bot.kinds import LoadStatus
from bot.loader.prepare import PreparedPage, prepare
from bot.loader.store import LoadCache, PageToStore, StoreResult, known_hashes, store_pages
from bot.loader.unload import rename_source, renamed_from
from bot.quotes.name_evidence import load_resources
from bot.quotes.store import merge_surname_speakers
from bot.transactions import writing

MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass
class FileOutcome:
    path: Path
    status: LoadStatus
    entries: int = 0
    new_entries: int = 0
    summary_points: int = 0
    new_summary_points: int = 0
    message: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: LoadStatus) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)

    @property
    def failed(self) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status in (LoadStatus.FAILED, LoadStatus.RETRY_LATER)]

    @property
    def new_entries(self) -> int:
        return sum(outcome.new_entries for outcome in self.outcomes)

    @property
    def new_summary_points(self) -> int:
        return sum(outcome.new_summary_points for outcome in self.outcomes)

    def summary_line(self) -> str:
        return (
            f"{len(self.outcomes)} files: {self.count(LoadStatus.LOADED)} loaded, {self.count(LoadStatus.UNCHANGED)} unchanged, "
            f"{len(self.failed)} failed; {self.new_entries} new entries, "
            f"{self.new_summary_points} new summary points"
        )


def coverage_files(paths: Iterable[Path], unreadable: list[tuple[Path, str]] | None = None) -> list[Path]:
    """Every file named, and every .txt file under every folder named, in a stable order.

    Folders that cannot be listed are added to `unreadable` with the reason, instead of being
    passed over in silence."""
    files: list[Path] = []
    for path in paths:
        try:
            is_folder = path.is_dir()
        except OSError as exc:  # a file inside a folder that may not be entered
            if unreadable is not None:
                unreadable.append((path, exc.strerror or str(exc)))
            continue
        if not is_folder:
            files.append(path)
            continue

        def note(error: OSError, folder: Path = path) -> None:
            if unreadable is not None:
                unreadable.append((Path(error.filename or folder), error.strerror or str(error)))

        found = []
        for folder, _subfolders, names in os.walk(path, onerror=note):
            found += [Path(folder) / name for name in names if name.endswith(".txt")]
        files.extend(sorted(p for p in found if p.is_file()))
    return files


def load_paths(
    engine: Engine,
    paths: Iterable[Path],
    on_file: Callable[[int, int, FileOutcome], None] | None = None,
    workers: int | None = None,
) -> LoadReport:
    """Load files and folders; every file gets an outcome, in order, and `on_file` hears of each.

    Files are read and parsed first (in worker processes for large loads), then stored in
    batches: one transaction per batch, one savepoint per file, so a file's rows are kept
    together or not at all and a broken file never costs the others.
    """
    unreadable: list[tuple[Path, str]] = []
    files = coverage_files(paths, unreadable)
    outcomes: list[FileOutcome | None] = [None] * len(files)
    pending: list[_Pending] = []
    for index, path in enumerate(files):
        read = _read(path)
        if isinstance(read, FileOutcome):
            outcomes[index] = read
        else:
            pending.append(_Pending(index, path, str(path.resolve()), read, hashlib.sha256(read).hexdigest()))

    if pending:
        with engine.connect() as connection:
            known = known_hashes(connection, [item.source for item in pending])
        fresh = []
        for item in pending:
            if known.get(item.source) == item.content_hash:
                outcomes[item.index] = FileOutcome(item.path, LoadStatus.UNCHANGED)
            else:
                item.known = item.source in known
                fresh.append(item)
        pending = _follow_renames(engine, fresh, outcomes)

    report = LoadReport()
    cache = LoadCache()
    batch: list[_Pending] = []
    batch_entries = 0
    announced = 0

    def flush(up_to: int) -> None:
        """Store the batch, then report every file before position `up_to`, in order."""
        nonlocal batch, batch_entries, announced
        if batch:
            for done in _store_batch(engine, batch, cache):
                outcomes[done.path_index] = done.outcome
            for item in batch:
                item.page = None  # stored: let the parsed page go
            batch, batch_entries = [], 0
        for position in range(announced, up_to):
            outcome = outcomes[position]
            assert outcome is not None  # every file before `up_to` has been decided
            report.outcomes.append(outcome)
            if on_file:
                on_file(position + 1, len(files), outcome)
        announced = up_to

    # Storing one batch overlaps with the workers preparing the next files.
    for item, page in zip(pending, _prepare_each([item.raw for item in pending], workers), strict=False):
        item.raw = b""  # parsed: let the bytes go
        if isinstance(page, str):
            outcomes[item.index] = FileOutcome(item.path, LoadStatus.FAILED, message=page)
            continue
        item.page = page
        batch.append(item)
        batch_entries += len(page.parsed.entries)
        if batch_entries >= BATCH_ENTRIES or len(batch) >= BATCH_FILES:
            flush(item.index + 1)
    flush(len(files))

    for path, reason in unreadable:
        outcome = FileOutcome(path, LoadStatus.FAILED, message=f"cannot read this folder: {reason}")
        report.outcomes.append(outcome)
        if on_file:
            on_file(len(report.outcomes), len(report.outcomes), outcome)
    if report.count(LoadStatus.LOADED):
        with writing(engine) as connection:
            if merge_surname_speakers(connection):
                publish(connection)
    return report


def _follow_renames(engine: Engine, items: list["_Pending"], outcomes: list) -> list["_Pending"]:
    """A new file with the content of a stored file that is gone from where it was is that file,
    moved or renamed: its rows stay, under the new name."""
    new = [item for item in items if not item.known]
    if not new:
        return items
    with engine.connect() as connection:
        moved = renamed_from(connection, [item.content_hash for item in new])
    if not moved:
        return items  # nothing was moved: no write lock needed
    with writing(engine) as connection:
        for item in new:
            old = moved.pop(item.content_hash, None)  # one stored file is one new file's past
            if old is not None and renamed_from(connection, [item.content_hash]).get(item.content_hash) == old:
                rename_source(connection, old, item.source)
                outcomes[item.index] = FileOutcome(item.path, LoadStatus.UNCHANGED, message=f"renamed from {old}")
    return [item for item in items if outcomes[item.index] is None]


BATCH_ENTRIES = 5_000
BATCH_FILES = 200
PARALLEL_FROM = 32  # files; below this, worker processes cost more than they save


@dataclass
class _Pending:
    index: int
    path: Path
    source: str
    raw: bytes
    content_hash: str
    page: PreparedPage | None = None
    known: bool = False  # the file was loaded before (its rows may need removing)


@dataclass
class _Stored:
    path_index: int
    outcome: FileOutcome


def _read(path: Path) -> bytes | FileOutcome:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return FileOutcome(path, LoadStatus.FAILED, message=f"too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
        return path.read_bytes()
    except OSError as exc:
        return FileOutcome(path, LoadStatus.FAILED, message=f"cannot read: {exc.strerror or exc}")


def _prepare_each(raws: list[bytes], workers: int | None) -> Iterator[PreparedPage | str]:
    """Prepared pages in order, as they are ready."""
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    # Worker processes are forked: done from the main thread (the command line, scripts), never
    # from the running bot's worker threads, which prepare their few changed files themselves.
    if workers <= 1 or len(raws) < PARALLEL_FROM or threading.current_thread() is not threading.main_thread():
        yield from (prepare(raw) for raw in raws)
        return
    done = 0
    load_resources()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            for page in pool.map(prepare, raws, chunksize=16):
                done += 1
                yield page
    except BrokenProcessPool:
        yield from (prepare(raw) for raw in raws[done:])


def _prepared(item: _Pending) -> PreparedPage:
    if item.page is None:
        raise ValueError(f"{item.path} was stored before it was prepared")
    return item.page


def _store_batch(engine: Engine, batch: list[_Pending], cache: LoadCache) -> list[_Stored]:
    """The whole batch in one go; if any file fails, each file again in a savepoint of its own,
    so only the broken file is lost."""
    pages = [PageToStore(_prepared(item), item.source, item.content_hash, item.known) for item in batch]
    try:
        with writing(engine) as connection:
            cache.checkpoint()
            try:
                with connection.begin_nested():
                    results = store_pages(connection, pages, cache)
                outcomes = [_loaded(item, result) for item, result in zip(batch, results, strict=False)]
            except (SQLAlchemyError, ValueError, OverflowError):
                cache.rollback()
                outcomes = [_store_alone(connection, item, page, cache) for item, page in zip(batch, pages, strict=False)]
            if any(outcome.status == LoadStatus.LOADED for outcome in outcomes):
                publish(connection)
    except SQLAlchemyError as exc:
        cache.forget()  # nothing of this batch was kept
        reason = getattr(exc, "orig", None) or exc
        outcomes = [FileOutcome(item.path, LoadStatus.RETRY_LATER, message=f"database error, nothing stored: {reason}") for item in batch]
    return [_Stored(item.index, outcome) for item, outcome in zip(batch, outcomes, strict=False)]


def _store_alone(connection, item: _Pending, page: PageToStore, cache: LoadCache) -> FileOutcome:
    cache.checkpoint()
    try:
        with connection.begin_nested():
            [result] = store_pages(connection, [page], cache)
    except (SQLAlchemyError, ValueError, OverflowError) as exc:
        cache.rollback()
        reason = getattr(exc, "orig", None) or exc
        return FileOutcome(item.path, LoadStatus.FAILED, message=f"could not store: {reason}")
    return _loaded(item, result)


def _loaded(item: _Pending, result: StoreResult) -> FileOutcome:
    return FileOutcome(
        item.path,
        LoadStatus.LOADED,
        entries=result.entries,
        new_entries=result.new_entries,
        summary_points=result.summary_points,
        new_summary_points=result.new_summary_points,
        warnings=_prepared(item).parsed.warnings,
    )
