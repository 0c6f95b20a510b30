"""Several processes on one database: two loaders at once, and a bot that sees what another
process loaded.

Each loader has its own engine, as separate processes would. For SQLite the database is a file
of the test's own (an in-memory database cannot be shared); for PostgreSQL it is the test's schema.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine

import bot.answerer_cache
from bot.answerer_cache import AnswererCache
from bot.answers import Answerer
from bot.changes import content_version
from bot.db import create_schema, drop_schema, make_engine
from bot.loader.run import LoadReport, load_paths
from bot.models import Coverage, Entry, Page, Quote, Speaker, SummaryPoint
from bot.times import as_utc

# Nobody the seed page quotes. Pages meet them in this order (see
# test_two_loaders_meeting_new_speakers_in_opposite_orders for what other orders do).
SPEAKERS = [
    ("Anna Kowalski", "EU envoy"), ("Carl Brennan", "Irish diplomat"), ("Emma Schmidt", "German diplomat"),
    ("Farid Haddad", "UN observer"), ("Grace Okafor", "aid worker"), ("Henrik Larsen", "Nato official"),
    ("Ines Moreau", "French minister"), ("Jonas Lindqvist", "Swedish envoy"),
]
ROUNDS = 3
PESKOV = "What did Peskov say about the summit?"
PESKOV_TITLE = "Kremlin says no concrete plans in place for summit"


def entry(number: int, coverage: int, index: int) -> str:
    """Entry `index` of story `coverage`: the same text on every page that holds it."""
    minute = 23 * 60 - index * 7
    hour, minute = divmod(minute, 60)
    name, role = SPEAKERS[(index // 5 + coverage) % len(SPEAKERS)]
    return (
        f"  {number}. Story {coverage} update {index}: talks continuepublished at {hour:02d}:{minute:02d} "
        f"Greenwich Mean Time 3 March 2022\n\n"
        f"    Talks about point {index} of story {coverage} went on for several hours in the capital today.\n\n"
        f"    {role.capitalize()} {name} said: “We will keep working on point {index} until there is agreement.”\n\n"
    )


def write_pages(folder: Path, seed_page: Path) -> list[Path]:
    """Pages of three stories whose entries, summary points and speakers overlap."""
    folder.mkdir()
    files = []
    for coverage in (1, 2, 3):
        for page in (1, 2, 3):
            # Page p holds entries 10(p-1) .. 10(p-1)+14: five shared with the next page; the
            # stories share speakers.
            indexes = range(10 * (page - 1), 10 * (page - 1) + 15)
            body = "".join(entry(n, coverage, i) for n, i in enumerate(indexes, start=1))
            summary = "".join(f"  • Shared summary point {k} of story {coverage}\n\n" for k in range(page, page + 4))
            path = folder / f"story-{coverage}-page-{page}.txt"
            path.write_text(
                f"URL: https://www.bbc.co.uk/news/live/world-test-{coverage}?page={page}\n\nSummary\n\n{summary}{body}",
                encoding="utf-8",
            )
            files.append(path)
    for copy in ("seed-a.txt", "seed-b.txt"):  # the same page under two names
        shutil.copyfile(seed_page, folder / copy)
        files.append(folder / copy)
    return files


@pytest.fixture
def shared_url(database_url: str, engine: Engine, tmp_path: Path) -> Iterator[str]:
    """A database several engines can open; the schema exists and is empty."""
    if engine.dialect.name != "sqlite":
        yield database_url  # the `engine` fixture made and will drop this schema
        return
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    setup = make_engine(url)
    create_schema(setup)
    setup.dispose()
    yield url


def snapshot(engine: Engine) -> dict[str, object]:
    """The content, by natural keys (ids differ between databases)."""
    with engine.connect() as connection:
        keys = dict(connection.execute(select(Coverage.id, Coverage.key)).all())
        entries = sorted(
            (keys[row.coverage_id], row.fingerprint, row.title, row.body,
             as_utc(row.published_at).isoformat() if row.published_at else None)
            for row in connection.execute(select(Entry)).all()
        )
        points = sorted(
            (keys[row.coverage_id], row.fingerprint, row.text, row.kind)
            for row in connection.execute(select(SummaryPoint)).all()
        )
        speakers = sorted(connection.execute(select(Speaker.name, Speaker.kind, Speaker.aliases)).all())
        quotes = sorted(
            connection.execute(
                select(Coverage.key, Entry.fingerprint, Speaker.name, Quote.position, Quote.text)
                .join(Entry, Quote.entry_id == Entry.id)
                .join(Coverage, Entry.coverage_id == Coverage.id)
                .join(Speaker, Quote.speaker_id == Speaker.id)
            ).all()
        )
        pages = sorted((Path(source).name, digest) for source, digest in connection.execute(select(Page.source, Page.content_hash)))
    return {"entries": entries, "points": points, "speakers": speakers, "quotes": quotes, "pages": pages}


def assert_no_duplicates(engine: Engine) -> None:
    with engine.connect() as connection:
        for table in (Entry, SummaryPoint):
            total = connection.execute(select(func.count()).select_from(table)).scalar_one()
            distinct = connection.execute(
                select(func.count()).select_from(select(table.coverage_id, table.fingerprint).distinct().subquery())
            ).scalar_one()
            assert total == distinct, table.__tablename__
        duplicate_quotes = connection.execute(text(
            "SELECT entry_id, speaker_id, position, count(*) FROM quote "
            "GROUP BY entry_id, speaker_id, position HAVING count(*) > 1"
        )).all()
        assert duplicate_quotes == []


@pytest.fixture(scope="module")
def sequential(tmp_path_factory: pytest.TempPathFactory, seed_page: Path) -> dict[str, object]:
    """What one loader alone makes of the same files."""
    files = write_pages(tmp_path_factory.mktemp("reference") / "coverage", seed_page)
    engine = make_engine("sqlite://")
    try:
        create_schema(engine)
        report = load_paths(engine, files)
        assert not report.failed
        return snapshot(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("order", ["same-order", "reverse-order"])
def test_two_loaders_at_once_store_everything_once(
    request: pytest.FixtureRequest, shared_url: str, tmp_path: Path, seed_page: Path, sequential: dict[str, object], order: str
) -> None:
    files = write_pages(tmp_path / "coverage", seed_page)
    orders = [files, files if order == "same-order" else list(reversed(files))]
    engines = [make_engine(shared_url) for _ in orders]
    try:
        for round_ in range(ROUNDS):
            if round_:
                drop_schema(engines[0])
                create_schema(engines[0])
            barrier = threading.Barrier(len(engines))
            reports: list[LoadReport | None] = [None] * len(engines)
            crashes: list[str] = []

            def load(index: int, barrier=barrier, reports=reports, crashes=crashes) -> None:
                barrier.wait()
                try:
                    reports[index] = load_paths(engines[index], orders[index])
                except Exception as exc:  # noqa: BLE001 - a loader that dies is the finding
                    crashes.append(f"loader {index}: {type(exc).__name__}: {str(exc).splitlines()[0]}")

            threads = [threading.Thread(target=load, args=(i,)) for i in range(len(engines))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            failures = [(o.path.name, o.message.splitlines()[0]) for r in reports if r for o in r.failed]
            assert crashes == [], f"round {round_}"
            assert failures == [], f"round {round_}"
            for report in reports:
                assert report is not None
                assert {o.status for o in report.outcomes} <= {"loaded", "unchanged"}
            assert_no_duplicates(engines[0])
            got = snapshot(engines[0])
            for part in sequential:
                assert got[part] == sequential[part], f"round {round_}: {part}"
    finally:
        for engine in engines:
            engine.dispose()


class Clock:
    """Stands in for time.monotonic in bot.answerer_cache, so "not checked yet" does not depend on speed."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(1_000_000.0)  # a machine up for a while
    monkeypatch.setattr(bot.answerer_cache.time, "monotonic", clock)
    return clock


def updated(answerers: AnswererCache, before: Answerer, timeout: float = 10.0) -> Answerer:
    """The answerer once the background check has replaced `before`."""
    deadline = time.perf_counter() + timeout
    while (current := answerers.answerer()) is before:
        assert time.perf_counter() < deadline, "the index was never updated"
        time.sleep(0.01)
    return current


EXTRA_PAGE = (
    "URL: https://www.bbc.co.uk/news/live/world-test-77\n\n"
    "  1. Lighthouse keepers strike over pay in Oslopublished at 10:00 Greenwich Mean Time 3 March 2022\n\n"
    "    Lighthouse keepers walked out this morning in a dispute over pay.\n"
)


def test_a_library_sees_what_another_process_loaded(shared_url: str, seed_page: Path, tmp_path: Path, clock: Clock) -> None:
    bot_engine, loader_engine = make_engine(shared_url), make_engine(shared_url)
    try:
        answerers = AnswererCache(bot_engine, check_every=60)
        assert answerers.answerer().answer(PESKOV).abstained
        first = answerers.answerer()

        report = load_paths(loader_engine, [seed_page])
        assert report.outcomes[0].status == "loaded"
        clock.now += 1
        assert answerers.answerer() is first  # not checked yet: the old index keeps serving
        answerers.refresh()  # what /reload and the coverage check do
        answer = answerers.answerer().answer(PESKOV)
        assert answer.citations and answer.citations[0].title == PESKOV_TITLE

        # Nothing changed: a check rebuilds nothing.
        before = answerers.answerer()
        answerers.refresh()
        assert answerers.answerer() is before

        # Another page loaded elsewhere is seen by the next periodic check, without refresh().
        extra = tmp_path / "extra.txt"
        extra.write_text(EXTRA_PAGE, encoding="utf-8")
        version = content_version(bot_engine)
        load_paths(loader_engine, [extra])
        assert content_version(bot_engine) > version
        clock.now += 61
        assert answerers.answerer() is before  # the check runs beside the question, not before it
        hit = updated(answerers, before).answer("lighthouse keepers strike")
        assert hit.citations and hit.citations[0].title == "Lighthouse keepers strike over pay in Oslo"
    finally:
        bot_engine.dispose()
        loader_engine.dispose()


def test_refresh_checks_now_on_a_machine_just_booted(shared_url: str, seed_page: Path, clock: Clock) -> None:
    """refresh() must not depend on how long the machine has been up (time.monotonic's origin)."""
    clock.now = 2.0  # two seconds after boot; the default check_every is 5 s
    bot_engine, loader_engine = make_engine(shared_url), make_engine(shared_url)
    try:
        answerers = AnswererCache(bot_engine)
        assert answerers.answerer().answer(PESKOV).abstained
        load_paths(loader_engine, [seed_page])
        answerers.refresh()
        assert not answerers.answerer().answer(PESKOV).abstained
    finally:
        bot_engine.dispose()
        loader_engine.dispose()


FIRST_NAMES = ["Ola", "Kari", "Lars", "Ingrid", "Nils", "Astrid", "Sven", "Greta", "Olav", "Sigrid"]
SURNAMES = ["Nordmann", "Hansen", "Berg", "Dahl", "Lund", "Haugen", "Moen", "Strand", "Bakke", "Solberg",
            "Eide", "Vik", "Holm", "Aune", "Foss", "Lie", "Tangen", "Ruud", "Sandvik", "Lunde"]


def speaker_page(address: str, names: list[str]) -> str:
    entries = "".join(
        f"  {n}. Statement {n} on the talkspublished at {10 + n // 60:02d}:{n % 60:02d} Greenwich Mean Time "
        f"3 March 2022\n\n"
        f"    “We have to keep talking about this until there is agreement,” said {name}.\n\n"
        for n, name in enumerate(names, start=1)
    )
    return f"URL: {address}\n\n{entries}"


def test_two_loaders_crossing_on_two_files_both_succeed(shared_url: str, tmp_path: Path) -> None:
    """Loader A loads X then Y, loader B loads Y then X; X and Y quote the same 200 new people in
    opposite orders. Each loader is held just before it stores its second file's coverage until the
    other is there too (or 3 s have passed): on PostgreSQL each then waits for the other's row, a
    deadlock the database breaks by failing one transaction, which must recover."""
    names = [f"{first} {last}" for last in SURNAMES for first in FIRST_NAMES][:200]
    x, y = tmp_path / "x.txt", tmp_path / "y.txt"
    x.write_text(speaker_page("https://www.bbc.co.uk/news/live/world-test-501", names), encoding="utf-8")
    y.write_text(speaker_page("https://www.bbc.co.uk/news/live/world-test-502", names[::-1]), encoding="utf-8")

    meeting = threading.Barrier(2, timeout=3)  # on SQLite the other loader waits for the lock instead
    coverage_inserts: dict[int, int] = {}

    def hold_before_the_second_file(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO COVERAGE"):
            thread = threading.get_ident()
            coverage_inserts[thread] = coverage_inserts.get(thread, 0) + 1
            if coverage_inserts[thread] == 2:
                try:
                    meeting.wait()
                except threading.BrokenBarrierError:
                    pass

    engines = [make_engine(shared_url) for _ in range(2)]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", hold_before_the_second_file)
    reports: list[LoadReport] = []
    crashes: list[str] = []
    try:
        start = threading.Barrier(2)

        def load(engine: Engine, paths: list[Path]) -> None:
            start.wait()
            try:
                reports.append(load_paths(engine, paths))
            except Exception as exc:  # noqa: BLE001
                crashes.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")

        threads = [threading.Thread(target=load, args=(engines[0], [x, y])),
                   threading.Thread(target=load, args=(engines[1], [y, x]))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert crashes == []
        assert sorted(coverage_inserts.values())[0] >= 2, "each loader reached its second file"
        failures = [(o.path.name, o.message.splitlines()[0]) for report in reports for o in report.failed]
        assert failures == []
        with engines[0].connect() as connection:
            assert sorted(connection.execute(select(Speaker.name)).scalars()) == sorted(names)
            assert connection.execute(select(func.count()).select_from(Quote)).scalar_one() == 400
            assert connection.execute(select(func.count()).select_from(Entry)).scalar_one() == 400
    finally:
        for engine in engines:
            engine.dispose()


def test_a_loader_merging_speakers_while_another_loads(shared_url: str, seed_page: Path, tmp_path: Path) -> None:
    """Loader A has stored its files and merges speakers; loader B stores a page right then (held
    at the merge's read of the speakers for up to 3 s). On SQLite a transaction that reads and
    then writes fails outright ('database is locked') when another commits in between: the merge
    must not be such a transaction. Both loads succeed, whoever waits for whom."""
    other = tmp_path / "other.txt"
    other.write_text(speaker_page("https://www.bbc.co.uk/news/live/world-test-503", ["Ola Nordmann"]), encoding="utf-8")
    a, b = make_engine(shared_url), make_engine(shared_url)
    b_reports: list[LoadReport] = []
    b_crashes: list[str] = []
    held: list[bool] = []

    def load_b() -> None:
        try:
            b_reports.append(load_paths(b, [other]))
        except Exception as exc:  # noqa: BLE001
            b_crashes.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")

    loader_b = threading.Thread(target=load_b)

    def b_loads_during_the_merge(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        normal = " ".join(statement.split()).lower()
        if not held and "from speaker" in normal and "speaker.kind =" in normal:
            held.append(True)
            loader_b.start()
            loader_b.join(3)

    event.listen(a, "before_cursor_execute", b_loads_during_the_merge)
    try:
        report = load_paths(a, [seed_page])
        loader_b.join(60)
        assert held, "the merge's read of the speakers was not seen: the test needs updating"
        assert [o.status for o in report.outcomes] == ["loaded"]
        assert b_crashes == []
        assert [o.status for o in b_reports[0].outcomes] == ["loaded"]
        with a.connect() as connection:
            names = set(connection.execute(select(Speaker.name)).scalars())
        assert {"Ola Nordmann", "Dmitry Peskov"} <= names
    finally:
        a.dispose()
        b.dispose()
