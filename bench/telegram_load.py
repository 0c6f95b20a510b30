"""Load benchmark of the Telegram bot: many users asking at once, measured end to end.

Starts the stand-in Bot API (tests/support/fake_bot_api.py) and the bot as a real process
(`python -m bot run`, SQLite in a temporary folder, the shipped knowledge/ loaded at start-up),
then simulates USERS users, each in a private chat of their own, each asking QUESTIONS questions
one after the other: a user sends the next question only once the whole reply to the previous
one has arrived, and all users run at the same time (one thread each).

Latency of a question = time from the user's message being queued for getUpdates to the first
sendMessage of the reply reaching the stand-in API (detected by a 5 ms poll). Every reply is
also compared with what the shared answer code renders for that question, so a reply that went
to the wrong chat, or an apology instead of an answer, counts as a failure.

Usage:  .venv/bin/python bench/telegram_load.py [--users 50] [--questions 20] [--timeout 120]
Exit status: 0 all answered correctly; 1 something unanswered, wrong or rejected; 2 no start.

The per-user question limit (QUESTIONS_PER_MINUTE) is raised to the questions per user if it
is lower, so it does not cut the load short.

Sending goes through PTB's AIORateLimiter at TELEGRAM_MAX_SENDS_PER_SECOND. By default the
benchmark raises it to 1000/s so that it measures what the bot itself can answer; with
--sends-per-second 30 (Telegram's limit for an ordinary bot, and the bot's default) every
question costs two limited requests (typing + message), so about 15 answers/s is the ceiling.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.db import make_engine  # noqa: E402
from bot.library import build_answerer  # noqa: E402
from bot.telegram.handlers import SORRY  # noqa: E402
from bot.telegram.render import answer_blocks, split_messages  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi  # noqa: E402

SEED_QUESTIONS = ROOT.parent / "shared" / "eval" / "seed_questions.jsonl"
BUILTIN_QUESTIONS = [
    "What did Peskov say about the summit?",
    "What did the EU agree on military training for Ukraine?",
    "When will Ben Wallace speak to Parliament?",
    "Who is firing at who in the Donbas?",
    "What's the latest?",
    "What are the key points?",
    "What happened at 12:58?",
    "Is there a kill list?",
    "bitcoin price",
]
FIRST_CHAT = 500_001


def load_questions() -> list[str]:
    if not SEED_QUESTIONS.is_file():
        print(f"note: {SEED_QUESTIONS} is absent; using {len(BUILTIN_QUESTIONS)} built-in questions")
        return BUILTIN_QUESTIONS
    questions = [json.loads(line)["q"] for line in SEED_QUESTIONS.read_text().splitlines() if line.strip()]
    questions = [q for q in questions if q.strip()]
    if not questions:
        print(f"note: {SEED_QUESTIONS} holds no questions; using the built-in ones")
        return BUILTIN_QUESTIONS
    return questions


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


class Inbox:
    """One thread reads what the bot sent (in order) and hands it to each chat's waiter."""

    def __init__(self, api: FakeBotApi):
        self.api = api
        self.seen = 0
        self.by_chat: dict[int, list[tuple[float, dict]]] = defaultdict(list)
        self.cond = threading.Condition()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="inbox", daemon=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            messages = self.api.sent_messages()  # in the order the fake accepted them
            if len(messages) > self.seen:
                now = time.perf_counter()
                with self.cond:
                    for message in messages[self.seen:]:
                        self.by_chat[message["chat_id"]].append((now, message))
                    self.seen = len(messages)
                    self.cond.notify_all()
            time.sleep(0.005)

    def count(self, chat_id: int) -> int:
        with self.cond:
            return len(self.by_chat[chat_id])

    def wait(self, chat_id: int, count: int, deadline: float) -> list[tuple[float, dict]]:
        with self.cond:
            self.cond.wait_for(lambda: len(self.by_chat[chat_id]) >= count,
                               timeout=max(0.0, deadline - time.perf_counter()))
            return list(self.by_chat[chat_id])


@dataclass
class UserResult:
    asked: int = 0
    answered: int = 0
    wrong: list[str] = field(default_factory=list)
    apologies: int = 0
    latencies: list[float] = field(default_factory=list)  # first message of each reply
    complete: list[float] = field(default_factory=list)  # last message of each reply
    unanswered: list[str] = field(default_factory=list)


def simulate_user(api: FakeBotApi, inbox: Inbox, chat_id: int, questions: list[str],
                  expected: dict[str, list[str]], start: threading.Barrier, deadline: float,
                  result: UserResult) -> None:
    start.wait()
    for question in questions:
        if time.perf_counter() >= deadline:
            result.unanswered.append(question)
            continue
        want = expected[question]
        base = inbox.count(chat_id)
        sent_at = time.perf_counter()
        api.send_text(chat_id, question, username=f"user{chat_id}", first_name="Load")
        result.asked += 1
        received = inbox.wait(chat_id, base + len(want), deadline)[base:]
        if not received:
            result.unanswered.append(question)
            continue
        texts = [message["text"] for _, message in received[: len(want)]]
        result.latencies.append(received[0][0] - sent_at)
        if len(received) < len(want):
            result.unanswered.append(question)
            continue
        result.answered += 1
        result.complete.append(received[len(want) - 1][0] - sent_at)
        if SORRY in texts:
            result.apologies += 1
        elif texts != want:
            result.wrong.append(question)


def start_bot(
    api: FakeBotApi, workdir: Path, per_user: int, sends_per_second: float
) -> tuple[subprocess.Popen, Path, str]:
    database_url = f"sqlite:///{workdir / 'bot.db'}"
    known = {name.upper() for name in Settings.model_fields}  # no developer setting leaks in
    env = {k: v for k, v in os.environ.items() if k.upper() not in known and not k.startswith("TELEGRAM_")}
    if "questions_per_minute" in Settings.model_fields:
        # Each user asks `per_user` questions within about a minute: never hit the per-user limit,
        # so what is measured is the bot's throughput. (The default is kept when it is enough.)
        default = Settings.model_fields["questions_per_minute"].default
        env["QUESTIONS_PER_MINUTE"] = str(max(int(default), per_user))
    env.update(
        TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url, DATABASE_URL=database_url,
        KNOWLEDGE_DIR=str(ROOT / "knowledge"), LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
        TELEGRAM_MAX_SENDS_PER_SECOND=str(sends_per_second),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    log_path = workdir / "bot.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=workdir, env=env,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return proc, log_path, database_url


def stop_bot(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def process_usage(pid: int) -> tuple[float, float]:
    """(CPU seconds, resident MiB) of a running process, from /proc; (nan, nan) elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        status = Path(f"/proc/{pid}/status").read_text()
        rss_kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        return cpu, rss_kib / 1024
    except (OSError, ValueError, IndexError, StopIteration):
        return math.nan, math.nan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=20, help="questions per user")
    parser.add_argument("--timeout", type=float, default=120, help="seconds for the whole load phase")
    parser.add_argument(
        "--sends-per-second", type=float, default=1000,
        help="the bot's send rate limit (TELEGRAM_MAX_SENDS_PER_SECOND); 1000 measures the bot itself, "
        "30 is Telegram's own limit for an ordinary bot",
    )
    parser.add_argument("--start-timeout", type=float, default=90, help="seconds for the bot to start")
    args = parser.parse_args(argv)

    pool = load_questions()
    plans = {FIRST_CHAT + u: [pool[(u * args.questions + j) % len(pool)] for j in range(args.questions)]
             for u in range(args.users)}

    with tempfile.TemporaryDirectory(prefix="telegram-load-") as tmp, FakeBotApi() as api:
        workdir = Path(tmp)
        proc, log_path, database_url = start_bot(api, workdir, args.questions, args.sends_per_second)
        try:
            started = time.perf_counter()
            try:
                api.wait_for(lambda: api.successful_calls("setMyCommands") or proc.poll() is not None,
                             args.start_timeout, "the bot to start")
            except AssertionError as exc:
                print(f"error: {exc}\n{log_path.read_text(errors='replace')[-3000:]}", file=sys.stderr)
                return 2
            if proc.poll() is not None:
                print(f"error: the bot exited ({proc.returncode}) while starting:\n"
                      f"{log_path.read_text(errors='replace')[-3000:]}", file=sys.stderr)
                return 2
            startup = time.perf_counter() - started

            # What each question's reply must be, from the same code over the same database.
            engine = make_engine(database_url)
            answerer = build_answerer(engine)
            engine.dispose()
            expected = {q: split_messages(answer_blocks(answerer.answer(q))) for q in set(pool)}

            cpu_before, _ = process_usage(proc.pid)
            inbox = Inbox(api)
            inbox.thread.start()
            results = {chat: UserResult() for chat in plans}
            barrier = threading.Barrier(len(plans) + 1)
            t0 = time.perf_counter()
            deadline = t0 + args.timeout
            threads = [threading.Thread(target=simulate_user, name=f"user-{chat}", daemon=True,
                                        args=(api, inbox, chat, plan, expected, barrier, deadline, results[chat]))
                       for chat, plan in plans.items()]
            for thread in threads:
                thread.start()
            barrier.wait()
            t0 = time.perf_counter()
            for thread in threads:
                thread.join(max(0.0, deadline - time.perf_counter()) + 5)
            elapsed = time.perf_counter() - t0
            inbox.stopping.set()
            cpu_after, rss = process_usage(proc.pid)
            alive = proc.poll() is None
        finally:
            stop_bot(proc)
        log_tail = log_path.read_text(errors="replace")[-2000:]
        api_errors = api.errors
        request_counts = defaultdict(int)
        for name, _ in api.calls:
            request_counts[name] += 1

    total = args.users * args.questions
    answered = sum(r.answered for r in results.values())
    latencies = [x for r in results.values() for x in r.latencies]
    complete = [x for r in results.values() for x in r.complete]
    wrong = [q for r in results.values() for q in r.wrong]
    apologies = sum(r.apologies for r in results.values())
    unanswered = [(chat, q) for chat, r in results.items() for q in r.unanswered]
    multi = sum(1 for plan in plans.values() for q in plan if len(expected[q]) > 1)

    rows = [
        ("users x questions", f"{args.users} x {args.questions} ({len(set(pool))} distinct questions)"),
        ("bot start-up", f"{startup:.2f} s (load knowledge/, build index, register commands)"),
        ("replies received / expected", f"{answered} / {total}"),
        ("  of which multi-message", str(multi)),
        ("  wrong content / apologies", f"{len(wrong)} / {apologies}"),
        ("  rejected by the API", str(len(api_errors))),
        ("wall time", f"{elapsed:.2f} s"),
        ("replies per second", f"{answered / elapsed:.2f}" if elapsed else "n/a"),
        ("Bot API requests", ", ".join(f"{n} {name}" for name, n in sorted(request_counts.items()))),
    ]
    if latencies:
        rows += [
            ("latency p50 (first message)", f"{statistics.median(latencies) * 1000:.0f} ms"),
            ("latency p95", f"{percentile(latencies, 95) * 1000:.0f} ms"),
            ("latency max", f"{max(latencies) * 1000:.0f} ms"),
            ("latency mean", f"{statistics.fmean(latencies) * 1000:.0f} ms"),
        ]
    if complete and multi:
        rows.append(("complete-reply p95", f"{percentile(complete, 95) * 1000:.0f} ms"))
    rows += [
        ("bot CPU during load", f"{cpu_after - cpu_before:.1f} s"),
        ("bot resident memory", f"{rss:.0f} MiB"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"\nTelegram load benchmark ({'bot still running at the end' if alive else 'BOT DIED'})")
    print("-" * (width + 40))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print("-" * (width + 40))

    failed = bool(unanswered or wrong or apologies or api_errors or not alive)
    if unanswered:
        print(f"FAIL: {len(unanswered)} question(s) unanswered within {args.timeout:.0f} s, e.g. "
              f"chat {unanswered[0][0]}: {unanswered[0][1]!r}")
    if wrong:
        print(f"FAIL: {len(wrong)} repl(ies) differ from the expected answer, e.g. {wrong[0]!r}")
    if apologies:
        print(f"FAIL: {apologies} apology message(s) instead of answers")
    if api_errors:
        print(f"FAIL: the API rejected {len(api_errors)} request(s), e.g. {api_errors[0]}")
    if failed:
        print(f"bot log tail:\n{log_tail}")
        return 1
    print("OK: every question answered with the expected reply")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
