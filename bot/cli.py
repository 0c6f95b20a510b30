"""The command line: load coverage, ask questions, see the latest updates, run the bot."""

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError

from bot.config import get_settings
from bot.db import get_engine
from bot.kinds import LoadStatus
from bot.loader.run import FileOutcome, load_paths

if TYPE_CHECKING:
    from bot.answers import Answerer


def _answerer(engine: Engine) -> "Answerer":
    # Imported when a command answers: `load`, run by hand or by a script for every new page,
    # starts faster without the index and answer code.
    from bot.answerer_cache import build_answerer

    return build_answerer(engine)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except ValidationError as exc:
        # A bad setting: one line per setting, naming it, instead of a traceback.
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error.get("loc") else "a setting"
            print(f"error: {name}: {error['msg']}", file=sys.stderr)
        return 2
    except ArgumentError as exc:
        print(f"error: DATABASE_URL: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `python -m bot quotes | head`: the reader has gone, which is not an error.
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answer questions about live news coverage, with cited sources.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    load = commands.add_parser("load", help="load coverage files or folders into the database")
    load.add_argument("paths", nargs="*", type=Path, help="files or folders (default: KNOWLEDGE_DIR, knowledge/)")
    load.add_argument("-q", "--quiet", action="store_true", help="print only the totals and failures")
    load.set_defaults(handler=_load)

    unload = commands.add_parser("unload", help="remove loaded files' entries (a file deleted or moved away)")
    unload.add_argument("paths", nargs="+", type=Path, help="files as they were loaded (they need not exist any more)")
    unload.set_defaults(handler=_unload)

    ask = commands.add_parser("ask", help="answer a question from the loaded coverage")
    ask.add_argument("question", nargs="?", help="the question (with --batch, read questions from a file)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument("--batch", metavar="FILE", help="answer every line of FILE ('-' for standard input)")
    ask.set_defaults(handler=_ask)

    latest = commands.add_parser("latest", help="show the newest entries")
    latest.add_argument("count", nargs="?", type=int, default=5, help="how many (default 5, at most 20)")
    latest.add_argument("--json", action="store_true", help="print the answer as JSON")
    latest.set_defaults(handler=_latest)

    summary = commands.add_parser("summary", help="show the coverage's key points")
    summary.add_argument("--json", action="store_true", help="print the answer as JSON")
    summary.set_defaults(handler=_summary)

    who = commands.add_parser("who", help="what a person or organisation said, optionally about a topic")
    who.add_argument("name", help="who, e.g. Peskov or 'the Kremlin'")
    who.add_argument("topic", nargs="*", help="what about, e.g. summit")
    who.add_argument("--json", action="store_true", help="print the answer as JSON")
    who.set_defaults(handler=_who)

    quotes = commands.add_parser("quotes", help="list every extracted quote with its speaker")
    quotes.add_argument("--json", action="store_true", help="one JSON object per quote")
    quotes.set_defaults(handler=_quotes)

    run = commands.add_parser("run", help="run the Telegram bot (long polling, or a webhook if WEBHOOK_URL is set)")
    run.set_defaults(handler=_run)

    push = commands.add_parser("push", help="only push new entries to the chats following them (no questions)")
    push.set_defaults(handler=_push)
    return parser


def _engine():
    return get_engine(get_settings().database_url)


def _print(answer, as_json: bool) -> None:
    from bot.render_text import answer_json, answer_text

    print(answer_json(answer) if as_json else answer_text(answer), flush=True)


def _knowledge_dir_problem() -> str | None:
    """A KNOWLEDGE_DIR that is a file (README.md) is no folder of coverage."""
    folder = get_settings().knowledge_dir
    if folder.exists() and not folder.is_dir():
        return f"error: KNOWLEDGE_DIR={folder} is a file, not a folder of coverage"
    return None


def _load(args: argparse.Namespace) -> int:
    if not args.paths and (problem := _knowledge_dir_problem()):
        print(problem, file=sys.stderr)
        return 2
    paths = args.paths or [get_settings().knowledge_dir]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"error: {path}: no such file or folder", file=sys.stderr)
    existing = [p for p in paths if p.exists()]

    def progress(index: int, total: int, outcome: FileOutcome) -> None:
        if outcome.status in (LoadStatus.FAILED, LoadStatus.RETRY_LATER):
            print(f"[{index}/{total}] FAILED {outcome.path}: {outcome.message}", file=sys.stderr)
        elif not args.quiet:
            detail = (
                f"{outcome.entries} entries ({outcome.new_entries} new), "
                f"{outcome.summary_points} summary points ({outcome.new_summary_points} new)"
                if outcome.status == LoadStatus.LOADED
                else f"unchanged ({outcome.message})" if outcome.message else "unchanged"
            )
            print(f"[{index}/{total}] {outcome.path}: {detail}", file=sys.stderr)
        if not args.quiet:
            for warning in outcome.warnings:
                print(f"    warning: {outcome.path}: {warning}", file=sys.stderr)

    report = load_paths(_engine(), existing, on_file=progress)
    print(report.summary_line())
    return 1 if report.failed or missing else 0


def _unload(args: argparse.Namespace) -> int:
    from bot.loader.unload import loaded_sources, unload_sources

    engine = _engine()
    sources = [str(path.resolve()) for path in args.paths]
    known = loaded_sources(engine, sources)
    for path, source in zip(args.paths, sources, strict=False):
        if source not in known:
            print(f"error: {path}: not a loaded file", file=sys.stderr)
    done = unload_sources(engine, [s for s in sources if s in known])
    print(f"{done.pages} files unloaded; {done.entries} entries removed (entries another page still shows are kept)")
    return 0 if len(known) == len(sources) else 1


def _ask(args: argparse.Namespace) -> int:
    if args.batch is None and not args.question:
        print("error: give a question, or --batch FILE", file=sys.stderr)
        return 2
    engine = _engine()
    _load_if_empty(engine)
    answerer = _answerer(engine)
    if args.batch is None:
        lines: list[str | None] = [args.question]
    else:
        try:
            raw = sys.stdin.buffer.read() if args.batch == "-" else Path(args.batch).read_bytes()
        except OSError as exc:
            print(f"error: {args.batch}: cannot read: {exc.strerror or exc}", file=sys.stderr)
            return 1
        lines = _batch_lines(raw, args.batch)
    status = 0
    for number, question in enumerate(lines, start=1):
        if question is None:
            # Every input line gets its own line of output, so answers stay in step with questions.
            print(f"error: {args.batch}: line {number} is not valid UTF-8", file=sys.stderr)
            status = 1
            if args.json:
                print(json.dumps({"question": None, "abstained": True, "mode": "error", "answer": "not valid UTF-8",
                                  "citations": [], "related": []}), flush=True)
            continue
        _print(answerer.answer(question), args.json)
        if not args.json and len(lines) > 1:
            print()
    return status


def _batch_lines(raw: bytes, name: str) -> list[str | None]:
    """One question per line, blank ones included; None for a line that is not valid UTF-8."""
    lines: list[str | None] = []
    for line in raw.splitlines():
        try:
            lines.append(line.decode("utf-8-sig" if not lines else "utf-8"))
        except UnicodeDecodeError:
            lines.append(None)
    return lines


def _load_if_empty(engine) -> None:
    """A first question on a new database loads KNOWLEDGE_DIR first, as the bot does at start."""
    from bot.changes import content_version

    if content_version(engine) == 0:
        folder = get_settings().knowledge_dir
        if problem := _knowledge_dir_problem():
            print(problem, file=sys.stderr)
        elif folder.is_dir():
            report = load_paths(engine, [folder])
            print(f"loaded {folder}: {report.summary_line()}", file=sys.stderr)


def _latest(args: argparse.Namespace) -> int:
    answer = _answerer(_engine()).latest(max(1, min(args.count, 20)))
    _print(answer, args.json)
    return 0


def _summary(args: argparse.Namespace) -> int:
    answer = _answerer(_engine()).key_points()
    _print(answer, args.json)
    return 0


NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), "
    "then put its token in .env as TELEGRAM_BOT_TOKEN=... or export it, and run again."
)


def _push(args: argparse.Namespace) -> int:
    from bot.telegram.push_process import run

    return _run(args, run)


def _run(args: argparse.Namespace, main=None) -> int:
    settings = get_settings()
    if settings.telegram_bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    if problem := _knowledge_dir_problem():
        print(problem, file=sys.stderr)
        return 2
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError
    from telegram.error import InvalidToken

    from bot.logging_setup import configure_logging
    from bot.telegram.app import run

    configure_logging(settings.log_level, secrets=(settings.telegram_bot_token.get_secret_value(),))
    try:
        (main or run)(settings)
    except InvalidToken:
        # python-telegram-bot's own message repeats the token: never let it reach the terminal.
        print("Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather (/token) and try again.", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"The database at {where} cannot be used: {reason}", file=sys.stderr)
        return 1
    except Exception:
        logging.getLogger("bot").exception("the bot stopped on an error")
        return 1
    return 0


def _who(args: argparse.Namespace) -> int:
    answer = _answerer(_engine()).who(args.name, " ".join(args.topic))
    _print(answer, args.json)
    return 0


def _quotes(args: argparse.Namespace) -> int:
    from bot.quotes.query import read_quotes
    from bot.render_text import quote_json, quote_text

    for record in read_quotes(_engine()):
        print(quote_json(record) if args.json else quote_text(record))
    return 0
