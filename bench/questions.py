"""Make benchmark questions that each target one entry of the synthetic coverage.

Why: hit@1 only means something if every question has exactly one right answer, so each
question is built from one entry and kept only when its key (title, speaker + topic, time)
is unique in the corpus.  The pages are read back with plain regexes rather than the
project's loader, so the benchmark does not grade the loader with itself.

Usage: python bench/questions.py DIR [-n 200] [--seed 2]   (prints one JSON object a line)
"""

from __future__ import annotations

import argparse
import json
import random
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

HEADER = re.compile(
    r"^ {2}\d+\. (?P<title>.*)published at (?P<clock>\d{2}:\d{2}) "
    r"(?P<zone>Greenwich Mean Time|British Summer Time) (?P<date>\d{1,2} [A-Z][a-z]+ \d{4})$"
)
# '"...," Foreign Minister Anna Kowalski said.' and 'Foreign Minister Anna Kowalski told reporters: "...."'
SAID = re.compile(r"[\"“](?P<quote>[^\"”]+),[\"”] (?P<speaker>(?:[A-Z][\w'-]* )+)said\.")
TOLD = re.compile(r"^(?P<speaker>(?:[A-Z][\w'-]* )+)told reporters: [\"“](?P<quote>[^\"”]+)\.[\"”]")
WORD = re.compile(r"[\w'-]+")
LABELS = {"Breaking", "Analysis"}
ZONE_ABBREVIATIONS = {"Greenwich Mean Time": "GMT", "British Summer Time": "BST"}
STOPWORDS = frozenset(
    "a an the in on of to for and as at by with after amid over despite ahead about what why "
    "we is are will says say know could mean row watch analysis it this that our no not".split()
)
KIND_WEIGHTS = {"paraphrase": 0.3, "speaker": 0.25, "typo": 0.25, "time": 0.2}
KEYBOARD_NEIGHBOURS = dict(zip("aeiorstnlm", "swuptadbkn", strict=True))


@dataclass(frozen=True)
class Entry:
    title: str
    clock: str  # "13:11", as printed (UK local time)
    zone: str  # "GMT" or "BST"
    date: str  # "21 February 2022", as printed
    utc: datetime
    paragraphs: tuple[str, ...]


def read_entries(out_dir: Path) -> list[Entry]:
    """Every entry of every synthetic page in ``out_dir``, in (sorted) file-name order."""
    entries: list[Entry] = []
    for path in sorted(out_dir.glob("synthetic-*_page-*.txt")):
        header: re.Match[str] | None = None
        paragraphs: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            match = HEADER.match(line)
            if match:
                if header:
                    entries.append(_entry(header, paragraphs))
                header, paragraphs = match, []
            elif header and line.startswith("    ") and line.strip() not in LABELS:
                paragraphs.append(line.strip())
        if header:
            entries.append(_entry(header, paragraphs))
    return entries


def _entry(header: re.Match[str], paragraphs: list[str]) -> Entry:
    zone = ZONE_ABBREVIATIONS[header["zone"]]
    local = datetime.strptime(f"{header['date']} {header['clock']}", "%d %B %Y %H:%M")
    return Entry(
        title=header["title"],
        clock=header["clock"],
        zone=zone,
        date=header["date"],
        utc=local - timedelta(hours=1 if zone == "BST" else 0),
        paragraphs=tuple(paragraphs),
    )


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def shared_phrase(title: str, quote: str) -> str | None:
    """The longest run of 2-4 title words also in the quote, not starting or ending in a stopword.

    The generator puts each entry's topic ("grain exports") in its title and in its speaker's
    quote, so this recovers the topic without importing the generator's word lists.
    """
    title_words, quote_text = words(title), " ".join(words(quote))
    for size in (4, 3, 2):
        for start in range(len(title_words) - size + 1):
            run = title_words[start : start + size]
            if run[0] in STOPWORDS or run[-1] in STOPWORDS:
                continue
            phrase = " ".join(run)
            if f" {phrase} " in f" {quote_text} ":
                return phrase
    return None


class Corpus:
    """The entries plus one lowercased text of them all, to count rivals of a question quickly."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.texts = [" ".join((e.title, *e.paragraphs)).lower() for e in entries]
        self.starts: list[int] = []
        offset = 0
        for text in self.texts:
            self.starts.append(offset)
            offset += len(text) + 1
        self.joined = "\n".join(self.texts)
        self.titles = Counter(e.title for e in entries)
        self.stamps = Counter((e.date, e.clock) for e in entries)

    def entries_mentioning(self, name: str) -> set[int]:
        """Indexes of the entries whose text contains ``name`` (lowercase)."""
        found, at = set(), self.joined.find(name)
        while at != -1:
            found.add(bisect_right(self.starts, at) - 1)
            at = self.joined.find(name, at + 1)
        return found


def quotes(entry: Entry) -> Iterator[tuple[str, str]]:
    """(speaker with role, quote) for each attributed quote of the entry."""
    for paragraph in entry.paragraphs:
        for match in (SAID.search(paragraph), TOLD.match(paragraph)):
            if match:
                yield match["speaker"].strip(), match["quote"]


def paraphrase(entry: Entry, rng: random.Random, corpus: Corpus) -> str | None:
    """The title with one or two words dropped, sometimes lowercased, as people half-remember it."""
    if corpus.titles[entry.title] != 1:
        return None
    title_words = entry.title.split()
    for _ in range(rng.choice((1, 2))):
        if len(title_words) <= 4:
            break
        del title_words[rng.randrange(1, len(title_words))]
    question = " ".join(title_words)
    return question.lower() if rng.random() < 0.5 else question


def typo(entry: Entry, rng: random.Random, corpus: Corpus) -> str | None:
    """The title with one misspelt word: swapped, dropped, doubled or mistyped letter."""
    if corpus.titles[entry.title] != 1:
        return None
    title_words = entry.title.split()
    candidates = [i for i, w in enumerate(title_words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return None
    index = rng.choice(candidates)
    word = title_words[index]
    at = rng.randrange(1, len(word) - 1)
    edits = [
        word[:at] + word[at + 1] + word[at] + word[at + 2 :],
        word[:at] + word[at + 1 :],
        word[:at] + word[at] + word[at:],
    ]
    if word[at] in KEYBOARD_NEIGHBOURS:
        edits.append(word[:at] + KEYBOARD_NEIGHBOURS[word[at]] + word[at + 1 :])
    changed = [e for e in edits if e != word]
    title_words[index] = rng.choice(changed)
    return " ".join(title_words)


def speaker(entry: Entry, rng: random.Random, corpus: Corpus) -> str | None:
    """"What did <speaker> say about <topic>?", kept when no other entry has both."""
    for titled, quote in quotes(entry):
        topic = shared_phrase(entry.title, quote)
        if topic is None:
            continue
        name = " ".join(titled.split()[-2:])
        rivals = {i for i in corpus.entries_mentioning(name.lower()) if topic in corpus.texts[i]}
        if len(rivals) != 1:
            continue
        who = titled if rng.random() < 0.5 else name
        return f"What did {who} say about {rng.choice(('', 'the '))}{topic}?"
    return None


def at_time(entry: Entry, rng: random.Random, corpus: Corpus) -> str | None:
    """"What happened at 13:11 on 21 February 2022?" in the page's own local time."""
    if corpus.stamps[(entry.date, entry.clock)] != 1:
        return None
    zone = f" {entry.zone}" if rng.random() < 0.5 else ""
    return f"What happened at {entry.clock}{zone} on {entry.date}?"


MAKERS: dict[str, Callable[[Entry, random.Random, Corpus], str | None]] = {
    "paraphrase": paraphrase,
    "speaker": speaker,
    "typo": typo,
    "time": at_time,
}


def make_questions(out_dir: Path, n: int = 200, seed: int = 2) -> list[dict[str, str]]:
    """``n`` questions, each with the title and UTC minute of the one entry that answers it.

    Dicts carry "q", "expect_title", "expect_time_utc" ("YYYY-MM-DDTHH:MM") and "kind", so a
    benchmark can report hit@1 per kind of question as well as overall.  Kinds come in the
    proportions of KIND_WEIGHTS; a corpus too small for that is topped up with any kind.
    """
    corpus = Corpus(read_entries(Path(out_dir)))
    if not corpus.entries:
        raise ValueError(f"no synthetic pages in {out_dir}")
    rng = random.Random(seed)
    order = list(range(len(corpus.entries)))
    rng.shuffle(order)
    used: set[int] = set()
    questions: list[dict[str, str]] = []

    def ask(kinds: list[str], wanted: int) -> None:
        """Walk the shuffled entries, adding up to ``wanted`` questions of the first kind that fits."""
        goal = len(questions) + wanted
        for index in order:
            if len(questions) >= goal:
                return
            if index in used:
                continue
            for kind in kinds:
                question = MAKERS[kind](corpus.entries[index], rng, corpus)
                if question:
                    entry = corpus.entries[index]
                    questions.append(
                        {
                            "q": question,
                            "expect_title": entry.title,
                            "expect_time_utc": entry.utc.strftime("%Y-%m-%dT%H:%M"),
                            "kind": kind,
                        }
                    )
                    used.add(index)
                    break

    share = 0.0
    for kind, weight in KIND_WEIGHTS.items():  # cumulative rounding: quotas sum to exactly n
        ask([kind], round(n * (share + weight)) - round(n * share))
        share += weight
    ask(list(KIND_WEIGHTS), n - len(questions))
    return questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="directory written by bench/generate.py")
    parser.add_argument("-n", type=int, default=200, help="number of questions")
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    for question in make_questions(args.out_dir, args.n, args.seed):
        print(json.dumps(question, ensure_ascii=False))


if __name__ == "__main__":
    main()
