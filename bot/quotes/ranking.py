"""Which of a speaker's entries best answer "what did X say (about Y)": their words about the
topic first, then how well the entry answers the whole question."""

from bot.quotes.lookup import SpeakerMatch
from bot.quotes.query import QuoteRecord
from bot.retrieval.index import RELATED_WEIGHT
from bot.retrieval.search import Searcher
from bot.retrieval.text import stem, words
from bot.retrieval.text import terms as text_terms

# A speaker's entries answer "what did X say about Y" only if one of them is about Y at all.
MIN_TOPIC_SHARE = 0.3
HEADLINE_SPEAKER_BONUS = 0.25


def rank_quoting_entries(
    searcher: Searcher,
    quotes_by_doc: dict[int, list[QuoteRecord]],
    speaker: SpeakerMatch,
    question: str,
    topic: str,
    strict: bool = True,
) -> list[int] | None:
    """The entries quoting the speaker, best first. With `strict`, None when they are much
    weaker answers than the best entry overall, so that a loose name match never hides the
    right entry."""
    query = searcher.query_terms(question)
    topic_query = searcher.query_terms(topic)
    # Each topic word counts once: in its own word, or less in a word of the same meaning.
    topic_terms = {item.term: searcher.idf_of(item.term) for item in topic_query if not item.phrase and not item.stands_for}
    related_terms = {
        item.term: (item.stands_for, searcher.idf_of(item.stands_for) * RELATED_WEIGHT)
        for item in topic_query
        if item.stands_for and not item.phrase
    }
    scores = searcher.scores(query) if query else None
    best_overall = float(scores.max()) if scores is not None and len(scores) else 0.0
    speaker_words = set(text_terms(f"{speaker.name} {speaker.role or ''}"))
    documents = searcher.documents
    ranked = []
    for doc, quotes in quotes_by_doc.items():
        base = float(scores[doc]) if scores is not None else 0.0
        said_terms = {stem(w) for w in words(" ".join(q.text for q in quotes))}
        found = {t: w for t, w in topic_terms.items() if t in said_terms}
        for term, (own, weight) in related_terms.items():
            if term in said_terms and own not in found:
                found[own] = weight
        topical = sum(found.values()) / (sum(topic_terms.values()) or 1)
        # An entry whose headline names the speaker or their side ("Kremlin says ...") is
        # about their words; one that only quotes them in passing is less so.
        if speaker_words & set(text_terms(documents[doc].title)):
            base *= 1 + HEADLINE_SPEAKER_BONUS
        ranked.append((topical, base, -searcher.recency_rank[doc], doc))
    ranked.sort(reverse=True)
    if not topic_terms:
        ranked.sort(key=lambda r: r[2], reverse=True)  # no topic: their newest words first
    elif strict and ranked[0][0] == 0 and (
        ranked[0][1] < 0.5 * best_overall
        # "What did Sturgeon say in her resignation speech?": none of their entries is about that.
        or max(searcher.query_share(topic_query, r[3]) for r in ranked) < MIN_TOPIC_SHARE
    ):
        return None
    return [r[3] for r in ranked]
