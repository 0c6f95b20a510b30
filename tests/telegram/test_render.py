"""bot/telegram/render.py as plain functions: escaping, Telegram HTML validity, splitting, buttons.

Every message is checked with the stand-in Bot API's validator, which follows Telegram's
parse_mode=HTML rules (allowed tags, balanced nesting, entities, 4096 characters after parsing).
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answerer_cache import build_answerer
from bot.answers import Answer, Answerer, Citation
from bot.db import create_schema, make_engine
from bot.loader.run import load_paths
from bot.telegram.render import (
    MAX_CALLBACK_DATA,
    MAX_MESSAGE,
    MORE_PREFIX,
    answer_blocks,
    citation_html,
    more_keyboard,
    more_token,
    parse_more,
    split_messages,
)
from tests.support.fake_bot_api import validate_telegram_html

PROJECT = Path(__file__).resolve().parents[2]
KNOWLEDGE = PROJECT / "knowledge"
SEED_QUESTIONS = PROJECT / "tests" / "data" / "seed_questions.jsonl"
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
# html.escape (quote=True) grows these; everything else keeps its length.
ESCAPABLE = "<>&\"'"
HOSTILE = '<b>Bold</b> & <script>alert("x")</script> AT&T 🚀😀 it\'s &amp; &nbsp; </i>'
WHEN = datetime(2022, 2, 21, 13, 11, tzinfo=UTC)
CITATION_FIELDS = {f.name for f in dataclasses.fields(Citation)}


def citation(title: str = "Title", excerpt: tuple[str, ...] = ("A sentence.",), *, kind: str = "entry",
             ref: str = "e1", author: str | None = "Jessica Parker",
             author_role: str | None = "BBC Brussels correspondent",
             address: str | None = "https://feeds.bbci.co.uk/news/live/world-europe-60454795?page=28",
             label: str | None = None, published_at: datetime | None = WHEN, **extra: object) -> Citation:
    return Citation(kind=kind, ref=ref, title=title, published_at=published_at, zone="GMT",
                    author=author, author_role=author_role, address=address,
                    coverage_title="Coverage", excerpt=list(excerpt), label=label, **extra)


def render(answer: Answer, limit: int = MAX_MESSAGE) -> list[str]:
    return split_messages(answer_blocks(answer), limit)


def assert_valid(messages: list[str], limit: int = MAX_MESSAGE) -> None:
    assert messages, "an answer must produce at least one message"
    for message in messages:
        assert validate_telegram_html(message) == [], message[:300]
        assert len(message) <= limit, len(message)


def visible_text(html_text: str) -> str:
    """What the reader sees: tags dropped, entities decoded (valid HTML assumed)."""
    return unescape(TAG.sub("", html_text))


# --- rendering real answers from the shipped coverage ------------------------------------------


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('render') / 'render.db'}")
    create_schema(engine)
    report = load_paths(engine, [KNOWLEDGE])
    assert not report.failed, report.summary_line()
    return build_answerer(engine)


def _questions() -> list[str]:
    questions = [
        "What did Peskov say about the summit?", "bitcoin price", "What's the latest?",
        "What are the key points?", "What happened at 12:58?", "kill list", "", "   ",
        "Who is firing at who in the Donbas?", HOSTILE, "What did Peskov say? " * 300,
    ]
    if SEED_QUESTIONS.exists():
        questions += [json.loads(line)["q"] for line in SEED_QUESTIONS.read_text().splitlines() if line.strip()]
    return questions


def test_every_real_answer_renders_to_valid_messages(answerer: Answerer) -> None:
    answers = [answerer.answer(q) for q in _questions()]
    answers += [answerer.search(q, 10) for q in ("Peskov", "Ukraine", "kill list")]
    answers += [answerer.latest(n) for n in (1, 3, 5, 20)]
    answers += [answerer.key_points(), answerer.resolve(["e1", "e2", "e3", "e4", "s1", "e999999"])]
    answers += [answerer.resolve([])]
    for answer in answers:
        assert_valid(render(answer))
        for c in answer.citations:
            assert validate_telegram_html(citation_html(c)) == []


def test_latest_twenty_is_split_between_blocks_in_order(answerer: Answerer) -> None:
    answer = answerer.latest(20)
    blocks = answer_blocks(answer)
    messages = render(answer)
    assert len(messages) >= 2, "20 cited entries do not fit in one message"
    assert_valid(messages)
    # Nothing lost, nothing reordered, nothing cut: the messages are the blocks, regrouped.
    assert "\n\n".join(messages) == "\n\n".join(blocks)
    numbers = [int(n) for m in messages for n in re.findall(r"^(\d+)\. <b>", m, re.MULTILINE)]
    assert numbers == list(range(1, 21))


def test_key_points_render_as_bullets_with_one_source(answerer: Answerer) -> None:
    (message,) = render(answerer.key_points())
    assert_valid([message])
    assert message.startswith("The key points:")
    assert message.count("• ") == 8
    assert message.count(">Source</a>") == 1


# --- escaping ----------------------------------------------------------------------------------


def test_hostile_citation_is_escaped_and_shown_verbatim() -> None:
    extra = {"said_by": "Dmitry <u>Peskov</u> & co"} if "said_by" in CITATION_FIELDS else {}
    c = citation(title=HOSTILE, excerpt=(HOSTILE, "x < y && z > 0 😀"), author="A <b>&amp; B</b>",
                 author_role="R&D <i>", label="Breaking<br>",
                 address='https://example.org/?a=1&b=<2>&c="3"', **extra)
    html_text = citation_html(c, 1)
    assert validate_telegram_html(html_text) == []
    # Only the renderer's own tags survive: <b> title, <i> author, <a> source.
    assert {m[2] for m in TAG.finditer(html_text)} == {"b", "i", "a"}
    assert "<script>" not in html_text and "&lt;script&gt;" in html_text
    shown = visible_text(html_text)
    assert f"1. [Breaking<br>] {HOSTILE}" in shown
    assert f"‘{HOSTILE}’" in shown and "“x < y && z > 0 😀”" in shown
    assert "A <b>&amp; B</b>, R&D <i>" in shown
    assert "🚀😀" in shown
    if extra:
        assert "Dmitry <u>Peskov</u> & co:" in shown
    href = re.search(r'<a href="([^"]*)">Source</a>', html_text)[1]
    assert unescape(href) == 'https://example.org/?a=1&b=<2>&c="3"'


@pytest.mark.parametrize("kind", ["summary", "key_point"])
def test_hostile_key_point_is_escaped(kind: str) -> None:
    points = [citation(HOSTILE, (), kind=kind, ref="s1"), citation("Plain & simple", (), kind=kind, ref="s2")]
    answer = Answer("/summary", "key_points", "The key points <now> & then:", points)
    (message,) = render(answer)
    assert_valid([message])
    assert visible_text(message).splitlines()[:4] == [
        "The key points <now> & then:", "", f"• {HOSTILE}", "• Plain & simple"]
    inline = citation_html(points[0])  # what an inline result posts for a key point
    assert inline.startswith("• ") and "<script>" not in inline
    assert validate_telegram_html(inline) == [] and visible_text(inline) == f"• {HOSTILE}"


def test_citation_without_optional_fields() -> None:
    c = citation("No time, no author", (), author=None, author_role=None, address=None, published_at=None)
    html_text = citation_html(c)
    assert validate_telegram_html(html_text) == []
    assert visible_text(html_text) == "No time, no author\ntime not given"


def test_lead_is_escaped_and_abstention_has_no_citation() -> None:
    (message,) = render(Answer("q", "none", "Nothing <found> & sorry", []))
    assert message == "Nothing &lt;found&gt; &amp; sorry"
    assert_valid([message])


# --- splitting ----------------------------------------------------------------------------------


def test_many_long_blocks_never_exceed_the_limit_or_split_a_tag() -> None:
    long_sentence = "The Kremlin said there were no concrete plans for a summit 🚀. " * 40  # ~2,600 chars
    citations = [citation(f"Entry {n} & <more>", (long_sentence, long_sentence[:900]), ref=f"e{n}",
                          label="Breaking" if n % 3 == 0 else None) for n in range(1, 16)]
    citations.append(citation("T" * 9000, (long_sentence * 3,), ref="e99"))  # one pathological block
    answer = Answer("q", "topic", "Here is what the coverage says:", citations)
    messages = render(answer)
    assert len(messages) > 5
    assert_valid(messages)
    for message in messages:
        # Each message stands alone: every tag opened in it is closed in it.
        opened = [m[2] for m in TAG.finditer(message) if not m[1]]
        closed = [m[2] for m in TAG.finditer(message) if m[1]]
        assert sorted(opened) == sorted(closed)


def test_blocks_that_fit_are_packed_greedily_and_kept_whole() -> None:
    blocks = ["a" * 2000, "b" * 2000, "c" * 2000, "d" * 96, "e" * 4096]
    messages = split_messages(blocks)
    assert messages == ["a" * 2000 + "\n\n" + "b" * 2000, "c" * 2000 + "\n\n" + "d" * 96, "e" * 4096]


# Text fragments; "\n" is left out here and tested on its own below.
FRAGMENTS = ["Kremlin", "Peskov", " ", "summit", "“quote”", "🚀", "😀", "Ü", "AT&T", "<b>", "</i>",
             "<script>", "&amp;", "a < b", '"', "'", ".", "x" * 120, "word " * 60]
SAFE_FRAGMENTS = [f for f in FRAGMENTS if not any(ch in f for ch in ESCAPABLE)]


def _fields(fragments: list[str]) -> st.SearchStrategy[str]:
    short = st.lists(st.sampled_from(fragments), max_size=12).map("".join)
    long = st.tuples(st.sampled_from(fragments), st.integers(1, 400)).map(lambda t: t[0] * t[1])
    return st.one_of(short, short, long)


def _citations(fragments: list[str]) -> st.SearchStrategy[Citation]:
    field = _fields(fragments)
    return st.builds(
        citation,
        title=field.filter(str.strip),
        excerpt=st.lists(field, max_size=3).map(tuple),
        author=st.one_of(st.none(), field),
        author_role=st.one_of(st.none(), field),
        label=st.one_of(st.none(), st.sampled_from(["Breaking", "Analysis", "<b>&"])),
        ref=st.integers(1, 10**6).map(lambda n: f"e{n}"),
        **({"said_by": st.one_of(st.none(), field)} if "said_by" in CITATION_FIELDS else {}),
    )


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(citations=st.lists(_citations(FRAGMENTS), min_size=1, max_size=20),
       limit=st.sampled_from([MAX_MESSAGE, 1000, 300]))
def test_split_property_valid_html_and_fits_telegram(citations: list[Citation], limit: int) -> None:
    answer = Answer("q", "topic", "Here is what the coverage says:", citations)
    blocks = answer_blocks(answer)
    messages = render(answer, limit)
    for message in messages:
        assert validate_telegram_html(message) == [], message[:300]
        assert len(visible_text(message)) <= limit
    if all(len(b) <= limit for b in blocks):
        assert "\n\n".join(messages) == "\n\n".join(blocks)
        assert all(len(m) <= limit for m in messages)


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(citations=st.lists(_citations(SAFE_FRAGMENTS), min_size=1, max_size=20),
       limit=st.sampled_from([MAX_MESSAGE, 1000, 300]))
def test_split_property_raw_length_within_limit(citations: list[Citation], limit: int) -> None:
    messages = render(Answer("q", "topic", "Here is what the coverage says:", citations), limit)
    assert all(len(m) <= limit for m in messages)
    assert all(validate_telegram_html(m) == [] for m in messages)


def test_overlong_line_of_escapable_characters_stays_within_raw_limit() -> None:
    messages = render(Answer("q", "topic", "lead", [citation("&" * 5000, ("<" * 5000,))]))
    assert all(validate_telegram_html(m) == [] for m in messages)  # valid for Telegram today
    assert all(len(m) <= MAX_MESSAGE for m in messages)  # fails: a 8,190-character message


def test_overlong_block_with_newline_inside_a_tag_is_not_split_inside_the_tag() -> None:
    messages = render(Answer("q", "topic", "lead", [citation("Line\n" * 1500)]))
    assert all(validate_telegram_html(m) == [] for m in messages)


# --- the "More" button --------------------------------------------------------------------------


def test_more_keyboard_round_trips() -> None:
    refs = ["e20", "e14", "e11", "s19", "e4"]
    keyboard = more_keyboard(refs)
    (row,) = keyboard.inline_keyboard
    (button,) = row
    assert button.text == "More"
    assert button.callback_data == "more:e20,e14,e11,s19,e4"
    assert parse_more(button.callback_data) == refs


def test_more_keyboard_absent_without_refs_or_when_nothing_fits() -> None:
    assert more_keyboard([]) is None
    assert more_keyboard(["e" + "9" * 64]) is None


@settings(database=None)
@given(refs=st.lists(st.tuples(st.sampled_from("es"), st.integers(0, 10**18)).map(lambda t: f"{t[0]}{t[1]}"),
                     max_size=40))
def test_more_keyboard_property(refs: list[str]) -> None:
    keyboard = more_keyboard(refs)
    if keyboard is None:
        assert not refs or len((MORE_PREFIX + refs[0]).encode()) > MAX_CALLBACK_DATA
        return
    data = keyboard.inline_keyboard[0][0].callback_data
    assert len(data.encode()) <= MAX_CALLBACK_DATA
    taken = parse_more(data)
    assert taken and taken == refs[: len(taken)]  # a prefix, best results first
    if len(taken) < len(refs):  # it stopped only because the next ref would not fit
        assert len((data + "," + refs[len(taken)]).encode()) > MAX_CALLBACK_DATA


@pytest.mark.parametrize(("data", "refs"), [
    ("more:e1,s2", ["e1", "s2"]),
    ("more:e1,,x3,e,s,e4;", ["e1"]),
    ("more:", []),
    ("other:e1", []),
    ("", []),
])
def test_parse_more_ignores_junk(data: str, refs: list[str]) -> None:
    assert parse_more(data) == refs


def test_a_key_point_among_entries_is_a_bullet_and_the_entries_count_on() -> None:
    from bot.telegram.render import entry_numbers

    kinds = [SimpleNamespace(kind=k) for k in ("entry", "key_point", "entry")]
    assert entry_numbers(kinds) == [1, None, 2]


def test_a_sentence_that_quotes_someone_is_not_wrapped_in_more_double_quotes() -> None:
    from bot.retrieval.excerpt import quoted

    assert quoted('He called it a “diplomatic off ramp”.') == '‘He called it a “diplomatic off ramp”.’'
    assert quoted("Talks resume today.") == "“Talks resume today.”"


def test_more_keyboard_carries_its_question_token() -> None:
    keyboard = more_keyboard(["e20", "e14"], "a1b2c3d4")
    data = keyboard.inline_keyboard[0][0].callback_data
    assert data == "more:a1b2c3d4:e20,e14"
    assert parse_more(data) == ["e20", "e14"] and more_token(data) == "a1b2c3d4"
    assert more_token("more:e20,e14") == ""  # buttons sent before tokens existed
