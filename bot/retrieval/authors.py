"""Questions about what a reporter wrote ("what did James Landale write about the talks"), and
the entries each author wrote."""

import re
from collections import defaultdict

import numpy as np
from rapidfuzz import fuzz, process

from bot.kinds import DocumentKind
from bot.retrieval.documents import Document

WROTE = r"(?:write|wrote|written|writing|report|reported|reporting|reports|file|filed|filing|post|posted|say|said)"
AUTHOR_QUESTION = re.compile(
    rf"^\s*(?:what|anything|show me|is there anything|has)\b.*?\b(?:did|has|have|is|'s|’s|was|from|by)\s+"
    rf"(?P<name>[\w'’.-]+(?: [\w'’.-]+){{0,3}}?)\s+(?:been\s+)?{WROTE}\b(?P<topic>.*)$",
    re.IGNORECASE,
)
POSSESSIVE_REPORT = re.compile(
    r"^\s*(?:show me|what(?:'s| is| was)? in|read me|find)?\s*(?P<name>[\w.-]+(?: [\w.-]+){0,3}?)['’]s?\s+"
    r"(?:report|reports|piece|analysis|article|update|updates|entry|entries|post|posts)\b(?P<topic>.*)$",
    re.IGNORECASE,
)
TOPIC_LEAD = re.compile(r"^\s*(?:about|on|of|from|in|regarding|for)\b", re.IGNORECASE)
NAME_MATCH = 88


def author_question(question: str) -> tuple[str, str] | None:
    """(name, topic) when the question asks what someone wrote or reported, else None."""
    for pattern in (AUTHOR_QUESTION, POSSESSIVE_REPORT):
        match = pattern.match(" ".join(question.split()))
        if match:
            topic = TOPIC_LEAD.sub("", match.group("topic")).strip(" ?.!")
            return match.group("name").strip(), topic
    return None


class Authors:
    """Who wrote which entries, found by a name as people type it (surname alone, a typo)."""

    def __init__(self, documents: list[Document]):
        self._dead: np.ndarray | None = None  # positions of documents that changed or went since
        self._docs: dict[str, list[int]] = {}
        self._add(documents, 0)

    def extended(self, added: list[Document], first: int, dead: np.ndarray) -> "Authors":
        """The authors of an index that added `added` from position `first` on, and marks
        `dead` the documents that changed or went."""
        authors = Authors([])
        authors._dead = dead
        authors._docs = dict(self._docs)
        authors._add(added, first)
        return authors

    def _add(self, documents: list[Document], first: int) -> None:
        grown: dict[str, list[int]] = defaultdict(list)
        for index, document in enumerate(documents, start=first):
            if document.kind == DocumentKind.ENTRY and document.author:
                grown[document.author].append(index)
        for author, docs in grown.items():
            # A new list: the one it replaces stays as it was for the index that holds it.
            self._docs[author] = self._docs.get(author, []) + docs
        self._names = {name.lower(): name for name in self._docs}
        self._surnames: dict[str, set[str]] = defaultdict(set)
        for name in self._docs:
            self._surnames[name.split()[-1].lower()].add(name)

    def find(self, typed: str) -> str | None:
        """The author a typed name means, or None when it is nobody's byline (or ambiguous)."""
        key = " ".join(typed.lower().split())
        if not key or not self._names:
            return None
        if key in self._names:
            return self._names[key]
        if len(self._surnames.get(key, ())) == 1:
            return next(iter(self._surnames[key]))
        best = process.extractOne(key, list(self._names), scorer=fuzz.ratio, score_cutoff=NAME_MATCH)
        return self._names[best[0]] if best else None

    def entries(self, author: str) -> list[int]:
        docs = self._docs.get(author, [])
        return docs if self._dead is None else [d for d in docs if not self._dead[d]]
