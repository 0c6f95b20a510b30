"""Load benchmark of the Telegram bot: many users asking at once, measured end to end.

Starts the stand-in Bot API (tests/support/fake_bot_api.py) and the bot as a real process
(`python -m bot run`, SQLite in a temporary folder, the shipped knowledge/ loaded at start-up),
then simulates USERS users, each in a private chat of their own, each asking QUESTIONS questions
one after the other: a user sends the next question only once the whole reply to the previous
one has arrived, and all users run at the same time (one thread each).

Latency of a question = time from the user's message being queued for getUpdates to the first
sendMessage of the reply being accepted by the stand-in API. Nothing polls: the stand-in calls a
listener for every accepted request, which stamps the time and wakes that chat's user thread, so
the harness (same process as the stand-in) stays cheap and leaves the cores to the bot. Every
reply is also compared with what the shared answer code renders for that question, so a reply
that went to the wrong chat, or an apology instead of an answer, counts as a failure.

Usage:  .venv/bin/python -m bench.telegram_load [--users 50] [--questions 20] [--timeout 120]
        [--sends-per-second 1000] [--think-time 0] [--cprofile /tmp/bot.prof]
Exit status: 0 all answered correctly; 1 something unanswered, wrong or rejected; 2 no start.

With no think time the load is closed-loop: USERS questions are always in flight, so by Little's
law the mean latency is about USERS / (replies per second) -- 50 users at 100 replies/s means about
500 ms mean latency, whatever the bot does. --think-time T makes each user pause T seconds after
a reply before asking again, which caps the offered load at USERS / T questions/s and so measures
latency at a given load (e.g. --think-time 0.5 offers at most 100 questions/s with 50 users).

The per-user question limit (QUESTIONS_PER_MINUTE) is raised to the questions per user if it
is lower, so it does not cut the load short.

Sending goes through the per-chat send queues, paced at TELEGRAM_MAX_SENDS_PER_SECOND. By default the
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
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.answerer_cache import build_answerer
from bot.config import Settings
from bot.db import make_engine
from bot.telegram.delivery import SORRY
from bot.telegram.render import answer_blocks, split_messages
from tests.support.bot_process import BotProcess, start_bot, stop_bot
from tests.support.fake_bot_api import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
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


class Mailbox:
    """What the bot sent to one chat, with arrival times; its user thread sleeps on `cond`."""

    def __init__(self) -> None:
        self.cond = threading.Condition(threading.Lock())
        self.messages: list[tuple[float, dict]] = []


class Inbox:
    """Event-driven delivery: the stand-in API calls `on_call` (in its server thread) for every
    accepted request; a sendMessage is stamped and handed to its chat's mailbox, waking only the
    one user thread waiting there. No polling, no scans of the stand-in's call log."""

    def __init__(self, chats: list[int]):
        self.boxes = {chat: Mailbox() for chat in chats}
        self.strays: list[dict] = []  # messages to chats no simulated user is in

    def on_call(self, method: str, params: dict) -> None:
        if method != "sendMessage":
            return
        now = time.perf_counter()
        box = self.boxes.get(params.get("chat_id"))
        if box is None:
            self.strays.append(params)
            return
        with box.cond:
            box.messages.append((now, params))
            box.cond.notify()

    def count(self, chat_id: int) -> int:
        box = self.boxes[chat_id]
        with box.cond:
            return len(box.messages)

    def wait(self, chat_id: int, count: int, deadline: float) -> list[tuple[float, dict]]:
        box = self.boxes[chat_id]
        with box.cond:
            box.cond.wait_for(lambda: len(box.messages) >= count,
                              timeout=max(0.0, deadline - time.perf_counter()))
            return list(box.messages)


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
                  result: UserResult, think_time: float = 0.0) -> None:
    start.wait()
    for number, question in enumerate(questions):
        if think_time and number:
            time.sleep(think_time)
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


def start_load_bot(
    api: FakeBotApi, workdir: Path, per_user: int, sends_per_second: float, cprofile: Path | None = None
) -> BotProcess:
    """The bot with default settings, except that each user's `per_user` questions within
    about a minute never hit the per-user limit: what is measured is the bot's throughput."""
    default_limit = int(Settings.model_fields["questions_per_minute"].default)
    # With --cprofile the bot runs under cProfile; SIGTERM stops PTB's polling cleanly, so the
    # profile is written when the process exits.
    profiler = ("-m", "cProfile", "-o", str(cprofile)) if cprofile else ()
    return start_bot(
        api, workdir, token=api.token, log_level="WARNING", python_args=profiler,
        QUESTIONS_PER_MINUTE=str(max(default_limit, per_user)),
        TELEGRAM_MAX_SENDS_PER_SECOND=str(sends_per_second),
        SEND_RETRY_SECONDS=str(Settings.model_fields["send_retry_seconds"].default),
    )


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


def machine_busy() -> float:
    """CPU seconds all processes have used on this machine (busy time in /proc/stat); nan elsewhere."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")  # guest time is already in user
    except (OSError, ValueError, IndexError):
        return math.nan


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
    parser.add_argument("--think-time", type=float, default=0.0, metavar="SECONDS",
                        help="pause after each reply before the next question (0: closed loop at full speed)")
    parser.add_argument("--start-timeout", type=float, default=90, help="seconds for the bot to start")
    parser.add_argument("--cprofile", type=Path, metavar="FILE",
                        help="run the bot under cProfile and write its profile to FILE (slows the bot)")
    args = parser.parse_args(argv)

    pool = load_questions()
    plans = {FIRST_CHAT + u: [pool[(u * args.questions + j) % len(pool)] for j in range(args.questions)]
             for u in range(args.users)}

    with tempfile.TemporaryDirectory(prefix="telegram-load-") as tmp, FakeBotApi() as api:
        workdir = Path(tmp)
        cprofile = args.cprofile.resolve() if args.cprofile else None
        bot = start_load_bot(api, workdir, args.questions, args.sends_per_second, cprofile)
        proc, log_path, database_url = bot.proc, bot.log_path, bot.database_url
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

            inbox = Inbox(list(plans))
            remove_listener = api.add_listener(inbox.on_call)
            results = {chat: UserResult() for chat in plans}
            barrier = threading.Barrier(len(plans) + 1)
            t0 = time.perf_counter()
            deadline = t0 + args.timeout
            threads = [threading.Thread(target=simulate_user, name=f"user-{chat}", daemon=True,
                                        args=(api, inbox, chat, plan, expected, barrier, deadline, results[chat],
                                              args.think_time))
                       for chat, plan in plans.items()]
            for thread in threads:
                thread.start()
            barrier.wait()
            t0 = time.perf_counter()
            cpu_before, _ = process_usage(proc.pid)
            own_cpu_before = time.process_time()
            busy_before = machine_busy()
            for thread in threads:
                thread.join(max(0.0, deadline - time.perf_counter()) + 5)
            elapsed = time.perf_counter() - t0
            cpu_after, rss = process_usage(proc.pid)
            own_cpu = time.process_time() - own_cpu_before
            others = machine_busy() - busy_before - own_cpu - (cpu_after - cpu_before)
            remove_listener()
            alive = proc.poll() is None
        finally:
            stop_bot(bot)
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
        ("users x questions", f"{args.users} x {args.questions} ({len(set(pool))} distinct questions)"
                              + (f", think time {args.think_time:g} s" if args.think_time else "")),
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
        ("bot CPU during load", f"{cpu_after - cpu_before:.1f} s"
                                f" ({(cpu_after - cpu_before) / elapsed * 100:.0f}% of one core)" if elapsed else "n/a"),
        ("bot CPU per answer", f"{(cpu_after - cpu_before) / answered * 1000:.1f} ms" if answered else "n/a"),
        ("harness + stand-in API CPU", f"{own_cpu:.1f} s" + (f" ({own_cpu / elapsed * 100:.0f}% of one core)"
                                                          if elapsed else "")),
        ("other processes' CPU", f"{others:.1f} s ({others / elapsed * 100:.0f}% of one core; "
                                 f"{os.cpu_count()} cores in all)" if elapsed and not math.isnan(others) else "n/a"),
        ("bot resident memory", f"{rss:.0f} MiB"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"\nTelegram load benchmark ({'bot still running at the end' if alive else 'BOT DIED'})")
    print("-" * (width + 40))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print("-" * (width + 40))

    strays = inbox.strays
    failed = bool(unanswered or wrong or apologies or api_errors or strays or not alive)
    if unanswered:
        print(f"FAIL: {len(unanswered)} question(s) unanswered within {args.timeout:.0f} s, e.g. "
              f"chat {unanswered[0][0]}: {unanswered[0][1]!r}")
    if wrong:
        print(f"FAIL: {len(wrong)} repl(ies) differ from the expected answer, e.g. {wrong[0]!r}")
    if apologies:
        print(f"FAIL: {apologies} apology message(s) instead of answers")
    if strays:
        print(f"FAIL: {len(strays)} message(s) sent to chats no user was in, e.g. chat {strays[0].get('chat_id')}")
    if api_errors:
        print(f"FAIL: the API rejected {len(api_errors)} request(s), e.g. {api_errors[0]}")
    if failed:
        print(f"bot log tail:\n{log_tail}")
        return 1
    print("OK: every question answered with the expected reply")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
