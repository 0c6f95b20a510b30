"""Short summaries made of an entry's own sentences: verbatim, never invented, never cut mid-word."""

import re
from collections.abc import Callable

from bot.retrieval.text import STOPWORDS, stem, words

SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
MAX_CHARS = 320


def sentences(paragraphs: tuple[str, ...] | list[str]) -> list[str]:
    result: list[str] = []
    for paragraph in paragraphs:
        start = 0
        for match in SENTENCE_BREAK.finditer(paragraph):
            piece = paragraph[start : match.start()].strip() + paragraph[match.start() : match.end()].strip()
            result.append(piece.strip())
            start = match.end()
        tail = paragraph[start:].strip()
        if tail:
            result.append(tail)
    return [s for s in result if s]


def shorten(text: str, limit: int = MAX_CHARS) -> str:
    """Cut at a word boundary, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-–") + "…"


def excerpt(
    paragraphs: tuple[str, ...] | list[str],
    weights: dict[str, float] | None = None,
    limit: int = MAX_CHARS,
    holds_answer: Callable[[str], bool] | None = None,
) -> list[str]:
    """The sentences that best answer the question, in their original order.

    `weights` maps question terms (stems) to how much they tell; without them, the lead sentence.
    `holds_answer` tells a sentence that gives the kind of answer asked for (an age, a sum): the
    best of those about the question comes first, so the answer is always among those quoted.
    """
    pieces = sentences(paragraphs)
    if not pieces:
        return []
    if not weights:
        return [shorten(pieces[0], limit)]
    scored = []
    for position, sentence in enumerate(pieces):
        terms = {stem(w) for w in words(sentence) if w not in STOPWORDS}
        score = sum(weight for term, weight in weights.items() if term in terms)
        scored.append((score, -position, sentence))
    best = max(scored)
    if best[0] <= 0:
        return [shorten(pieces[0], limit)]
    if holds_answer is not None:
        # The best sentence giving the answer comes first: one about the question, or right
        # after one, which often goes on about it ("The 49-year-old said ...").
        answering = [
            c for i, c in enumerate(scored) if (c[0] > 0 or (i > 0 and scored[i - 1][0] > 0)) and holds_answer(c[2])
        ]
        if answering:
            best = max(answering)
    chosen = [best]
    used = len(best[2])
    for candidate in sorted(scored, reverse=True):
        if candidate is best or candidate[0] <= 0 or used + len(candidate[2]) + 1 > limit:
            continue
        chosen.append(candidate)
        used += len(candidate[2]) + 1
        break
    chosen.sort(key=lambda c: -c[1])
    return [shorten(c[2], limit) for c in chosen]


def quoted(sentence: str) -> str:
    """Wrap a sentence in quotation marks unless it already opens with one; a sentence that
    quotes someone itself gets single marks outside its double ones, never doubled marks."""
    if sentence[:1] in "“\"‘'":
        return sentence
    return f"‘{sentence}’" if any(mark in sentence for mark in "“”\"") else f"“{sentence}”"
