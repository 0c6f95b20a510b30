"""Live benchmark: a bot with a large coverage, users asking all the time, new pages landing.

Generates ENTRIES synthetic entries (bench/generate.py) and loads them into a SQLite file (or
the database --database-url names, emptied first), then starts `python -m bot run` on them with
default settings against the stand-in Bot API. USERS users ask questions one after the other,
each waiting PAUSE seconds after its reply, and every INTERVAL seconds a new page with a word no
other page has lands in KNOWLEDGE_DIR (or, with --separate-load, is loaded by a `python -m bot
load` of its own, as another process would); a probe asks for that word until a reply cites
the new page. Reports answer latency (p50 / p95 / max, time from question to the first message
of its reply), questions never answered, the time from a page landing to its entry being
answered, and the bot's resident memory (now and at its peak).

Usage:  .venv/bin/python -m bench.live [--entries 100000] [--users 5] [--seconds 120] [--interval 20]
                                       [--pause 0.2] [--database-url URL] [--separate-load]
The last line of stdout is the results as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from bench.generate import generate
from bot.db import drop_schema, make_engine
from tests.support.bot_process import TOKEN, USERNAME, start_bot, stop_bot
from tests.support.fake_bot_api import FakeBotApi

QUESTIONS = ["What's the latest?", "What did the minister say?", "What happened at 9am?", "Who said what about talks?",
             "What are the key points?", "sanctions", "How many people were evacuated?"]
FIRST_USER = 40_000_000
PROBE_CHAT = 49_999_999


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def new_page(number: int) -> tuple[str, str]:
    word = "zq" + "".join(chr(ord("a") + (number * 7 + i * 3) % 26) for i in range(6)) + str(number)
    text = "\n".join([
        f"URL: https://example.org/live/live-bench-{number}?page=1", "",
        f"  1. Harbour gates at {word.capitalize()} closed for repairspublished at 18:{number % 60:02d} "
        "Greenwich Mean Time 24 February 2022", "",
        f"    The harbour gates at {word.capitalize()} were closed for repairs, the port authority said.", "",
    ])
    return word, text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--interval", type=float, default=20.0)
    parser.add_argument("--pause", type=float, default=0.2, help="seconds a user waits after a reply")
    parser.add_argument("--database-url", help="default: a SQLite file in the temporary folder")
    parser.add_argument("--separate-load", action="store_true",
                        help="new pages are loaded by `python -m bot load`, not found in KNOWLEDGE_DIR")
    args = parser.parse_args()

    replies: dict[int, list[tuple[float, str]]] = defaultdict(list)
    lock = threading.Lock()

    def on_call(method: str, params: dict) -> None:
        if method == "sendMessage":
            with lock:
                replies[int(params["chat_id"])].append((time.perf_counter(), params["text"]))

    with tempfile.TemporaryDirectory(prefix="newsdesk-live-") as work, FakeBotApi(token=TOKEN, username=USERNAME) as api:
        knowledge, workdir, elsewhere = Path(work) / "knowledge", Path(work) / "bot", Path(work) / "elsewhere"
        generate(args.entries, knowledge)
        workdir.mkdir()
        elsewhere.mkdir()
        database_url = args.database_url or f"sqlite:///{workdir / 'bot.db'}"
        if args.database_url:
            drop_schema(make_engine(database_url))
        env = {**os.environ, "DATABASE_URL": database_url}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "load", "--quiet", str(knowledge)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        loaded_s = time.perf_counter() - started
        api.add_listener(on_call)
        started = time.perf_counter()
        bot = start_bot(api, workdir, knowledge_dir=knowledge, database_url=database_url, log_level="WARNING",
                        QUESTIONS_PER_MINUTE="100000")
        try:
            bot.wait_ready(timeout=600)
            ready_s = time.perf_counter() - started
            rss_ready, _ = memory_mb(bot.proc.pid)
            stop = threading.Event()
            latencies: list[float] = []
            slowest: list[tuple[float, float, str]] = []  # (seconds, when since the users started, question)
            users_started = time.perf_counter()
            unanswered = 0

            def ask(chat: int, text: str, timeout: float = 30.0) -> tuple[float, str] | None:
                with lock:
                    before = len(replies[chat])
                sent = time.perf_counter()
                api.send_text(chat, text)
                while time.perf_counter() - sent < timeout:
                    with lock:
                        if len(replies[chat]) > before:
                            moment, body = replies[chat][before]
                            return moment - sent, body
                    time.sleep(0.002)
                return None

            def user(chat: int) -> None:
                nonlocal unanswered
                number = 0
                while not stop.is_set():
                    question = QUESTIONS[number % len(QUESTIONS)]
                    asked_at = time.perf_counter() - users_started
                    answered = ask(chat, question)
                    if answered is not None:
                        latencies.append(answered[0])
                        slowest.append((answered[0], asked_at, question))
                        slowest.sort(reverse=True)
                        del slowest[3:]
                    else:
                        unanswered += 1
                    number += 1
                    time.sleep(args.pause)

            freshness: list[float] = []
            missed = 0
            threads = [threading.Thread(target=user, args=(FIRST_USER + n,), daemon=True) for n in range(args.users)]
            for thread in threads:
                thread.start()
            deadline = time.perf_counter() + args.seconds
            page = 0
            while time.perf_counter() < deadline:
                page += 1
                word, text = new_page(page)
                part = Path(work) / f"live-{page}.part"
                part.write_text(text, encoding="utf-8")
                os.utime(part, (time.time() - 10, time.time() - 10))
                landed = time.perf_counter()
                if args.separate_load:
                    target = elsewhere / f"live-bench-{page}.txt"
                    part.rename(target)
                    subprocess.run([sys.executable, "-m", "bot", "load", "--quiet", str(target)], env=env, check=True,
                                   stdout=subprocess.DEVNULL)
                else:
                    part.rename(knowledge / f"live-bench-{page}.txt")
                while True:
                    answered = ask(PROBE_CHAT, f"What happened at {word}?")
                    if answered is not None and word.capitalize() in answered[1]:
                        freshness.append(time.perf_counter() - landed)
                        break
                    if time.perf_counter() - landed > max(args.interval * 6, 60):
                        missed += 1
                        break
                    time.sleep(0.2)
                time.sleep(max(0.0, args.interval - (time.perf_counter() - landed)))
            stop.set()
            for thread in threads:
                thread.join(35)
            rss_now, rss_peak = memory_mb(bot.proc.pid)
        finally:
            stop_bot(bot)

    results = {
        "entries": args.entries,
        "load_s": round(loaded_s, 1),
        "start_until_ready_s": round(ready_s, 1),
        "users": args.users,
        "answers": len(latencies),
        "unanswered": unanswered,
        "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
        "separate_load": args.separate_load,
        "answer_p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "answer_p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "answer_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "pages_landed": page,
        "pages_never_answered": missed,
        "landing_to_answer_median_s": round(percentile(freshness, 50), 1),
        "landing_to_answer_max_s": round(max(freshness), 1) if freshness else None,
        "rss_ready_mb": round(rss_ready),
        "rss_end_mb": round(rss_now),
        "rss_peak_mb": round(rss_peak),
        "slowest_answers": [f"{seconds * 1000:.0f} ms at {at:.1f} s: {question}" for seconds, at, question in slowest],
    }
    for key, value in results.items():
        print(f"{key}: {value}")
    print(json.dumps(results))
    return 0 if missed == 0 and unanswered == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
