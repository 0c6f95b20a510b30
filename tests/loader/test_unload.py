"""Files that vanish, are removed by hand, are renamed, or are still being written."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.loader.run import load_paths
from bot.loader.unload import unload_sources
from bot.loader.watch import SETTLE_SECONDS, CoverageWatcher
from bot.models import Entry, Page, SummaryPoint
from tests.support.live_pages import live_page, update_numbers

ADDRESS = "https://www.bbc.co.uk/news/live/world-00000004"


def page(number: int, entries: range, summary: bool = False) -> str:
    return live_page(ADDRESS, number, entries, summary)


numbers = update_numbers


def settled(path: Path) -> None:
    """As if written a while ago."""
    past = time.time() - 10 * SETTLE_SECONDS
    os.utime(path, (past, past))


def test_unloading_a_file_removes_the_entries_no_other_page_shows(engine: Engine, tmp_path: Path) -> None:
    first, second = tmp_path / "page-1.txt", tmp_path / "page-2.txt"
    first.write_text(page(1, range(5, 11), summary=True), encoding="utf-8")
    second.write_text(page(2, range(1, 6), summary=True), encoding="utf-8")  # 5 is on both
    load_paths(engine, [tmp_path])
    done = unload_sources(engine, [str(first.resolve())])
    assert (done.pages, done.entries) == (1, 5)
    assert numbers(engine) == set(range(1, 6))
    with engine.connect() as connection:
        # The summary both pages show passes to the page that is left.
        assert connection.execute(select(func.count()).select_from(SummaryPoint)).scalar_one() == 1
        assert connection.execute(select(Page.source)).scalars().all() == [str(second.resolve())]


def test_unload_from_the_command_line(engine: Engine, sqlite_file_url: str, tmp_path: Path, capsys) -> None:
    only = tmp_path / "page-1.txt"
    only.write_text(page(1, range(1, 4)), encoding="utf-8")
    assert main(["load", "--quiet", str(only)]) == 0
    only.unlink()
    assert main(["unload", str(only)]) == 0
    assert "1 files unloaded; 3 entries removed" in capsys.readouterr().out
    assert main(["unload", str(only)]) == 1
    assert "not a loaded file" in capsys.readouterr().err


def test_a_renamed_file_keeps_its_entries(engine: Engine, tmp_path: Path) -> None:
    old = tmp_path / "page-1.txt"
    old.write_text(page(1, range(1, 4)), encoding="utf-8")
    load_paths(engine, [tmp_path])
    with engine.connect() as connection:
        ids = set(connection.execute(select(Entry.id)).scalars())
    new = tmp_path / "renamed.txt"
    old.rename(new)
    report = load_paths(engine, [tmp_path])
    assert [(o.status, o.message) for o in report.outcomes] == [("unchanged", f"renamed from {old.resolve()}")]
    with engine.connect() as connection:
        assert set(connection.execute(select(Entry.id)).scalars()) == ids
        assert connection.execute(select(Page.source)).scalars().all() == [str(new.resolve())]


def test_the_watcher_waits_until_a_file_is_no_longer_being_written(engine: Engine, tmp_path: Path) -> None:
    watcher = CoverageWatcher(engine, tmp_path)
    growing = tmp_path / "page-1.txt"
    growing.write_text(page(1, range(1, 3)), encoding="utf-8")  # half copied: just written
    assert watcher.poll() is None
    assert numbers(engine) == set()
    growing.write_text(page(1, range(1, 6)), encoding="utf-8")
    settled(growing)
    report = watcher.poll()
    assert report is not None and report.count("loaded") == 1
    assert numbers(engine) == set(range(1, 6))


def test_the_watcher_removes_a_vanished_file_only_after_a_while(engine: Engine, tmp_path: Path) -> None:
    patient = CoverageWatcher(engine, tmp_path, unload_after=3600)
    gone = tmp_path / "page-1.txt"
    gone.write_text(page(1, range(1, 4)), encoding="utf-8")
    settled(gone)
    patient.poll()
    gone.unlink()
    patient.poll()
    assert numbers(engine) == {1, 2, 3}  # may be a file being replaced: wait

    prompt = CoverageWatcher(engine, tmp_path, unload_after=0)
    prompt.poll()
    assert numbers(engine) == set()


def test_a_folder_that_cannot_be_read_is_reported_and_the_rest_loads(
    engine: Engine, tmp_path: Path, monkeypatch
) -> None:
    readable, locked = tmp_path / "open", tmp_path / "locked"
    readable.mkdir()
    locked.mkdir()
    (readable / "page-1.txt").write_text(page(1, range(1, 3)), encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = load_paths(engine, [tmp_path])
    assert report.count("loaded") == 1
    [failed] = report.failed
    assert failed.path == locked and failed.message == "cannot read this folder: Permission denied"


def test_knowledge_dir_pointing_at_a_file_is_refused(sqlite_file_url: str, tmp_path: Path, monkeypatch, capsys) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# not coverage\n", encoding="utf-8")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(readme))
    assert main(["load"]) == 2
    assert capsys.readouterr().err.strip() == f"error: KNOWLEDGE_DIR={readme} is a file, not a folder of coverage"
