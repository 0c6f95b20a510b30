"""A field-weighted BM25 index (BM25F) over entries and summary points, built once and reused.

Scores are precomputed per (term, document) at build time, so a question costs one array
addition per question word, whatever the size of the coverage.
"""

import bisect
import itertools
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from bot.retrieval.acronyms import Acronyms
from bot.retrieval.documents import Document
from bot.retrieval.first_names import first_names, is_first_name
from bot.retrieval.parallel_build import PartsBuild
from bot.retrieval.postings import build_postings, document_terms, sample_step
from bot.retrieval.related import RelatedWords, configured
from bot.retrieval.segment import Segment
from bot.retrieval.spelling import Speller
from bot.retrieval.text import STOPWORDS, WORD, stem, words

# Two question words side by side in the text ("kill list") say more than both apart.
PHRASE_WEIGHT = 0.5
# Names are what people ask about: a capitalised word inside a question counts for more.
NAME_WEIGHT = 1.5
# A word the copy uses for the question's word counts, but less than the word itself, and a
# word one step more general or specific less again.
RELATED_WEIGHT = 0.5
NEAR_WEIGHT = 0.35
# Stems of one word family ("russia"/"russian", "centr"/"central", "health"/"healthcar"): the
# shorter is at least this long, and the longer adds at most FAMILY_EXTRA letters.
FAMILY_MIN = 5
FAMILY_EXTRA = 3
# Small segments searched beside the main one before they are folded into one.
MAX_SEGMENTS = 8
IDF_CACHE = 50_000


@dataclass(frozen=True)
class QueryTerm:
    term: str
    weight: float  # 1.0 as typed; less when it is a guessed spelling correction
    typed: str
    phrase: bool = False  # a pair of adjacent words, "kill list"
    stands_for: str | None = None  # set on a related word: the question's own term
    near: bool = False  # one step more general or specific than the question's ("adversary" for "enemy")


def _same_stem(typed: str, corrected: str) -> bool:
    common = 0
    for a, b in zip(typed, corrected, strict=False):
        if a != b:
            break
        common += 1
    return common >= min(4, len(typed) - 1)


# "How close", "how badly", "how long": the question asks for a measure, which the answer gives
# as a figure or a fact ("30km from the centre"), seldom in the question's own word.
DEGREE_WORDS = frozenset(
    """close far long big bad badly serious seriously strong large high low old often soon quickly
    fast severe severely widespread likely deep safe dangerous hard well good important popular""".split()
)


class SearchIndex:
    """Segments searched side by side: the main one built over every document, and small ones
    for documents added since (`extended`). A document that changed or went is marked dead where
    it was; a changed one is added again. Every segment's postings hold the term-frequency part
    of BM25F, and the idf comes from all segments' live counts, so ranking statistics stay those
    of a full build (field lengths are normalised by the main segment's averages)."""

    def __init__(self, documents: list[Document], related: RelatedWords | None = None, building: PartsBuild | None = None):
        """`building`: the postings' build, if the caller started it already (bot.retrieval.parallel_build)."""
        parts = (building if building is not None else PartsBuild(documents)).parts()
        self.related = related if related is not None else configured()
        first_names()  # read now rather than in the middle of the first question that needs it
        surface: Counter = Counter()
        for built, _start, _size in parts:
            surface.update(built.surface)
        self.speller = Speller(dict(surface), STOPWORDS)
        del surface
        # How the coverage abbreviates is learnt from the main segments: what a few new entries
        # add to it waits for the next full build.
        self.acronyms = Acronyms(text for d in documents[:: sample_step(len(documents))] for text in (d.title, d.body))
        segments = [Segment(built, start, size) for built, start, size in parts]
        del parts
        self._setup(documents, segments, np.zeros(len(documents), dtype=bool), Counter(), len(segments))

    def _setup(
        self, documents: list[Document], segments: list[Segment], dead: np.ndarray, dead_df: Counter, main: int
    ) -> None:
        self.documents = documents
        self.size = len(documents)
        self.segments = segments
        self._main = main  # the first `main` segments are the full build's
        self._starts = [segment.start for segment in segments]
        self.dead = dead
        self._dead_ids = np.flatnonzero(dead)
        # The usual case, one segment and nothing dead: `contains` goes straight to it (it is
        # asked for every word of a question and every candidate).
        self._contains = segments[0].contains if len(segments) == 1 and not len(self._dead_ids) else self._contains_any
        self._dead_df = dead_df  # documents of the segments' counts that are dead, per term
        self.live = self.size - len(self._dead_ids)
        self.max_idf = float(math.log1p((self.live + 0.5) / 0.5)) if self.live else 1.0
        self._idf: dict[str, float] = {}

    @property
    def main(self) -> list[Segment]:
        """The segments of the full build."""
        return self.segments[: self._main]

    @property
    def main_size(self) -> int:
        return sum(segment.size for segment in self.main)

    @property
    def added(self) -> int:
        """Documents held outside the main segments, dead ones included: what a full build would fold in."""
        return self.size - self.main_size

    def extended(self, added: list[Document], gone: list[int]) -> "SearchIndex":
        """A new index: this one with the documents at positions `gone` dead and `added` after
        the rest. Shares every segment it keeps; this index stays as it was (answers being given
        from it see no change)."""
        dead = np.concatenate([self.dead, np.zeros(len(added), dtype=bool)])
        newly_dead = [g for g in gone if not self.dead[g]]
        dead[newly_dead] = True
        dead_df = self._dead_df.copy()
        for doc in newly_dead:
            dead_df.update(document_terms(self.documents[doc]))
        documents = self.documents + added
        segments = list(self.segments)
        speller = self.speller
        averages = self.segments[0].averages
        if added:
            built = build_postings(added, averages)
            segments.append(Segment(built, self.size, len(added)))
            speller = speller.extended(built.surface)
            del built
        if len(segments) > self._main + MAX_SEGMENTS:
            # Fold the small segments into one: their dead documents leave the counts.
            first = segments[self._main].start
            for doc in np.flatnonzero(dead[first:]).tolist():
                dead_df.subtract(document_terms(documents[first + doc]))
            dead_df = +dead_df
            folded = Segment.build(documents[first:], first, averages, skip=dead[first:])
            segments = [*segments[: self._main], folded]
        index = object.__new__(SearchIndex)
        index.related, index.speller, index.acronyms = self.related, speller, self.acronyms
        index._setup(documents, segments, dead, dead_df, self._main)
        return index

    def _segment_of(self, doc: int) -> Segment:
        return self.segments[bisect.bisect_right(self._starts, doc) - 1]

    def has_term(self, term: str) -> bool:
        """Whether a live document may hold this stem, or pair of stems "a b"."""
        # Asked dozens of times per question: a loop, not a generator.
        for segment in self.segments:
            if segment.term_id(term) is not None:
                return True
        return False

    def df(self, term: str) -> int:
        found = -self._dead_df.get(term, 0) if self._dead_df else 0
        for segment in self.segments:
            found += segment.df(term)
        return found

    def is_name(self, word: str) -> bool:
        """Whether the coverage writes this word as a name; a word it never uses, or a figure, is not one."""
        if word.isdigit():
            return False
        for segment in self.segments:
            if word in segment.words:
                return word not in segment.ordinary
        return False

    def idf_of(self, term: str) -> float:
        found = self._idf.get(term)
        if found is None:
            df = self.df(term)
            found = float(math.log1p((self.live - df + 0.5) / (df + 0.5))) if df > 0 else self.max_idf
            if len(self._idf) > IDF_CACHE:
                self._idf.clear()
            self._idf[term] = found
        return found

    def query_terms(self, text: str) -> list[QueryTerm]:
        """Question words as index terms, misspellings mapped onto the coverage's vocabulary,
        followed by the pairs of adjacent words."""
        result: list[QueryTerm] = []
        names: set[str] = set()  # "Denis" is a name, not a form of "deny" with its related words
        previous = ""
        for position, match in enumerate(WORD.finditer(text)):
            typed = match.group()
            word = words(typed)[0] if words(typed) else typed.lower()
            after_how, previous = previous == "how", word
            if word in STOPWORDS or (after_how and word in DEGREE_WORDS):
                continue
            emphasis = NAME_WEIGHT if position > 0 and typed[:1].isupper() else 1.0
            term = stem(word)
            if emphasis == NAME_WEIGHT:
                names.add(word)
            if self.has_term(term) or word.isdigit():
                result.append(QueryTerm(term, emphasis, word))
                continue
            if len(word) <= 3:
                if not self.speller.is_function_word_typo(word):
                    result.append(QueryTerm(term, 1.0, word))  # unknown ("cup"): counts against relevance
                continue
            correction = self.speller.correct(word)
            if correction is not None and self.related.is_word(word) and not _same_stem(word, correction[0]):
                # An English word the coverage does not use is no misspelling of another word
                # ("reserve" is not "deserve"), though it may be a form of one it does use
                # ("hacked" for "hackers").
                correction = None
            if correction is None:
                result.append(QueryTerm(term, 1.0, word))  # unknown: counts against relevance
            elif correction[0] not in STOPWORDS:
                fixed, certainty = correction
                result.append(QueryTerm(stem(fixed), certainty * emphasis, word))
        pairs = [
            QueryTerm(f"{a.term} {b.term}", PHRASE_WEIGHT * min(a.weight, b.weight), f"{a.typed} {b.typed}", True)
            for a, b in zip(result, result[1:], strict=False)
        ]
        own = {item.term for item in result}
        alternatives = []
        for item in result:
            name = item.typed in names or self.is_name(item.typed) or item.term.isdigit()
            same = (self.family(item.term) | (set() if name else self.terms_for(self.related.of(item.typed)))) - own
            # A more general or specific word helps only where the coverage uses it no more often than the
            # word asked about ("interfere" for "meddle", never "make" for "leave"), or where the
            # coverage never uses the word asked about.
            near = {
                other
                for other in (set() if name else self.terms_for(self.related.near(item.typed))) - own - same
                if not self.has_term(item.term) or self.idf_of(other) >= self.idf_of(item.term)
            }
            alternatives += [
                QueryTerm(other, RELATED_WEIGHT * item.weight, item.typed, stands_for=item.term) for other in sorted(same)
            ] + [
                QueryTerm(other, NEAR_WEIGHT * item.weight, item.typed, stands_for=item.term, near=True)
                for other in sorted(near)
            ]
        alternatives += self._abbreviations(result, own)
        for first, second in zip(result, result[1:], strict=False):
            # Two words may mean something together that neither means alone ("straight away").
            together = self.terms_for(self.related.of_pair(first.typed, second.typed)) - own
            alternatives += [
                QueryTerm(other, RELATED_WEIGHT * item.weight, item.typed, stands_for=item.term)
                for other in sorted(together)
                for item in (first, second)
            ]
        return result + [pair for pair in pairs if self.has_term(pair.term)] + alternatives

    def _abbreviations(self, result: list[QueryTerm], own: set[str]) -> list[QueryTerm]:
        """"fmqs" for the coverage's "First Minister's Questions", and "first minister" for its "FM"."""
        found: list[QueryTerm] = []
        for item in result:
            if self.has_term(item.term) and not self.is_name(item.typed):
                continue  # an ordinary word of the coverage is no abbreviation
            stems = self.acronyms.expansion(item.typed)
            pairs = [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)] or list(stems)
            found += [
                QueryTerm(pair, RELATED_WEIGHT * item.weight, item.typed, stands_for=item.term)
                for pair in pairs
                if pair not in own and self.has_term(pair)
            ]
        for size in (2, 3, 4):
            for start in range(len(result) - size + 1):
                window = result[start : start + size]
                key = self.acronyms.abbreviation(tuple(item.term for item in window))
                if key and key not in own and self.has_term(key):
                    found += [QueryTerm(key, RELATED_WEIGHT * item.weight, item.typed, stands_for=item.term) for item in window]
        return found

    def terms_for(self, phrases: frozenset[str]) -> set[str]:
        """Index terms for words and phrases: stems, or pairs of stems."""
        found: set[str] = set()
        for other in phrases:
            # "make do" is not "make": a phrase counts only as a pair of content words.
            parts = words(other)
            content = [stem(w) for w in parts if w not in STOPWORDS]
            term = " ".join(content)
            if len(content) == len(parts) <= 2 and self.has_term(term):
                found.add(term)
        return found

    def family(self, term: str) -> set[str]:
        """Coverage stems of the same word family as `term`, which a suffix stemmer keeps apart."""
        found: set[str] = set()
        if len(term) >= FAMILY_MIN:
            for segment in self.segments:
                # Longer stems starting with this one sort right after it.
                terms = segment.sorted_terms
                for other in itertools.islice(terms, bisect.bisect_right(terms, term), None):
                    if not other.startswith(term):
                        break
                    if len(other) - len(term) <= FAMILY_EXTRA:
                        found.add(other)
        for cut in range(max(FAMILY_MIN, len(term) - FAMILY_EXTRA), len(term)):
            if self.has_term(term[:cut]):
                found.add(term[:cut])
        return found

    def score(self, query: list[QueryTerm]) -> np.ndarray:
        scores = np.zeros(self.size, dtype=np.float32)
        for item in query:
            weight = item.weight * self.idf_of(item.term)
            for segment in self.segments:
                docs, weights = segment.postings(item.term)
                if len(docs):
                    scores[segment.start + docs] += weights * weight
        scores[self._dead_ids] = 0
        return scores

    def contains(self, term: str, doc: int) -> bool:
        return self._contains(term, doc)

    def _contains_any(self, term: str, doc: int) -> bool:
        segment = self._segment_of(doc)
        return not self.dead[doc] and segment.contains(term, doc - segment.start)

    def query_share(self, query: list[QueryTerm], doc: int, satisfied: frozenset[str] = frozenset()) -> float:
        """The share of the question's information (idf mass) that the document contains.

        `satisfied` names terms the caller knows the document answers in other words.
        """
        found: dict[str, float] = {}
        contains = self._contains
        for item in query:
            if item.phrase:
                continue
            own = item.stands_for or item.term
            share = (NEAR_WEIGHT if item.near else RELATED_WEIGHT) if item.stands_for else min(item.weight, 1.0)
            if item.term in satisfied or contains(item.term, doc):
                found[own] = max(found.get(own, 0.0), share)
        for item in query:
            if item.phrase and item.term.count(" ") == 1:
                # "Liz Truss" is one person: copy that calls her "Truss" names her in full.
                # ("Nord Stream" is no first name and a surname.)
                first, last = item.term.split()
                typed_first, typed_last = item.typed.split()
                if is_first_name(typed_first) and self.is_name(typed_last) and last in found and found[last] >= 1.0:
                    found[first] = max(found.get(first, 0.0), 1.0)
        total = matched = 0.0
        for term in {item.term for item in query if not item.phrase and not item.stands_for}:
            weight = self.idf_of(term)
            total += weight
            matched += weight * found.get(term, 0.0)
        return matched / total if total else 0.0
