"""An entry about a question's subject is cited only when it says what the question asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import NOT_AN_ANSWER, Answerer

PAGE = """URL: https://www.bbc.co.uk/news/live/uk-00000001

  1. Comedian delivers food in his home townpublished at 10:00 Greenwich Mean Time 2 April 2020

    Comedian Johnny Vegas is one of several volunteers delivering food and medicines to vulnerable people in St Helens.

    The 49-year-old said he wanted to help his neighbours through the lockdown.

  2. Tycoon visits damaged airportpublished at 09:00 Greenwich Mean Time 2 April 2020

    Sir Richard Branson has visited the damaged airport near the capital.

    He said the runway would be rebuilt.

  3. Licence revoked for broadcasterpublished at 08:00 Greenwich Mean Time 2 April 2020

    The regulator says it has revoked the broadcaster's licence with immediate effect.

  4. Hospital sponsor scheme openspublished at 07:00 Greenwich Mean Time 2 April 2020

    The scheme means the city could welcome 3,000 refugees without delay, the council says.

  5. Schools told to check their roofspublished at 06:00 Greenwich Mean Time 2 April 2020

    Schools built with reinforced autoclaved aerated concrete have been told to check their roofs, with RAAC found in 100 buildings.
"""


@pytest.fixture(scope="module")
def answerer(answerer_for, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    folder: Path = tmp_path_factory.mktemp("asked")
    (folder / "page.txt").write_text(PAGE, encoding="utf-8")
    answerer, report = answerer_for("sqlite://", [folder])
    assert not report.failed
    return answerer


def titles(answerer: Answerer, question: str) -> list[str]:
    return [c.title for c in answerer.answer(question).citations]


@pytest.mark.parametrize(
    "question",
    [
        "is johnny vegas married",  # the entry names him, but says nothing of marriage
        "how old is richard branson",  # no age is given for him
        "how much does a broadcast licence cost",  # no sum of money
        "when will richard branson visit the airport again",  # no time for that
        "how many airports has richard branson visited",  # no figure counting airports
    ],
)
def test_an_entry_about_the_subject_that_does_not_say_what_is_asked_is_not_cited(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.answer(question)
    assert answer.abstained, question
    # The closest entries are named, but as related, not as the answer.
    assert answer.lead == NOT_AN_ANSWER
    assert answer.related


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("how old is johnny vegas", "Comedian delivers food in his home town"),
        ("is johnny vegas helping people", "Comedian delivers food in his home town"),
        ("how many refugees can the city take", "Hospital sponsor scheme opens"),
        ("when did richard branson visit the airport", "Tycoon visits damaged airport"),
        ("what does raac stand for", "Schools told to check their roofs"),
    ],
)
def test_an_entry_that_says_what_is_asked_is_cited(answerer: Answerer, question: str, title: str) -> None:
    assert titles(answerer, question)[:1] == [title], question


def test_names_are_told_from_ordinary_words_by_how_the_coverage_writes_them(answerer: Answerer) -> None:
    index = answerer.searcher.index
    assert index.is_name("vegas") and index.is_name("branson") and index.is_name("helens")
    assert not index.is_name("volunteers") and not index.is_name("licence")
    assert not index.is_name("unknownword")


def test_the_quoted_sentences_hold_the_answer(answerer: Answerer) -> None:
    [first, *_] = answerer.answer("how old is johnny vegas").citations
    assert any("49-year-old" in sentence for sentence in first.excerpt)
    [first, *_] = answerer.answer("how many refugees can the city take").citations
    assert any("3,000" in sentence for sentence in first.excerpt)
