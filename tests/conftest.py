"""Shared fixtures: a clean database per test (SQLite always, PostgreSQL on request), the shipped
seed page, the shared coverage folder, and a way to build an Answerer from an engine.

PostgreSQL runs when TEST_POSTGRES_URL is set, e.g.
    TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test
Every test session works in a PostgreSQL schema of its own inside that database (dropped at the
end), so two test runs against one server cannot trample each other's tables; each test empties
that schema before and after it runs (where the role may not create schemas, the tables of the
database's own schema are dropped and created instead).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

import bot.db
from bot.answerer_cache import build_answerer
from bot.answers import Answerer
from bot.config import get_settings
from bot.db import create_schema, make_engine
from bot.loader.run import LoadReport, load_paths
from bot.models import Entry, Page
from tests.support.bot_process import TOKEN, USERNAME
from tests.support.databases import in_schema
from tests.support.fake_bot_api import FakeBotApi

PROJECT_ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
SEED_PAGE = KNOWLEDGE_DIR / "world-europe-60454795_page-28.txt"
SHARED_DIR = Path(__file__).resolve().parents[1] / ".." / "shared"

SQLITE_MEMORY = "sqlite://"
NO_POSTGRES = "set TEST_POSTGRES_URL to run against PostgreSQL"


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Settings are cached per process: a test that sets DATABASE_URL must not leak it to the next."""
    get_settings.cache_clear()
    engines = getattr(bot.db, "_engines", {})  # bot.db.get_engine's process-wide cache
    engines_before = set(engines)
    yield
    get_settings.cache_clear()
    # Engines the CLI made for this test's database (a tmp file) go with the test.
    for url in set(engines) - engines_before:
        engines.pop(url).dispose()


# --- databases -----------------------------------------------------------------------------


# PostgreSQL URL handed to tests -> the private schema it works in.
_POSTGRES_SCHEMAS: dict[str, str] = {}


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every database the suite runs against; a test using it (or `engine`) runs once per database."""
    if request.param == "sqlite":
        yield SQLITE_MEMORY
        return
    url = os.environ.get("TEST_POSTGRES_URL", "").strip()
    if not url:
        pytest.skip(NO_POSTGRES)
    parsed = make_url(url)
    if "connect_timeout" not in parsed.query:
        parsed = parsed.update_query_dict({"connect_timeout": "5"})
    url = parsed.render_as_string(hide_password=False)
    admin = make_engine(url)
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as exc:  # any failure to reach the server
        admin.dispose()
        message = f"TEST_POSTGRES_URL is set but no PostgreSQL server answers at {parsed!r}: {exc}"
        if _ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    schema = f"newsdesk_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'create schema "{schema}"'))
    except Exception:  # no right to create schemas: work in the database's own schema
        admin.dispose()
        yield url
        return
    schema_url = in_schema(url, schema)
    _POSTGRES_SCHEMAS[schema_url] = schema
    try:
        yield schema_url
    finally:
        _POSTGRES_SCHEMAS.pop(schema_url, None)
        with admin.begin() as connection:
            connection.execute(text(f'drop schema if exists "{schema}" cascade'))
        admin.dispose()


def _empty_postgres_schema(engine: Engine, schema: str) -> None:
    """Drop everything the bot ever created there (tables, sequences, its version table) at once."""
    with engine.begin() as connection:
        connection.execute(text(f'drop schema if exists "{schema}" cascade'))
        connection.execute(text(f'create schema "{schema}"'))


def _drop_everything(engine: Engine, url: str) -> None:
    schema = _POSTGRES_SCHEMAS.get(url)
    if engine.dialect.name == "postgresql" and schema:
        _empty_postgres_schema(engine, schema)
        return
    drop_schema = getattr(bot.db, "drop_schema", None)  # drops the schema's version table too
    if drop_schema is not None:
        drop_schema(engine)
    else:
        SQLModel.metadata.drop_all(engine)


@contextmanager
def fresh_engine(url: str) -> Iterator[Engine]:
    """An engine on an empty schema; everything is dropped again afterwards."""
    engine = make_engine(url)
    try:
        if engine.dialect.name != "sqlite":
            _drop_everything(engine, url)
        create_schema(engine)
        yield engine
    finally:
        _drop_everything(engine, url)
        engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    with fresh_engine(database_url) as engine:
        yield engine


@pytest.fixture
def bot_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database URL a bot process can open: a SQLite file, or the test run's PostgreSQL schema
    (emptied before and after)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    with fresh_engine(database_url):
        yield database_url


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    """A stand-in Bot API of the test's own (modules with a shared bot define their own)."""
    api = FakeBotApi(token=TOKEN, username=USERNAME).start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture
def sqlite_file_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """DATABASE_URL pointing at a SQLite file of this test's own, for the command line."""
    url = f"sqlite:///{tmp_path / 'newsdesk.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    return url


# --- coverage files ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def knowledge_dir() -> Path:
    return KNOWLEDGE_DIR


@pytest.fixture(scope="session")
def seed_page() -> Path:
    return SEED_PAGE


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED_DIR / "coverage").is_dir():
        pytest.skip(f"the shared folder is absent ({SHARED_DIR.resolve()}): no extra coverage to test with")
    return SHARED_DIR


@pytest.fixture(scope="session")
def coverage_dir(shared_dir: Path) -> Path:
    return shared_dir / "coverage"


@pytest.fixture(scope="session")
def shared_page(coverage_dir: Path) -> Callable[[str], Path]:
    """`shared_page(name)`: a page of the shared coverage (the test is skipped when it is absent)."""

    def find(name: str) -> Path:
        path = coverage_dir / name
        if not path.is_file():
            pytest.skip(f"shared coverage page {name} is absent")
        return path

    return find


# --- answers -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def make_answerer() -> Callable[[Engine], Answerer]:
    """`make_answerer(engine)`: an Answerer over what the engine's database holds now."""
    return build_answerer


@pytest.fixture(scope="session")
def answerer_for() -> Callable[[str, list[Path]], tuple[Answerer, LoadReport]]:
    """`answerer_for(url, paths)`: load `paths` into a fresh database at `url`, build an Answerer.

    The Answerer keeps everything it needs in memory, so the tables are dropped right away and a
    module can share one Answerer across its tests.
    """

    def build(url: str, paths: list[Path]) -> tuple[Answerer, LoadReport]:
        with fresh_engine(url) as engine:
            report = load_paths(engine, paths)
            answerer = build_answerer(engine)
        return answerer, report

    return build


@dataclass(frozen=True)
class Loaded:
    """What loading knowledge/ and all shared coverage into one database gave."""

    report: LoadReport
    entry_titles: list[str]
    pages: int
    answerer: Answerer


@pytest.fixture(scope="session")
def everything_loaded(database_url: str, knowledge_dir: Path, coverage_dir: Path) -> Loaded:
    """knowledge/ plus every shared page, loaded once per database for the whole session."""
    with fresh_engine(database_url) as engine:
        report = load_paths(engine, [knowledge_dir, coverage_dir])
        with engine.connect() as connection:
            titles = list(connection.execute(select(Entry.title)).scalars())
            pages = connection.execute(select(func.count()).select_from(Page)).scalar_one()
        answerer = build_answerer(engine)
    return Loaded(report, titles, pages, answerer)


# --- running in parallel -------------------------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests sharing a module's costly fixture (a bot process, an index over the coverage) run
    on one worker, so it is built once, not once per worker that happens to get one of them;
    every other test goes wherever a worker is free (`--dist loadgroup`)."""
    for item in items:
        fixture_info = getattr(item, "_fixtureinfo", None)
        if fixture_info is None:
            continue
        shared = any(
            definitions[-1].scope == "module" and definitions[-1].baseid == item.nodeid.split("::")[0]
            for definitions in fixture_info.name2fixturedefs.values()
            if definitions
        )
        if shared:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
