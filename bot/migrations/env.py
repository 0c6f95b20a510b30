"""Alembic's environment: run on the connection bot.schema hands over (inside its writing
transaction), or, for the `alembic` command, on the database DATABASE_URL names."""

from alembic import context
from sqlmodel import SQLModel

from bot import models  # noqa: F401  (registers the tables on SQLModel.metadata)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        # SQLite cannot alter most of a table in place; batch mode copies it instead.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_from_command_line() -> None:
    from logging.config import fileConfig

    from bot.config import get_settings
    from bot.db import make_engine
    from bot.schema import adopt_earlier_release
    from bot.transactions import writing

    if context.config.config_file_name is not None:
        fileConfig(context.config.config_file_name, disable_existing_loggers=False)
    engine = make_engine(get_settings().database_url)
    try:
        with writing(engine) as connection:
            adopt_earlier_release(connection)
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run them against a database")

shared = context.config.attributes.get("connection")
if shared is not None:
    _run(shared)
else:
    _run_from_command_line()
