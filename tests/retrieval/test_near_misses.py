"""Questions whose words the coverage shares, but whose answer it does not give."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import Answerer

PAGE = """URL: https://www.bbc.co.uk/news/live/uk-1

  3. Serkis reads entire Hobbit live for charitypublished at 12:00 BST 8 May 2020

    Actor Andy Serkis has raised more than £280,000 for charity by reading The Hobbit in full on a live stream.

  2. Pipeline halted

    Germany has halted the certification of the Nord Stream 2 pipeline, Chancellor Olaf Scholz said.

  4. Coffin row

    The DUP criticised SDLP leader Colum Eastwood, who carried the coffin of a friend at a funeral in 2012.

  1. Truss resigns

    Liz Truss resigned after 45 days in office, the shortest time of any prime minister.
"""


@pytest.fixture(scope="module")
def answerer(answerer_for, tmp_path_factory) -> Answerer:
    folder: Path = tmp_path_factory.mktemp("page")
    (folder / "page.txt").write_text(PAGE)
    answerer, report = answerer_for("sqlite://", [folder])
    assert not report.failed
    return answerer


def test_a_sum_about_something_else_is_no_answer_to_what_it_cost(answerer: Answerer) -> None:
    # The Hobbit entry has a sum, "cost" and a "stream"; none of it is about Nord Stream.
    answer = answerer.answer("how much did it cost to build nord stream 2")
    assert all(c.title != "Serkis reads entire Hobbit live for charity" for c in answer.citations)


def test_a_surname_names_the_person_asked_about_in_full(answerer: Answerer) -> None:
    answer = answerer.answer("how long was liz truss in office")
    assert answer.citations and answer.citations[0].title == "Truss resigns"


def test_a_date_near_the_names_is_no_answer_to_when_something_was_done(answerer: Answerer) -> None:
    # 2012 is the funeral's year, not the year he became leader.
    assert answerer.answer("when did colum eastwood become sdlp leader").abstained
