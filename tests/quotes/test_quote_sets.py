"""Who said what on real coverage: the shared gold quotes and our own labelled set."""

import json
import re
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from bot.loader.run import load_paths
from bot.quotes.query import read_quotes

DATA = Path(__file__).resolve().parents[1] / "data"


def norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def contains(extracted: str, gold: str) -> bool:
    return norm(gold) in norm(extracted) or fuzz.partial_ratio(norm(gold), norm(extracted)) >= 90


def names_match(speaker: str, gold: dict) -> bool:
    names = [gold["speaker"], *gold.get("aliases", [])]
    return len(speaker.split()) <= 6 and any(n.lower() in speaker.lower() or speaker.lower() in n.lower() for n in names)


def test_seed_gold_quotes_all_found_and_attributed_to_full_names(engine, knowledge_dir, shared_dir):
    load_paths(engine, [knowledge_dir])
    quotes = read_quotes(engine)
    gold = [json.loads(line) for line in (shared_dir / "eval" / "seed_quotes.jsonl").read_text().splitlines() if line]
    for item in gold:
        minute = item["published_at"]
        same_entry = [q for q in quotes if q.published_at and q.published_at.strftime("%Y-%m-%dT%H:%M") == minute]
        found = [q for q in same_entry if contains(q.text, item["quote"])]
        assert found, f"not found: {item['quote']!r}"
        assert any(q.speaker == item["speaker"] or q.speaker in item["aliases"] for q in found), (
            f"{item['quote']!r}: {[q.speaker for q in found]} instead of {item['speaker']}"
        )


def read_set(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line]


# Labelled by people reading pages. The rules were written looking at the first two files;
# the check part is only ever scored.
QUOTE_SETS = {
    "developed on": ["labelled_quotes.jsonl", "held_out_quotes.jsonl"],
    "check": ["check_quotes.jsonl"],
}


@pytest.mark.parametrize("part", QUOTE_SETS)
def test_labelled_quotes_found_and_attributed(everything_loaded, part):
    labelled = [item for name in QUOTE_SETS[part] for item in read_set(name)]
    quotes = everything_loaded.answerer.quotes.quotes
    found = attributed = 0
    for item in labelled:
        in_entry = [q for q in quotes if norm(q.entry_title) == norm(item["entry_title"])]
        hits = [q for q in in_entry if contains(q.text, item["quote"])]
        if hits:
            found += 1
            attributed += any(names_match(q.speaker, item) for q in hits)
    assert len(labelled) >= 10
    assert found / len(labelled) >= 0.95, f"found {found}/{len(labelled)}"
    assert attributed / found >= 0.97, f"right speaker for {attributed}/{found}"


def test_who_questions_cite_the_entry_and_quote_the_speaker_verbatim(everything_loaded, shared_dir):
    questions = [json.loads(line) for line in (shared_dir / "eval" / "seed_questions.jsonl").read_text().splitlines()]
    for question in (q for q in questions if q["kind"] == "who"):
        answer = everything_loaded.answerer.answer(question["q"])
        assert answer.citations, question["q"]
        first = answer.citations[0]
        assert first.published_at.strftime("%Y-%m-%dT%H:%M") in question["expect"], question["q"]
        document = everything_loaded.answerer.documents[everything_loaded.answerer._by_ref[first.ref]]
        body = " ".join(document.paragraphs)
        for sentence in first.excerpt:
            assert sentence.rstrip("…") in body, f"{question['q']}: {sentence!r} is not the entry's own text"


def test_who_command_matches_names_loosely(everything_loaded):
    answerer = everything_loaded.answerer
    for typed in ("Kuleba", "kulebba", "Dmytro Kuleba", "dmitro kuleba"):
        answer = answerer.who(typed)
        assert answer.citations and answer.citations[0].said_by.startswith("Dmytro Kuleba"), typed
    assert answerer.who("Oleksandr Kubrakov").citations[0].said_by.startswith("Oleksander Kubrakov")
    assert answerer.who("Nobody Atall").abstained


def test_who_said_names_the_speaker_with_role(everything_loaded):
    answer = everything_loaded.answerer.answer("Who said the cost for Russia must be intolerably high?")
    assert answer.citations[0].said_by == "Liz Truss (Foreign Secretary)"
    assert "Liz Truss" in answer.lead


def test_the_peoples_gold_quotes_of_other_pages(everything_loaded, shared_dir):
    """`../shared/eval/pages_quotes.jsonl`, as its scorer counts: found and attributed in the same
    entry (by minute), and every extracted direct quote of four words or more in those entries
    one of the gold quotes with its speaker."""
    gold = [json.loads(line) for line in (shared_dir / "eval" / "pages_quotes.jsonl").read_text().splitlines() if line]
    quotes = everything_loaded.answerer.quotes.quotes

    def minute(quote) -> str:
        return quote.published_at.strftime("%Y-%m-%dT%H:%M") if quote.published_at else ""

    attributed = 0
    for item in gold:
        hits = [q for q in quotes if minute(q) == item["published_at"] and contains(q.text, item["quote"])]
        attributed += any(names_match(q.speaker, item) for q in hits)
    assert attributed / len(gold) >= 0.95, f"found and attributed {attributed}/{len(gold)}"

    minutes = {item["published_at"] for item in gold}
    checked = [q for q in quotes if q.direct and minute(q) in minutes and len(q.text.split()) >= 4]
    right = [
        q for q in checked
        if any(minute(q) == g["published_at"] and contains(q.text, g["quote"]) and names_match(q.speaker, g) for g in gold)
    ]
    assert len(right) / len(checked) >= 0.97, f"precision {len(right)}/{len(checked)}"
