"""Schema migrations: a database made by any earlier release is upgraded in place, keeping its
rows, to the schema the models describe; upgrading an up-to-date database changes nothing; the
migrations and the models never drift apart.

The `engine` fixture creates the latest schema; these tests drop it first and build the old one
as each release left it: releases 1-3 kept their version in a `schema_version` table (the very
first databases had none), later ones in Alembic's `alembic_version`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import alembic.op
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from bot.answerer_cache import build_answerer
from bot.db import create_schema, drop_schema, make_engine
from bot.loader.run import load_paths
from bot.schema import LEGACY_VERSION_TABLE, current_revision, script_directory, upgrade
from bot.times import as_utc

V1_TABLES = {"coverage", "page", "entry", "summarypoint", "contentversion"}
V2_TABLES = V1_TABLES | {"speaker", "quote"}
V3_TABLES = V2_TABLES | {"entrypage"}
V4_TABLES = V3_TABLES | {"outgoingmessage"}
V5_TABLES = V4_TABLES | {"follow", "push", "chatseen"}
V6_TABLES = V5_TABLES | {"removal"}
LATEST_TABLES = V6_TABLES
TABLES_OF_RELEASE = {1: V1_TABLES, 2: V2_TABLES, 3: V3_TABLES, 4: V4_TABLES, 5: V5_TABLES}
ALEMBIC_TABLE = "alembic_version"
HEAD = script_directory().get_current_head()
PROJECT_ROOT = Path(__file__).resolve().parents[2]
WHEN = datetime(2022, 2, 21, 13, 11, tzinfo=UTC)


@pytest.fixture
def empty(engine: Engine) -> Engine:
    """The test's database with nothing of the bot in it."""
    drop_schema(engine)
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) & (LATEST_TABLES | {ALEMBIC_TABLE}) == set()
    return engine


def made_by_release(engine: Engine, release: int, versioned: bool | str = True) -> None:
    """The schema a release made, with its way of recording the version: none, the old version
    table (True), or Alembic's ("alembic")."""
    upgrade(engine, target=f"{release:04d}")
    if versioned == "alembic":
        return
    with engine.begin() as connection:
        connection.execute(text(f"DROP TABLE {ALEMBIC_TABLE}"))
        if versioned:
            connection.execute(text(f"CREATE TABLE {LEGACY_VERSION_TABLE} (version INTEGER NOT NULL)"))
            connection.execute(text(f"INSERT INTO {LEGACY_VERSION_TABLE} (version) VALUES ({release})"))


def tables(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return current_revision(connection)


def drift(engine: Engine) -> list:
    """What Alembic's autogenerate would change to make the database match the models."""
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)


def insert_v1_rows(engine: Engine) -> None:
    """What version 1 of the bot wrote, written as plain SQL so no model of today is involved.
    Ids come from the database, as they did for the bot (PostgreSQL's sequences must move on)."""
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO coverage (key, title, address) VALUES "
            "('world-europe-60454795', 'Ukraine crisis', 'https://feeds.bbci.co.uk/news/live/world-europe-60454795')"
        ))
        coverage = connection.execute(text("SELECT id FROM coverage")).scalar_one()
        connection.execute(text(
            "INSERT INTO page (coverage_id, source, address, page_number, content_hash, zone) VALUES "
            "(:coverage, '/old/page-28.txt', 'https://feeds.bbci.co.uk/news/live/world-europe-60454795?page=28', "
            "28, :hash, 'GMT')"
        ), {"coverage": coverage, "hash": "ab" * 32})
        page = connection.execute(text("SELECT id FROM page")).scalar_one()
        ids = {"coverage": coverage, "page": page}
        connection.execute(
            text(
                "INSERT INTO entry (coverage_id, page_id, fingerprint, page_number, position, title, label, "
                "published_at, zone, author, author_role, body, address) VALUES "
                "(:coverage, :page, :fingerprint, 28, :position, :title, :label, :published_at, 'GMT', :author, "
                ":role, :body, NULL)"
            ),
            [
                {**ids, "fingerprint": "f" * 32, "position": 1, "title": "EU agrees to provide training",
                 "label": None, "published_at": WHEN, "author": "Jessica Parker", "role": "BBC Brussels correspondent",
                 "body": "Dmytro Kuleba said the EU agreed.\n\nMore to follow."},
                {**ids, "fingerprint": "e" * 32, "position": 2, "title": "Kremlin says no plans for summit",
                 "label": "Breaking", "published_at": None, "author": None, "role": None,
                 "body": "Peskov said there were no concrete plans."},
            ],
        )
        connection.execute(
            text("INSERT INTO summarypoint (coverage_id, page_id, fingerprint, position, text, address) "
                 "VALUES (:coverage, :page, :fingerprint, :position, :text, NULL)"),
            [
                {**ids, "fingerprint": "1" * 32, "position": 1, "text": "Russian forces launch an assault"},
                {**ids, "fingerprint": "2" * 32, "position": 2, "text": "UK and US announce sanctions"},
            ],
        )
        # The bot always writes the one content version row as id 1.
        connection.execute(text("INSERT INTO contentversion (id, version) VALUES (1, 3)"))


def rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every v1 column of every v1 row, in a comparable form."""
    out: dict[str, list[tuple]] = {}
    with engine.connect() as connection:
        for table, columns in (
            ("coverage", "id, key, title, address"),
            ("page", "id, coverage_id, source, address, page_number, content_hash, zone"),
            ("entry", "id, coverage_id, page_id, fingerprint, page_number, position, title, label, published_at, "
                      "zone, author, author_role, body, address"),
            ("summarypoint", "id, coverage_id, page_id, fingerprint, position, text, address"),
            ("contentversion", "id, version"),
        ):
            result = connection.execute(text(f"SELECT {columns} FROM {table} ORDER BY id")).all()
            out[table] = [tuple(as_utc(v) if isinstance(v, datetime) else v for v in row) for row in result]
    return out


def describe(connection: Connection, only: set[str]) -> dict[str, dict]:
    """Columns (type, nullability), keys, unique constraints, indexes and foreign keys per table."""
    inspector = inspect(connection)
    described = {}
    for table in sorted(set(inspector.get_table_names()) & only):
        described[table] = {
            "columns": {
                column["name"]: (str(column["type"].compile(dialect=connection.dialect)), column["nullable"])
                for column in inspector.get_columns(table)
            },
            "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
            "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
            "indexes": sorted((tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)),
            "foreign keys": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in inspector.get_foreign_keys(table)
            ),
        }
    return described


@pytest.fixture
def reference_schema(engine: Engine) -> Iterator[dict[str, dict]]:
    """What SQLModel.metadata.create_all makes, on the same kind of database, described."""
    if engine.dialect.name == "sqlite":
        reference = make_engine("sqlite://")
        try:
            SQLModel.metadata.create_all(reference)
            with reference.connect() as connection:
                yield describe(connection, LATEST_TABLES)
        finally:
            reference.dispose()
        return
    schema = f"newsdesk_ref_{uuid.uuid4().hex[:12]}"
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        with engine.begin() as connection:
            connection.execute(text(f'SET LOCAL search_path TO "{schema}"'))
            SQLModel.metadata.create_all(connection)
            yield describe(connection, LATEST_TABLES)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


RELEASES = [pytest.param(1, False, id="release-1-unversioned"), pytest.param(1, True, id="release-1"),
            pytest.param(2, True, id="release-2"), pytest.param(3, True, id="release-3"),
            pytest.param(3, "alembic", id="release-3-stamped-by-alembic"), pytest.param(4, "alembic", id="release-4"),
            pytest.param(5, "alembic", id="release-5")]


@pytest.mark.parametrize(("release", "versioned"), RELEASES)
def test_a_database_of_every_earlier_release_is_upgraded_with_its_rows(
    empty: Engine, reference_schema: dict[str, dict], release: int, versioned: bool | str
) -> None:
    made_by_release(empty, release, versioned)
    version_tables = {True: {LEGACY_VERSION_TABLE}, False: set(), "alembic": {ALEMBIC_TABLE}}[versioned]
    assert tables(empty) == TABLES_OF_RELEASE[release] | version_tables
    insert_v1_rows(empty)
    before = rows(empty)
    assert len(before["entry"]) == 2 and len(before["summarypoint"]) == 2

    assert upgrade(empty) == f"{release:04d}"  # stamped with the release's revision first
    assert revision(empty) == HEAD
    assert tables(empty) == LATEST_TABLES | {ALEMBIC_TABLE}  # the old version table is gone
    assert rows(empty) == before
    with empty.connect() as connection:
        assert describe(connection, LATEST_TABLES) == reference_schema
    assert drift(empty) == []


def test_upgrading_release_1_marks_old_points_as_summaries_and_adds_empty_quote_tables(empty: Engine) -> None:
    made_by_release(empty, 1)
    insert_v1_rows(empty)
    upgrade(empty)
    with empty.connect() as connection:
        kinds = connection.execute(text("SELECT kind FROM summarypoint ORDER BY id")).scalars().all()
        assert kinds == ["summary", "summary"]
        assert connection.execute(text("SELECT count(*) FROM speaker")).scalar_one() == 0
        assert connection.execute(text("SELECT count(*) FROM quote")).scalar_one() == 0
        assert connection.execute(text(f"SELECT count(*) FROM {ALEMBIC_TABLE}")).scalar_one() == 1


def test_upgrading_release_2_records_which_page_shows_each_entry(empty: Engine) -> None:
    made_by_release(empty, 2)
    insert_v1_rows(empty)
    upgrade(empty)
    with empty.connect() as connection:
        shown = connection.execute(text("SELECT entry_id, page_id FROM entrypage ORDER BY entry_id")).all()
        stored = connection.execute(text("SELECT id, page_id FROM entry ORDER BY id")).all()
    assert shown == stored and len(shown) == 2


def test_the_upgraded_database_is_used_as_is(empty: Engine, seed_page: Path) -> None:
    """After the upgrade the bot reads the old rows and loads new pages on top of them."""
    made_by_release(empty, 1, versioned=False)
    insert_v1_rows(empty)
    create_schema(empty)  # what the bot does at start
    answerer = build_answerer(empty)
    assert {d.title for d in answerer.documents if d.kind == "entry"} == {
        "EU agrees to provide training", "Kremlin says no plans for summit"
    }
    assert {d.kind for d in answerer.documents if d.kind != "entry"} == {"summary"}

    report = load_paths(empty, [seed_page])
    assert [o.status for o in report.outcomes] == ["loaded"] and report.outcomes[0].new_entries == 20
    with empty.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM entry")).scalar_one() == 22
        assert connection.execute(text("SELECT count(*) FROM quote")).scalar_one() > 0
        assert connection.execute(text("SELECT version FROM contentversion")).scalar_one() == 4


def test_a_new_database_gets_the_schema_the_models_describe(empty: Engine, reference_schema: dict[str, dict]) -> None:
    """The models are the one source of the schema: the migrations must make exactly them."""
    assert upgrade(empty) is None
    assert revision(empty) == HEAD
    with empty.connect() as connection:
        assert describe(connection, LATEST_TABLES) == reference_schema
    assert drift(empty) == []


def test_upgrading_twice_changes_nothing(empty: Engine) -> None:
    made_by_release(empty, 1)
    insert_v1_rows(empty)
    upgrade(empty)
    with empty.connect() as connection:
        schema = describe(connection, LATEST_TABLES | {ALEMBIC_TABLE})
    data = rows(empty)
    assert upgrade(empty) == HEAD
    assert upgrade(empty) == HEAD
    create_schema(empty)
    assert revision(empty) == HEAD
    with empty.connect() as connection:
        assert describe(connection, LATEST_TABLES | {ALEMBIC_TABLE}) == schema
        assert connection.execute(text(f"SELECT count(*) FROM {ALEMBIC_TABLE}")).scalar_one() == 1
    assert rows(empty) == data


def test_an_interrupted_upgrade_changes_nothing_and_can_be_retried(empty: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    made_by_release(empty, 1)
    insert_v1_rows(empty)
    before = rows(empty)
    real = alembic.op.create_table

    def interrupted(name: str, *columns, **kw):
        real(name, *columns, **kw)
        if name == "speaker":
            raise RuntimeError("the process was stopped half-way")

    monkeypatch.setattr(alembic.op, "create_table", interrupted)
    with pytest.raises(RuntimeError):
        upgrade(empty)
    # The stamp, the new column and the new table went with the transaction.
    assert tables(empty) == V1_TABLES | {LEGACY_VERSION_TABLE}
    with empty.connect() as connection:
        assert "kind" not in {c["name"] for c in inspect(connection).get_columns("summarypoint")}

    monkeypatch.setattr(alembic.op, "create_table", real)
    assert upgrade(empty) == "0001"
    assert revision(empty) == HEAD
    assert rows(empty) == before


def test_alembic_on_the_command_line_upgrades_an_earlier_release(
    empty: Engine, database_url: str, tmp_path: Path
) -> None:
    """`alembic upgrade head`, run from the project root, does what the bot does at start."""
    url = f"sqlite:///{tmp_path / 'old.db'}" if empty.dialect.name == "sqlite" else database_url
    old = make_engine(url)
    try:
        made_by_release(old, 2)
        insert_v1_rows(old)
        before = rows(old)
        environment = {**os.environ, "DATABASE_URL": url}
        run = subprocess.run(
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=120,
        )
        assert run.returncode == 0, run.stderr
        assert revision(old) == HEAD
        assert rows(old) == before
        assert drift(old) == []
    finally:
        if old.dialect.name == "sqlite":
            drop_schema(old)
        old.dispose()


def test_several_processes_upgrading_at_once_migrate_once(
    request: pytest.FixtureRequest, empty: Engine, database_url: str, tmp_path: Path
) -> None:
    """Bots and loaders started together on a release 1 database: one migrates, all carry on."""
    url = f"sqlite:///{tmp_path / 'shared.db'}" if empty.dialect.name == "sqlite" else database_url
    first = make_engine(url)
    engines = [make_engine(url) for _ in range(4)]
    try:
        if empty.dialect.name == "sqlite":
            drop_schema(first)
        made_by_release(first, 1)
        insert_v1_rows(first)
        before = rows(first)
        barrier = threading.Barrier(len(engines))
        errors: list[str] = []

        def start(engine: Engine) -> None:
            barrier.wait()
            try:
                create_schema(engine)
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")

        threads = [threading.Thread(target=start, args=(engine,)) for engine in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        assert revision(first) == HEAD
        assert rows(first) == before
        with first.connect() as connection:
            assert connection.execute(text(f"SELECT count(*) FROM {ALEMBIC_TABLE}")).scalar_one() == 1
    finally:
        for engine in engines:
            engine.dispose()
        if first.dialect.name == "sqlite":
            drop_schema(first)
        first.dispose()
