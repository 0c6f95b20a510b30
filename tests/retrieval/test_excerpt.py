"""Excerpts quote the entry's own sentences: verbatim, never invented, never cut mid-word."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers import Answerer
from bot.loader.page_text import parse_page
from bot.retrieval.excerpt import MAX_CHARS, excerpt, sentences, shorten
from bot.retrieval.text import stem

QUESTIONS = [
    "What did the EU agree on military training for Ukraine?",
    "combat troops",
    "Who is firing at who in the Donbas?",
    "How much money does Putin promise evacuees?",
    "What did Peskov say about the summit?",
    "Kremlin",
    "kill list",
    "Belarus troops withdrawal",
    "airlines flights Kyiv",
    "Biden Putin summit",
]


def is_word_char(ch: str) -> bool:
    return ch.isalnum()


def assert_verbatim_and_whole_words(piece: str, paragraphs: list[str] | tuple[str, ...], limit: int = MAX_CHARS) -> None:
    """`piece` is a run of whole words of one paragraph; a cut one ends in "…" after a whole word."""
    assert piece and piece == piece.strip()
    assert len(piece) <= limit
    quoted = piece[:-1].rstrip() if piece.endswith("…") and not any(piece in p for p in paragraphs) else piece
    for paragraph in paragraphs:
        start = paragraph.find(quoted)
        while start >= 0:
            end = start + len(quoted)
            starts_clean = start == 0 or not is_word_char(paragraph[start - 1])
            ends_clean = end == len(paragraph) or not is_word_char(paragraph[end])
            if starts_clean and ends_clean:
                return
            start = paragraph.find(quoted, start + 1)
    raise AssertionError(f"not a whole-word quote of the entry: {piece!r}")


@pytest.fixture(scope="module")
def seed_entries(seed_page: Path):
    return parse_page(seed_page.read_bytes()).entries


@pytest.fixture(scope="module")
def answerer(answerer_for, knowledge_dir: Path) -> Answerer:
    return answerer_for("sqlite://", [knowledge_dir])[0]


def test_without_a_question_the_lead_sentence(seed_entries) -> None:
    first = seed_entries[0]
    assert excerpt(first.paragraphs) == [
        "Ukraine’s foreign minister has told reporters that the EU has agreed to provide some “advisory” military training."
    ]


def test_the_sentence_that_answers_the_question(seed_entries) -> None:
    first = seed_entries[0]
    weights = {stem("combat"): 3.0, stem("troops"): 2.0}
    chosen = excerpt(first.paragraphs, weights)
    assert "He was clear the agreement didn’t involve combat troops; the EU of course doesn’t have an army." in chosen


def test_two_sentences_keep_their_order_in_the_entry(seed_entries) -> None:
    evacuees = seed_entries[9]
    weights = {stem("roubles"): 3.0, stem("train"): 2.0}
    chosen = excerpt(evacuees.paragraphs, weights)
    assert len(chosen) == 2
    text = " ".join(evacuees.paragraphs)
    assert text.index(chosen[0]) < text.index(chosen[1])


def test_every_seed_excerpt_is_a_whole_word_quote(seed_entries, answerer: Answerer) -> None:
    index = answerer.searcher.index
    for question in QUESTIONS:
        weights = {item.term: index.idf_of(item.term) * item.weight for item in index.query_terms(question)}
        for entry in seed_entries:
            for piece in excerpt(entry.paragraphs, weights):
                assert_verbatim_and_whole_words(piece, entry.paragraphs)


def test_answers_quote_their_entries(answerer: Answerer) -> None:
    by_ref = {f"e{d.row_id}": d for d in answerer.documents if d.kind == "entry"}
    for question in QUESTIONS:
        answer = answerer.answer(question)
        for citation in answer.citations:
            if citation.kind != "entry":
                assert citation.excerpt == []
                continue
            if answer.mode == "topic":
                # One or two of the entry's sentences, within the excerpt's length.
                assert 1 <= len(citation.excerpt) <= 2
                limit = MAX_CHARS
            else:
                # "What did X say": the sentences holding X's words, up to three of 400 characters.
                assert 1 <= len(citation.excerpt) <= 3
                limit = 400
            for piece in citation.excerpt:
                assert_verbatim_and_whole_words(piece, by_ref[citation.ref].paragraphs, limit=limit)


def test_sentences_are_split_without_losing_text(seed_entries) -> None:
    for entry in seed_entries:
        for paragraph in entry.paragraphs:
            pieces = sentences([paragraph])
            assert " ".join(pieces).split() == paragraph.split()
            for piece in pieces:
                assert piece in paragraph


def test_shorten_cuts_at_a_word_boundary() -> None:
    text = "The Kremlin has said there are no concrete plans in place for a summit over Ukraine between the presidents."
    cut = shorten(text, 50)
    assert len(cut) <= 50
    assert cut.endswith("…")
    assert cut == "The Kremlin has said there are no concrete plans…"
    assert shorten(text, len(text)) == text


WORDS = st.sampled_from([
    "Kremlin", "said", "the", "talks", "U.S.", "Mr", "troops", "a", "\"quoted\"", "(aside)", "Kyiv’s",
    "10,000", "£100", "3.5%", "over.", "now!", "why?", "so…", "‘fine’", "—", "-", "co-operation",
    "déjà", "Zelensky.", "long-winded", "x" * 14,
])
PARAGRAPH = st.lists(WORDS, min_size=1, max_size=70).map(" ".join)
TERMS = st.sampled_from([stem(w) for w in ("kremlin", "talks", "troops", "said", "zelensky", "quoted", "fine")])


@settings(deadline=None, database=None)
@given(
    paragraphs=st.lists(PARAGRAPH, min_size=1, max_size=4),
    weights=st.dictionaries(TERMS, st.floats(0.1, 5.0), max_size=3),
    limit=st.integers(60, 400),
)
def test_any_excerpt_is_a_whole_word_quote(paragraphs: list[str], weights: dict[str, float], limit: int) -> None:
    chosen = excerpt(paragraphs, weights or None, limit)
    assert 1 <= len(chosen) <= 2
    for piece in chosen:
        assert_verbatim_and_whole_words(piece, paragraphs, limit)


def test_no_text_no_excerpt() -> None:
    assert excerpt([]) == []
    assert excerpt([], {"kremlin": 1.0}) == []
