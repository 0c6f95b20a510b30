"""Words of the same meaning, read from WordNet's own database files."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.answers import Answerer
from bot.retrieval.index import SearchIndex
from bot.retrieval.related import RelatedWords
from bot.retrieval.search import Searcher
from bot.retrieval.wordnet import WordNet, open_wordnet

WORDNET = Path("/usr/share/wordnet")


@pytest.fixture(scope="module")
def wordnet() -> WordNet:
    found = open_wordnet(str(WORDNET))
    if found is None:
        pytest.skip("WordNet is not installed (apt-get install wordnet-base)")
    return found


@pytest.fixture(scope="module")
def related(wordnet: WordNet) -> RelatedWords:
    return RelatedWords(wordnet)


def test_a_word_is_found_under_its_base_form(wordnet: WordNet) -> None:
    assert any("biscuit" in sense.words for sense in wordnet.senses("cookies", 3))
    assert any("absorb" in sense.words for sense in wordnet.senses("absorbing", 3))
    assert any("withdraw" in sense.words for sense in wordnet.senses("withdrew", 3))  # an exception form
    assert wordnet.senses("zzqx", 3) == []


def test_words_of_the_same_meaning_and_words_derived_from_it(related: RelatedWords) -> None:
    assert "biscuit" in related.of("cookies")
    assert {"invasion", "invader"} <= related.of("invade")
    assert {"reply", "react"} <= related.of("respond")
    assert "criticize" in related.of("criticise")


def test_a_rare_sense_shared_with_a_common_word_does_not_join_them(related: RelatedWords) -> None:
    # "manage" and "care" share a sense that is a usual one of neither.
    assert "care" not in related.of("manage")
    # Nor does a sense seldom seen in WordNet's tagged texts ("go" as a drug).
    assert "ecstasy" not in related.of("go") and "travel" in related.of("go")
    # A noun's own usual senses count, whatever the verb's: "leaving" as a departure.
    assert "departure" in related.of("leaving")


def test_a_step_more_general_or_specific_counts_only_within_a_narrow_class(related: RelatedWords) -> None:
    assert "interfere" in related.near("meddled")
    assert "act" not in related.near("leaving")
    assert "person" not in related.near("married")


def test_without_wordnet_the_bot_still_answers_and_says_so_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, answerer_for, knowledge_dir: Path
) -> None:
    with caplog.at_level(logging.WARNING):
        assert open_wordnet(str(tmp_path)) is None
        assert open_wordnet(str(tmp_path)) is None
    assert sum("WordNet not found" in r.getMessage() for r in caplog.records) == 1
    nothing = RelatedWords(None)
    assert nothing.of("cookies") == frozenset() and nothing.near("enemy") == frozenset()
    shipped, _report = answerer_for("sqlite://", [knowledge_dir])
    plain = Answerer(Searcher(SearchIndex(shipped.documents, nothing)))
    assert plain.answer("What did Peskov say about the summit?").citations


def test_a_more_specific_word_of_a_narrow_class_counts(related: RelatedWords) -> None:
    assert "woman" in related.near("female")
    assert "withdraw" in related.near("quit")
    assert "hightail" not in related.near("leave")  # twenty ways of going away: too many to say the same
