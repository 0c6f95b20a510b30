"""Properties that must hold for any input, checked with hypothesis.

- Whatever bytes a coverage file holds, `parse_page` either parses it or raises PageError.
- Whatever a user sends, the answer renders as valid Telegram HTML in messages of at most
  4096 characters, and answering changes nothing in the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.answerer_cache import AnswererCache
from bot.answers import Answer, Answerer
from bot.changes import content_version
from bot.db import create_schema, make_engine
from bot.loader.page_text import PageError, ParsedPage, parse_page
from bot.loader.run import load_paths
from bot.telegram.render import MAX_MESSAGE, answer_blocks, split_messages
from tests.support.fake_bot_api import validate_telegram_html

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

PARSE_SETTINGS = settings(SETTINGS, max_examples=200)  # parsing a small page costs ~1 ms

# --- parse_page: any bytes -------------------------------------------------------------------

MONTHS = ["January", "February", "Feb", "March", "Sept", "December", "Smarch", "may", "JUNE"]
ZONES = ["Greenwich Mean Time", "British Summer Time", "GMT", "BST", "gmt", "UTC", ""]
YEARS = ["2022", "1999", "0000", "0001", "9999", "22", "20222", "٢٠٢٢"]


@st.composite
def stamps(draw: st.DrawFn) -> str:
    hour = draw(st.sampled_from(["00", "9", "13", "23", "24", "99", "1", ""]))
    minute = draw(st.sampled_from(["00", "5", "59", "60", "", "٣٠"]))
    day = draw(st.sampled_from(["1", "21", "29", "31", "0", "32", "99"]))
    parts = [f"{hour}:{minute}", draw(st.sampled_from(ZONES)), day, draw(st.sampled_from(MONTHS)), draw(st.sampled_from(YEARS))]
    cut = draw(st.integers(1, len(parts)))  # stamps cut off by the end of an excerpt
    return "published at " + " ".join(parts[:cut])


BULLETS = ["•", "-", "*", "\u2022", "·"]
FURNITURE = [
    "Summary", "Key points", "Live Reporting", "Got a TV Licence?", "Find out more", "All times stated are UK",
    "Get involved", "Image source, Reuters", "Image caption,", "Media caption,", "Video content",
    "Video caption: A caption", "Breaking", "Analysis", "External", "Allow Twitter content?",
    "Quote Message: We will not give up.", "Edited by Someone", "By Somebody", "Jessica Parker",
    "BBC Brussels correspondent", "", " ", "\t", "published at", "1.", "  •  ", "- ",
]


@st.composite
def page_lines(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 6))
    free = draw(st.text(max_size=60))
    if kind == 0:
        return draw(st.sampled_from(["URL: ", "Title: ", "url:", "TITLE:\t"])) + free
    if kind == 1:
        number = draw(st.sampled_from(["1", "2", "10", "9999", "10000", "0", "٣"]))
        title = draw(st.text(max_size=40))
        stamp = draw(st.one_of(st.just(""), stamps()))
        return f"{draw(st.sampled_from(['', ' ', '  ', '   ', '    ']))}{number}. {title}{stamp}"
    if kind == 2:
        bullet = draw(st.sampled_from(BULLETS))
        return f"  {bullet} {free}"
    if kind == 3:
        return draw(st.sampled_from(FURNITURE))
    if kind == 4:
        return f"{free}{draw(stamps())}"
    if kind == 5:
        return "    " + free
    return free


@st.composite
def page_bytes(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(page_lines(), max_size=40))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    raw = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(raw)))  # a file cut off anywhere, mid-character included
        raw = raw[:cut]
    return raw


def check_parsed(parsed: ParsedPage) -> None:
    assert parsed.entries
    assert parsed.summary_kind in ("summary", "key_point")
    assert parsed.page_number >= 0
    for entry in parsed.entries:
        assert isinstance(entry.title, str) and entry.title
        assert all(isinstance(paragraph, str) for paragraph in entry.paragraphs)
        if entry.published_at is not None:
            assert entry.published_at.tzinfo is not None
            assert entry.published_at.utcoffset() == UTC.utcoffset(None)
            assert entry.zone in ("GMT", "BST")
    assert all(isinstance(warning, str) and warning for warning in parsed.warnings)


def parse_or_refuse(raw: bytes) -> None:
    try:
        parsed = parse_page(raw)
    except PageError as exc:
        assert str(exc), "a refusal must say why"
        return
    check_parsed(parsed)


@PARSE_SETTINGS
@given(raw=st.binary(max_size=5000))
@example(raw=b"")
@example(raw=b"\x00")
@example(raw=b"\xff\xfe" + "  1. Title".encode("utf-16-le"))
def test_any_bytes_parse_or_raise_page_error(raw: bytes) -> None:
    parse_or_refuse(raw)


@PARSE_SETTINGS
@given(text=st.text(max_size=3000))
@example(text="Live Reporting")
@example(text="Live Reporting\n\nLive Reporting\n")
@example(text="  1. published at")
@example(text="URL: https://www.bbc.co.uk/news/live/x?page=99999999999999999999")
def test_any_text_parses_or_raises_page_error(text: str) -> None:
    parse_or_refuse(text.encode("utf-8"))


@PARSE_SETTINGS
@given(raw=page_bytes())
@example(raw=b"  1. Title published at 10:00 GMT 31 February 2022\n\n    Body.")
@example(raw=b"Live Reporting\n\nHeadline here\n\nA sentence that is long enough to end.\n")
@example(raw=b"  1. Analysis\n\n    Titlepublished at 10:00 GMT 3 March 2022\n")
@example(raw=b"  1. Year onepublished at 00:30 BST 1 January 0001\n\n    Body.")
def test_page_shaped_input_parses_or_raises_page_error(raw: bytes) -> None:
    parse_or_refuse(raw)


# --- answering: any question -----------------------------------------------------------------


@dataclass
class Loaded:
    engine: Engine
    answerers: AnswererCache
    answerer: Answerer


@pytest.fixture(scope="module")
def loaded() -> Iterator[Loaded]:
    engine = make_engine("sqlite://")
    create_schema(engine)
    report = load_paths(engine, [KNOWLEDGE])
    assert report.count("loaded") == 1 and not report.failed
    # Every question goes through the answerer cache's database check (refresh: in this thread,
    # since an in-memory database is one connection), as in the bot.
    answerers = AnswererCache(engine, check_every=0)
    yield Loaded(engine, answerers, answerers.answerer())
    engine.dispose()


TOPICAL = ["Peskov", "summit", "Kuleba", "kill list", "EU", "training", "Donbas", "sanctions", "Biden", "Putin",
           "latest", "key points", "at 10:20", "around 9am", "before 9", "who said", "what did Peskov say about"]
MARKUP = ["<b>", "</b>", "</i>", "<a href=\"javascript:x\">", "<script>alert(1)</script>", "&amp;", "&nbsp;", "&#0;",
          "&", "<", ">", "\"", "'", "**bold**", "__under__", "`code`", "```pre```", "[link](http://x)", "~~s~~",
          "||spoiler||", "<pre><code>", "<tg-spoiler>", "\\", "_*[]()~`>#+-=|{}.!"]
SQL = ["'; DROP TABLE entry; --", "\" OR 1=1 --", "' OR '1'='1", "1; DELETE FROM summarypoint", "UNION SELECT * FROM page",
       "'); UPDATE contentversion SET version = 0; --", "%", "_", "%%", "\\'", "/* */", "; TRUNCATE speaker CASCADE",
       "Robert'); DROP TABLE quote;--", "SELECT pg_sleep(10)", "' AND randomblob(1000000000) --"]
EMOJI = ["😀", "🚀", "🇺🇦", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "❤️", "🔥", "\u200d", "\ufe0f", "🤷‍♀️"]
RTL = ["\u202e", "\u202b", "\u200f", "\u2067", "\u2069", "بيسكوف", "القمة", "שלום", "פסקוב", "کیف", "ܫܠܡܐ"]
CONTROL = st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Co"])


def joined(parts: st.SearchStrategy[str], max_size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(parts, min_size=1, max_size=max_size).map(lambda xs: " ".join(xs))


QUESTIONS = st.one_of(
    st.text(max_size=300),  # any unicode
    st.text(min_size=1, max_size=40).map(lambda s: (s * (10_000 // len(s) + 1))[:10_000]),  # 10,000 characters
    joined(st.sampled_from(TOPICAL) | st.text(max_size=10)).map(lambda s: (s + " ") * (10_000 // (len(s) + 1) + 1)),
    joined(st.sampled_from(TOPICAL) | st.text(alphabet=CONTROL, max_size=5)),  # control characters
    joined(st.sampled_from(RTL + TOPICAL[:4])),  # right-to-left text
    joined(st.sampled_from(EMOJI), max_size=30),  # only emoji
    joined(st.sampled_from(MARKUP + TOPICAL)),  # HTML and Markdown syntax
    joined(st.sampled_from(SQL + TOPICAL)),  # SQL-looking text
)


def rendered_messages(answer: Answer) -> list[str]:
    messages = split_messages(answer_blocks(answer))
    assert messages, "an answer must produce at least one message"
    for message in messages:
        assert len(message) <= MAX_MESSAGE, len(message)
        assert validate_telegram_html(message) == [], message[:500]
    return messages


@SETTINGS
@given(question=QUESTIONS)
@example(question="What did Peskov say about the summit?")
@example(question="x" * 10_000)
@example(question="Peskov " * 1500)
@example(question="\x00\x01\x02\x1b[31m\u0085\u2028\u2029")
@example(question="\u202eTIMMUS EHT TUOBA YAS VOKSEP DID TAHW")
@example(question="🇺🇦🇷🇺👨‍👩‍👧‍👦")
@example(question="<b>Peskov</b> & <script>alert('x')</script> summit &amp; </i>")
@example(question="**Kuleba** [EU](http://x) `training`")
@example(question="")
@example(question="   \n\t  ")
def test_any_question_renders_as_valid_telegram_html(loaded: Loaded, question: str) -> None:
    answer = loaded.answerers.refresh().answer(question)
    rendered_messages(answer)
    # The inline mode's longer list and /who's word split go through the same rendering.
    rendered_messages(loaded.answerer.search(question))
    rendered_messages(loaded.answerer.who_from_words(question.split()[:20] or ["x"]))


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


@SETTINGS
@given(question=joined(st.sampled_from(SQL + TOPICAL + ["'", '"', ";", "--"]), max_size=8))
@example(question="'; DROP TABLE entry; --")
@example(question="Peskov'); DELETE FROM entry WHERE ('1'='1")
@example(question="summit\"; UPDATE contentversion SET version = version + 1; --")
def test_sql_looking_questions_change_nothing_in_the_database(loaded: Loaded, question: str) -> None:
    before = table_counts(loaded.engine)
    version = content_version(loaded.engine)
    assert before["entry"] == 20 and before["summarypoint"] == 8
    rendered_messages(loaded.answerers.refresh().answer(question))
    rendered_messages(loaded.answerer.who_from_words(question.split()))
    assert table_counts(loaded.engine) == before
    assert content_version(loaded.engine) == version
