"""Ranking over the shipped coverage: typos, names, times of day, and saying nothing when nothing fits."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.answers import NOTHING_FOUND, Answer, Answerer
from bot.retrieval.question import classify
from bot.retrieval.text import stem
from bot.times import local_time

KULEBA_TITLES = {"Ukraine urges EU to take action", "EU agrees to provide Ukraine with 'advisory' military training"}


@pytest.fixture(scope="module")
def answerer(answerer_for, knowledge_dir: Path) -> Answerer:
    answerer, report = answerer_for("sqlite://", [knowledge_dir])
    assert not report.failed
    return answerer


def clock(answer: Answer) -> list[str]:
    return [local_time(c.published_at, c.zone).strftime("%H:%M") if c.published_at else "-" for c in answer.citations]


def minutes(citation) -> int:
    local = local_time(citation.published_at, citation.zone)
    return local.hour * 60 + local.minute


# --- spelling ------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["Kul\u00adeba", "Ku\u200bleba", "\uff2b\uff55\uff4c\uff45\uff42\uff41", "\ufeffKuleba"])
def test_invisible_and_full_width_characters_do_not_break_a_word(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.citations and answer.citations[0].title in KULEBA_TITLES


@pytest.mark.parametrize("question", ["kulebba", "Dmytro Kulebba"])
def test_a_misspelt_name_finds_its_entries(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.mode == "topic"
    assert answer.citations[0].title in KULEBA_TITLES
    assert KULEBA_TITLES <= {c.title for c in answer.citations}


def test_a_misspelt_name_in_a_question_about_what_they_said(answerer: Answerer) -> None:
    answer = answerer.answer("What did kulebba say?")
    assert answer.citations
    assert answer.citations[0].title in KULEBA_TITLES
    assert {c.title for c in answer.citations} <= KULEBA_TITLES


def test_a_misspelt_word_is_mapped_onto_the_coverage_vocabulary(answerer: Answerer) -> None:
    [term] = answerer.searcher.index.query_terms("kulebba")
    assert term.term == stem("kuleba")
    assert term.typed == "kulebba"
    # A guess counts for less than a word typed right.
    assert 0.8 < term.weight < 1.0


@pytest.mark.parametrize("question", ["chernobil", "What happened at chernobil?"])
def test_a_misspelt_place_finds_the_summary_point(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    first = answer.citations[0]
    assert first.kind == "summary"
    assert "Chernobyl" in first.title
    assert first.published_at is None


def test_typos_in_several_words(answerer: Answerer) -> None:
    answer = answerer.answer("lufthansa flights ukrane")
    assert answer.citations[0].title == "Ukrainian airspace remains open, government insists"
    answer = answerer.answer("wat did peskov say abut the sumit")
    assert answer.citations[0].title in {
        "Kremlin says no concrete plans in place for summit",
        "Ukraine welcomes reports of US-Russia summit",
        "Kremlin dismisses kill list as ‘absolute lie’",
    }


# --- topics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("What did the EU agree on military training for Ukraine?", "EU agrees to provide Ukraine with 'advisory' military training"),
        ("Belarus", "Thousands of Russian troops remain in Belarus"),
        ("How many civilians were evacuated?", "Over 60,000 civilians evacuated from rebel held areas, Moscow says"),
        ("Tell me about the kill list", "Kremlin dismisses kill list as ‘absolute lie’"),
        ("borrel", "Talks 'badly needed' to avoid war - EU"),
    ],
)
def test_topic_questions(answerer: Answerer, question: str, title: str) -> None:
    answer = answerer.answer(question)
    assert answer.mode == "topic"
    assert answer.citations[0].title == title


def test_a_question_about_an_author_cites_their_entries(answerer: Answerer) -> None:
    answer = answerer.answer("What did Jessica Parker report?")
    assert {c.author for c in answer.citations} == {"Jessica Parker"}
    assert len(answer.citations) == 2


def test_ranking_is_deterministic(answerer: Answerer) -> None:
    first = answerer.answer("Kremlin")
    second = answerer.answer("Kremlin")
    assert [c.ref for c in first.citations] == [c.ref for c in second.citations]
    assert first.more == second.more


def test_the_latest_on_a_topic_puts_the_newest_relevant_entry_first(answerer: Answerer) -> None:
    answer = answerer.answer("What's the latest on the kill list?")
    assert clock(answer)[:2] == ["12:20", "09:36"]


# --- saying nothing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "What is the weather in Paris tomorrow?",
        "Who won the football match last night?",
        "Tell me about bitcoin prices",
        "Who won Strictly Come Dancing?",
        "How do I renew my passport?",
        "recipe for banana bread",
        "asdfgh qwerty",
        "the",
    ],
)
def test_off_topic_questions_abstain(answerer: Answerer, question: str) -> None:
    ranking = answerer.searcher.rank(classify(question))
    assert ranking.abstained
    answer = answerer.answer(question)
    assert answer.abstained
    assert answer.mode == "none"
    assert answer.lead == NOTHING_FOUND
    assert answer.more == []


def test_a_question_about_someone_never_quoted_abstains(answerer: Answerer) -> None:
    answer = answerer.answer("What did Santa Claus say?")
    assert answer.abstained, [(c.title, c.said_by) for c in answer.citations]


def test_what_someone_said_about_something_they_never_spoke_of_abstains(answerer: Answerer) -> None:
    answer = answerer.answer("What did Peskov say in his resignation speech?")
    assert answer.abstained, [(c.title, c.said_by) for c in answer.citations]


def test_on_the_day_of_the_month_keeps_to_that_day(answerer: Answerer) -> None:
    answer = answerer.answer("What did Kuleba say on the 21st?")
    assert answer.citations and all(c.published_at.day == 21 for c in answer.citations)
    assert answerer.answer("What did Kuleba say on the 23rd?").abstained


def test_a_question_matching_one_common_word_abstains(answerer: Answerer) -> None:
    assert answerer.answer("Who won the World Cup?").abstained


def test_every_citation_answers_the_question_not_only_the_first(answerer: Answerer) -> None:
    # "Denis" shares its stem with "denied": entries that only deny something are not about him.
    answer = answerer.answer("Who is Denis Pushilin?")
    assert answer.citations
    assert all("Pushilin" in " ".join(c.excerpt) for c in answer.citations), [c.title for c in answer.citations]
    assert answer.more == []


def test_a_name_in_a_question_brings_in_no_related_words(answerer: Answerer) -> None:
    typed = {term.typed for term in answerer.searcher.index.query_terms("Who is Denis Pushilin?")}
    terms = {term.term for term in answerer.searcher.index.query_terms("Who is Denis Pushilin?")}
    assert "denis" in typed and not {"dismiss", "reject"} & terms


# --- times of day --------------------------------------------------------------------------


def test_at_a_time(answerer: Answerer) -> None:
    answer = answerer.answer("What happened at 10:20?")
    assert answer.mode == "time"
    assert clock(answer)[0] == "10:20"
    assert answer.citations[0].title == "Over 60,000 civilians evacuated from rebel held areas, Moscow says"
    assert all(abs(minutes(c) - 620) <= 10 for c in answer.citations)


def test_at_a_minute_the_entry_of_that_minute_comes_first(answerer: Answerer) -> None:
    # Another entry within ten minutes says more about Ukraine; the minute asked for wins.
    answer = answerer.answer("What was posted about Ukraine at 10:20 on 21 February 2022?")
    assert clock(answer)[0] == "10:20"


def test_at_an_hour(answerer: Answerer) -> None:
    answer = answerer.answer("What was reported at 9am?")
    assert clock(answer)[0] == "09:00"


def test_around_a_time(answerer: Answerer) -> None:
    answer = answerer.answer("What happened around 9am?")
    assert answer.citations
    assert clock(answer)[0] == "09:00"
    assert all(abs(minutes(c) - 540) <= 45 for c in answer.citations)
    # Closest first.
    distances = [abs(minutes(c) - 540) for c in answer.citations]
    assert distances == sorted(distances)


def test_before_a_time(answerer: Answerer) -> None:
    answer = answerer.answer("before 9")
    assert clock(answer) == ["09:00", "08:54", "08:42"]
    assert answer.more and len(answer.more) == 1  # 08:08, the only other one


def test_after_a_time(answerer: Answerer) -> None:
    answer = answerer.answer("What happened after 13:00?")
    assert clock(answer) == ["13:11"]


def test_a_time_with_a_topic(answerer: Answerer) -> None:
    answer = answerer.answer("Kremlin news around 9am")
    assert answer.mode == "time"
    assert answer.citations
    for citation in answer.citations:
        assert "Kremlin" in citation.title
        assert abs(minutes(citation) - 540) <= 45
    first = answerer.answer("What did the Kremlin say around 9am?").citations[0]
    assert "Kremlin" in first.title
    assert abs(minutes(first) - 540) <= 45


def test_a_time_with_nothing_published_then_abstains(answerer: Answerer) -> None:
    for question in ("What happened at 3am?", "Any news about Belarus at 3am?"):
        answer = answerer.answer(question)
        assert answer.abstained, question
        assert answer.mode == "none"


def test_a_who_question_keeps_to_the_time_asked(answerer: Answerer) -> None:
    around = answerer.answer("What did the Kremlin say around 9am?")
    assert all(abs(minutes(c) - 540) <= 45 for c in around.citations), clock(around)
    assert answerer.answer("What did the Kremlin say at 3am?").abstained


def test_a_time_of_day_phrase_is_not_a_topic(answerer: Answerer) -> None:
    answer = answerer.answer("What happened at 9 in the morning?")
    assert not answer.abstained
    assert clock(answer)[0] == "09:00"


def test_times_are_the_times_the_page_shows(answerer_for, knowledge_dir: Path, tmp_path: Path) -> None:
    """A question's time is the wall-clock time printed on the page, BST or GMT."""
    bst = tmp_path / "bst.txt"
    bst.write_text(
        "URL: https://feeds.bbci.co.uk/news/live/uk-politics-63309400?page=5\n\n"
        "  1. Tories no longer have a mandate to govern - Starmerpublished at 14:00 British Summer Time 20 October 2022\n\n"
        "    A bit more reaction from Sir Keir Starmer now and his calls for an immediate general election.\n",
        encoding="utf-8",
    )
    answerer, _ = answerer_for("sqlite://", [knowledge_dir, bst])
    at_two = answerer.answer("What happened at 14:00?")
    assert at_two.citations[0].title == "Tories no longer have a mandate to govern - Starmer"
    assert at_two.citations[0].published_at.utcoffset() == timedelta(0)
    assert at_two.citations[0].published_at.replace(tzinfo=None) == datetime(2022, 10, 20, 13, 0)
    at_one = answerer.answer("What happened at 13:00?")
    assert at_one.citations[0].title == "UK defence secretary to update MPs on Ukraine crisis"
    assert "Tories no longer have a mandate to govern - Starmer" not in {c.title for c in at_one.citations}


# --- words of a question that the copy puts otherwise ---------------------------------------


def test_one_wrong_letter_in_a_short_name_is_still_a_typo(answerer: Answerer) -> None:
    answer = answerer.answer("What did kuleva say?")
    assert answer.citations and answer.citations[0].title in KULEBA_TITLES


def test_a_word_family_joins_what_the_stemmer_keeps_apart(answerer: Answerer) -> None:
    index = answerer.searcher.index
    assert stem("russian") in index.family(stem("russia"))
    assert stem("russia") in index.family(stem("russian"))
    assert not index.family(stem("war"))  # too short to tell a family from a coincidence
    related = {t.term for t in index.query_terms("Did Russia say anything?") if t.stands_for == stem("russia")}
    assert stem("russian") in related


def test_how_close_asks_for_a_measure_not_for_the_word_close(answerer: Answerer) -> None:
    typed = {t.typed for t in answerer.searcher.index.query_terms("How close are Russian troops to the border?")}
    assert "close" not in typed and {"russian", "troops", "border"} <= typed


def test_a_word_two_slips_away_is_another_word_not_a_typo() -> None:
    from bot.retrieval.spelling import Speller

    speller = Speller({"strait": 3, "kuleba": 5, "chernobyl": 4})
    assert speller.correct("straight") is None
    assert speller.correct("kulebba")[0] == "kuleba"
    assert speller.correct("chernobil")[0] == "chernobyl"
