"""Abbreviations and what they stand for, learnt from the coverage itself.

News copy writes "First Minister's Questions" in one entry and "FMQs" in the next; people type
either. Every run of capitalised words in the coverage ("Prime Minister", "Member of the
Scottish Parliament") is filed under its initials, so "fmqs", "pm" or "msp" in a question can
stand for the words the coverage uses, and the words for the abbreviation, with no list of
abbreviations written by hand.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

from bot.retrieval.text import STOPWORDS, stem, words

CONNECTOR = r"(?:of|the|and|for|on|in|&)"
CAPITALISED_RUN = re.compile(
    rf"\b[A-Z][a-z][\w'’-]*(?:\s+(?:{CONNECTOR}\s+)*[A-Z][a-z][\w'’-]*){{1,4}}"
)
SPELT_OUT = re.compile(rf"({CAPITALISED_RUN.pattern}) \(([A-Z]{{2,5}})s?\)")
MIN_LETTERS, MAX_LETTERS = 2, 5
MIN_SEEN = 2
ABBREVIATION = re.compile(r"\b[A-Z]{2,5}(?=s?\b)")


# Forms of address stand before a name and are never part of what initials spell ("Mr Putin").
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame", "lord", "lady", "prof"})


def content_words(run: str) -> list[str]:
    """The run's words that initials are made of; a hyphenated word ("Co-operation") is one."""
    found = []
    for token in run.split():
        parts = words(token)
        if parts and not (len(parts) == 1 and (parts[0] in STOPWORDS or parts[0] in HONORIFICS)):
            found.append(token)
    return found


def _stems(tokens: list[str]) -> tuple[str, ...]:
    return tuple(stem(w) for token in tokens for w in words(token) if w not in STOPWORDS)


@lru_cache(maxsize=100_000)
def readings(run: str) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """(initials, stems, whole run?) for the run and each opening of it that a full name
    follows: "Prime Minister Boris Johnson" holds "Prime Minister", never "Prime Minister Boris".
    Runs repeat across a coverage (names, titles), so each is read once."""
    content = content_words(run)
    found = []
    for end in range(MIN_LETTERS, min(len(content), MAX_LETTERS) + 1):
        if end == len(content) or len(content) - end >= 2:
            part = content[:end]
            found.append(("".join(w[0] for w in part).lower(), _stems(part), end == len(content)))
    return tuple(found)


def _may_spell(run: str, written: set[str]) -> bool:
    """A cheap first look: could an opening of this run spell an abbreviation the coverage uses?"""
    initials = "".join(
        token[0] for token in run.split() if token[0].isupper() and token.lower() not in STOPWORDS and token.lower() not in HONORIFICS
    ).lower()
    return any(initials[:end] in written for end in range(MIN_LETTERS, min(len(initials), MAX_LETTERS) + 1))


class Acronyms:
    def __init__(self, texts: Iterable[str]) -> None:
        texts = [text for text in texts if text]
        written = {match.lower() for text in texts for match in ABBREVIATION.findall(text)}
        # Runs repeat across a coverage (names, titles): count them first, read each once.
        runs: Counter = Counter()
        bracketed: Counter = Counter()  # "... in Europe (OSCE)"
        for text in texts:
            runs.update(CAPITALISED_RUN.findall(text))
            if " (" in text:
                bracketed.update(SPELT_OUT.findall(text))
        expansions: dict[str, Counter] = defaultdict(Counter)
        for run, count in runs.items():
            if _may_spell(run, written):
                for key, stems, _whole in readings(run):
                    expansions[key][stems] += count
        spelt_out: dict[str, Counter] = defaultdict(Counter)
        for (run, abbreviation), count in bracketed.items():
            for key, stems, whole in readings(run):
                if whole and key == abbreviation.lower():
                    spelt_out[key][stems] += count
        # Once is enough where the copy spells it out in brackets; otherwise it must recur.
        self._expansion: dict[str, tuple[str, ...]] = {}
        for key in written:
            if spelt_out.get(key):
                self._expansion[key] = spelt_out[key].most_common(1)[0][0]
            elif key in expansions:
                (stems, count), = expansions[key].most_common(1)
                if count >= MIN_SEEN:
                    self._expansion[key] = stems
        self._abbreviation = {stems: key for key, stems in self._expansion.items()}

    def expansion(self, word: str) -> tuple[str, ...]:
        """The stems an abbreviation stands for ("fmqs" -> first minister question), or ()."""
        for key in (word, word[:-1] if word.endswith("s") else None):
            if key and MIN_LETTERS <= len(key) <= MAX_LETTERS and key in self._expansion:
                return self._expansion[key]
        return ()

    def abbreviation(self, stems: tuple[str, ...]) -> str | None:
        """The initials the coverage's capitalised words of these stems make, if it uses them."""
        return self._abbreviation.get(stems)
