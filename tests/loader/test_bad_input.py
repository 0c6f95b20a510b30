"""Bad coverage files: each gets a message that says what is wrong with it, and the good files
loaded in the same run still load.

Every test loads a folder holding a good page before the bad file (the shipped seed page) and
one after it (a small page of another coverage), through `load_paths`, on every database the
suite runs against.
"""

from __future__ import annotations

import gzip
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.loader.run import MAX_FILE_BYTES, FileOutcome, LoadReport, load_paths
from bot.models import Entry, Page, SummaryPoint
from bot.times import as_utc

SEED_ENTRIES = 20
SEED_POINTS = 8
SEED_FIRST_BODY = "Ukraine’s foreign minister has told reporters that the EU has agreed"
OTHER_ADDRESS = "https://www.bbc.co.uk/news/live/uk-politics-99000001"
OTHER_TITLES = ["Minister answers questions in the Commons", "Vote expected this evening"]


def stamp(minute_of_day: int, day: int = 3, month: str = "March", zone: str = "Greenwich Mean Time") -> str:
    hour, minute = divmod(minute_of_day % 1440, 60)
    return f"published at {hour:02d}:{minute:02d} {zone} {day} {month} 2022"


def entry_text(number: int, title: str, when: str | None, *paragraphs: str, author: tuple[str, str] | None = None) -> str:
    """One entry as the saved pages lay it out: number, title glued to its stamp, author, paragraphs."""
    lines = [f"  {number}. {title}{when or ''}", ""]
    if author:
        lines += [f"    {author[0]}", f"    {author[1]}", ""]
    for paragraph in paragraphs:
        lines += [f"    {paragraph}", ""]
    return "\n".join(lines) + "\n"


def page_text(address: str, entries: list[str], summary: list[str] = ()) -> str:
    head = f"URL: {address}\n\n"
    if summary:
        head += "Summary\n\n" + "".join(f"  • {point}\n\n" for point in summary)
    return head + "".join(entries)


OTHER_PAGE = page_text(
    OTHER_ADDRESS,
    [
        entry_text(1, OTHER_TITLES[0], stamp(14 * 60 + 5), "The minister took questions for an hour on the budget."),
        entry_text(2, OTHER_TITLES[1], stamp(13 * 60 + 50), "MPs are expected to vote on the motion after ten o'clock."),
    ],
)


def count(engine: Engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def titles(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(select(Entry.title)).scalars())


@dataclass
class Run:
    report: LoadReport
    bad: FileOutcome


def load_between_good_files(engine: Engine, folder: Path, seed_page: Path, bad_name: str, raw: bytes | None = None) -> Run:
    """Load `a_seed.txt`, the bad file and `z_other.txt` (in that order) in one run."""
    folder.mkdir(exist_ok=True)
    shutil.copyfile(seed_page, folder / "a_seed.txt")
    (folder / "z_other.txt").write_text(OTHER_PAGE, encoding="utf-8")
    if raw is not None:
        (folder / bad_name).write_bytes(raw)
    report = load_paths(engine, [folder])
    names = [outcome.path.name for outcome in report.outcomes]
    assert names == ["a_seed.txt", bad_name, "z_other.txt"], names
    first, bad, last = report.outcomes
    assert (first.status, first.entries, first.summary_points) == ("loaded", SEED_ENTRIES, SEED_POINTS), first
    assert (last.status, last.entries, last.new_entries) == ("loaded", 2, 2), last
    assert first.warnings == [] and last.warnings == []
    assert set(OTHER_TITLES) <= titles(engine)
    return Run(report, bad)


def assert_refused(run: Run, engine: Engine, *phrases: str) -> None:
    """The bad file failed with a message holding `phrases`, and stored nothing."""
    bad = run.bad
    assert bad.status == "failed", bad
    for phrase in phrases:
        assert phrase in bad.message, bad.message
    assert bad.entries == 0 and bad.new_entries == 0
    assert run.report.count("failed") == 1
    assert "1 failed" in run.report.summary_line()
    assert count(engine, Entry) == SEED_ENTRIES + 2
    assert count(engine, Page) == 2


# --- files that are refused ---------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"  \n\n\t\r\n  \n"], ids=["zero-bytes", "only-whitespace"])
def test_empty_file(engine: Engine, seed_page: Path, tmp_path: Path, raw: bytes) -> None:
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "empty.txt", raw)
    assert_refused(run, engine, "the file is empty")


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0\x08\x06" + bytes(range(256)) * 8,
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01" + os.urandom(4096),
        None,  # the seed page gzip-compressed but still named .txt
    ],
    ids=["png", "jpeg", "gzip-of-a-page"],
)
def test_binary_file(engine: Engine, seed_page: Path, tmp_path: Path, raw: bytes | None) -> None:
    if raw is None:
        raw = gzip.compress(seed_page.read_bytes(), mtime=0)
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "picture.txt", raw)
    assert_refused(run, engine, "binary")


@pytest.mark.parametrize(
    "lines",
    [
        # The newer layout's furniture, with no entry at all.
        [
            "Summary",
            "",
            "Got a TV Licence?",
            "You need one to watch live TV on any channel or device, and BBC programmes on iPlayer. It’s the law.",
            "Find out more",
            "I don’t have a TV Licence.",
            "All times stated are UK",
            "Get involved",
            "Warning: Third party content may contain adverts",
        ],
        # The older "Live Reporting" layout's furniture.
        [
            "Live Reporting",
            "",
            "Edited by Tom Spender",
            "",
            "All times stated are UK",
            "",
            "Got a TV Licence?",
            "",
            "You need one to watch live TV on any channel or device, and BBC programmes on iPlayer. It’s the law.",
            "",
            "Find out more",
        ],
    ],
    ids=["newer-layout", "live-reporting-layout"],
)
def test_a_page_of_boilerplate_only(engine: Engine, seed_page: Path, tmp_path: Path, lines: list[str]) -> None:
    raw = "\n".join(["URL: https://www.bbc.co.uk/news/live/world-europe-99000002", "", *lines, ""]).encode()
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "boilerplate.txt", raw)
    assert_refused(run, engine, "no entries found")


def test_a_page_whose_every_entry_is_empty(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    raw = page_text(
        "https://www.bbc.co.uk/news/live/world-europe-99000003",
        [entry_text(1, "", stamp(600)), entry_text(2, "", stamp(590))],
    ).encode()
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "hollow.txt", raw)
    assert_refused(run, engine, "no entry has a title or any text")


def test_a_file_over_the_size_limit_is_refused_without_being_read(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    huge = folder / "huge.txt"
    with open(huge, "wb") as handle:  # sparse: costs no disk and no time
        handle.truncate(MAX_FILE_BYTES + 1)
    run = load_between_good_files(engine, folder, seed_page, "huge.txt")
    assert_refused(run, engine, "too large", f"{MAX_FILE_BYTES + 1:,} bytes", f"the limit is {MAX_FILE_BYTES:,}")


# --- files that load, with a message where something was off ------------------------------


def test_windows_1252_copy_of_a_real_page_loads_with_a_warning(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    """The seed page saved as Windows-1252 (Latin-1 plus curly quotes and bullets)."""
    text = seed_page.read_text(encoding="utf-8")
    raw = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "latin.txt", raw)
    bad = run.bad
    assert bad.status == "loaded", bad.message
    assert bad.entries == SEED_ENTRIES and bad.summary_points == SEED_POINTS
    # Decoded right, every entry and point is the one the UTF-8 copy already stored.
    assert (bad.new_entries, bad.new_summary_points) == (0, 0)
    assert len(bad.warnings) == 1
    assert "not valid UTF-8" in bad.warnings[0] and "Windows-1252/Latin-1" in bad.warnings[0]
    assert count(engine, Entry) == SEED_ENTRIES + 2
    assert count(engine, SummaryPoint) == SEED_POINTS
    with engine.connect() as connection:
        bodies = list(connection.execute(select(Entry.body)).scalars())
    assert any(body.startswith(SEED_FIRST_BODY) for body in bodies)
    assert not any("â€" in body for body in bodies)  # no mojibake


def test_latin_1_page_loads_with_a_warning(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    raw = page_text(
        "https://www.bbc.co.uk/news/live/world-europe-99000004",
        [entry_text(1, "Café owners in Zürich reopen", stamp(555), "Owners of cafés say trade is slowly returning – à la carte.")],
    ).encode("latin-1", errors="replace")
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "latin.txt", raw)
    assert (run.bad.status, run.bad.entries, run.bad.new_entries) == ("loaded", 1, 1)
    assert any("not valid UTF-8" in warning for warning in run.bad.warnings)
    assert "Café owners in Zürich reopen" in titles(engine)


def test_utf8_page_cut_off_mid_character_keeps_its_other_characters(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    """A saved excerpt can end in the middle of a character: the rest of the page is still UTF-8."""
    raw = seed_page.read_bytes() + "’".encode()[:2]  # the last character cut off
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "cut.txt", raw)
    bad = run.bad
    assert bad.status == "loaded", bad.message
    assert (bad.entries, bad.new_entries) == (SEED_ENTRIES, 0)  # the same entries as the whole page
    assert len(bad.warnings) == 1
    assert "invalid UTF-8" in bad.warnings[0] and "replaced" in bad.warnings[0], bad.warnings
    with engine.connect() as connection:
        bodies = list(connection.execute(select(Entry.body)).scalars())
    assert any(body.startswith(SEED_FIRST_BODY) for body in bodies)
    assert not any("â€" in body for body in bodies), "mojibake stored"


def test_ten_thousand_entries_all_load(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    entries = [
        entry_text(
            number + 1,
            f"Update {number} on the ceasefire talks",
            stamp(number, day=1 + number // 1440),
            f"Officials said point {number} was discussed at length in the capital today.",
            "Further talks are expected tomorrow, the ministry added.",
            author=("Jane Reporter", "BBC correspondent") if number % 3 == 0 else None,
        )
        for number in range(10_000)
    ]
    raw = page_text("https://www.bbc.co.uk/news/live/world-europe-99000005", entries, ["A summary point."]).encode()
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "many.txt", raw)
    bad = run.bad
    assert (bad.status, bad.entries, bad.new_entries) == ("loaded", 10_000, 10_000), bad.message
    assert bad.warnings == []
    assert count(engine, Entry) == SEED_ENTRIES + 2 + 10_000
    stored = titles(engine)
    assert {f"Update {n} on the ceasefire talks" for n in range(10_000)} <= stored
    with engine.connect() as connection:
        last = connection.execute(select(Entry).where(Entry.position == 10_000)).one()
    assert last.title == "Update 9999 on the ceasefire talks"  # numbered 10000
    assert as_utc(last.published_at).strftime("%d %H:%M") == "07 22:39"  # 9999 minutes after 1 March 00:00
    assert last.author == "Jane Reporter" and last.body.startswith("Officials said point 9999")


def test_an_entry_numbered_10000_keeps_its_title(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    raw = page_text(
        "https://www.bbc.co.uk/news/live/world-europe-99000013",
        [entry_text(10_000, "The ten-thousandth update", stamp(600), "A long-running page.")],
    ).encode()
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "numbered.txt", raw)
    assert run.bad.status == "loaded"
    assert "The ten-thousandth update" in titles(engine)


def test_a_50_megabyte_file_loads_or_fails_with_a_specific_message(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    """The same entry repeated until the file is 50 MB. Entries carry long paragraphs so that the
    file is big in bytes rather than in entries (each parsed entry costs more than its bytes)."""
    sentence = "Officials said the talks in the capital went on late into the night and would resume. "
    paragraph = (sentence * 600).strip()  # ~52 kB, one line
    block = entry_text(1, "The same update, saved again and again", stamp(600), paragraph)
    head = "URL: https://www.bbc.co.uk/news/live/world-europe-99000006\n\n"
    copies = (50 * 1024 * 1024 - len(head)) // len(block.encode()) + 1
    folder = tmp_path / "in"
    folder.mkdir()
    with open(folder / "big.txt", "w", encoding="utf-8") as handle:
        handle.write(head)
        for _ in range(copies):
            handle.write(block)
    size = (folder / "big.txt").stat().st_size
    assert 50 * 1024 * 1024 <= size < 51 * 1024 * 1024

    run = load_between_good_files(engine, folder, seed_page, "big.txt")
    bad = run.bad
    if bad.status == "failed":
        # Refusing it is fine, if the message says why (its size) rather than something generic.
        assert any(phrase in bad.message for phrase in ("too large", "bytes", "limit")), bad.message
        assert count(engine, Entry) == SEED_ENTRIES + 2
    else:
        assert bad.status == "loaded", bad
        # Every copy is the same entry: it is stored once.
        assert (bad.entries, bad.new_entries) == (1, 1)
        assert any("stored once" in warning and "more repeats follow" in warning for warning in bad.warnings)
        assert count(engine, Entry) == SEED_ENTRIES + 2 + 1


def test_entries_without_title_or_time(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    raw = page_text(
        "https://www.bbc.co.uk/news/live/world-europe-99000007",
        [
            entry_text(1, "", stamp(700), "A stamp but no title: the first words of this text stand in for one."),
            entry_text(2, "A title but no time", None, "Untimed entries such as reader emails exist on real pages."),
            entry_text(3, "", None, "Neither a title nor a time, only this sentence of text."),
            entry_text(4, "", stamp(680)),  # nothing at all
            entry_text(5, "An ordinary entry", stamp(660), "With a title, a time and a body."),
        ],
    ).encode()
    # Entry 3's numbered line has nothing after the number, so it is not an entry line at all:
    # its text becomes part of entry 2. That is the page's own doing; what matters is that nothing fails.
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "untitled.txt", raw)
    bad = run.bad
    assert bad.status == "loaded", bad.message
    assert bad.entries == 3
    assert any("entry 1 has no title; its first words stand in" in w for w in bad.warnings), bad.warnings
    assert any("has no title and no text; skipped" in w for w in bad.warnings), bad.warnings
    assert all(w.startswith("line ") for w in bad.warnings)  # each names where on the page
    with engine.connect() as connection:
        rows = {row.title: row for row in connection.execute(select(Entry)).all()}
    stand_in = next(title for title in rows if title.startswith("A stamp but no title"))
    assert stand_in.endswith("…") and rows[stand_in].published_at is not None
    assert rows["A title but no time"].published_at is None
    assert "Neither a title nor a time" in rows["A title but no time"].body  # not lost
    assert rows["An ordinary entry"].published_at is not None


def test_an_impossible_date(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    raw = page_text(
        "https://www.bbc.co.uk/news/live/world-europe-99000008",
        [
            entry_text(1, "A day that does not exist", stamp(600, day=31, month="February"), "The page gives 31 February."),
            entry_text(2, "A month that does not exist", "published at 10:00 Greenwich Mean Time 3 Smarch 2022", "Lousy Smarch weather."),
            entry_text(3, "A real day", stamp(590, day=28, month="February"), "This one is fine."),
        ],
    ).encode()
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "dates.txt", raw)
    bad = run.bad
    assert (bad.status, bad.entries) == ("loaded", 3), bad.message
    assert len(bad.warnings) == 2, bad.warnings
    assert "impossible date" in bad.warnings[0] and "31 February 2022" in bad.warnings[0]
    assert "time left unknown" in bad.warnings[0] and bad.warnings[0].startswith("line 3:")
    assert "unknown month 'Smarch'" in bad.warnings[1]
    with engine.connect() as connection:
        times = dict(connection.execute(select(Entry.title, Entry.published_at)).all())
    assert times["A day that does not exist"] is None
    assert times["A month that does not exist"] is None
    assert as_utc(times["A real day"]).strftime("%d %b %H:%M") == "28 Feb 09:50"


def test_a_date_at_the_start_of_the_calendar(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    raw = page_text(
        "https://www.bbc.co.uk/news/live/world-europe-99000009",
        [entry_text(1, "Year one", "published at 00:30 British Summer Time 1 January 0001", "A typo in the year.")],
    ).encode()
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "year1.txt", raw)
    assert (run.bad.status, run.bad.entries) == ("loaded", 1)
    assert len(run.bad.warnings) == 1
    assert "impossible date" in run.bad.warnings[0] and "1 January 0001" in run.bad.warnings[0]
    with engine.connect() as connection:
        assert connection.execute(select(Entry.published_at).where(Entry.title == "Year one")).scalar_one() is None


def test_repeated_numbering(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    repeated = entry_text(2, "Second update", stamp(590), "The second update's text.")
    raw = page_text(
        "https://www.bbc.co.uk/news/live/world-europe-99000010",
        [
            entry_text(1, "First update", stamp(600), "The first update's text."),
            repeated,
            repeated,  # the same entry twice (a copy-paste doubling)
            entry_text(2, "Another second update", stamp(580), "A different entry under the same number."),
            entry_text(1, "A restart of the numbering", stamp(570), "As when two pages are saved into one file."),
        ],
    ).encode()
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "numbers.txt", raw)
    bad = run.bad
    assert bad.status == "loaded", bad.message
    # Every distinct entry is stored, the doubled one once; each repeated number is named.
    assert (bad.entries, bad.new_entries) == (4, 4)
    assert bad.warnings == [
        "line 11: entry numbered 2 follows 2; the numbering repeats or jumps",
        "line 15: entry numbered 2 follows 2; the numbering repeats or jumps",
        "line 11: the same entry as line 7 (title and time), stored once",
    ]
    assert {"First update", "Second update", "Another second update", "A restart of the numbering"} <= titles(engine)
    assert count(engine, Entry) == SEED_ENTRIES + 2 + 4
    with engine.connect() as connection:
        positions = dict(connection.execute(select(Entry.title, Entry.position).where(Entry.title.like("%update%"))).all())
    assert positions["First update"] == 1 and positions["Second update"] == 2  # page order, not the numbers


def test_repeated_numbering_is_reported(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    raw = page_text(
        "https://www.bbc.co.uk/news/live/world-europe-99000011",
        [
            entry_text(1, "First update", stamp(600), "The first update's text."),
            entry_text(1, "Also first", stamp(590), "Numbered 1 as well."),
        ],
    ).encode()
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "numbers.txt", raw)
    assert (run.bad.status, run.bad.entries) == ("loaded", 2)
    assert len(run.bad.warnings) == 1
    warning = run.bad.warnings[0]
    assert warning.startswith("line ") and "numbered 1" in warning and "numbering repeats" in warning, warning


@pytest.mark.parametrize("number", ["3000000000", "99999999999999999999999"], ids=["past-2**31", "past-2**63"])
def test_an_absurd_page_number_in_the_address(engine: Engine, seed_page: Path, tmp_path: Path, number: str) -> None:
    """Past what the page_number column holds on PostgreSQL (2**31) or SQLite (2**63)."""
    raw = page_text(
        f"https://www.bbc.co.uk/news/live/world-europe-99000012?page={number}",
        [entry_text(1, "An entry", stamp(600), "Its address has an absurd page number.")],
    ).encode()
    run = load_between_good_files(engine, tmp_path / "in", seed_page, "page.txt", raw)
    bad = run.bad
    assert (bad.status, bad.entries) == ("loaded", 1), bad.message
    assert len(bad.warnings) == 1
    assert f"page number {number}" in bad.warnings[0] and "not plausible" in bad.warnings[0], bad.warnings
    with engine.connect() as connection:
        assert connection.execute(select(Entry.page_number).where(Entry.title == "An entry")).scalar_one() == 1
