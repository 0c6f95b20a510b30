"""Parsing one saved live page: what a careful reader of the page sees, and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.loader.page_text import PageError, ParsedPage, parse_page
from bot.times import display_time, local_time, parse_stamp

UTC = UTC

SEED_TITLES = [
    "EU agrees to provide Ukraine with 'advisory' military training",
    "UK defence secretary to update MPs on Ukraine crisis",
    "What we know about Donbas attacks",
    "Satellite images show latest deployments near Ukraine",
    "Russia has ‘kill list’ - US claims",
    "Ukraine welcomes reports of US-Russia summit",
    "If you’re just joining us…",
    "UK ‘stepping up preparations for worst-case scenario’",
    "Ukrainian airspace remains open, government insists",
    "Evacuees lives thrown into limbo by Russian-backed separatists",
    "Kremlin quashes fresh hopes of diplomatic solution",
    "Over 60,000 civilians evacuated from rebel held areas, Moscow says",
    "Russian troops remain massed around Ukraine",
    "What to make of possible Biden-Putin talks",
    "Kremlin dismisses kill list as ‘absolute lie’",
    "Thousands of Russian troops remain in Belarus",
    "Kremlin announces 'extraordinary' meeting of Russian Security Council",
    "Kremlin says no concrete plans in place for summit",
    "Ukraine urges EU to take action",
    "Talks 'badly needed' to avoid war - EU",
]


def page(*lines: str, address: str = "https://feeds.bbci.co.uk/news/live/uk-politics-1?page=2") -> bytes:
    return "\n".join([f"URL: {address}", "", *lines]).encode("utf-8")


def all_text(parsed: ParsedPage) -> list[str]:
    return [*parsed.summary, *(e.title for e in parsed.entries), *(p for e in parsed.entries for p in e.paragraphs)]


# --- the seed page -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(seed_page: Path) -> ParsedPage:
    return parse_page(seed_page.read_bytes())


def test_seed_page_address_and_counts(seed: ParsedPage) -> None:
    assert seed.address == "https://feeds.bbci.co.uk/news/live/world-europe-60454795?page=28"
    assert seed.coverage_key == "world-europe-60454795"
    assert seed.page_number == 28
    assert len(seed.summary) == 8
    assert seed.summary_kind == "summary"
    assert len(seed.entries) == 20
    assert seed.warnings == []


def test_seed_page_titles_in_page_order(seed: ParsedPage) -> None:
    assert [e.title for e in seed.entries] == SEED_TITLES
    assert [e.position for e in seed.entries] == list(range(1, 21))


def test_seed_page_summary_bullets(seed: ParsedPage) -> None:
    assert seed.summary[0] == (
        "Russian forces launch a full-scale assault on Ukraine, with its military attacking the country "
        "from the north, east and south"
    )
    assert seed.summary[4] == "Russians seize control of the Chernobyl complex - site of the world's worst nuclear disaster"
    assert seed.summary[-1] == "But US President Joe Biden says Putin's aggression will cost Russia dearly"
    assert not any(point.startswith(("•", "-", "*")) for point in seed.summary)


def test_seed_first_entry(seed: ParsedPage) -> None:
    first = seed.entries[0]
    assert first.title == "EU agrees to provide Ukraine with 'advisory' military training"
    assert first.published_at == datetime(2022, 2, 21, 13, 11, tzinfo=UTC)
    assert first.zone == "GMT"
    assert first.author == "Jessica Parker"
    assert first.author_role == "BBC Brussels correspondent"
    assert first.label is None
    # The byline is not part of the text, and the text starts with the first sentence.
    assert first.paragraphs[0] == (
        "Ukraine’s foreign minister has told reporters that the EU has agreed to provide some "
        "“advisory” military training."
    )
    assert first.paragraphs[-1] == "As you can perhaps tell, it sounds like a lot of the detail is yet to be worked out."
    assert not any("Jessica Parker" in p or "correspondent" in p for p in first.paragraphs)


def test_seed_entries_are_newest_first_and_all_timed(seed: ParsedPage) -> None:
    times = [e.published_at for e in seed.entries]
    assert all(t is not None and t.tzinfo is not None for t in times)
    assert times == sorted(times, reverse=True)
    assert times[-1] == datetime(2022, 2, 21, 8, 8, tzinfo=UTC)
    assert {e.zone for e in seed.entries} == {"GMT"}


def test_seed_labels(seed: ParsedPage) -> None:
    eleventh = seed.entries[10]
    assert eleventh.label == "Analysis"
    assert eleventh.title == "Kremlin quashes fresh hopes of diplomatic solution"
    assert eleventh.published_at == datetime(2022, 2, 21, 10, 38, tzinfo=UTC)
    assert eleventh.author == "Steve Rosenberg"
    assert seed.entries[17].label == "Breaking"
    assert seed.entries[17].title == "Kremlin says no concrete plans in place for summit"
    # "Breaking" is a label, not text of the entry.
    assert "Breaking" not in seed.entries[17].paragraphs
    labelled = {e.position: e.label for e in seed.entries if e.label}
    assert labelled == {11: "Analysis", 13: "Analysis", 14: "Analysis", 18: "Breaking"}


def test_seed_authors(seed: ParsedPage) -> None:
    authors = {e.position: (e.author, e.author_role) for e in seed.entries if e.author}
    assert authors == {
        1: ("Jessica Parker", "BBC Brussels correspondent"),
        3: ("Paul Adams", "BBC diplomatic correspondent"),
        5: ("Gordon Corera", "BBC News Security correspondent"),
        10: ("Carrie Davies", "BBC Moscow Correspondent"),
        11: ("Steve Rosenberg", "BBC Moscow Correspondent"),
        14: ("James Landale", "Diplomatic correspondent"),
        19: ("Jessica Parker", "BBC Brussels correspondent"),
    }


def test_seed_pictures_and_captions_are_dropped(seed: ParsedPage) -> None:
    for text in all_text(seed):
        lowered = text.lower()
        assert "image source" not in lowered, text
        assert "image caption" not in lowered, text
        assert ", external" not in lowered, text
    paragraphs = [p for e in seed.entries for p in e.paragraphs]
    # A caption ("Image caption," then the caption on its own line) and picture descriptions.
    assert not any(p.startswith("Russia has set up temporary accomodation centres") for p in paragraphs)
    assert "Deployment near Belgorod, Russia" not in paragraphs
    assert "Ben Wallace" not in paragraphs


def test_seed_link_markers_are_removed_from_sentences(seed: ParsedPage) -> None:
    thirteenth = seed.entries[12]
    assert any(
        p.startswith("CBS News reported that the US has intelligence that Russian commanders") for p in thirteenth.paragraphs
    )


def test_seed_bullets_inside_an_entry_become_paragraphs(seed: ParsedPage) -> None:
    joining = seed.entries[6]
    assert joining.title == "If you’re just joining us…"
    assert "France has proposed talks between the US and Russian leaders in a bid to find a diplomatic solution" in joining.paragraphs


# --- time stamps ---------------------------------------------------------------------------


def test_british_summer_time_is_converted_to_utc() -> None:
    parsed = parse_page(page(
        "  1. Starmer calls for electionpublished at 14:00 British Summer Time 20 October 2022",
        "",
        "    The Labour leader says the government has no mandate left to govern the country.",
    ))
    entry = parsed.entries[0]
    assert entry.title == "Starmer calls for election"
    assert entry.published_at == datetime(2022, 10, 20, 13, 0, tzinfo=UTC)
    assert entry.zone == "BST"
    assert display_time(entry.published_at, entry.zone) == "14:00 BST, 20 Oct 2022"


def test_bst_just_after_midnight_is_the_previous_utc_day() -> None:
    stamp = parse_stamp("00:30 British Summer Time 1 July 2022")
    assert stamp is not None
    assert stamp.utc == datetime(2022, 6, 30, 23, 30, tzinfo=UTC)
    assert display_time(stamp.utc, stamp.zone) == "00:30 BST, 1 Jul 2022"


def test_cut_off_stamp_leaves_time_unknown_without_failing() -> None:
    parsed = parse_page(page(
        "  1. First entrypublished at 17:02 Greenwich Mean Time 21 February 2022",
        "",
        "    Something happened and the page says so in a full sentence.",
        "",
        "  2. Second entrypublished at 16:",
    ))
    assert [e.title for e in parsed.entries] == ["First entry", "Second entry"]
    assert parsed.entries[0].published_at == datetime(2022, 2, 21, 17, 2, tzinfo=UTC)
    assert parsed.entries[1].published_at is None
    assert parsed.entries[1].zone is None
    # Excerpts end mid-stamp all the time: that is expected, not worth a warning.
    assert parsed.warnings == []


IMPOSSIBLE_DATE_PAGE = page(
    "  1. Odd datepublished at 10:00 Greenwich Mean Time 31 February 2022",
    "",
    "    The page gives a date that does not exist, and the loader must not invent one.",
)


def test_impossible_date_warns_and_leaves_time_unknown() -> None:
    parsed = parse_page(IMPOSSIBLE_DATE_PAGE)
    entry = parsed.entries[0]
    assert entry.title == "Odd date"
    assert entry.published_at is None
    assert entry.zone is None
    assert parsed.warnings
    assert any("31 February" in w and "impossible date" in w and w.startswith("line 3:") for w in parsed.warnings)


def test_impossible_date_warns_once() -> None:
    assert len(parse_page(IMPOSSIBLE_DATE_PAGE).warnings) == 1


MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


@settings(deadline=None, database=None)
@given(
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31, 23, 59)),
    zone=st.sampled_from([("Greenwich Mean Time", "GMT", 0), ("British Summer Time", "BST", 1), ("GMT", "GMT", 0), ("BST", "BST", 1)]),
    short_month=st.booleans(),
)
def test_any_stamp_round_trips_to_the_wall_clock_it_shows(moment: datetime, zone: tuple[str, str, int], short_month: bool) -> None:
    name, code, offset = zone
    month = MONTH_NAMES[moment.month - 1]
    month = month[:3] if short_month else month
    stamp = parse_stamp(f"{moment.hour}:{moment.minute:02d} {name} {moment.day} {month} {moment.year}")
    assert stamp is not None
    assert stamp.zone == code
    local = moment.replace(second=0, microsecond=0)
    assert stamp.utc == (local - timedelta(hours=offset)).replace(tzinfo=UTC)
    assert local_time(stamp.utc, stamp.zone).replace(tzinfo=None) == local


# --- files that cannot be loaded, or only just --------------------------------------------

PAGE_LINES = st.sampled_from([
    "URL: https://feeds.bbci.co.uk/news/live/world-europe-1?page=2",
    "Title: A live page",
    "Summary",
    "Live Reporting",
    "  1. Headlinepublished at 13:11 Greenwich Mean Time 21 February 2022",
    "  2. Analysis",
    "Analysis",
    "Breaking",
    "  3. Cut offpublished at 16:",
    "  4. Odd datepublished at 10:00 BST 31 February 2022",
    "  5. Nonsensepublished at 99:99 GMT 40 Foo 2022",
    "Postpublished at 14:51 British Summer Time 22 May 2022",
    "  • A bullet point",
    "Jessica Parker",
    "BBC Brussels correspondent",
    "Image caption,",
    "Video content",
    "A full sentence that ends the way sentences do.",
    "Short heading",
    "",
    "   ",
])


@settings(deadline=None, database=None, max_examples=300)
@given(st.lists(PAGE_LINES, max_size=30))
def test_any_arrangement_of_page_lines_parses_or_is_refused_with_a_page_error(lines: list[str]) -> None:
    try:
        parsed = parse_page("\n".join(lines).encode("utf-8"))
    except PageError:
        return
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.title
        assert entry.published_at is None or entry.published_at.utcoffset() == timedelta(0)


@settings(deadline=None, database=None)
@given(st.binary(max_size=400))
def test_any_bytes_parse_or_are_refused_with_a_page_error(raw: bytes) -> None:
    try:
        parse_page(raw)
    except PageError:
        pass



@pytest.mark.parametrize("raw", [b"", b"   \n\n\t \n"], ids=["empty", "blank"])
def test_empty_file_is_refused(raw: bytes) -> None:
    with pytest.raises(PageError, match="empty"):
        parse_page(raw)


def test_binary_file_is_refused() -> None:
    raw = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))
    with pytest.raises(PageError, match="binary"):
        parse_page(raw)


def test_text_without_entries_is_refused() -> None:
    with pytest.raises(PageError, match="no entries"):
        parse_page(b"URL: https://example.com/\n\nJust some words, no live page here.\n")


def test_latin_1_file_loads_with_a_warning() -> None:
    raw = "\n".join([
        "URL: https://feeds.bbci.co.uk/news/live/world-europe-1",
        "",
        "  1. Café owners reopenpublished at 09:15 Greenwich Mean Time 3 March 2022",
        "",
        "    Owners of cafés in the old town say trade is slowly returning after the closures.",
    ]).encode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    parsed = parse_page(raw)
    assert parsed.entries[0].title == "Café owners reopen"
    assert parsed.entries[0].paragraphs == [
        "Owners of cafés in the old town say trade is slowly returning after the closures."
    ]
    assert any("UTF-8" in warning for warning in parsed.warnings)


def test_utf8_byte_order_mark_is_not_part_of_the_text() -> None:
    raw = "\ufeff".encode() + page(
        "  1. Headlinepublished at 09:15 Greenwich Mean Time 3 March 2022",
        "",
        "    A sentence that ends the way sentences do.",
    )
    parsed = parse_page(raw)
    assert parsed.address == "https://feeds.bbci.co.uk/news/live/uk-politics-1?page=2"
    assert parsed.warnings == []


def test_windows_line_endings() -> None:
    raw = page(
        "  1. Headlinepublished at 09:15 Greenwich Mean Time 3 March 2022",
        "",
        "    Jessica Parker",
        "    BBC Brussels correspondent",
        "",
        "    A sentence that ends the way sentences do.",
    ).replace(b"\n", b"\r\n")
    entry = parse_page(raw).entries[0]
    assert entry.title == "Headline"
    assert entry.author == "Jessica Parker"
    assert entry.paragraphs == ["A sentence that ends the way sentences do."]


# --- real pages from the shared coverage, both layouts -------------------------------------

SharedPage = Callable[[str], Path]


def parse_shared(shared_page: SharedPage, name: str) -> ParsedPage:
    return parse_page(shared_page(name).read_bytes())


def test_bst_page_with_one_entry(shared_page: SharedPage) -> None:
    parsed = parse_shared(shared_page, "feeds.bbci.co.uk_news_live_uk-politics-63309400_page-5.txt")
    assert parsed.coverage_key == "uk-politics-63309400"
    assert parsed.page_number == 5
    assert len(parsed.summary) == 8
    assert parsed.summary_kind == "summary"
    assert parsed.summary[0] == "Prime Minister Liz Truss resigns as UK prime minister and leader of the Conservative Party"
    assert len(parsed.entries) == 1
    entry = parsed.entries[0]
    assert entry.title == "Tories no longer have a mandate to govern - Starmer"
    assert entry.published_at == datetime(2022, 10, 20, 13, 0, tzinfo=UTC)
    assert entry.zone == "BST"
    assert entry.paragraphs[0] == "A bit more reaction from Sir Keir Starmer now and his calls for an immediate general election."
    # The picture's caption is not part of what Starmer said.
    assert "Liz Truss walks into Downing St with her husband after resigning" not in entry.paragraphs


def test_older_layout_with_numbered_key_points(shared_page: SharedPage) -> None:
    parsed = parse_shared(shared_page, "www.bbc.com_news_live_business-29991253.txt")
    assert parsed.summary_kind == "key_point"
    assert parsed.summary == [
        "Royal Mail first half profits fall 6%",
        "Seven Australian and New Zealand Bank traders suspended for interest rate rigging",
        "Bank of England's Monetary Policy Committee voted 7 to 2 to hold interest rates at 0.5%",
    ]
    assert [e.title for e in parsed.entries] == ["Post update", "Via Twitter", "Via Email", "Royal Mail profits", "Via Email"]
    assert all(e.published_at is None and e.zone is None for e in parsed.entries)
    assert (parsed.entries[0].author, parsed.entries[0].author_role) == ("Howard Mustoe", "Business reporter")
    assert parsed.entries[0].paragraphs[0].startswith("That's all from today.")
    for text in all_text(parsed):
        lowered = text.lower()
        assert "tv licence" not in lowered, text
        assert "you need one to watch live tv" not in lowered, text
        assert "all times stated are uk" not in lowered, text
        assert "live reporting" not in lowered, text
        assert not lowered.startswith("by howard mustoe"), text


def test_later_page_author_with_place(shared_page: SharedPage) -> None:
    parsed = parse_shared(shared_page, "feeds.bbci.co.uk_news_live_world-europe-60774819_page-3.txt")
    assert len(parsed.summary) == 6
    assert len(parsed.entries) == 1
    entry = parsed.entries[0]
    assert entry.title == "There are no tears left - Mariupol survivor"
    assert entry.published_at == datetime(2022, 3, 18, 15, 52, tzinfo=UTC)
    assert (entry.author, entry.author_role) == ("Hugo Bachega", "BBC News, Lviv")
    assert not any("Hugo Bachega" in p for p in entry.paragraphs)


def test_unnumbered_entry_on_a_sport_page(shared_page: SharedPage) -> None:
    parsed = parse_shared(shared_page, "feeds.bbci.co.uk_sport_live_formula1_58919827_page-6.txt")
    assert parsed.coverage_key == "formula1/58919827"
    assert parsed.page_number == 6
    assert len(parsed.entries) == 1
    entry = parsed.entries[0]
    assert entry.published_at == datetime(2022, 5, 22, 13, 51, tzinfo=UTC)
    assert entry.zone == "BST"
    # Only a consent notice for an embedded tweet follows: there is no text to keep.
    assert not any("Twitter" in p for p in entry.paragraphs)


def test_older_layout_without_numbers(shared_page: SharedPage) -> None:
    parsed = parse_shared(shared_page, "www.bbc.com_news_live_uk-politics-parliaments-39429919.txt")
    assert parsed.summary_kind == "key_point"
    assert len(parsed.summary) == 8
    assert parsed.summary[2] == "PMQs at noon"
    assert [(e.label, e.title) for e in parsed.entries] == [
        (None, "A historic day in Parliament"),
        ("Breaking", "Government defeated on ticket labelling"),
        (None, "Government resists ticket labelling"),
    ]
    first = parsed.entries[0]
    assert first.paragraphs[0] == "That's where we leave our live text coverage of Parliament on what's been a historic day."
    # The picture ("May" / "PA") and the section tags are not text.
    for entry in parsed.entries:
        assert not {"May", "PA", "Digital Economy Bill", "House of Lords", "Parliament"} & set(entry.paragraphs)
    assert parsed.entries[1].paragraphs == [
        "Peers vote 180 to 157 for Conservative Lord Moynihan's amendment requiring more extensive ticket "
        "labelling to deter resale."
    ]


def test_headline_after_a_picture_starts_a_new_entry(shared_page: SharedPage) -> None:
    parsed = parse_shared(shared_page, "www.bbc.co.uk_news_live_uk-politics-parliaments-38237176.txt")
    titles = [e.title for e in parsed.entries]
    assert titles[:3] == ["Lords adjourn", "Volunteers on heritage railways", "'The dark side' of this bill"]
    assert not any("Lord Faulkner" in p for p in parsed.entries[0].paragraphs)


def test_labels_and_authors_on_other_published_at_pages(shared_page: SharedPage) -> None:
    election = parse_shared(shared_page, "feeds.bbci.co.uk_news_live_election-2019-50755004_page-22.txt")
    first = election.entries[0]
    assert (first.label, first.title) == ("Breaking", "Conservatives on course for majority - exit poll predicts")
    assert first.published_at == datetime(2019, 12, 12, 22, 0, tzinfo=UTC)
    assert "Graphic saying Conservatives predicted to win majority" not in first.paragraphs

    night = parse_shared(shared_page, "feeds.bbci.co.uk_news_live_world-europe-60454795_page-24.txt")
    analysis = night.entries[1]
    assert (analysis.label, analysis.title) == ("Analysis", "Putin daring Western leaders to trigger sanctions")
    assert analysis.published_at == datetime(2022, 2, 22, 0, 53, tzinfo=UTC)
    assert (analysis.author, analysis.author_role) == ("Paul Adams", "BBC diplomatic correspondent")


def test_short_bst_zone_name(shared_page: SharedPage) -> None:
    parsed = parse_shared(shared_page, "bbctodays.pages.dev_events_evfwhn_live_c682fx.txt")
    entry = parsed.entries[0]
    assert entry.title == "You've got to Hyde your love away"
    assert entry.published_at == datetime(2017, 7, 3, 14, 57, tzinfo=UTC)
    assert entry.zone == "BST"
    assert entry.paragraphs[0] == "Thanks for joining us today folks."


def test_boilerplate_bullet_is_not_a_key_point(shared_page: SharedPage) -> None:
    parsed = parse_shared(shared_page, "bbctodays.pages.dev_events_evfwhn_live_c682fx.txt")
    assert parsed.summary == [
        "News updates for 3 July 2017",
        "Jay Z and Beyonce register the names Sir and Rumi with US trademark office",
        "Reactions to Adele cancelling final two shows at Wembley",
    ]


def test_embedded_post_notices_are_not_entry_text(shared_page: SharedPage) -> None:
    for name in (
        "feeds.bbci.co.uk_news_live_world-europe-60774819_page-12.txt",
        "bbctodays.pages.dev_events_evfwhn_live_c682fx.txt",
    ):
        parsed = parse_shared(shared_page, name)
        for entry in parsed.entries:
            for paragraph in entry.paragraphs:
                assert "cannot be displayed in your browser" not in paragraph
                assert "not responsible for the content of external sites" not in paragraph


def test_every_shared_page_parses(coverage_dir: Path) -> None:
    pages = sorted(coverage_dir.glob("*.txt"))
    assert pages
    for path in pages:
        parsed = parse_page(path.read_bytes())
        assert parsed.entries, path.name
        assert parsed.address, path.name
        for entry in parsed.entries:
            assert entry.title.strip(), path.name
            assert "published at" not in entry.title.lower(), (path.name, entry.title)
            assert entry.published_at is None or entry.published_at.utcoffset() == timedelta(0)
            for paragraph in entry.paragraphs:
                assert paragraph == paragraph.strip() and paragraph, (path.name, entry.title)
                assert "image source," not in paragraph.lower(), (path.name, paragraph)


def test_only_a_web_address_becomes_the_pages_link() -> None:
    page = parse_page(b"URL: javascript:alert(1)\n\n  1. Titlepublished at 13:11 Greenwich Mean Time 21 February 2022\n\n    Some text here.\n")
    assert page.address is None
    assert any("not an http(s) address" in warning for warning in page.warnings)
    assert parse_page(b"URL: https://www.bbc.co.uk/news/live/x\n\n  1. Title\n\n    Text.\n").address == "https://www.bbc.co.uk/news/live/x"
