"""Loading files and folders: one transaction per file, reloads that add nothing, every outcome reported."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

import bot.loader.run
from bot.changes import content_version
from bot.cli import main
from bot.db import make_engine
from bot.loader.run import LoadReport, load_paths
from bot.models import Coverage, Entry, Page, SummaryPoint
from bot.times import as_utc

UTC = UTC
SHARED_PAGE_28 = "feeds.bbci.co.uk_news_live_world-europe-60454795_page-28.txt"
FIRST_TITLE = "EU agrees to provide Ukraine with 'advisory' military training"
SECOND_TITLE = "UK defence secretary to update MPs on Ukraine crisis"


def count(engine: Engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def entry_rows(engine: Engine) -> dict[str, Entry]:
    with engine.connect() as connection:
        return {row.title: row for row in connection.execute(select(Entry)).all()}


def test_loading_knowledge(engine: Engine, knowledge_dir: Path) -> None:
    report = load_paths(engine, [knowledge_dir])
    assert [o.status for o in report.outcomes] == ["loaded"]
    outcome = report.outcomes[0]
    assert (outcome.entries, outcome.new_entries) == (20, 20)
    assert (outcome.summary_points, outcome.new_summary_points) == (8, 8)
    assert outcome.warnings == []
    assert report.summary_line() == "1 files: 1 loaded, 0 unchanged, 0 failed; 20 new entries, 8 new summary points"

    assert count(engine, Entry) == 20
    assert count(engine, SummaryPoint) == 8
    assert count(engine, Page) == 1
    with engine.connect() as connection:
        coverage = connection.execute(select(Coverage)).one()
        points = connection.execute(select(SummaryPoint.kind, SummaryPoint.position).order_by(SummaryPoint.position)).all()
    assert coverage.key == "world-europe-60454795"
    assert coverage.address == "https://feeds.bbci.co.uk/news/live/world-europe-60454795"
    assert points == [("summary", position) for position in range(1, 9)]

    first = entry_rows(engine)[FIRST_TITLE]
    assert as_utc(first.published_at) == datetime(2022, 2, 21, 13, 11, tzinfo=UTC)
    assert first.zone == "GMT"
    assert (first.author, first.author_role) == ("Jessica Parker", "BBC Brussels correspondent")
    assert first.page_number == 28 and first.position == 1
    assert first.body.startswith("Ukraine’s foreign minister has told reporters")
    assert first.address == "https://feeds.bbci.co.uk/news/live/world-europe-60454795?page=28"
    assert content_version(engine) >= 1


def test_loading_again_adds_nothing(engine: Engine, knowledge_dir: Path) -> None:
    load_paths(engine, [knowledge_dir])
    version = content_version(engine)
    again = load_paths(engine, [knowledge_dir])
    assert [o.status for o in again.outcomes] == ["unchanged"]
    assert again.new_entries == 0 and again.new_summary_points == 0
    assert count(engine, Entry) == 20
    assert count(engine, SummaryPoint) == 8
    assert count(engine, Page) == 1
    # Nothing changed, so no process needs to rebuild its index.
    assert content_version(engine) == version


def test_a_changed_file_updates_its_rows(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    page = tmp_path / "page-28.txt"
    shutil.copyfile(seed_page, page)
    assert load_paths(engine, [page]).outcomes[0].status == "loaded"
    version = content_version(engine)

    text = page.read_text(encoding="utf-8")
    old_sentence = "As you can perhaps tell, it sounds like a lot of the detail is yet to be worked out."
    new_sentence = "Officials now say the details will be agreed at a meeting next month."
    assert old_sentence in text
    text = text.replace(old_sentence, new_sentence)
    removed_start = text.index("  17. Kremlin announces 'extraordinary'")
    removed_end = text.index("  18. Kremlin says no concrete plans")
    text = text[:removed_start] + text[removed_end:]
    page.write_text(text, encoding="utf-8")

    outcome = load_paths(engine, [page]).outcomes[0]
    assert outcome.status == "loaded"
    assert (outcome.entries, outcome.new_entries) == (19, 0)
    assert (outcome.summary_points, outcome.new_summary_points) == (8, 0)

    rows = entry_rows(engine)
    assert len(rows) == 19 == count(engine, Entry)
    assert "Kremlin announces 'extraordinary' meeting of Russian Security Council" not in rows
    body = rows[FIRST_TITLE].body
    assert body.endswith(new_sentence)
    assert old_sentence not in body
    assert count(engine, SummaryPoint) == 8
    assert count(engine, Page) == 1
    assert content_version(engine) > version


def test_a_corrected_title_replaces_the_entry(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    page = tmp_path / "page-28.txt"
    shutil.copyfile(seed_page, page)
    load_paths(engine, [page])
    page.write_text(
        page.read_text(encoding="utf-8").replace("Thousands of Russian troops remain in Belarus", "Russian troops stay in Belarus"),
        encoding="utf-8",
    )
    outcome = load_paths(engine, [page]).outcomes[0]
    assert (outcome.entries, outcome.new_entries) == (20, 1)
    rows = entry_rows(engine)
    assert len(rows) == 20
    assert "Russian troops stay in Belarus" in rows
    assert "Thousands of Russian troops remain in Belarus" not in rows


def test_the_same_page_under_two_names_is_stored_once(engine: Engine, knowledge_dir: Path, seed_page: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy-of-page-28.txt"
    shutil.copyfile(seed_page, copy)
    report = load_paths(engine, [knowledge_dir, copy])
    assert [o.status for o in report.outcomes] == ["loaded", "loaded"]
    assert report.outcomes[1].new_entries == 0
    assert report.outcomes[1].new_summary_points == 0
    assert count(engine, Entry) == 20
    assert count(engine, SummaryPoint) == 8
    assert count(engine, Page) == 2
    assert count(engine, Coverage) == 1


def test_only_text_files_in_a_folder_are_loaded(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    folder = tmp_path / "coverage"
    (folder / "nested").mkdir(parents=True)
    shutil.copyfile(seed_page, folder / "nested" / "page-28.txt")
    (folder / "README.md").write_text("Not a page.\n", encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    seen: list[tuple[int, int, str]] = []
    report = load_paths(engine, [folder], on_file=lambda i, n, o: seen.append((i, n, o.path.name)))
    assert [(o.path.name, o.status) for o in report.outcomes] == [("page-28.txt", "loaded")]
    assert seen == [(1, 1, "page-28.txt")]


def test_every_shared_page_loads(request: pytest.FixtureRequest, database_url: str, everything_loaded, coverage_dir: Path) -> None:
    pages = sorted(coverage_dir.glob("*.txt"))
    report = everything_loaded.report
    assert [(o.path.name, o.message) for o in report.failed] == []
    shared = [o for o in report.outcomes if o.path.parent == coverage_dir]
    assert len(shared) == len(pages)
    assert all(o.status == "loaded" and o.entries > 0 for o in shared)
    assert everything_loaded.pages == len(pages) + 1


def test_a_long_address_that_names_no_live_page_loads(request: pytest.FixtureRequest, engine: Engine, tmp_path: Path) -> None:
    address = "https://email.example.com/c/" + "eJx9UsuumzAQ_RrYEfnt" * 32
    assert len(address) > 600
    page = tmp_path / "tracking-link.txt"
    page.write_text(
        f"URL: {address}\n\nLive Reporting\n\n  1. Headline of the entry\n\n"
        "    The only entry on this page has one sentence of text.\n",
        encoding="utf-8",
    )
    report = load_paths(engine, [page])
    assert [(o.status, o.message) for o in report.outcomes] == [("loaded", "")]
    assert count(engine, Entry) == 1


def test_knowledge_and_shared_coverage_store_repeated_entries_once(everything_loaded) -> None:
    report = everything_loaded.report
    loaded = [o for o in report.outcomes if o.status == "loaded"]
    by_name = {o.path.name: o for o in loaded}
    excerpt = by_name[SHARED_PAGE_28]
    # The shared page-28 is the start of the shipped one: its two entries and eight bullets are known.
    assert (excerpt.entries, excerpt.new_entries) == (2, 0)
    assert (excerpt.summary_points, excerpt.new_summary_points) == (8, 0)

    titles = everything_loaded.entry_titles
    assert titles.count(FIRST_TITLE) == 1
    assert titles.count(SECOND_TITLE) == 1
    assert len(titles) == sum(o.entries for o in loaded) - 2
    assert report.new_entries == len(titles)


def test_a_fuller_copy_completes_an_excerpt(engine: Engine, seed_page: Path, shared_page) -> None:
    excerpt = shared_page(SHARED_PAGE_28)
    load_paths(engine, [excerpt])
    assert "Stay with us for full coverage" not in entry_rows(engine)[SECOND_TITLE].body
    load_paths(engine, [seed_page])
    body = entry_rows(engine)[SECOND_TITLE].body
    assert body.endswith("Stay with us for full coverage of that later.")
    assert count(engine, Entry) == 20


def test_an_excerpt_loaded_later_does_not_cut_the_full_entry(engine: Engine, seed_page: Path, shared_page) -> None:
    excerpt = shared_page(SHARED_PAGE_28)
    load_paths(engine, [seed_page, excerpt])
    body = entry_rows(engine)[SECOND_TITLE].body
    assert body.endswith("Stay with us for full coverage of that later.")


def test_a_broken_file_next_to_a_good_one(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    folder = tmp_path / "coverage"
    folder.mkdir()
    shutil.copyfile(seed_page, folder / "good.txt")
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02 not text \xff\xfe" * 20)
    report = load_paths(engine, [folder])
    assert {o.path.name: o.status for o in report.outcomes} == {"broken.txt": "failed", "good.txt": "loaded"}
    [failure] = report.failed
    assert failure.path.name == "broken.txt"
    assert "binary" in failure.message
    assert "1 failed" in report.summary_line()
    assert count(engine, Entry) == 20
    assert count(engine, Page) == 1


def test_a_database_error_stores_nothing_of_that_file(engine: Engine, seed_page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(_connection) -> None:
        raise SQLAlchemyError("the disk is full")

    monkeypatch.setattr(bot.loader.run, "publish", fail)
    outcome = load_paths(engine, [seed_page]).outcomes[0]
    assert outcome.status == "retry_later"
    assert "nothing stored" in outcome.message
    for table in SQLModel.metadata.sorted_tables:  # entries, pages, quotes, ... and the version
        assert count(engine, table) == 0, table.name

    monkeypatch.undo()
    # Nothing was recorded, so the next load does the whole file rather than calling it unchanged.
    outcome = load_paths(engine, [seed_page]).outcomes[0]
    assert (outcome.status, outcome.new_entries) == ("loaded", 20)


def test_a_latin_1_file_loads_with_its_warning(engine: Engine, tmp_path: Path) -> None:
    page = tmp_path / "latin-1.txt"
    page.write_bytes(
        "URL: https://feeds.bbci.co.uk/news/live/world-europe-1\n\n"
        "  1. Café owners reopenpublished at 09:15 Greenwich Mean Time 3 March 2022\n\n"
        "    Owners of cafés in the old town say trade is slowly returning after the closures.\n".encode("latin-1")
    )
    outcome = load_paths(engine, [page]).outcomes[0]
    assert (outcome.status, outcome.entries) == ("loaded", 1)
    assert any("UTF-8" in warning for warning in outcome.warnings)
    assert "Café owners reopen" in entry_rows(engine)


def test_unreadable_path_is_reported(engine: Engine, tmp_path: Path) -> None:
    report: LoadReport = load_paths(engine, [tmp_path / "missing.txt"])
    assert [o.status for o in report.outcomes] == ["failed"]
    assert "cannot read" in report.outcomes[0].message


# --- the command line ---------------------------------------------------------------------


def test_cli_load_reports_a_broken_file_and_exits_non_zero(
    sqlite_file_url: str, seed_page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "coverage"
    folder.mkdir()
    shutil.copyfile(seed_page, folder / "good.txt")
    (folder / "broken.txt").write_bytes(b"\x00" * 64)

    assert main(["load", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert "FAILED" in err and "broken.txt" in err and "binary" in err
    assert "good.txt: 20 entries (20 new), 8 summary points (8 new)" in err
    assert out.strip() == "2 files: 1 loaded, 0 unchanged, 1 failed; 20 new entries, 8 new summary points"

    check = make_engine(sqlite_file_url)
    try:
        assert count(check, Entry) == 20
    finally:
        check.dispose()

    assert main(["load", "--quiet", str(folder / "good.txt")]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "1 files: 0 loaded, 1 unchanged, 0 failed; 0 new entries, 0 new summary points"
    assert err == ""


def test_cli_load_prints_warnings(sqlite_file_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "latin-1.txt"
    page.write_bytes(
        "URL: https://feeds.bbci.co.uk/news/live/world-europe-1\n\n"
        "  1. Café owners reopenpublished at 09:15 Greenwich Mean Time 3 March 2022\n\n"
        "    Owners of cafés in the old town say trade is slowly returning after the closures.\n".encode("latin-1")
    )
    assert main(["load", str(page)]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "latin-1.txt" in err and "UTF-8" in err


def test_cli_load_names_a_missing_path(sqlite_file_url: str, seed_page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-folder"
    assert main(["load", str(seed_page), str(missing)]) == 1
    out, err = capsys.readouterr()
    assert f"{missing}: no such file or folder" in err
    assert "1 loaded" in out
