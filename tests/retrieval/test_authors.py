"""What a reporter wrote: the entries on their byline, not the ones that mention them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import Answerer
from bot.retrieval.authors import author_question

PAGE = """URL: https://www.bbc.co.uk/news/live/world-00000002

  1. Shelling resumes near the capitalpublished at 12:00 Greenwich Mean Time 3 March 2022

    Anna Kovalenko

    Reporting from Kyiv

    Heavy shelling has resumed on the outskirts of the capital overnight, residents say.

  2. Ministers meet in Brusselspublished at 11:00 Greenwich Mean Time 3 March 2022

    Anna Kovalenko

    BBC Brussels correspondent

    Foreign ministers are meeting in Brussels to agree new sanctions.

  3. Our correspondent's report from Kyiv praisedpublished at 10:00 Greenwich Mean Time 3 March 2022

    Viewers have praised the reporting of Anna Kovalenko from Kyiv this week.
"""


@pytest.fixture(scope="module")
def answerer(answerer_for, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    folder: Path = tmp_path_factory.mktemp("authors")
    (folder / "page.txt").write_text(PAGE, encoding="utf-8")
    answerer, report = answerer_for("sqlite://", [folder])
    assert not report.failed
    return answerer


@pytest.mark.parametrize(
    ("question", "name", "topic"),
    [
        ("what did james landale write about the talks", "james landale", "the talks"),
        ("what's jessica parker reporting from kyiv", "jessica parker", "kyiv"),
        ("show me hugo bachega's report", "hugo bachega", ""),
        ("what did nick thorpe report", "nick thorpe", ""),
    ],
)
def test_questions_about_what_someone_wrote(question: str, name: str, topic: str) -> None:
    assert author_question(question) == (name, topic)


def test_the_reporters_own_entries_come_first_about_the_topic(answerer: Answerer) -> None:
    answer = answerer.answer("what is anna kovalenko reporting from kyiv")
    assert answer.mode == "author"
    assert [c.title for c in answer.citations] == ["Shelling resumes near the capital"]
    assert answer.citations[0].author == "Anna Kovalenko"
    assert answer.citations[0].author_role == "Reporting from Kyiv"


def test_without_a_topic_all_their_entries_newest_first_and_a_surname_or_typo_is_enough(answerer: Answerer) -> None:
    for question in ("what did anna kovalenko write", "what did kovalenko report", "what did ana kovalenko write"):
        answer = answerer.answer(question)
        assert [c.title for c in answer.citations] == ["Shelling resumes near the capital", "Ministers meet in Brussels"], question


def test_someone_who_wrote_nothing_is_searched_for_as_usual(answerer: Answerer) -> None:
    answer = answerer.answer("what did the viewers write about kyiv")
    assert answer.mode != "author"
