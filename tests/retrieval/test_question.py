"""What kind of question this is: the newest updates, the key points, a time of day, or a topic."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kinds import IntentKind
from bot.retrieval.question import Day, TimeOfDay, classify
from bot.retrieval.text import STOPWORDS, words


@pytest.mark.parametrize(
    "question",
    ["latest", "Latest?", "what's new", "What’s new?", "What is new?", "the newest updates", "most recent"],
)
def test_latest(question: str) -> None:
    intent = classify(question)
    assert intent.kind == "latest"
    assert intent.time is None


@pytest.mark.parametrize(
    "question",
    [
        "key points",
        "Key points?",
        "summary",
        "Give me a summary",
        "main points",
        "recap",
        "tl;dr",
    ],
)
def test_key_points(question: str) -> None:
    assert classify(question).kind == "key_points"


def test_latest_on_a_topic_is_a_topic_question_that_prefers_new_entries() -> None:
    intent = classify("What's the latest on sanctions?")
    assert intent.kind == "topic"
    assert intent.recent is True
    assert "sanctions" in intent.topic


def test_a_summary_of_a_topic_is_a_topic_question() -> None:
    intent = classify("summary of the sanctions on Russian banks")
    assert intent.kind == "topic"
    assert "banks" in intent.topic


@pytest.mark.parametrize(
    ("question", "minutes", "mode"),
    [
        ("What happened at 10:20?", 10 * 60 + 20, "at"),
        ("What was reported at 9am?", 9 * 60, "at"),
        ("around 9am", 9 * 60, "around"),
        ("What happened around 9am?", 9 * 60, "around"),
        ("about 9.30am", 9 * 60 + 30, "around"),
        ("before 9", 9 * 60, "before"),
        ("until 9am", 9 * 60, "before"),
        ("after 10", 10 * 60, "after"),
        ("since 13:00", 13 * 60, "after"),
        ("at 9pm", 21 * 60, "at"),
        ("at 12pm", 12 * 60, "at"),
        ("at 12am", 0, "at"),
        ("at 13.11", 13 * 60 + 11, "at"),
        ("news at 10:20 GMT", 10 * 60 + 20, "at"),
    ],
)
def test_time_of_day(question: str, minutes: int, mode: str) -> None:
    intent = classify(question)
    assert intent.kind == "time"
    assert intent.time == TimeOfDay(minutes, mode)
    assert not any(ch.isdigit() for ch in intent.topic)


def test_time_question_keeps_its_topic() -> None:
    intent = classify("What did the Kremlin say around 9am?")
    assert intent.kind == "time"
    assert intent.time == TimeOfDay(9 * 60, "around")
    assert "Kremlin" in intent.topic


@pytest.mark.parametrize(
    "question",
    [
        "How many Ukrainians died",
        "How many Ukrainians died?",
        "137 died",
        "Were 60,000 civilians evacuated?",
        "Did 10 airlines cancel flights?",
        "What happened at 25:00?",
        "How far is Kyiv from the border, 140 miles?",
        "What happened in 2014?",
        "Are there 30,000 troops in Belarus?",
    ],
)
def test_numbers_that_are_not_times(question: str) -> None:
    intent = classify(question)
    assert intent.kind == "topic"
    assert intent.time is None


@pytest.mark.parametrize("question", ["", "   ", "?!", "…"])
def test_empty(question: str) -> None:
    assert classify(question).kind == "empty"


def test_a_topic_keeps_the_whole_question() -> None:
    intent = classify("What did the EU agree on military training for Ukraine?")
    assert intent.kind == "topic"
    assert intent.topic == "What did the EU agree on military training for Ukraine?"


def test_evening_means_pm() -> None:
    assert classify("What happened at 9 in the evening?").time == TimeOfDay(21 * 60, "at")


@settings(deadline=None, database=None)
@given(hour=st.integers(0, 23), minute=st.integers(0, 59), mode=st.sampled_from(["at", "around", "before", "after"]))
def test_any_clock_time_is_understood(hour: int, minute: int, mode: str) -> None:
    intent = classify(f"What happened {mode} {hour:02d}:{minute:02d}?")
    assert intent.kind == "time"
    assert intent.time == TimeOfDay(hour * 60 + minute, mode)


@settings(deadline=None, database=None)
@given(st.text(max_size=200))
def test_classify_never_fails(question: str) -> None:
    intent = classify(question)
    assert intent.kind in set(IntentKind)  # "start" or "help" alone asks how to use the bot
    if intent.time is not None:
        assert 0 <= intent.time.minutes < 24 * 60


def test_a_word_starting_like_a_month_is_not_a_date() -> None:
    assert classify("olaf scholz nord stream 2 decision").day is None
    assert classify("the 5 mayors of the region").day is None
    assert classify("what happened on 2 dec.").day == Day(12, 2)
    assert classify("3 Sept").day == Day(9, 3)


def test_a_time_to_the_minute_is_told_from_a_rough_hour() -> None:
    assert classify("what came in at 7:11am?").time.to_the_minute
    assert not classify("what happened at 9am?").time.to_the_minute
    assert not classify("what happened at 9:00?").time.to_the_minute


def test_words_about_the_page_itself_are_not_a_topic() -> None:
    intent = classify("anything posted on the live page at 03:27 GMT?")
    assert intent.kind == "time" and set(words(intent.topic)) <= STOPWORDS


def test_on_the_22nd_is_a_day_of_any_month() -> None:
    assert classify("What did Biden announce on the 22nd?").day == Day(None, 22)
    assert classify("what happened on the 1st of March").day == Day(3, 1)
    assert classify("the 3rd battalion").day is None


@pytest.mark.parametrize(
    ("message", "kind"),
    [("hi", "greeting"), ("Hello there!", "greeting"), ("good morning", "greeting"), ("thanks!", "thanks"),
     ("OK, thank you very much", "thanks"), ("cheers", "thanks"), ("help", "help"), ("What can you do?", "help")],
)
def test_small_talk_is_not_a_question_about_the_coverage(message: str, kind: str) -> None:
    assert classify(message).kind == kind


def test_a_chatty_opening_is_not_part_of_the_topic() -> None:
    assert set(words(classify("ok so what's the deal with the kill list").topic)) - STOPWORDS == {"kill", "list"}
    assert set(words(classify("hey, any news on the summit?").topic)) - STOPWORDS == {"summit"}
    assert classify("Help for refugees").kind == "topic"
