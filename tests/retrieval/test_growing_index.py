"""An index that grows with the coverage: what changed since a version is read on its own, and an
index extended with it answers as one built from scratch over the same data."""

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.answerer_cache import AnswererCache, build_answerer
from bot.answers import Answerer
from bot.changes import content_version
from bot.changes_read import read_changes
from bot.loader.run import load_paths
from bot.loader.unload import unload_sources
from bot.retrieval.index import MAX_SEGMENTS

EVAL_SETS = ("seed_questions.jsonl", "pages_questions.jsonl", "people_questions.jsonl")


def page(address: str, entries: list[tuple[str, str, int]]) -> str:
    lines = [f"URL: {address}", ""]
    for number, (title, body, minute) in enumerate(entries, start=1):
        lines += [f"  {number}. {title}published at 10:{minute:02d} Greenwich Mean Time 3 March 2022", "", f"    {body}", ""]
    return "\n".join(lines)


def shared_questions_answered_apart(shared_dir: Path, one: Answerer, other: Answerer) -> tuple[list[str], list[str]]:
    """The shared sets' questions, and those whose top citation differs between two answerers."""
    questions = [json.loads(line)["q"] for name in EVAL_SETS
                 for line in (shared_dir / "eval" / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return questions, [
        question for question in questions
        if [c.ref for c in one.answer(question).citations[:1]] != [c.ref for c in other.answer(question).citations[:1]]
    ]


HARBOUR = ("Harbour pilots strike in Rotterdam", "Harbour pilots stopped guiding ships into Rotterdam, the union said.", 5)
FERRY = ("Ferry crews walk out on the Clyde", "Ferry crews on the Clyde walked out over pay, their union said.", 2)
FERRY_CHANGED = ("Ferry crews walk out on the Clyde", "Ferry crews on the Clyde called off their strike over pay.", 2)


def test_what_changed_since_a_version_is_read_without_the_rest(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    load_paths(engine, [seed_page])
    seeded = content_version(engine)
    extra = tmp_path / "extra.txt"
    extra.write_text(page("https://www.bbc.co.uk/news/live/world-test-50", [HARBOUR, FERRY]), encoding="utf-8")
    load_paths(engine, [extra])

    changes = read_changes(engine, seeded)
    assert changes.version == content_version(engine) > seeded
    assert sorted(d.title for d in changes.documents) == sorted([HARBOUR[0], FERRY[0]])
    assert changes.removed == set()

    # One entry rewritten, the other taken off the page: only those two are news.
    grown = content_version(engine)
    extra.write_text(page("https://www.bbc.co.uk/news/live/world-test-50", [FERRY_CHANGED]), encoding="utf-8")
    load_paths(engine, [extra])
    changes = read_changes(engine, grown)
    assert [d.body for d in changes.documents] == [FERRY_CHANGED[1]]
    assert len(changes.removed) == 1
    harbour_ref = next(iter(changes.removed))
    assert harbour_ref.startswith("e")
    assert read_changes(engine, changes.version).documents == []


def test_an_entry_added_changed_and_removed_reaches_the_answers_without_a_full_build(
    engine: Engine, seed_page: Path, tmp_path: Path
) -> None:
    load_paths(engine, [seed_page])
    answerers = AnswererCache(engine, check_every=0)
    first = answerers.refresh()
    extra = tmp_path / "extra.txt"
    address = "https://www.bbc.co.uk/news/live/world-test-51"

    extra.write_text(page(address, [HARBOUR, FERRY]), encoding="utf-8")
    load_paths(engine, [extra])
    added = answerers.refresh()
    assert added.searcher.index.segments[0] is first.searcher.index.segments[0]  # the main segment is kept
    assert added.answer("harbour pilots Rotterdam").citations[0].title == HARBOUR[0]
    assert "walked out over pay" in " ".join(added.answer("ferry crews Clyde").citations[0].excerpt)

    extra.write_text(page(address, [FERRY_CHANGED]), encoding="utf-8")
    load_paths(engine, [extra])
    changed = answerers.refresh()
    assert changed.searcher.index.segments[0] is first.searcher.index.segments[0]
    assert "called off their strike" in " ".join(changed.answer("ferry crews Clyde").citations[0].excerpt)
    assert changed.answer("harbour pilots Rotterdam").abstained
    # The previous answerer still answers as it did: nothing of it changed under it.
    assert added.answer("harbour pilots Rotterdam").citations[0].title == HARBOUR[0]

    unload_sources(engine, [str(extra.resolve())])
    removed = answerers.refresh()
    assert removed.answer("ferry crews Clyde").abstained
    assert removed.latest(1).citations[0].title == first.latest(1).citations[0].title
    assert removed.stats().entries == first.stats().entries


def test_many_small_updates_are_folded_into_few_segments(engine: Engine, seed_page: Path, tmp_path: Path) -> None:
    load_paths(engine, [seed_page])
    answerers = AnswererCache(engine, check_every=0)
    answerers.refresh()
    titles = []
    for number in range(MAX_SEGMENTS + 3):
        title = f"Lock keepers walk out at canal number {number} zq{number}x"
        titles.append(title)
        path = tmp_path / f"canal-{number}.txt"
        path.write_text(page(f"https://www.bbc.co.uk/news/live/world-canal-{number}", [(title, f"Lock keepers zq{number}x said.", 1)]))
        load_paths(engine, [path])
        answerer = answerers.refresh()
        assert len(answerer.searcher.index.segments) <= 1 + MAX_SEGMENTS
    for number, title in enumerate(titles):
        assert answerer.answer(f"zq{number}x").citations[0].title == title


def test_an_index_grown_by_changes_answers_as_one_built_from_scratch(
    engine: Engine, knowledge_dir: Path, coverage_dir: Path, shared_dir: Path, tmp_path: Path
) -> None:
    pages = sorted(coverage_dir.glob("*.txt"))
    folder = tmp_path / "pages"
    folder.mkdir()
    for path in pages:
        shutil.copyfile(path, folder / path.name)
    copies = sorted(folder.glob("*.txt"))
    load_paths(engine, [knowledge_dir, *copies[: len(copies) // 2]])
    answerers = AnswererCache(engine, check_every=0)
    answerers.refresh()
    # The rest arrives page by page, one page is taken away and one rewritten with an entry less.
    for path in copies[len(copies) // 2 :]:
        load_paths(engine, [path])
        answerers.refresh()
    unload_sources(engine, [str(copies[0].resolve())])
    text = copies[1].read_text(encoding="utf-8")
    cut = text.rfind("\n  2. ")
    if cut > 0:
        copies[1].write_text(text[:cut] + "\n", encoding="utf-8")
        load_paths(engine, [copies[1]])
    grown = answerers.refresh()
    assert len(grown.searcher.index.segments) > 1
    scratch = build_answerer(engine)

    questions, differ = shared_questions_answered_apart(shared_dir, grown, scratch)
    # Only the length normalisation differs (by the main segment's averages): answers barely move.
    assert len(differ) <= len(questions) // 100, differ
    assert grown.stats().entries == scratch.stats().entries
    assert [c.ref for c in grown.latest(10).citations] == [c.ref for c in scratch.latest(10).citations]


@pytest.fixture(autouse=True)
def _small_fold(monkeypatch: pytest.MonkeyPatch) -> None:
    """No full build half-way through these tests: every change extends the index."""
    monkeypatch.setattr("bot.answerer_cache.FOLD_MIN", 1_000_000)


def test_an_index_built_in_two_parts_at_once_answers_as_one_built_in_one(
    knowledge_dir: Path, coverage_dir: Path, shared_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch,
    answerer_for,
) -> None:
    whole, _report = answerer_for(database_url, [knowledge_dir, coverage_dir])
    monkeypatch.setattr("bot.retrieval.parallel_build.PARALLEL_FROM", 10)
    halves, _report = answerer_for(database_url, [knowledge_dir, coverage_dir])
    assert len(halves.searcher.index.segments) == 2 and len(whole.searcher.index.segments) == 1
    questions, differ = shared_questions_answered_apart(shared_dir, halves, whole)
    # Each part normalises lengths by its own averages; document counts are the whole's.
    assert len(differ) <= len(questions) // 100, differ


def test_without_a_second_process_the_index_is_built_here(
    seed_page: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, answerer_for
) -> None:
    monkeypatch.setattr("bot.retrieval.parallel_build.PARALLEL_FROM", 10)
    monkeypatch.setattr("bot.retrieval.parallel_build.sys.executable", "/nonexistent/python")
    answerer, _report = answerer_for(database_url, [seed_page])
    assert len(answerer.searcher.index.segments) == 2
    answer = answerer.answer("What did Peskov say about the summit?")
    assert answer.citations[0].title == "Kremlin says no concrete plans in place for summit"


def test_the_first_load_into_an_empty_database_gets_a_full_build(engine: Engine, seed_page: Path) -> None:
    """A bot starting on an empty database has an empty index while its first load runs; what
    that load adds outnumbers the (empty) main index, so it is built in full, not added beside
    it with lengths normalised by nothing."""
    cache = AnswererCache(engine)
    assert cache.refresh().documents == []
    load_paths(engine, [seed_page])
    answerer = cache.refresh()
    assert len(answerer.searcher.index.segments) == 1
    assert answerer.searcher.index.main_size == len(answerer.documents) > 0
