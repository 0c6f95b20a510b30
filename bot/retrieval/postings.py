"""Build BM25F postings in bounded memory: documents are tokenised in chunks, and every chunk is
reduced with numpy to one row per (term, document) before the next one is read.

Terms are word stems and pairs of adjacent stems ("kill list"). Each row keeps a term's count in
each field; the field weights and length normalisation are applied once all lengths are known,
and the rows are then placed straight into per-term posting lists (a counting sort), so no
step ever holds more than the compact rows and the finished lists.
"""

import re
from array import array
from collections import Counter
from dataclasses import dataclass
from typing import cast

import numpy as np

from bot.kinds import DocumentKind
from bot.retrieval.documents import Document
from bot.retrieval.text import STOPWORDS, stem, words

K1 = 1.2
# (weight, length normalisation) per field: a word in the title says more than one in the body.
FIELDS = (("title", 2.5, 0.5), ("body", 1.0, 0.75), ("author", 2.0, 0.0))
PAIR_FIELDS = (0, 1)  # author names are not phrases worth matching
CHUNK = 5_000
AUTHOR_FIELD = 2
CASING_SAMPLE = 20_000  # documents whose capitals are counted (evenly spread)
# How the coverage writes a word tells a name from an ordinary word, whatever the question's
# casing: only positions where a capital is not forced by a sentence start are counted.
# One pass finds every capitalised word, marking those after a lower-case word or a comma.
CAPITALISED = re.compile(r"(?:(?<=[a-z0-9,;)] )(?P<free>[A-Z][^\W_]*)|(?<![^\W_])(?P<forced>[A-Z][^\W_]*))")


@dataclass
class Postings:
    term_ids: dict[str, int]  # stem -> term id
    pair_keys: np.ndarray  # sorted (first id << 32 | second id); pair k has term id len(term_ids) + k
    df: np.ndarray  # documents holding each term
    pointers: np.ndarray  # postings of term t are [pointers[t], pointers[t + 1])
    docs: np.ndarray
    # BM25F's term-frequency part; the idf is applied when a question is scored, from the
    # document frequencies of every segment (bot.retrieval.index), so new documents keep it right.
    weights: np.ndarray
    surface: Counter  # every content word as written (lower-cased), with its frequency
    ordinary: frozenset[str]  # words the coverage writes in lower case more often than not
    averages: np.ndarray  # mean length of each field, the length normalisation's yardstick


@dataclass
class _Chunk:
    terms: np.ndarray  # term ids (int32); pair keys (int64) until pairs are numbered
    docs: np.ndarray
    counts: np.ndarray  # (rows, 3) uint8: occurrences in title, body, author


# Lower-cased words with possessives dropped, as questions are cut.
tokens = words


def sample_step(size: int) -> int:
    """Every how-many-th document to read for statistics of how the coverage writes (casing,
    abbreviations): they are stable long before all of a large coverage is read."""
    return max(1, -(-size // CASING_SAMPLE))


def _fields(document: Document) -> tuple[str, str, str]:
    # A summary point's body repeats its title: counted once.
    return document.title, document.body if document.kind == DocumentKind.ENTRY else "", document.byline


def document_terms(document: Document) -> set[str]:
    """The distinct terms (stems and pairs of stems) the index counts for one document."""
    found: set[str] = set()
    for field, text in enumerate(_fields(document)):
        stems = [stem(w) for w in tokens(text) if w not in STOPWORDS]
        found.update(stems)
        if field in PAIR_FIELDS:
            found.update(f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False))
    return found


def build_postings(
    documents: list[Document], averages: np.ndarray | None = None, skip: np.ndarray | None = None
) -> Postings:
    """Postings of these documents. `averages` gives field lengths to normalise by (a segment
    added to an index uses the main segment's); documents marked in `skip` keep their place
    but hold no terms."""
    size = len(documents)
    term_ids: dict[str, int] = {}
    word_ids: dict[str, int] = {}
    surface: Counter = Counter()
    capitalised: Counter = Counter()
    capitals: Counter = Counter()  # (word where case is free, word where it is forced)
    casing_step = sample_step(size)
    sampled: Counter = Counter()  # content words of those documents
    lengths = np.zeros((len(FIELDS), size), dtype=np.float32)
    unigrams: list[_Chunk] = []
    pairs: list[_Chunk] = []

    def word_id(word: str) -> int:
        found = word_ids[word] = term_ids.setdefault(stem(word), len(term_ids))
        return found

    known = word_ids.get
    for start in range(0, size, CHUNK):
        terms, docs, fields = array("i"), array("i"), array("b")
        for index in range(start, min(start + CHUNK, size)):
            if skip is not None and skip[index]:
                continue
            document = documents[index]
            for field, text in enumerate(_fields(document)):
                if not text:
                    continue
                words = [w for w in tokens(text) if w not in STOPWORDS]
                surface.update(words)
                if field == AUTHOR_FIELD:
                    capitalised.update(w for w in tokens(document.author or "") if w not in STOPWORDS)
                elif index % casing_step == 0:
                    capitals.update(CAPITALISED.findall(text))
                    sampled.update(words)
                found = [known(w) for w in words]  # a bound dict method: no Python call per word
                ids = cast(list[int], found) if None not in found else [
                    word_id(w) if i is None else i for w, i in zip(words, found, strict=True)
                ]
                terms.extend(ids)
                docs.extend(array("i", [index]) * len(ids))
                fields.extend(array("b", [field]) * len(ids))
                lengths[field, index] = len(ids)
        chunk_terms = np.frombuffer(terms, np.int32)
        chunk_docs = np.frombuffer(docs, np.int32)
        chunk_fields = np.frombuffer(fields, np.int8)
        # Pairs are neighbours within one field of one document, the byline's excepted.
        together = (chunk_docs[1:] == chunk_docs[:-1]) & (chunk_fields[1:] == chunk_fields[:-1])
        together &= np.isin(chunk_fields[:-1], PAIR_FIELDS)
        pair_keys = ((chunk_terms[:-1].astype(np.int64) << 32) | chunk_terms[1:])[together]
        unigrams.append(_reduce(chunk_terms, chunk_docs, chunk_fields))
        pairs.append(_reduce(pair_keys, chunk_docs[:-1][together], chunk_fields[:-1][together]))

    vocabulary = len(term_ids)
    pair_vocabulary = np.unique(np.concatenate([c.terms for c in pairs])) if pairs else np.empty(0, np.int64)
    for chunk in pairs:
        chunk.terms = (vocabulary + np.searchsorted(pair_vocabulary, chunk.terms)).astype(np.int32)
    chunks = unigrams + pairs
    del unigrams, pairs
    total_terms = vocabulary + len(pair_vocabulary)

    df = np.zeros(total_terms, dtype=np.int64)
    for chunk in chunks:
        df += np.bincount(chunk.terms, minlength=total_terms)
    if averages is None:
        averages = np.maximum(lengths.mean(axis=1) if size else np.ones(len(FIELDS)), 1.0)
    norms = np.stack([1 - b + b * lengths[f] / averages[f] for f, (_name, _w, b) in enumerate(FIELDS)])
    field_weights = np.array([w for _name, w, _b in FIELDS], dtype=np.float32)

    pointers = np.concatenate(([0], np.cumsum(df)))
    cursor = pointers[:-1].copy()
    out_docs = np.empty(int(pointers[-1]), dtype=np.int32)
    out_weights = np.empty(int(pointers[-1]), dtype=np.float32)
    while chunks:
        chunk = chunks.pop(0)  # freed as soon as it is placed
        tf = (chunk.counts * field_weights / norms[:, chunk.docs].T).sum(axis=1)
        weights = tf * (K1 + 1) / (tf + K1)
        order = np.argsort(chunk.terms, kind="stable")
        ordered = chunk.terms[order]
        rank = np.arange(len(ordered)) - np.searchsorted(ordered, ordered, side="left")
        destination = cursor[ordered] + rank
        out_docs[destination] = chunk.docs[order]
        out_weights[destination] = weights[order]
        unique, counts = np.unique(ordered, return_counts=True)
        cursor[unique] += counts
    # Lower-case uses are all uses but the capitalised ones.
    capitalised_anywhere: Counter = Counter()
    for (free, forced), count in capitals.items():
        if free:
            capitalised[free] += count
        for word in tokens(free or forced):
            capitalised_anywhere[word] += count
    lower_case = Counter({word: count - capitalised_anywhere[word] for word, count in sampled.items()})
    del capitals, sampled
    ordinary = _ordinary_words(capitalised, lower_case)
    return Postings(
        term_ids, pair_vocabulary, df.astype(np.int32), pointers, out_docs, out_weights, surface, ordinary, averages
    )


def _ordinary_words(capitalised: Counter, lower_case: Counter) -> frozenset[str]:
    """Words written in lower case more often than capitalised where case is free: every other
    word of the coverage is a name ("Branson", "United"), or seen only where case is forced.
    Words, not stems: "United" is a name where "unit" is not."""
    votes: dict[str, list[int]] = {}
    for counter, slot in ((capitalised, 0), (lower_case, 1)):
        for word, count in counter.items():
            for token in tokens(word):
                if token not in STOPWORDS:
                    votes.setdefault(token, [0, 0])[slot] += count
    return frozenset(word for word, (upper, lower) in votes.items() if lower > upper)


def _reduce(keys: np.ndarray, doc_array: np.ndarray, field_array: np.ndarray) -> _Chunk:
    """One row per (term, document), with the term's count in each field."""
    if not len(keys):
        return _Chunk(keys, doc_array, np.zeros((0, len(FIELDS)), np.uint8))
    order = np.lexsort((doc_array, keys))
    keys, doc_array, field_array = keys[order], doc_array[order], field_array[order]
    starts = np.flatnonzero(np.concatenate(([True], (keys[1:] != keys[:-1]) | (doc_array[1:] != doc_array[:-1]))))
    row_of = np.cumsum(np.concatenate(([False], (keys[1:] != keys[:-1]) | (doc_array[1:] != doc_array[:-1]))))
    counts = np.bincount(row_of * len(FIELDS) + field_array, minlength=len(starts) * len(FIELDS))
    counts = counts.reshape(len(starts), len(FIELDS))
    return _Chunk(keys[starts], doc_array[starts], np.minimum(counts, 255).astype(np.uint8))
