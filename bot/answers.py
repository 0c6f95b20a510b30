"""Question in, cited answer out: the one piece of logic the command line and Telegram share."""

from dataclasses import dataclass, field
from datetime import datetime

from bot.loader.timestamps import display_time
from bot.retrieval.documents import Document
from bot.retrieval.excerpt import excerpt
from bot.retrieval.question import classify
from bot.retrieval.search import Searcher

MAX_CITATIONS = 3
MAX_RESULTS = 10
MAX_QUESTION_CHARS = 1000

NOTHING_FOUND = (
    "I found nothing relevant to that in the coverage. Try other words (names, places, "
    "what happened), or send /latest for the newest updates."
)
EMPTY_QUESTION = "Ask me about the coverage in a few words, or send /latest for the newest updates."
NO_COVERAGE = "No coverage is loaded yet, so there is nothing to answer from."


@dataclass(frozen=True)
class Citation:
    kind: str  # "entry", "summary" or "key_point"
    ref: str  # "e<id>" or "s<id>": stable across restarts, used by the "More" button
    title: str
    published_at: datetime | None
    zone: str | None
    author: str | None
    author_role: str | None
    address: str | None
    coverage_title: str
    excerpt: list[str]
    label: str | None = None


@dataclass(frozen=True)
class Stats:
    entries: int
    first: datetime | None
    last: datetime | None
    coverage_titles: list[str]
    examples: list[str]


@dataclass(frozen=True)
class Answer:
    question: str
    mode: str  # "topic", "time", "latest", "key_points", "none", "empty"
    lead: str
    citations: list[Citation]
    more: list[str] = field(default_factory=list)  # refs of further results, best first

    @property
    def abstained(self) -> bool:
        return not self.citations


class Answerer:
    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        self.documents = searcher.index.documents
        self._by_ref = {_ref(doc): i for i, doc in enumerate(self.documents)}

    def stats(self) -> Stats:
        entries = [self.documents[d] for d in self.searcher.newest]
        timed = [d.published_at for d in entries if d.published_at is not None]
        titles: dict[int, str] = {}
        for document in entries:
            titles.setdefault(document.coverage_id, document.coverage_title)
        examples = ["What's the latest?", "What are the key points?"]
        newest_timed = next((d for d in entries if d.published_at is not None), None)
        if newest_timed is not None:
            examples.append(f"What happened at {display_time(newest_timed.published_at, newest_timed.zone)[:5]}?")
        return Stats(len(entries), min(timed, default=None), max(timed, default=None), list(titles.values()), examples)

    def search(self, question: str, limit: int = MAX_RESULTS) -> Answer:
        """Like `answer`, with up to `limit` citations (inline mode shows a list)."""
        return self.answer(question, limit=limit)

    def answer(self, question: str, limit: int = MAX_CITATIONS) -> Answer:
        question = " ".join(question.split())[:MAX_QUESTION_CHARS]
        if not self.documents:
            return Answer(question, "none", NO_COVERAGE, [])
        intent = classify(question)
        if intent.kind == "empty":
            return Answer(question, "empty", EMPTY_QUESTION, [])
        if intent.kind == "latest":
            return self.latest(limit, question=question, more=max(0, MAX_RESULTS - limit))
        if intent.kind == "key_points":
            return self.key_points(question)
        ranking = self.searcher.rank(intent, limit=max(limit, MAX_RESULTS))
        if ranking.abstained:
            return Answer(question, "none", NOTHING_FOUND, [])
        weights = {item.term: self.searcher.index.idf_of(item.term) * item.weight for item in ranking.query}
        docs = [hit.doc for hit in ranking.hits]
        citations = [self._cite(doc, weights) for doc in docs[:limit]]
        lead = "Here is what the coverage says:" if intent.kind == "topic" else "Here is what was published then:"
        return Answer(question, intent.kind, lead, citations, [_ref(self.documents[d]) for d in docs[limit:]])

    def latest(self, count: int = 5, question: str = "/latest", more: int = 0) -> Answer:
        docs = self.searcher.latest(count + more)
        if not docs:
            return Answer(question, "none", NO_COVERAGE, [])
        citations = [self._cite(doc) for doc in docs[:count]]
        return Answer(question, "latest", "The newest updates:", citations, [_ref(self.documents[d]) for d in docs[count:]])

    def key_points(self, question: str = "/summary") -> Answer:
        """The summary bullets of the coverage most relevant to the question (or the newest one)."""
        summaries = self.searcher.summaries.tolist()
        if not summaries:
            return self.latest(MAX_CITATIONS, question=question)
        coverage_id = self._newest_coverage_with_summary(summaries)
        points = sorted(
            (d for d in summaries if self.documents[d].coverage_id == coverage_id),
            key=lambda d: self.documents[d].position,
        )
        citations = [self._cite(doc) for doc in points]
        return Answer(question, "key_points", "The key points:", citations)

    def resolve(self, refs: list[str], question: str = "") -> Answer:
        """Citations for refs carried by a "More" button; refs that no longer exist are skipped."""
        docs = [self._by_ref[ref] for ref in refs if ref in self._by_ref]
        weights = None
        if question:
            query = self.searcher.index.query_terms(question)
            weights = {item.term: self.searcher.index.idf_of(item.term) * item.weight for item in query}
        citations = [self._cite(doc, weights) for doc in docs[:MAX_CITATIONS]]
        lead = "More results:" if citations else "Those results are no longer in the coverage."
        return Answer(question, "more", lead, citations, [_ref(self.documents[d]) for d in docs[MAX_CITATIONS:]])

    def _newest_coverage_with_summary(self, summaries: list[int]) -> int:
        with_summary = {self.documents[d].coverage_id for d in summaries}
        for doc in self.searcher.newest:
            if self.documents[doc].coverage_id in with_summary:
                return self.documents[doc].coverage_id
        return self.documents[summaries[0]].coverage_id

    def _cite(self, doc: int, weights: dict[str, float] | None = None) -> Citation:
        document: Document = self.documents[doc]
        return Citation(
            kind=document.kind,
            ref=_ref(document),
            title=document.title,
            published_at=document.published_at,
            zone=document.zone,
            author=document.author,
            author_role=document.author_role,
            address=document.address,
            coverage_title=document.coverage_title,
            excerpt=[] if document.kind != "entry" else excerpt(document.paragraphs, weights),
            label=document.label,
        )


def _ref(document: Document) -> str:
    return f"{'e' if document.kind == 'entry' else 's'}{document.row_id}"
