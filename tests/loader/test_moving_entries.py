"""A live story's entries move from page to page as it grows; none may be lost on the way."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.loader.run import load_paths
from bot.models import Entry, EntryPage, Quote
from tests.support.live_pages import live_page, update_numbers

ADDRESS = "https://www.bbc.co.uk/news/live/world-00000003"


def page(number: int, entries: range, summary: bool = False) -> str:
    return live_page(ADDRESS, number, entries, summary)


titles = update_numbers


def test_entries_pushed_onto_the_next_page_survive_whatever_the_load_order(engine: Engine, tmp_path: Path) -> None:
    first, second = tmp_path / "page-1.txt", tmp_path / "page-2.txt"
    first.write_text(page(1, range(21, 41)), encoding="utf-8")
    second.write_text(page(2, range(1, 21)), encoding="utf-8")
    load_paths(engine, [tmp_path])
    assert titles(engine) == set(range(1, 41))

    # Five new entries: 21-25 move onto page 2, 1-5 off it. Page 2's new file is loaded first,
    # on its own, then page 1's.
    first.write_text(page(1, range(26, 46)), encoding="utf-8")
    second.write_text(page(2, range(6, 26)), encoding="utf-8")
    load_paths(engine, [second])
    assert set(range(6, 41)) <= titles(engine)
    load_paths(engine, [first])
    assert titles(engine) == set(range(6, 46))
    load_paths(engine, [tmp_path])  # both files unchanged now
    assert titles(engine) == set(range(6, 46))

    with engine.connect() as connection:
        moved = connection.execute(select(Entry.page_number, Entry.address).where(Entry.title == "Update number 23")).one()
        shown_on = connection.execute(select(EntryPage.page_id).join(Entry, Entry.id == EntryPage.entry_id).where(Entry.title == "Update number 23")).all()
        quoted = connection.execute(select(Quote.text).join(Entry, Entry.id == Quote.entry_id).where(Entry.title == "Update number 23")).scalars().all()
    # The moved entry belongs to the page that shows it now, and keeps its quote.
    assert moved == (2, f"{ADDRESS}?page=2") and len(shown_on) == 1
    assert len(quoted) == 1 and quoted[0].startswith("This is statement number 23 of the day")


def test_the_other_load_order_keeps_them_too(engine: Engine, tmp_path: Path) -> None:
    first, second = tmp_path / "page-1.txt", tmp_path / "page-2.txt"
    first.write_text(page(1, range(21, 41)), encoding="utf-8")
    second.write_text(page(2, range(1, 21)), encoding="utf-8")
    load_paths(engine, [tmp_path])
    first.write_text(page(1, range(26, 46)), encoding="utf-8")
    second.write_text(page(2, range(6, 26)), encoding="utf-8")
    load_paths(engine, [first])
    load_paths(engine, [second])
    load_paths(engine, [tmp_path])
    assert titles(engine) == set(range(6, 46))


def test_an_entry_no_page_shows_any_more_is_removed(engine: Engine, tmp_path: Path) -> None:
    only = tmp_path / "page-1.txt"
    only.write_text(page(1, range(1, 11)), encoding="utf-8")
    load_paths(engine, [only])
    only.write_text(page(1, range(3, 11)), encoding="utf-8")
    load_paths(engine, [only])
    assert titles(engine) == set(range(3, 11))
