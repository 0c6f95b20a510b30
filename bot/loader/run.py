"""Load coverage files into the database, one file per transaction, reporting every outcome."""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.loader.page_text import PageError, parse_page
from bot.loader.store import bump_content_version, known_hash, store_page
from bot.quotes.store import merge_surname_speakers

MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass
class FileOutcome:
    path: Path
    status: str  # "loaded", "unchanged", "failed"
    entries: int = 0
    new_entries: int = 0
    summary_points: int = 0
    new_summary_points: int = 0
    message: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)

    @property
    def failed(self) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def new_entries(self) -> int:
        return sum(outcome.new_entries for outcome in self.outcomes)

    @property
    def new_summary_points(self) -> int:
        return sum(outcome.new_summary_points for outcome in self.outcomes)

    def summary_line(self) -> str:
        return (
            f"{len(self.outcomes)} files: {self.count('loaded')} loaded, {self.count('unchanged')} unchanged, "
            f"{self.count('failed')} failed; {self.new_entries} new entries, "
            f"{self.new_summary_points} new summary points"
        )


def coverage_files(paths: Iterable[Path]) -> list[Path]:
    """Every file named, and every .txt file under every folder named, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        else:
            files.append(path)
    return files


def load_paths(
    engine: Engine,
    paths: Iterable[Path],
    on_file: Callable[[int, int, FileOutcome], None] | None = None,
) -> LoadReport:
    report = LoadReport()
    files = coverage_files(paths)
    for index, path in enumerate(files, start=1):
        outcome = load_file(engine, path)
        report.outcomes.append(outcome)
        if on_file:
            on_file(index, len(files), outcome)
    if report.count("loaded"):
        with engine.begin() as connection:
            merge_surname_speakers(connection)
    return report


def load_file(engine: Engine, path: Path) -> FileOutcome:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return FileOutcome(path, "failed", message=f"too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
        raw = path.read_bytes()
    except OSError as exc:
        return FileOutcome(path, "failed", message=f"cannot read: {exc.strerror or exc}")

    source = str(path.resolve())
    content_hash = hashlib.sha256(raw).hexdigest()
    with engine.connect() as connection:
        if known_hash(connection, source) == content_hash:
            return FileOutcome(path, "unchanged")
    try:
        parsed = parse_page(raw)
    except PageError as exc:
        return FileOutcome(path, "failed", message=str(exc))

    try:
        with engine.begin() as connection:
            result = store_page(connection, parsed, source, content_hash)
            bump_content_version(connection)
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        return FileOutcome(path, "failed", message=f"database error, nothing stored: {reason}")
    except (ValueError, OverflowError) as exc:
        # A value the database cannot hold; the file's transaction was rolled back.
        return FileOutcome(path, "failed", message=f"could not store: {exc}")
    return FileOutcome(
        path,
        "loaded",
        entries=result.entries,
        new_entries=result.new_entries,
        summary_points=result.summary_points,
        new_summary_points=result.new_summary_points,
        warnings=parsed.warnings,
    )
