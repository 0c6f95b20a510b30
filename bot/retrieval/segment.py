"""One segment of the index: the postings of a run of consecutive documents.

An index is a main segment built over everything at start-up, and small segments for what was
added since, searched side by side (as Lucene and tantivy do); a segment never changes once built.
"""

import numpy as np

from bot.retrieval.documents import Document
from bot.retrieval.postings import Postings, build_postings

EMPTY_DOCS = np.empty(0, dtype=np.int32)
EMPTY_WEIGHTS = np.empty(0, dtype=np.float32)


class Segment:
    def __init__(self, postings: Postings, start: int, size: int):
        self.start = start  # the index's position of this segment's first document
        self.size = size
        self.term_ids = postings.term_ids
        self._pair_keys = postings.pair_keys
        self._df = postings.df
        self._pointers = postings.pointers
        self._docs = postings.docs
        self._weights = postings.weights
        self.averages = postings.averages
        self.words = frozenset(postings.surface)
        self.ordinary = postings.ordinary
        self.sorted_terms = sorted(self.term_ids)

    @classmethod
    def build(
        cls, documents: list[Document], start: int, averages: np.ndarray | None = None, skip: np.ndarray | None = None
    ) -> "Segment":
        return cls(build_postings(documents, averages, skip), start, len(documents))

    def term_id(self, term: str) -> int | None:
        """A stem's id, or for a pair "a b" the id of that pair; None when the segment has neither."""
        if " " not in term:
            return self.term_ids.get(term)
        first, second = term.split(" ", 1)
        a, b = self.term_ids.get(first), self.term_ids.get(second)
        if a is None or b is None:
            return None
        key = (a << 32) | b
        position = int(np.searchsorted(self._pair_keys, key))
        if position < len(self._pair_keys) and int(self._pair_keys[position]) == key:
            return len(self.term_ids) + position
        return None

    def df(self, term: str) -> int:
        term_id = self.term_id(term)
        return int(self._df[term_id]) if term_id is not None else 0

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Documents (positions within the segment) holding the term, and its weight in each."""
        term_id = self.term_id(term)
        if term_id is None:
            return EMPTY_DOCS, EMPTY_WEIGHTS
        start, end = self._pointers[term_id], self._pointers[term_id + 1]
        return self._docs[start:end], self._weights[start:end]

    def contains(self, term: str, doc: int) -> bool:
        docs, _ = self.postings(term)
        position = int(np.searchsorted(docs, doc))
        return position < len(docs) and int(docs[position]) == doc
