"""Benchmark of following a story: a large fan-out of pushes while users keep asking.

Starts the stand-in Bot API and the bot as a real process (`python -m bot run`, SQLite in a
temporary folder, the shipped seed page loaded), gives it FOLLOWERS chats that follow the
coverage (four in five everything, the rest one of a few topics), then drops a new page of 20
entries into KNOWLEDGE_DIR. While the pushes go out, ASKERS users ask questions one after the
other. Reports how long the fan-out took, deliveries per second, duplicates (the same entry
twice in one chat: must be 0), chats left without their push, and the latency of the answers
asked during the fan-out (time from the question to the first message of its reply).

Usage:  .venv/bin/python -m bench.push_fanout [--followers 10000] [--sends-per-second 1000]
        [--askers 5] [--timeout 300]
The last line of stdout is the results as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bot.db import make_engine
from tests.support.bot_process import KNOWLEDGE, TOKEN, USERNAME, start_bot, stop_bot
from tests.support.fake_bot_api import FakeBotApi

TOPICS = ["Mariupol", "sanctions", "Peskov", "ferry", "grain exports"]
FIRST_FOLLOWER = 20_000_000
FIRST_ASKER = 30_000_000
QUESTIONS = ["What did Peskov say about the summit?", "kill list", "What did Kuleba want from the EU?",
             "What's the latest?", "Chernobyl"]
TITLE = re.compile(r"<b>([^<]+)</b>\n\d\d:\d\d")


def new_page() -> str:
    subjects = [
        ("Shelling reported near Mariupol port", "Residents of Mariupol described heavy shelling overnight near the port."),
        ("EU weighs new sanctions package", "Ministers will discuss further sanctions on Russian banks on Monday."),
        ("Kremlin dismisses talks report", 'Kremlin spokesman Dmitry Peskov said the report was "pure fiction".'),
        ("Ferry crossings suspended", "The ferry crossings to the islands were suspended because of the weather."),
        ("Grain exports stall at ports", "Grain exports from the southern ports have stalled, traders said."),
    ]
    lines = ["URL: https://example.org/live/fan-out-story?page=1", ""]
    for n in range(20):
        title, body = subjects[n % len(subjects)]
        lines += [f"  {n + 1}. {title} ({20 - n})published at 16:{59 - n:02d} Greenwich Mean Time 24 February 2022",
                  "", f"    {body} Update {20 - n} of the day.", ""]
    return "\n".join(lines)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--sends-per-second", type=float, default=1000.0)
    parser.add_argument("--askers", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()

    pushed: dict[int, list[tuple[float, str]]] = defaultdict(list)
    replies: dict[int, list[float]] = defaultdict(list)
    lock = threading.Lock()

    def on_call(method: str, params: dict) -> None:
        if method != "sendMessage":
            return
        moment = time.perf_counter()
        chat = int(params["chat_id"])
        with lock:
            if params["text"].startswith("New "):
                pushed[chat].append((moment, params["text"]))
            else:
                replies[chat].append(moment)

    with tempfile.TemporaryDirectory(prefix="newsdesk-fanout-") as work, FakeBotApi(token=TOKEN, username=USERNAME) as api:
        workdir, knowledge = Path(work) / "bot", Path(work) / "knowledge"
        knowledge.mkdir()
        seed = knowledge / "seed.txt"
        seed.write_bytes((KNOWLEDGE / "world-europe-60454795_page-28.txt").read_bytes())
        os.utime(seed, (time.time() - 60, time.time() - 60))
        api.add_listener(on_call)
        bot = start_bot(api, workdir, knowledge_dir=knowledge, log_level="WARNING",
                        TELEGRAM_MAX_SENDS_PER_SECOND=str(args.sends_per_second), PUSH_QUIET_SECONDS="1",
                        PUSH_INTERVAL_SECONDS="0.2", RELOAD_INTERVAL_SECONDS="1", QUESTIONS_PER_MINUTE="1000")
        try:
            bot.wait_ready()
            followers = [FIRST_FOLLOWER + n for n in range(args.followers)]
            engine = make_engine(bot.database_url)
            with engine.begin() as connection:
                newest = connection.execute(text("SELECT max(id) FROM entry")).scalar_one()
                now = datetime.now(UTC)
                connection.execute(
                    text("INSERT INTO follow (chat_id, thread_id, topic, created_at, after_entry) "
                         "VALUES (:chat, 0, :topic, :now, :newest)"),
                    [{"chat": chat, "topic": "" if n % 5 else TOPICS[(n // 5) % len(TOPICS)], "now": now,
                      "newest": newest} for n, chat in enumerate(followers)],
                )
            engine.dispose()

            stop = threading.Event()
            latencies: list[float] = []

            def ask(chat: int) -> None:
                for number in range(10_000):
                    if stop.is_set():
                        return
                    with lock:
                        before = len(replies[chat])
                    sent = time.perf_counter()
                    api.send_text(chat, QUESTIONS[number % len(QUESTIONS)])
                    deadline = sent + 30
                    while time.perf_counter() < deadline and not stop.is_set():
                        with lock:
                            if len(replies[chat]) > before:
                                latencies.append(replies[chat][before] - sent)
                                break
                        time.sleep(0.005)
                    time.sleep(0.2)

            part = Path(work) / "fan-out.part"
            part.write_text(new_page(), encoding="utf-8")
            os.utime(part, (time.time() - 10, time.time() - 10))
            landed = time.perf_counter()
            part.rename(knowledge / "fan-out.txt")
            askers = [threading.Thread(target=ask, args=(FIRST_ASKER + n,), daemon=True) for n in range(args.askers)]
            for thread in askers:
                thread.start()
            deadline = landed + args.timeout
            while time.perf_counter() < deadline:
                with lock:
                    if len(pushed) >= len(followers):
                        break
                time.sleep(0.2)
            time.sleep(2)  # anything sent twice would arrive now
            stop.set()
            for thread in askers:
                thread.join(35)
        finally:
            stop_bot(bot)

    with lock:
        times = [moment for messages in pushed.values() for moment, _ in messages]
        entries_twice = sum(
            count - 1 for messages in pushed.values()
            for count in Counter(t for _, body in messages for t in TITLE.findall(body)).values() if count > 1
        )
        messages_sent = len(times)
    during = [latency * 1000 for latency in latencies]
    results = {
        "followers": args.followers,
        "sends_per_second_limit": args.sends_per_second,
        "chats_pushed": len(pushed),
        "chats_missed": args.followers - len(pushed),
        "push_messages": messages_sent,
        "entries_pushed_twice": entries_twice,
        "first_push_after_landing_s": round(min(times) - landed, 2) if times else None,
        "fan_out_done_after_landing_s": round(max(times) - landed, 2) if times else None,
        "deliveries_per_s": round(messages_sent / (max(times) - min(times)), 1) if len(times) > 1 else None,
        "answers_during_fan_out": len(during),
        "answer_p50_ms": round(percentile(during, 50), 1),
        "answer_p95_ms": round(percentile(during, 95), 1),
        "answer_max_ms": round(max(during), 1) if during else None,
    }
    for key, value in results.items():
        print(f"{key}: {value}")
    print(json.dumps(results))
    return 0 if results["chats_missed"] == 0 and entries_twice == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
