"""Whether a document says what a question asks, not only whom or what it is about: the
sentence that answers must hold what is asked, of the kind asked for, about the question's
subject."""

import re
from collections.abc import Callable

from bot.retrieval.answer_kind import AnswerKind, Wanted, holds
from bot.retrieval.first_names import is_first_name
from bot.retrieval.index import QueryTerm, SearchIndex
from bot.retrieval.text import stem

MONEY_TERMS = frozenset({"money", "cash", "cost", "price", "pay", "fund", "compens", "worth", "spend", "amount"})
MONEY = re.compile(r"[£$€]\s?\d|\d\s?(roubles?|rubles?|pounds?|dollars?|euros?|bn|billion|million)\b", re.IGNORECASE)
# Kinds of answer almost any sentence naming someone or somewhere seems to hold: for these the
# question's own words must be found too.
LOOSE_KINDS = frozenset({AnswerKind.PERSON, AnswerKind.PLACE})
# A sentence opening with a pronoun or a definite description goes on about the one before.
REFERS_BACK = re.compile(r"[\"“‘']?(?:He|She|They|It|His|Her|Their|Its|The|This|That)\b")


class AnswerCheck:
    def __init__(self, index: SearchIndex, passages: Callable[[int], tuple[list[str], list[frozenset[str]]]]):
        self.index = index
        self.passages = passages  # a document's title, sentences and byline, as text and as terms

    def __call__(self, query: list[QueryTerm], doc: int, want: Wanted | None) -> bool:
        """Whether the document says what the question asks, not only whom or what it is about.

        The question's ordinary words ("married", "manages", "cost") say what is asked about
        its names ("Johnny Vegas"). A question wanting a figure, an age, a date or an expansion
        is answered by a sentence holding one and some of the question's words; any other
        question needs a sentence (or the title, or the byline) holding what is asked.
        """
        own = [item for item in query if not item.phrase and not item.stands_for]
        focus = {item.term for item in own if not self.index.is_name(item.typed)}
        alternatives = {item.term: {item.term} for item in own}
        for item in query:
            if item.stands_for in alternatives:
                alternatives[item.stands_for].add(item.term)
        texts, passages = self.passages(doc)

        def holding(asked: set[str]) -> list[int]:
            return [i for i, terms in enumerate(passages) if any(_holds_any(alternatives[t], terms) for t in asked)]

        about_focus = holding(focus)
        if want is None or want.kind in LOOSE_KINDS:
            if focus and not about_focus:
                return False
            return want is None or any(holds(want, texts[i]) for i in about_focus or holding(set(alternatives)))
        if want.kind is AnswerKind.DATE and want.past and self.index.documents[doc].published_at is not None:
            # "When did X resign": the entry that reports the resignation was published then, if
            # one of its sentences holds all that is asked ("become" and "leader", not "leader").
            if any(all(_holds_any(alternatives[t], passages[i]) for t in focus) for i in about_focus):
                return True
        # A sentence about the question, and the one after it where that one refers back to it
        # ("Johnny Vegas is ... The 49-year-old said ...", "... He added").
        about = holding(set(alternatives))
        follow_on = {i + 1 for i in about if i + 1 < len(texts) - 1 and REFERS_BACK.match(texts[i + 1])}
        candidates = sorted(set(about) | follow_on)
        if want.counted and not self.index.related.is_broad(want.counted[-1]):
            # The figure must count what was asked ("how many Russian troops": troops), in its
            # own word or one of the same meaning; a sum of money counts money. What a broad
            # class ("people") counts may be named in many ways, so any figure does then.
            head = stem(want.counted[-1])
            same = {head} | {item.term for item in query if item.stands_for == head and not item.near}
            # The thing counted may be named in the sentence before ("women MPs ... Labour will
            # have the most, with 104").
            candidates = [
                i
                for i in candidates
                if same & (passages[i] | (passages[i - 1] if i else frozenset()))
                or (head in MONEY_TERMS and MONEY.search(texts[i]))
            ]
        if want.kind is AnswerKind.DATE and want.past:
            # "When did Eastwood become SDLP leader?": the date must be that of what was done,
            # in a sentence that says it ("became", "becoming"), not any date near the names.
            done = {item.term for item in own if item.term in focus and self.index.related.is_only_verb(item.typed)}
            candidates = [i for i in candidates if all(_holds_any(alternatives[t], passages[i]) for t in done)]
        # "How much did Nord Stream 2 cost?": the figure must be about the question's subject,
        # named in its sentence, the one before or the title, not a sum in an entry that merely
        # shares the question's other words. Names come in runs ("Nord Stream", "RSPCA ...
        # Suffolk"): one run must be named whole, a first name being there when its surname
        # is ("Truss, 47").
        runs: list[list[QueryTerm]] = [[]]
        for item in own:
            if self.index.is_name(item.typed) and not item.term.isdigit():
                runs[-1].append(item)
            elif runs[-1]:
                runs.append([])
        runs = [run for run in runs if run]
        if runs:
            def names_subject(i: int) -> bool:
                window = [passages[j] for j in {0, i - 1, i} if j >= 0]

                def named(item: QueryTerm) -> bool:
                    return any(_holds_any(alternatives[item.term], terms) for terms in window)

                return any(
                    all(named(item) or (k + 1 < len(run) and is_first_name(item.typed) and named(run[-1]))
                        for k, item in enumerate(run))
                    for run in runs
                )

            candidates = [i for i in candidates if names_subject(i)]
        return any(holds(want, texts[i]) for i in candidates)


def _holds_any(terms: set[str], passage: frozenset[str]) -> bool:
    """Whether the passage holds one of the terms; a pair of words counts when it holds both."""
    return any(term in passage or (" " in term and all(part in passage for part in term.split())) for term in terms)
