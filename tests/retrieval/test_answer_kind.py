"""What kind of answer a question wants, and which sentences hold one."""

import pytest

from bot.retrieval.answer_kind import AnswerKind, Wanted, expands, holds, wanted


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how old is the new party leader", AnswerKind.AGE),
        ("how much does a season ticket cost", AnswerKind.MONEY),
        ("electric car price", AnswerKind.MONEY),
        ("how many people were rescued", AnswerKind.FIGURE),
        ("how tall is the tower", AnswerKind.MEASURE),
        ("how long was she in office", AnswerKind.MEASURE),
        ("when was the bridge built", AnswerKind.DATE),
        ("what year did the strike start", AnswerKind.DATE),
        ("where is the summit being held", AnswerKind.PLACE),
        ("which countries closed their airspace", AnswerKind.PLACE),
        ("who runs the hospital trust", AnswerKind.PERSON),
        ("what does nato stand for", AnswerKind.EXPANSION),
    ],
)
def test_questions_name_the_kind_of_answer_they_want(question: str, kind: AnswerKind) -> None:
    found = wanted(question)
    assert found is not None and found.kind is kind


@pytest.mark.parametrize(
    "question",
    ["what did the minister say about the talks", "who said the plan was a disgrace", "is the road open", "why did the talks fail"],
)
def test_statements_opinions_and_reasons_want_no_particular_kind(question: str) -> None:
    assert wanted(question) is None


def test_only_past_questions_can_be_answered_by_the_time_of_an_entry() -> None:
    assert wanted("when was the statue unveiled") == Wanted(AnswerKind.DATE, past=True)
    assert wanted("when is the vote") == Wanted(AnswerKind.DATE, past=False)


@pytest.mark.parametrize(
    ("kind", "sentence", "answer"),
    [
        (AnswerKind.AGE, "The 72-year-old visited the airport.", True),
        (AnswerKind.AGE, "Ruislip-born Serkis, 56, played Gollum.", True),
        (AnswerKind.AGE, "He visited the damaged airport near Kyiv.", False),
        (AnswerKind.MONEY, "The licence fee will rise to £159 in April.", True),
        (AnswerKind.MONEY, "Ofcom has revoked the broadcaster's licence.", False),
        (AnswerKind.FIGURE, "Scotland could welcome 3,000 Ukrainians without delay.", True),
        (AnswerKind.FIGURE, "Hundreds gathered outside.", True),
        (AnswerKind.FIGURE, "Crowds gathered outside.", False),
        (AnswerKind.MEASURE, "Her resignation after 45 days in office made her the shortest-serving PM.", True),
        (AnswerKind.MEASURE, "The new bridge spans 2.7km of the estuary.", True),
        (AnswerKind.MEASURE, "Eight long-tailed tit fledglings are fighting for their lives.", False),
        (AnswerKind.DATE, "The hospital opened in 1948.", True),
        (AnswerKind.DATE, "It will be released next month.", True),
        (AnswerKind.DATE, "He read the whole book on a live stream.", False),
        (AnswerKind.PERSON, "The trust is run by Jane Smith.", True),
        (AnswerKind.PERSON, "the trust is run by a board.", False),
    ],
)
def test_sentences_that_hold_an_answer_of_a_kind(kind: AnswerKind, sentence: str, answer: bool) -> None:
    assert holds(Wanted(kind), sentence) is answer


def test_an_abbreviation_is_expanded_by_words_whose_initials_spell_it() -> None:
    assert expands("raac", "It is made of reinforced autoclaved aerated concrete, a lightweight material.")
    assert expands("nhs", "the National Health Service turns 75")
    assert expands("fmq", "during First Minister's Questions")
    assert expands("moj", "the Ministry of Justice said")
    assert not expands("raac", "RAAC was found in 100 schools.")
    assert not expands("nhs", "new hospital plans")
