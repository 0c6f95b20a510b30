"""Abbreviations and what they stand for, learnt from the coverage itself.

News copy writes "First Minister's Questions" in one entry and "FMQs" in the next; people type
either. Every run of capitalised words in the coverage ("Prime Minister", "Member of the
Scottish Parliament") is filed under its initials, so "fmqs", "pm" or "msp" in a question can
stand for the words the coverage uses, and the words for the abbreviation, with no list of
abbreviations written by hand.
"""

import re
from collections import Counter, defaultdict

from bot.retrieval.text import STOPWORDS, stem, words

CONNECTOR = r"(?:of|the|and|for|on|in|&)"
CAPITALISED_RUN = re.compile(
    rf"\b[A-Z][a-z][\w'’-]*(?:\s+(?:{CONNECTOR}\s+)*[A-Z][a-z][\w'’-]*){{1,4}}"
)
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


class Acronyms:
    def __init__(self, texts):
        expansions: dict[str, Counter] = defaultdict(Counter)
        written: set[str] = set()
        spelt_out: dict[str, Counter] = defaultdict(Counter)  # "... in Europe (OSCE)"
        for text in texts:
            if not text:
                continue
            written.update(match.lower() for match in ABBREVIATION.findall(text))
            for match in CAPITALISED_RUN.finditer(text):
                content = content_words(match.group())
                # The run, and an opening of it that a full name follows: "Prime Minister Boris
                # Johnson" holds "Prime Minister", never "Prime Minister Boris".
                for end in range(MIN_LETTERS, min(len(content), MAX_LETTERS) + 1):
                    if end == len(content) or len(content) - end >= 2:
                        part = content[:end]
                        key = "".join(w[0] for w in part).lower()
                        stems = _stems(part)
                        expansions[key][stems] += 1
                        if end == len(content) and text[match.end() : match.end() + 4 + len(key)].lower().startswith(f" ({key}"):
                            spelt_out[key][stems] += 1
        # The most usual expansion of each set of initials the coverage also writes as an
        # abbreviation ("FMQs" and "First Minister's Questions" both): both forms are its usage.
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
