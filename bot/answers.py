"""Question in, cited answer out: the one piece of logic the command line and Telegram share.

Over 300 lines because every kind of answer (topic, time, latest, key points, who said what,
what a reporter wrote, follows, /new) ends in the same citation and lead rules kept here.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.kinds import AnswerMode, DocumentKind, IntentKind
from bot.quotes.lookup import QuoteBook, SpeakerMatch, said_by_question, who_said_question
from bot.quotes.query import QuoteRecord
from bot.quotes.ranking import rank_quoting_entries
from bot.refs import entry_ref, ref_of
from bot.retrieval.answer_kind import holds
from bot.retrieval.authors import Authors, author_question
from bot.retrieval.documents import Document
from bot.retrieval.excerpt import excerpt, sentences, shorten
from bot.retrieval.question import classify
from bot.retrieval.search import Searcher
from bot.retrieval.text import normalise
from bot.times import display_time

MAX_CITATIONS = 3
MAX_RESULTS = 10
MAX_QUESTION_CHARS = 1000
# Entries whose quotes are compared with words someone remembers: the best the index finds for them.
QUOTE_POOL = 2_000

NOT_AN_ANSWER = (
    "The coverage mentions that, but nothing in it answers what you asked. Related, not an answer:"
)
NOTHING_FOUND = (
    "I found nothing relevant to that in the coverage. Try other words (names, places, "
    "what happened), or send /latest for the newest updates."
)
EMPTY_QUESTION = "Ask me about the coverage in a few words, or send /latest for the newest updates."
SMALL_TALK_REPLIES = {
    "greeting": "Hello! Ask me about the coverage in your own words: a name, a place, what happened, or "
    "a time (\"what happened at 9am?\"). Send /latest for the newest updates, /summary for the key points.",
    "thanks": "You're welcome. Ask me anything else about the coverage, or send /latest for the newest updates.",
    "help": "Ask me about the coverage in your own words: what someone said (\"What did the minister say "
    "about the talks?\"), what happened when (\"What happened at 9am?\"), or any topic. Send /latest for "
    "the newest updates, /summary for the key points, /help for every command.",
}
NO_COVERAGE = "No coverage is loaded yet, so there is nothing to answer from."


@dataclass(frozen=True)
class Citation:
    kind: DocumentKind
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
    said_by: str | None = None  # "Dmitry Peskov, Kremlin spokesman" when the excerpt is their words


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
    mode: AnswerMode
    lead: str
    citations: list[Citation]
    more: list[str] = field(default_factory=list)  # refs of further results, best first
    # When nothing answers the question: the closest entries, named but not cited as an answer.
    related: list[Citation] = field(default_factory=list)

    @property
    def abstained(self) -> bool:
        return not self.citations


class Answerer:
    def __init__(self, searcher: Searcher, quotes: QuoteBook | None = None):
        self.searcher = searcher
        self.quotes = quotes or QuoteBook([])
        self.documents = searcher.documents
        self._by_ref = {_ref(doc): i for i, doc in enumerate(self.documents)}
        self.authors = Authors(self.documents)
        # Entries are numbered as they are loaded: the highest number this index holds.
        self.newest_entry_id = _newest_entry_id(self.documents)

    def position(self, ref: str) -> int | None:
        """Where the index holds the document with this id, if it does."""
        return self._by_ref.get(ref)

    def extended(self, searcher: Searcher, quotes: QuoteBook, gone: set[str]) -> "Answerer":
        """An answerer over `searcher`, which extends this one's (Searcher.extended): the
        documents it added replace those of the same ids, and those in `gone` are no more."""
        first = self.searcher.index.size
        added = searcher.documents[first:]
        answerer = Answerer.__new__(Answerer)
        answerer.searcher, answerer.quotes, answerer.documents = searcher, quotes, searcher.documents
        answerer._by_ref = dict(self._by_ref)
        for ref in gone:
            answerer._by_ref.pop(ref, None)
        answerer._by_ref.update((_ref(doc), first + i) for i, doc in enumerate(added))
        answerer.authors = self.authors.extended(added, first, searcher.index.dead)
        answerer.newest_entry_id = max(self.newest_entry_id, _newest_entry_id(added))
        return answerer

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
        question = normalise(question)[:MAX_QUESTION_CHARS]
        if not self.documents:
            return Answer(question, AnswerMode.NONE, NO_COVERAGE, [])
        intent = classify(question)
        if intent.kind == IntentKind.EMPTY:
            return Answer(question, AnswerMode.EMPTY, EMPTY_QUESTION, [])
        if intent.kind in SMALL_TALK_REPLIES:
            return Answer(question, AnswerMode.CHAT, SMALL_TALK_REPLIES[intent.kind], [])
        if intent.kind == IntentKind.LATEST:
            return self.latest(limit, question=question, more=max(0, MAX_RESULTS - limit))
        if intent.kind == IntentKind.KEY_POINTS:
            return self.key_points(question)
        wrote = author_question(question) if intent.kind != IntentKind.TIME and intent.day is None else None
        if wrote is not None:
            answer = self.by_author(question, wrote[0], wrote[1], limit)
            if answer is not None:
                return answer
        said_by = said_by_question(question) if intent.kind != IntentKind.TIME and intent.day is None else None
        if said_by is not None:
            speaker = self.quotes.speaker(said_by[0])
            if speaker is not None:
                answer = self.said_by(question, speaker, said_by[1], limit)
                if answer is not None:
                    return answer
        remembered = who_said_question(question)
        if remembered is not None:
            found = self.quotes.said(remembered, entries=self._entries_matching(remembered))
            if found:
                # Equally close quotes (two entries quote "absolute lie"): the entry that best
                # answers the whole question wins.
                query = self.searcher.query_terms(question)
                scores = self.searcher.scores(query) if query else None
                def entry_score(quote: QuoteRecord) -> float:
                    doc = self._by_ref.get(entry_ref(quote.entry_id))
                    return float(scores[doc]) if scores is not None and doc is not None else 0.0
                best_shared = found[0][1]
                quote = max((q for q, shared in found if shared == best_shared), key=entry_score)
                return self._who_said(question, quote, limit)
        ranking = self.searcher.rank(intent, limit=max(limit, MAX_RESULTS))
        if ranking.abstained:
            related = [self._cite(hit.doc) for hit in ranking.related[:MAX_CITATIONS]]
            return Answer(question, AnswerMode.NONE, NOT_AN_ANSWER if related else NOTHING_FOUND, [], related=related)
        weights = self.searcher.term_weights(ranking.query)
        docs = [hit.doc for hit in ranking.hits]
        want = ranking.want
        answer_in = (lambda sentence: holds(want, sentence)) if want is not None else None
        citations = [self._cite(doc, weights, answer_in) for doc in docs[:limit]]
        lead = "Here is what the coverage says:" if intent.kind == IntentKind.TOPIC else "Here is what was published then:"
        return Answer(question, AnswerMode(intent.kind), lead, citations, [_ref(self.documents[d]) for d in docs[limit:]])

    def _entries_matching(self, words: str) -> list[int] | None:
        """Ids of the entries the index finds best for these words: where a quote someone
        remembers is (None: the words give the index nothing to search for)."""
        query = self.searcher.query_terms(words)
        if not query:
            return None
        documents = self.documents
        return [documents[d].row_id for d in self.searcher.best_entries(query, QUOTE_POOL)]

    def followed(self, topic: str, entry_ids: list[int]) -> list[Citation]:
        """Of these entries, those a chat following `topic` gets (all of them for no topic), in
        the order given, each with the sentences about the topic, or its lead. An entry
        matches as it would for a question about the topic; a person's name also matches
        the entries quoting them."""
        docs = [self._by_ref[entry_ref(i)] for i in entry_ids if entry_ref(i) in self._by_ref]
        if not topic.strip():
            return [self._cite(doc) for doc in docs]
        speaker = self.quotes.speaker(topic)
        quoting = {quote.entry_id for quote in speaker.quotes} if speaker else set()
        matching = set(self.searcher.matching(topic, docs))
        weights = self.searcher.term_weights(self.searcher.query_terms(topic))
        return [self._cite(doc, weights) for doc in docs if doc in matching or self.documents[doc].row_id in quoting]

    def entries_after(self, entry_id: int, limit: int) -> Answer:
        """/new: entries loaded after `entry_id`, newest first."""
        docs = [d for d in self.searcher.newest if self.documents[d].row_id > entry_id]
        citations = [self._cite(doc) for doc in docs[:limit]]
        return Answer("/new", AnswerMode.LATEST, "New since you last looked:", citations,
                      [_ref(self.documents[d]) for d in docs[limit:limit + MAX_RESULTS]])

    def more_on(self, ref: str) -> Answer:
        """What else the coverage says about an entry's subject ("More on this" under a push)."""
        doc = self._by_ref.get(ref)
        if doc is None:
            return Answer("", AnswerMode.MORE, "That entry is no longer in the coverage.", [])
        title = self.documents[doc].title
        found = self.answer(title, limit=MAX_CITATIONS + 1)
        citations = [c for c in found.citations if c.ref != ref][:MAX_CITATIONS]
        lead = "More on this:" if citations else "Nothing more on this in the coverage yet."
        return Answer(title, AnswerMode.MORE, lead, citations, found.more)

    def latest(self, count: int = 5, question: str = "/latest", more: int = 0) -> Answer:
        docs = self.searcher.latest(count + more)
        if not docs:
            return Answer(question, AnswerMode.NONE, NO_COVERAGE, [])
        citations = [self._cite(doc) for doc in docs[:count]]
        return Answer(question, AnswerMode.LATEST, "The newest updates:", citations, [_ref(self.documents[d]) for d in docs[count:]])

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
        return Answer(question, AnswerMode.KEY_POINTS, "The key points:", citations)

    def resolve(self, refs: list[str], question: str = "") -> Answer:
        """Citations for refs carried by a "More" button; refs that no longer exist are skipped.
        With the question they came from, each is cited as that question's answer cites it (its
        matching sentences, the speaker's line)."""
        docs = [self._by_ref[ref] for ref in refs if ref in self._by_ref]
        weights = None
        as_answered: dict[str, Citation] = {}
        if question:
            weights = self.searcher.term_weights(self.searcher.query_terms(question))
            full = self.answer(question, limit=MAX_RESULTS * 2)
            as_answered = {citation.ref: citation for citation in full.citations}
        citations = [as_answered.get(_ref(self.documents[doc])) or self._cite(doc, weights) for doc in docs[:MAX_CITATIONS]]
        lead = "More results:" if citations else "Those results are no longer in the coverage."
        return Answer(question, AnswerMode.MORE, lead, citations, [_ref(self.documents[d]) for d in docs[MAX_CITATIONS:]])

    def by_author(self, question: str, name: str, topic: str, limit: int = MAX_CITATIONS) -> Answer | None:
        """What a reporter wrote ("what did Jessica Parker report from Kyiv"): their entries, the
        ones about the topic first, else their newest. None when the name is nobody's byline, or
        it is someone quoted on the page (then their words answer), or none of their entries is
        about the topic."""
        author = self.authors.find(name)
        if author is None or (self.quotes.speaker(name) is not None and re.search(r"\bsa(?:y|id)\b", question)):
            return None
        docs = self.authors.entries(author)
        query = self.searcher.query_terms(topic) if topic else []
        if query:
            scores = self.searcher.scores(query)
            docs = [d for d in docs if scores[d] > 0]
            if not docs:
                return None
            docs.sort(key=lambda d: (-float(scores[d]), self.searcher.recency_rank[d]))
        else:
            docs.sort(key=lambda d: self.searcher.recency_rank[d])
        weights = self.searcher.term_weights(query) or None
        citations = [self._cite(doc, weights) for doc in docs[:limit]]
        more = [_ref(self.documents[d]) for d in docs[limit:MAX_RESULTS]]
        return Answer(question, AnswerMode.AUTHOR, f"Written by {author}:", citations, more)

    def who(self, name: str, topic: str = "", limit: int = MAX_CITATIONS) -> Answer:
        """/who NAME [TOPIC]: the speaker's quotes, the most relevant to the topic first."""
        question = f"{name} {topic}".strip()
        speaker = self.quotes.speaker(name)
        if speaker is None:
            return Answer(question, AnswerMode.NONE, f"I found no quotes from {name} in the coverage.", [])
        return self.said_by(question, speaker, topic, limit, strict=False) or Answer(
            question, AnswerMode.NONE, f"{speaker.name} is quoted, but not about that.", []
        )

    def who_from_words(self, args: list[str]) -> Answer:
        """/who with the name and topic in one run of words: the longest leading run that names
        a speaker is the name ("/who Dmitry Peskov summit", "/who Kuleba sanctions")."""
        for cut in range(min(len(args), 4), 0, -1):
            if self.quotes.speaker(" ".join(args[:cut])) is not None:
                return self.who(" ".join(args[:cut]), " ".join(args[cut:]))
        return self.who(" ".join(args[:1]), " ".join(args[1:]))

    def said_by(
        self, question: str, speaker: SpeakerMatch, topic: str, limit: int, strict: bool = True
    ) -> Answer | None:
        """Entries quoting the speaker, ranked by how well they answer the question
        (bot.quotes.ranking); None when, with `strict`, they do not answer it."""
        quotes_by_doc: dict[int, list[QuoteRecord]] = {}
        for quote in speaker.quotes:
            doc = self._by_ref.get(entry_ref(quote.entry_id))
            if doc is not None:
                quotes_by_doc.setdefault(doc, []).append(quote)
        if not quotes_by_doc:
            return None
        ranked = rank_quoting_entries(self.searcher, quotes_by_doc, speaker, question, topic, strict)
        if ranked is None:
            return None
        weights = self.searcher.term_weights(self.searcher.query_terms(question))
        citations = []
        for doc in ranked[:limit]:
            citation = self._cite(doc, weights)
            said_here = quotes_by_doc[doc]
            citations.append(
                replace(
                    citation,
                    excerpt=self._quoted_sentences(doc, said_here) or citation.excerpt,
                    said_by=_speaker_line(said_here[0]),
                )
            )
        role = f" ({speaker.role})" if speaker.role else ""
        more = [_ref(self.documents[doc]) for doc in ranked[limit:]]
        return Answer(question, AnswerMode.WHO, f"What {speaker.name}{role} said:", citations, more)

    def _who_said(self, question: str, quote: QuoteRecord, limit: int) -> Answer:
        doc = self._by_ref.get(entry_ref(quote.entry_id))
        if doc is None:
            return Answer(question, AnswerMode.NONE, NOTHING_FOUND, [])
        citation = self._cite(doc)
        citation = replace(
            citation, excerpt=self._quoted_sentences(doc, [quote]) or [quote.text], said_by=_speaker_line(quote)
        )
        return Answer(question, AnswerMode.WHO, f"That was {_speaker_line(quote)}:", [citation])

    def _quoted_sentences(self, doc: int, quotes: list[QuoteRecord]) -> list[str]:
        """The entry's own sentences that hold these quotes, verbatim and in order."""
        chosen: list[str] = []
        for sentence in sentences(self.documents[doc].paragraphs):
            if any(q.text[:40] in sentence for q in quotes) and sentence not in chosen:
                chosen.append(sentence)
        return [shorten(s, 400) for s in chosen[:3]]

    def _newest_coverage_with_summary(self, summaries: list[int]) -> int:
        with_summary = {self.documents[d].coverage_id for d in summaries}
        for doc in self.searcher.newest:
            if self.documents[doc].coverage_id in with_summary:
                return self.documents[doc].coverage_id
        return self.documents[summaries[0]].coverage_id

    def _cite(
        self, doc: int, weights: dict[str, float] | None = None, holds_answer: Callable[[str], bool] | None = None
    ) -> Citation:
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
            excerpt=[] if document.kind != DocumentKind.ENTRY else excerpt(document.paragraphs, weights, holds_answer=holds_answer),
            label=document.label,
        )


def _speaker_line(quote: QuoteRecord) -> str:
    return f"{quote.speaker} ({quote.speaker_role})" if quote.speaker_role else quote.speaker


def _newest_entry_id(documents: list[Document]) -> int:
    return max((d.row_id for d in documents if d.kind == DocumentKind.ENTRY), default=0)


def _ref(document: Document) -> str:
    return ref_of(document.kind, document.row_id)
