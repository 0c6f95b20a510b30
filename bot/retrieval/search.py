"""Rank documents for a question, and decide when nothing is relevant enough to cite.

The answer layer asks this class, never the index, for scores; whether a document says what was
asked is decided in bot/retrieval/answer_check.py."""

import re
from dataclasses import dataclass, field

import numpy as np

from bot.kinds import IntentKind, TimeMode
from bot.retrieval.answer_check import MONEY_TERMS, AnswerCheck
from bot.retrieval.answer_kind import Wanted, wanted
from bot.retrieval.documents import Document
from bot.retrieval.excerpt import sentences
from bot.retrieval.facts import Facts
from bot.retrieval.index import RELATED_WEIGHT, QueryTerm, SearchIndex
from bot.retrieval.question import Day, Intent, TimeOfDay
from bot.retrieval.text import terms as text_terms

# Below this share of the question's information found in the best document, the bot says it
# has nothing rather than cite something loosely related (calibrated on the question sets).
MIN_QUERY_SHARE = 0.52
RERANK_POOL = 60
PASSAGE_FLOOR = 0.5
PASSAGE_CACHE = 4_000  # documents whose sentences stay split between questions
RECENT_BAND = 0.8
HEADLINE_BONUS = 0.5
# A summary bullet repeats what an entry tells in full: on a tie, cite the entry.
SUMMARY_FACTOR = 0.85
# "How many/how much" wants a figure: a text with no number at all is a weaker answer.
NO_FIGURE_FACTOR = 0.7
AMOUNT_QUESTION = re.compile(r"\bhow (much|many)\b", re.IGNORECASE)
AT_WINDOW = 10  # minutes either side of "at 9am" still count as that time
AROUND_WINDOW = 45


@dataclass(frozen=True)
class Hit:
    doc: int
    score: float
    query_share: float  # of the question's information, how much the document holds


@dataclass(frozen=True)
class Ranking:
    hits: list[Hit]
    query: list[QueryTerm]
    abstained: bool
    # Relevant documents that do not say what was asked ("how old is X" where none gives an age).
    related: list[Hit] = field(default_factory=list)
    want: Wanted | None = None  # the kind of answer the question asks for


PassageCache = dict[int, tuple[list[str], list[frozenset[str]]]]


class Passages:
    """The title, each sentence and the byline of a document, as text and as terms, kept for the
    documents asked about lately. A document's text never changes at its position, so an index
    that extends another shares its cache."""

    def __init__(self, documents: list[Document], cache: PassageCache | None = None):
        self.documents = documents
        self.cache: PassageCache = cache if cache is not None else {}

    def __call__(self, doc: int) -> tuple[list[str], list[frozenset[str]]]:
        cached = self.cache.get(doc)
        if cached is None:
            document = self.documents[doc]
            texts = [document.title, *sentences(document.paragraphs), document.byline]
            cached = (texts, [frozenset(text_terms(p)) for p in texts])
            if len(self.cache) > PASSAGE_CACHE:
                self.cache.clear()
            self.cache[doc] = cached
        return cached


class Searcher:
    def __init__(self, index: SearchIndex, facts: Facts | None = None, passages: PassageCache | None = None):
        self.index = index
        self.documents = index.documents
        self.facts = facts = facts if facts is not None else Facts.of(index.documents)
        alive = ~index.dead
        self.entries = np.flatnonzero(facts.is_entry & alive)
        self.summaries = np.flatnonzero(~facts.is_entry & alive)
        newest = facts.newest_first(alive)
        self.newest: list[int] = newest.tolist()
        self.recency_rank = np.zeros(index.size, dtype=np.float32)
        self.recency_rank[newest] = np.arange(len(newest), dtype=np.float32)
        self.has_figure, self.has_money = facts.has_figure, facts.has_money
        self.is_summary = ~facts.is_entry
        self.minute_of_day = np.where(alive, facts.minute_of_day, -1)
        self.local_year, self.local_month, self.local_day = facts.local_year, facts.local_month, facts.local_day
        self._passages = Passages(index.documents, passages)
        self.check = AnswerCheck(index, self._passages)

    def extended(self, index: SearchIndex) -> "Searcher":
        """A searcher over `index`, an extension of this one's (SearchIndex.extended)."""
        added = Facts.of(index.documents[self.index.size :])
        return Searcher(index, self.facts + added, self._passages.cache)

    # What the answer layer needs of the index, so that it never reaches into it.
    def query_terms(self, text: str) -> list[QueryTerm]:
        return self.index.query_terms(text)

    def scores(self, query: list[QueryTerm]) -> np.ndarray:
        return self.index.score(query)

    def idf_of(self, term: str) -> float:
        return self.index.idf_of(term)

    def term_weights(self, query: list[QueryTerm]) -> dict[str, float]:
        """How much each question word counts when choosing an entry's sentences to quote."""
        return {item.term: self.index.idf_of(item.term) * item.weight for item in query}

    def query_share(self, query: list[QueryTerm], doc: int) -> float:
        return self.index.query_share(query, doc)

    def best(self, query: list[QueryTerm], count: int) -> list[int]:
        """The documents scoring highest for the query, at most `count` of them."""
        return _top(self.index.score(query), count).tolist()

    def best_entries(self, query: list[QueryTerm], count: int) -> list[int]:
        """Of the `count` documents scoring highest, the entries (summary points left out)."""
        best = _top(self.index.score(query), count)
        return best[~self.is_summary[best]].tolist()

    def latest(self, count: int) -> list[int]:
        return self.newest[:count]

    def rank(self, intent: Intent, limit: int = 10) -> Ranking:
        want = wanted(intent.topic) if intent.kind == IntentKind.TOPIC else None
        # "What does RAAC stand for?" is about RAAC alone: "stand for" is how it asks.
        query = self.index.query_terms(want.abbreviation if want and want.abbreviation else intent.topic)
        on_day = self._on_day(intent.day) if intent.day is not None else None
        if intent.kind == IntentKind.TIME and intent.time is not None:
            return self._rank_by_time(intent.time, query, limit, on_day)
        if on_day is not None and not query:
            # "What happened on 21 February?": that day's newest entries.
            docs = [d for d in self.newest if on_day[d]][:limit]
            return Ranking([Hit(d, 1.0, 1.0) for d in docs], query, abstained=not docs)
        if not query:
            return Ranking([], query, abstained=True)
        scores = self.index.score(query)
        if on_day is not None:
            scores = np.where(on_day, scores, 0).astype(np.float32)
        hits = self._rerank(query, scores, limit, recent=intent.recent, amount=bool(AMOUNT_QUESTION.search(intent.topic)))
        # Every citation must clear the bar the best one must: a document holding only part of the
        # question ("Denis" matching "denied") is not an answer, however many better ones there are.
        hits = [hit for hit in hits if hit.query_share >= MIN_QUERY_SHARE]
        answering = [hit for hit in hits if self.answers(query, hit.doc, want)]
        related = [hit for hit in hits if hit not in answering]
        return Ranking(answering, query, abstained=not answering, related=related, want=want)

    def matching(self, topic: str, docs: list[int]) -> list[int]:
        """Of `docs`, those a question about `topic` would cite: the same words, the same share
        of the question found and the same "says what is asked" check, each document judged
        on its own (a followed topic has no best document to be measured against)."""
        query = self.index.query_terms(topic)
        if not query or not docs:
            return []
        scores = self.index.score(query)
        return [
            doc for doc in docs
            if scores[doc] > 0 and self.index.query_share(query, doc, frozenset()) >= MIN_QUERY_SHARE
            and self.answers(query, doc, None)
        ]

    def answers(self, query: list[QueryTerm], doc: int, want: Wanted | None) -> bool:
        """Whether the document says what the question asks (bot.retrieval.answer_check)."""
        return self.check(query, doc, want)

    def _rerank(
        self, query: list[QueryTerm], scores: np.ndarray, limit: int, recent: bool = False, amount: bool = False
    ) -> list[Hit]:
        pool = _top(scores, RERANK_POOL)
        money_terms = frozenset(item.term for item in query if item.term in MONEY_TERMS) if amount else frozenset()
        hits = []
        for doc in pool.tolist():
            satisfied = money_terms if self.has_money[doc] else frozenset()
            share = self.index.query_share(query, doc, satisfied)
            # Matching more of the question beats matching one word often, and matching it
            # within one sentence beats matching it scattered over a long text.
            passage, headline = self._passage_share(query, doc)
            score = float(scores[doc]) * (0.1 + share) ** 2 * (PASSAGE_FLOOR + passage) * (1 + HEADLINE_BONUS * headline)
            if self.is_summary[doc]:
                score *= SUMMARY_FACTOR
            if amount and not self.has_figure[doc]:
                score *= NO_FIGURE_FACTOR
            hits.append(Hit(doc, score, share))
        hits.sort(key=lambda h: (-h.score, self.recency_rank[h.doc]))
        if recent and hits:
            # "The latest on X": of the answers nearly as good as the best, the newest first.
            best = hits[0].score
            close = sorted((h for h in hits if h.score >= RECENT_BAND * best), key=lambda h: self.recency_rank[h.doc])
            hits = close + [h for h in hits if h.score < RECENT_BAND * best]
        return hits[:limit]

    def _passage_share(self, query: list[QueryTerm], doc: int) -> tuple[float, float]:
        """How much of the question one sentence of the document holds, and how much its title holds."""
        weights: dict[str, float] = {}
        for item in query:
            if not item.phrase:
                weights[item.term] = self.index.idf_of(item.stands_for or item.term) * (RELATED_WEIGHT if item.stands_for else 1.0)
        total = sum(self.index.idf_of(item.term) for item in query if not item.phrase and not item.stands_for)
        if not total:
            return 0.0, 0.0
        found = [sum(w for term, w in weights.items() if term in passage) / total for passage in self._passages(doc)[1][:-1]]
        return min(max(found), 1.0), min(found[0], 1.0)

    def _on_day(self, day: Day) -> np.ndarray:
        """Which documents were published on that page-local day (any year when none is given)."""
        mask = self.local_day == day.day
        if day.month is not None:
            mask &= self.local_month == day.month
        if day.year is not None:
            mask &= self.local_year == day.year
        return mask

    def _rank_by_time(
        self, time: TimeOfDay, query: list[QueryTerm], limit: int, on_day: np.ndarray | None = None
    ) -> Ranking:
        minutes = self.minute_of_day
        timed = minutes >= 0 if on_day is None else (minutes >= 0) & on_day
        distance = np.abs(minutes - time.minutes).astype(np.float32)
        if time.mode == TimeMode.BEFORE:
            eligible = timed & (minutes <= time.minutes)
            distance = (time.minutes - minutes).astype(np.float32)
        elif time.mode == TimeMode.AFTER:
            eligible = timed & (minutes >= time.minutes)
            distance = (minutes - time.minutes).astype(np.float32)
        else:
            window = AROUND_WINDOW if time.mode == TimeMode.AROUND else AT_WINDOW
            eligible = timed & (distance <= window)
        candidates = np.flatnonzero(eligible)
        if not len(candidates):
            return Ranking([], query, abstained=True)
        text_scores = self.index.score(query) if query else np.zeros(self.index.size, dtype=np.float32)
        exact_minute = time.mode == TimeMode.AT and time.to_the_minute and bool((distance[candidates] == 0).any())
        if query and text_scores[candidates].max() <= 0 and not exact_minute:
            return Ranking([], query, abstained=True)
        def closest_first(d: int) -> tuple:
            return float(distance[d]), -float(text_scores[d]), self.recency_rank[d]

        def best_worded_first(d: int) -> tuple:
            return -float(text_scores[d]), float(distance[d]), self.recency_rank[d]

        # "At 7:11": the entry of that minute first, however its words compare.
        order = sorted(candidates.tolist(), key=closest_first if exact_minute else best_worded_first)
        hits = [Hit(doc, float(text_scores[doc]), 1.0) for doc in order[:limit]]
        return Ranking(hits, query, abstained=False)


def _top(scores: np.ndarray, count: int) -> np.ndarray:
    positive = np.flatnonzero(scores > 0)
    if len(positive) <= count:
        return positive[np.argsort(-scores[positive], kind="stable")]
    best = np.argpartition(-scores[positive], count)[:count]
    return positive[best]
