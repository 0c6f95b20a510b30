"""Benchmark the bot against a plain BM25 baseline on synthetic coverage of several sizes.

For each size: generate the pages (timed, not part of the figures), then in a fresh process
load them into a fresh SQLite file, build the index, and answer the generated questions plus
the shared question texts; then, in a second fresh process, do the same with bm25s over the
same entries.  Each process reports its own peak RSS, so the two columns don't inflate each
other and the corpus generator doesn't count against either.

Usage: python -m bench.run [--sizes 10000 100000] [--questions 200] [--workdir DIR]
                           [--json PATH] [--timeout S] [--profile]
The last line of stdout is the results as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SHARED_QUESTIONS = [
    ROOT.parent / "shared" / "eval" / "seed_questions.jsonl",
    ROOT.parent / "shared" / "eval" / "pages_questions.jsonl",
]
LOAD_TARGET = 5_000  # entries/s
MEMORY_TARGET_MB = 500  # peak RSS, set for 100k entries


def p95_target_ms(size: int) -> float:
    """20 ms at 10k entries, 100 ms at 100k; sizes in between take the 100k target."""
    return 20.0 if size <= 10_000 else 100.0


# ---------------------------------------------------------------------------------------------
# Measurements shared by both children
# ---------------------------------------------------------------------------------------------


def rss_now_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def percentile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(values, q)) if values else float("nan")


def latency_stats(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "max_ms": max(ms, default=float("nan")),
    }


def minute_utc(moment) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") if moment else None


def is_hit(question: dict, title: str | None, published_at) -> bool:
    return title == question["expect_title"] or minute_utc(published_at) == question["expect_time_utc"]


def hit_summary(questions: list[dict], hits: list[bool]) -> dict:
    by_kind: dict[str, list[int]] = {}
    for question, hit in zip(questions, hits, strict=True):
        counts = by_kind.setdefault(question["kind"], [0, 0])
        counts[0] += hit
        counts[1] += 1
    return {
        "hit_at_1": sum(hits) / len(hits) if hits else float("nan"),
        "hits": sum(hits),
        "n": len(hits),
        "by_kind": {kind: {"hits": h, "n": n, "hit_at_1": h / n} for kind, (h, n) in sorted(by_kind.items())},
    }


class Phase:
    """Wall time of a block, optionally under cProfile (which slows it: figures are then flagged)."""

    def __init__(self, name: str, profile_dir: Path | None):
        self.name, self.profile_dir = name, profile_dir
        self.seconds = self.cpu_seconds = 0.0

    def __enter__(self) -> Phase:
        self.profiler = None
        if self.profile_dir is not None:
            import cProfile

            self.profiler = cProfile.Profile()
            self.profiler.enable()
        self.started, self.cpu_started = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started
        self.cpu_seconds = time.process_time() - self.cpu_started
        if self.profiler is not None:
            import pstats

            self.profiler.disable()
            path = self.profile_dir / f"profile-{self.name}.prof"
            self.profiler.dump_stats(path)
            print(f"\n--- cProfile {self.name} ({self.seconds:.2f} s, saved to {path}) ---", file=sys.stderr)
            stats = pstats.Stats(str(path), stream=sys.stderr)
            stats.sort_stats("tottime").print_stats(12)


def answer_passes(ask, texts: list[str]) -> tuple[list, list[float], list[float]]:
    """One warm-up pass, then one timed pass: its results, wall durations and CPU durations.

    CPU time is kept because the machine may be shared: wall time then includes waiting for a core.
    """
    for text in texts:
        ask(text)
    results, seconds, cpu_seconds = [], [], []
    for text in texts:
        started, cpu_started = time.perf_counter(), time.process_time()
        results.append(ask(text))
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
    return results, seconds, cpu_seconds


# ---------------------------------------------------------------------------------------------
# Children: one fresh process each, so ru_maxrss is that system's own peak
# ---------------------------------------------------------------------------------------------


def child_bot(size_dir: Path, profile_dir: Path | None) -> dict:
    from bot.answers import Answerer
    from bot.db import get_engine
    from bot.loader.run import load_paths
    from bot.memory import settle_after_build
    from bot.retrieval.documents import read_documents
    from bot.retrieval.index import SearchIndex
    from bot.retrieval.search import Searcher

    questions, shared = read_question_file(size_dir)
    rss_start = rss_now_mb()
    engine = get_engine(f"sqlite:///{size_dir / 'bench.sqlite'}")

    with Phase("load", profile_dir) as load:
        report = load_paths(engine, [size_dir / "pages"])
    with Phase("build", profile_dir) as build:
        started = time.perf_counter()
        documents = read_documents(engine)
        read_s = time.perf_counter() - started
        index = SearchIndex(documents)
        index_s = time.perf_counter() - started - read_s
        answerer = Answerer(Searcher(index))
        settle_after_build()  # as the bot's answerer cache does
        searcher_s = time.perf_counter() - started - read_s - index_s
    rss_after_index = rss_now_mb()

    texts = [q["q"] for q in questions] + shared
    with Phase("answer", profile_dir):
        answers, seconds, cpu_seconds = answer_passes(answerer.answer, texts)
    hits = []
    for question, answer in zip(questions, answers, strict=False):
        top = answer.citations[0] if answer.citations else None
        hits.append(top is not None and is_hit(question, top.title, top.published_at))
    engine.dispose()
    return {
        "load": {
            "seconds": load.seconds,
            "cpu_seconds": load.cpu_seconds,
            "new_entries": report.new_entries,
            "entries_per_s": report.new_entries / load.seconds if load.seconds else float("nan"),
            "failed": [f"{o.path.name}: {o.message}" for o in report.failed],
            "summary": report.summary_line(),
        },
        "build": {"seconds": build.seconds, "cpu_seconds": build.cpu_seconds, "read_documents_s": read_s,
                  "search_index_s": index_s, "searcher_answerer_s": searcher_s, "documents": len(documents)},
        "latency": latency_stats(seconds),
        "latency_cpu": latency_stats(cpu_seconds),
        "latency_generated": latency_stats(seconds[: len(questions)]),
        "latency_shared": latency_stats(seconds[len(questions):]),
        "accuracy": hit_summary(questions, hits),
        "abstained_generated": sum(a.abstained for a in answers[: len(questions)]),
        "abstained_shared": sum(a.abstained for a in answers[len(questions):]),
        "rss_start_mb": rss_start,
        "rss_after_index_mb": rss_after_index,
        "peak_rss_mb": peak_rss_mb(),
        "profiled": profile_dir is not None,
    }


def child_bm25(size_dir: Path, profile_dir: Path | None) -> dict:
    import bm25s
    from sqlalchemy import create_engine

    from bot.retrieval.documents import read_documents

    questions, shared = read_question_file(size_dir)
    rss_start = rss_now_mb()
    # A plain engine: only read what the bot's run stored, never create or migrate the schema.
    engine = create_engine(f"sqlite:///{size_dir / 'bench.sqlite'}")
    with Phase("bm25-build", profile_dir) as build:
        started = time.perf_counter()
        entries = [d for d in read_documents(engine) if d.kind == "entry"]
        read_s = time.perf_counter() - started
        corpus = bm25s.tokenize(
            [" ".join((d.title, *d.paragraphs)) for d in entries], stopwords="en", show_progress=False
        )
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        del corpus
    rss_after_index = rss_now_mb()

    def ask(text: str) -> int | None:
        tokens = bm25s.tokenize([text], stopwords="en", return_ids=False, show_progress=False)
        if not any(tokens[0]):
            return None
        docs, _scores = retriever.retrieve(tokens, k=1, show_progress=False)
        return int(docs[0, 0])

    texts = [q["q"] for q in questions] + shared
    with Phase("bm25-answer", profile_dir):
        results, seconds, cpu_seconds = answer_passes(ask, texts)
    hits = []
    for question, doc in zip(questions, results, strict=False):
        top = entries[doc] if doc is not None else None
        hits.append(top is not None and is_hit(question, top.title, top.published_at))
    engine.dispose()
    return {
        "build": {"seconds": build.seconds, "cpu_seconds": build.cpu_seconds, "read_documents_s": read_s,
                  "bm25_s": build.seconds - read_s, "documents": len(entries)},
        "latency": latency_stats(seconds),
        "latency_cpu": latency_stats(cpu_seconds),
        "latency_generated": latency_stats(seconds[: len(questions)]),
        "latency_shared": latency_stats(seconds[len(questions):]),
        "accuracy": hit_summary(questions, hits),
        "rss_start_mb": rss_start,
        "rss_after_index_mb": rss_after_index,
        "peak_rss_mb": peak_rss_mb(),
        "profiled": profile_dir is not None,
    }


CHILDREN = {"bot": child_bot, "bm25": child_bm25}


def read_question_file(size_dir: Path) -> tuple[list[dict], list[str]]:
    data = json.loads((size_dir / "questions.json").read_text(encoding="utf-8"))
    return data["generated"], data["shared"]


def run_child(system: str, size_dir: Path, timeout: float, profile: bool) -> dict:
    out = size_dir / f"result-{system}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.run", "--child", system, "--size-dir", str(size_dir)]
    if profile:
        command.append("--profile")
    started = time.perf_counter()
    try:
        completed = subprocess.run(command, cwd=ROOT, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if completed.returncode != 0 or not out.exists():
        return {"error": f"exit status {completed.returncode}"}
    result = json.loads(out.read_text(encoding="utf-8"))
    result["wall_s"] = time.perf_counter() - started
    return result


# ---------------------------------------------------------------------------------------------
# Parent: corpus, questions, children, tables
# ---------------------------------------------------------------------------------------------


def shared_question_texts() -> tuple[list[str], list[str]]:
    texts, used = [], []
    for path in SHARED_QUESTIONS:
        if not path.is_file():
            print(f"note: {path} not found, skipped", file=sys.stderr)
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["q"])
        used.append(str(path))
    return texts, used


def prepare(size: int, size_dir: Path, n_questions: int, seed: int) -> dict:
    from bench.generate import generate
    from bench.questions import make_questions

    pages_dir = size_dir / "pages"
    for name in ("bench.sqlite", "bench.sqlite-wal", "bench.sqlite-shm"):
        (size_dir / name).unlink(missing_ok=True)
    started = time.perf_counter()
    paths = generate(size, pages_dir, seed=seed)
    generate_s = time.perf_counter() - started
    started = time.perf_counter()
    questions = make_questions(pages_dir, n=n_questions, seed=seed + 1)
    questions_s = time.perf_counter() - started
    shared, shared_files = shared_question_texts()
    (size_dir / "questions.json").write_text(
        json.dumps({"generated": questions, "shared": shared}, ensure_ascii=False), encoding="utf-8"
    )
    kinds: dict[str, int] = {}
    for question in questions:
        kinds[question["kind"]] = kinds.get(question["kind"], 0) + 1
    return {
        "pages": len(paths),
        "megabytes": sum(p.stat().st_size for p in paths) / 1e6,
        "generate_s": generate_s,
        "questions_s": questions_s,
        "generated_questions": len(questions),
        "question_kinds": kinds,
        "shared_questions": len(shared),
        "shared_files": shared_files,
    }


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def code_version() -> str:
    """The checked-out commit, marked "+changes" when bot/ differs from it (others edit as we run)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "bot"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" +changes in bot/" if dirty else "")


def fmt(value, spec: str = ",.0f") -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    return format(value, spec)


def verdict(ok: bool | None) -> str:
    return "" if ok is None else (" — met" if ok else " — **MISSED**")


def table(size: int, corpus: dict, bot: dict, bm25: dict) -> str:
    def get(result: dict, *keys):
        for key in keys:
            if not isinstance(result, dict) or key not in result:
                return None
            result = result[key]
        return result

    load_rate = get(bot, "load", "entries_per_s")
    bot_p95, bm_p95 = get(bot, "latency", "p95_ms"), get(bm25, "latency", "p95_ms")
    bot_peak = get(bot, "peak_rss_mb")
    p95_goal = p95_target_ms(size)
    memory_row_target = (
        f"≤ {MEMORY_TARGET_MB}{verdict(bot_peak <= MEMORY_TARGET_MB if bot_peak is not None else None)}"
        if size >= 100_000 else f"(≤ {MEMORY_TARGET_MB} at 100k)"
    )

    def hit(result: dict) -> str:
        acc = get(result, "accuracy")
        return f"{acc['hit_at_1']:.3f} ({acc['hits']}/{acc['n']})" if acc else "—"

    rows = [
        ("load, entries/s", fmt(load_rate), "— (same database)",
         f"≥ {LOAD_TARGET:,}{verdict(load_rate >= LOAD_TARGET if load_rate is not None else None)}"),
        ("index build, s", fmt(get(bot, "build", "seconds"), ".2f"), fmt(get(bm25, "build", "seconds"), ".2f"), ""),
        ("answer p50, ms", fmt(get(bot, "latency", "p50_ms"), ".1f"), fmt(get(bm25, "latency", "p50_ms"), ".1f"), ""),
        ("answer p95, ms", fmt(bot_p95, ".1f"), fmt(bm_p95, ".1f"),
         f"≤ {p95_goal:.0f}{verdict(bot_p95 <= p95_goal if bot_p95 is not None else None)}"),
        ("answer max, ms", fmt(get(bot, "latency", "max_ms"), ".1f"), fmt(get(bm25, "latency", "max_ms"), ".1f"), ""),
        ("hit@1 (generated questions)", hit(bot), hit(bm25), ""),
        ("peak RSS, MB", fmt(bot_peak, ".0f"), fmt(get(bm25, "peak_rss_mb"), ".0f"), memory_row_target),
        ("RSS after index build, MB", fmt(get(bot, "rss_after_index_mb"), ".0f"),
         fmt(get(bm25, "rss_after_index_mb"), ".0f"), ""),
    ]
    lines = [
        f"### {size:,} entries",
        "",
        f"Corpus: {corpus['pages']:,} pages, {corpus['megabytes']:.1f} MB, generated in {corpus['generate_s']:.1f} s "
        f"(not counted); questions: {corpus['generated_questions']} generated "
        f"({', '.join(f'{k} {v}' for k, v in sorted(corpus['question_kinds'].items()))}) "
        f"+ {corpus['shared_questions']} shared texts (latency only).",
        f"Code: {corpus.get('commit', '?')}; load average before/after: {corpus.get('loadavg_before', '?')} / "
        f"{corpus.get('loadavg_after', '?')} on {os.cpu_count()} CPUs (wall-clock figures include waiting for a core).",
        "",
        "| metric | this bot | BM25 baseline | target |",
        "|---|---:|---:|---|",
        *(f"| {name} | {a} | {b} | {goal} |" for name, a, b, goal in rows),
        "",
    ]
    for label, result in (("this bot", bot), ("BM25 baseline", bm25)):
        if "error" in result:
            lines.append(f"- {label}: **{result['error']}**")
            continue
        kinds = ", ".join(
            f"{kind} {v['hits']}/{v['n']}" for kind, v in result["accuracy"]["by_kind"].items()
        )
        build = result["build"]
        parts = [f"hit@1 by kind: {kinds}"]
        if label == "this bot":
            parts.append(
                f"build = read_documents {build['read_documents_s']:.2f} s + SearchIndex "
                f"{build['search_index_s']:.2f} s + Searcher/Answerer {build['searcher_answerer_s']:.2f} s"
            )
            parts.append(f"abstained {result['abstained_generated']}/{corpus['generated_questions']} generated, "
                         f"{result['abstained_shared']}/{corpus['shared_questions']} shared")
            parts.append(f"load: {result['load']['summary']}")
            if result["load"]["failed"]:
                parts.append(f"FAILED files: {result['load']['failed'][:3]}")
        else:
            parts.append(f"build = read_documents {build['read_documents_s']:.2f} s + "
                         f"bm25s tokenize/index {build['bm25_s']:.2f} s")
        parts.append(f"p95 generated/shared {result['latency_generated']['p95_ms']:.1f}/"
                     f"{result['latency_shared']['p95_ms']:.1f} ms")
        cpu = [f"build {build['cpu_seconds']:.2f} s", f"answer p50/p95 {result['latency_cpu']['p50_ms']:.1f}/"
               f"{result['latency_cpu']['p95_ms']:.1f} ms"]
        if "load" in result:
            cpu.insert(0, f"load {result['load']['new_entries'] / result['load']['cpu_seconds']:,.0f} entries/s")
        parts.append("CPU time: " + ", ".join(cpu))
        if result.get("profiled"):
            parts.append("PROFILED RUN: timings include cProfile overhead")
        lines.append(f"- {label}: " + "; ".join(parts))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--questions", type=int, default=200, help="generated questions per size")
    parser.add_argument("--workdir", type=Path, help="kept afterwards; a temporary folder otherwise")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed; questions use seed + 1")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per child process")
    parser.add_argument("--profile", action="store_true",
                        help="run each phase under cProfile; prints top functions, slows the figures")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--size-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        result = CHILDREN[args.child](args.size_dir, args.size_dir if args.profile else None)
        (args.size_dir / f"result-{args.child}.json").write_text(json.dumps(result), encoding="utf-8")
        return

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-"))
    results = []
    try:
        for size in args.sizes:
            size_dir = workdir.resolve() / f"size-{size}"
            size_dir.mkdir(parents=True, exist_ok=True)
            print(f"[{size:,}] generating corpus and questions in {size_dir}", file=sys.stderr)
            corpus = prepare(size, size_dir, args.questions, args.seed)
            corpus["commit"] = code_version()
            corpus["loadavg_before"] = load_average()
            print(f"[{size:,}] this bot: load, index, answer", file=sys.stderr)
            bot = run_child("bot", size_dir, args.timeout, args.profile)
            print(f"[{size:,}] BM25 baseline: index, answer", file=sys.stderr)
            bm25 = run_child("bm25", size_dir, args.timeout, args.profile) if "error" not in bot else {
                "error": "skipped: the bot's run failed before the database was loaded"}
            corpus["loadavg_after"] = load_average()
            print(table(size, corpus, bot, bm25) + "\n", flush=True)
            results.append({
                "size": size,
                "corpus": corpus,
                "targets": {"load_entries_per_s": LOAD_TARGET, "p95_ms": p95_target_ms(size),
                            "peak_rss_mb": MEMORY_TARGET_MB if size >= 100_000 else None},
                "bot": bot,
                "bm25": bm25,
            })
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    payload = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "results": results}
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    print(json.dumps(payload))


if __name__ == "__main__":
    main()
