"""The command line: `python -m bot load / ask / latest / summary`, as a user and score.py run it."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import _parser, main

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
FIRST_TITLE = "EU agrees to provide Ukraine with 'advisory' military training"
SEED_ADDRESS = "https://feeds.bbci.co.uk/news/live/world-europe-60454795?page=28"


def run_bot(args: list[str], database_url: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def loaded_database(tmp_path_factory: pytest.TempPathFactory, knowledge_dir: Path) -> str:
    """A SQLite file with knowledge/ loaded by `python -m bot load`, as a user would."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'newsdesk.db'}"
    result = run_bot(["load", str(knowledge_dir)], url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 files: 1 loaded, 0 unchanged, 0 failed; 20 new entries, 8 new summary points"
    return url


@pytest.fixture
def cli_database(sqlite_file_url: str, knowledge_dir: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The same, loaded in-process, for tests that call `main` directly."""
    assert main(["load", "--quiet", str(knowledge_dir)]) == 0
    capsys.readouterr()
    return sqlite_file_url


# --- the evaluation contract ---------------------------------------------------------------


def test_batch_json_answers_one_object_per_line(loaded_database: str) -> None:
    questions = [json.loads(line)["q"] for line in (DATA / "seed_questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    questions += ["latest", "key points", "What happened at 10:20?"]
    result = run_bot(["ask", "--json", "--batch", "-"], loaded_database, stdin="".join(q + "\n" for q in questions))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == len(questions)
    for question, line in zip(questions, lines, strict=False):
        answer = json.loads(line)
        assert answer["question"] == question
        assert isinstance(answer["abstained"], bool)
        assert isinstance(answer["answer"], str) and answer["answer"]
        assert isinstance(answer["citations"], list)
        assert answer["abstained"] == (answer["citations"] == [])
        for citation in answer["citations"]:
            assert citation["kind"] in {"entry", "summary", "key_point"}
            assert isinstance(citation["title"], str) and citation["title"]
            if citation["kind"] == "entry":
                moment = datetime.fromisoformat(citation["published_at"])
                assert moment.utcoffset() is not None, citation["published_at"]
                assert citation["time"] in answer["answer"]
                assert citation["title"] in answer["answer"]
            else:
                assert citation["published_at"] is None

    by_question = dict(zip(questions, (json.loads(line) for line in lines), strict=False))
    first = by_question["What did the EU agree on military training for Ukraine?"]["citations"][0]
    assert first["title"] == FIRST_TITLE
    assert first["published_at"] == "2022-02-21T13:11:00+00:00"
    assert first["time"] == "13:11 GMT, 21 Feb 2022"
    assert first["address"] == SEED_ADDRESS
    assert by_question["What is the weather in Paris tomorrow?"]["abstained"] is True
    assert by_question["latest"]["mode"] == "latest"
    assert len(by_question["key points"]["citations"]) == 8
    assert by_question["What happened at 10:20?"]["citations"][0]["published_at"] == "2022-02-21T10:20:00+00:00"


def test_batch_gives_one_json_line_per_input_line(cli_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "questions.txt"
    batch.write_bytes(b"What did Peskov say?\n\n   \n" + b"\xff\xfe broken\n" + b"chernobil\n")
    assert main(["ask", "--json", "--batch", str(batch)]) == 1  # one line was not UTF-8
    captured = capsys.readouterr()
    answers = [json.loads(line) for line in captured.out.splitlines()]
    assert [a["question"] for a in answers] == ["What did Peskov say?", "", "", None, "chernobil"]
    assert [a["mode"] for a in answers[1:4]] == ["empty", "empty", "error"]
    assert answers[4]["citations"][0]["kind"] == "summary"
    assert captured.err.strip().endswith("line 4 is not valid UTF-8")


def test_asking_an_empty_database_loads_the_coverage_first(sqlite_file_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "What did Peskov say about the summit?"]) == 0
    captured = capsys.readouterr()
    assert "Peskov" in captured.out
    assert "loaded " in captured.err


def test_published_at_carries_the_page_zone(sqlite_file_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "bst.txt"
    page.write_text(
        "URL: https://feeds.bbci.co.uk/news/live/uk-politics-63309400?page=5\n\n"
        "  1. Tories no longer have a mandate to govern - Starmerpublished at 14:00 British Summer Time 20 October 2022\n\n"
        "    A bit more reaction from Sir Keir Starmer now and his calls for an immediate general election.\n",
        encoding="utf-8",
    )
    assert main(["load", "--quiet", str(page)]) == 0
    capsys.readouterr()
    assert main(["latest", "1", "--json"]) == 0
    citation = json.loads(capsys.readouterr().out)["citations"][0]
    assert citation["published_at"] == "2022-10-20T14:00:00+01:00"
    assert citation["time"] == "14:00 BST, 20 Oct 2022"
    assert main(["ask", "Starmer mandate"]) == 0
    out = capsys.readouterr().out
    assert "14:00 BST, 20 Oct 2022" in out


# --- what a user reads ---------------------------------------------------------------------


def test_ask_shows_title_time_and_address(cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "What did the EU agree on military training for Ukraine?"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Here is what the coverage says:"
    assert f"1. {FIRST_TITLE}" in lines
    assert any(line.strip().startswith("13:11 GMT, 21 Feb 2022") and "Jessica Parker" in line for line in lines)
    assert SEED_ADDRESS in out
    assert "agreed to provide some" in out


def test_ask_says_when_it_has_nothing(cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "What is the weather in Paris tomorrow?"]) == 0
    out = capsys.readouterr().out
    assert "found nothing relevant" in out
    assert "http" not in out


def test_ask_without_a_question(cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask"]) == 2
    assert "give a question" in capsys.readouterr().err


def test_latest_3_shows_three_entries(cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latest", "3"]) == 0
    out = capsys.readouterr().out
    numbered = [line for line in out.splitlines() if re.match(r"^\d+\. ", line)]
    assert numbered == [
        f"1. {FIRST_TITLE}",
        "2. UK defence secretary to update MPs on Ukraine crisis",
        "3. What we know about Donbas attacks",
    ]
    assert "13:11 GMT, 21 Feb 2022" in out
    assert "12:45 GMT, 21 Feb 2022" in out
    assert "more results" not in out


def test_latest_json(cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latest", "2", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["mode"] == "latest"
    assert [c["published_at"] for c in answer["citations"]] == ["2022-02-21T13:11:00+00:00", "2022-02-21T12:58:00+00:00"]


def test_summary_shows_the_bullets(cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    bullets = [line for line in out.splitlines() if line.startswith("• ")]
    assert len(bullets) == 8
    assert bullets[4] == "• Russians seize control of the Chernobyl complex - site of the world's worst nuclear disaster"
    assert SEED_ADDRESS in out


def subcommands() -> list[str]:
    for action in _parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    return []


def test_there_are_commands() -> None:
    assert {"load", "ask", "latest", "summary"} <= set(subcommands())


@pytest.mark.parametrize("command", subcommands())
def test_help_works_on_every_command(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: python -m bot {command}")


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in subcommands():
        assert command in out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: python -m bot" in capsys.readouterr().out



@pytest.mark.parametrize(
    ("setting", "value"), [("ALLOWED_CHAT_IDS", "@name"), ("DATABASE_URL", "nonsense"), ("QUESTIONS_PER_MINUTE", "lots")]
)
def test_a_bad_setting_gets_one_line_naming_it(
    setting: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(setting, value)
    assert main(["latest", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {setting}: ") and len(err.strip().splitlines()) == 1


def test_a_bot_api_address_with_a_trailing_slash_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import Settings

    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot/")
    assert Settings().telegram_api_base_url == "http://127.0.0.1:8081/bot"
