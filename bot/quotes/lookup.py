"""Find speakers by name (fuzzily) and quotes by their words, for "who said what" questions."""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.kinds import SpeakerKind
from bot.quotes.query import QuoteRecord
from bot.retrieval.fuzzy import top_matches
from bot.retrieval.text import STOPWORDS, stem, words

# "What did Peskov say about the summit?", "How did the Kremlin respond?", "What does Kuleba want?"
SAID_BY = re.compile(
    r"^\s*(?:wh?at|wat|how)\s+(?:did|does|do|has|have|had|is|was)\s+(?P<name>.+?)\s+"
    r"(?:say|said|says|tell|told|tweet|tweeted|write|wrote|announce|announced|claim|claimed|warn|warned|"
    r"want|wants|think|thinks|respond|responded|react|reacted|reply|replied|mean|argue|argued)\b"
    r"(?P<topic>.*)$",
    re.IGNORECASE,
)
WHO_SAID = re.compile(
    r"^\s*who\s+(?:said|says|called|described|told|warned|claimed|tweeted|wrote|insisted|asked)\b(?P<words>.+)$",
    re.IGNORECASE,
)
NAME_CUTOFF = 85
QUOTE_CUTOFF = 75


@dataclass(frozen=True)
class SpeakerMatch:
    name: str
    role: str | None
    quotes: list[QuoteRecord]


class QuoteBook:
    def __init__(self, quotes: list[QuoteRecord]):
        self.quotes: list[QuoteRecord] = []
        self._by_speaker: dict[str, list[QuoteRecord]] = {}
        self._names: dict[str, str] = {}  # a form of a name -> the speaker's canonical name
        self._speakers: set[int] = set()
        self._by_entry: dict[int, list[int]] = {}  # an entry's quotes, by position
        self._newest_id = 0
        self._add(quotes)

    def _add(self, quotes: list[QuoteRecord]) -> None:
        for position, quote in enumerate(quotes, start=len(self.quotes)):
            # Only entries new to the book gain quotes here (an entry whose quotes change is
            # rebuilt with the book), so no list shared with another book grows.
            self._by_entry.setdefault(quote.entry_id, []).append(position)
        self.quotes = self.quotes + quotes
        grown: dict[str, list[QuoteRecord]] = defaultdict(list)
        for quote in quotes:
            grown[quote.speaker].append(quote)
            self._names[quote.speaker] = quote.speaker
            for alias in quote.aliases:
                self._names.setdefault(alias, quote.speaker)
        for name, said in grown.items():
            # A new list: the one it replaces stays as it was for the book that holds it.
            self._by_speaker[name] = self._by_speaker.get(name, []) + said
        self._name_forms = list(self._names)
        self._speakers.update(q.speaker_id for q in quotes)
        self._newest_id = max((q.quote_id for q in quotes), default=self._newest_id)

    def extended(self, fresh: list[QuoteRecord], stale_entries: set[int], stale_speakers: set[int]) -> "QuoteBook":
        """This book with `fresh` quotes in, and out the quotes they replace: those of entries in
        `stale_entries` (their quotes were rewritten or removed), of speakers in `stale_speakers`,
        and earlier versions of the fresh ones. Quotes only added (new entries) cost what they
        add; taking one out costs a pass over all."""
        replacing = any(quote.quote_id <= self._newest_id for quote in fresh)  # a quote changed hands
        if replacing or stale_speakers & self._speakers or any(entry in self._by_entry for entry in stale_entries):
            fresh_ids = {quote.quote_id for quote in fresh}
            kept = [
                quote for quote in self.quotes
                if quote.entry_id not in stale_entries and quote.speaker_id not in stale_speakers
                and quote.quote_id not in fresh_ids
            ]
            return QuoteBook(kept + fresh)
        book = QuoteBook([])
        book.quotes, book._newest_id = self.quotes, self._newest_id
        book._by_speaker, book._names = dict(self._by_speaker), dict(self._names)
        book._speakers, book._by_entry = set(self._speakers), dict(self._by_entry)
        book._add(fresh)
        return book

    def speaker(self, typed: str) -> SpeakerMatch | None:
        """The speaker a user means: "peskov", "Dmitri Peskov", "Oleksandr Kubrakov", "the Kremlin"."""
        typed = re.sub(r"^(?:the|president|prime minister|mr|mrs|ms|dr|sir)\s+", "", typed.strip(), flags=re.I)
        if not typed or not self._name_forms:
            return None
        # Whole-name similarity: partial matching would find "US" inside "Santa Claus".
        best = process.extractOne(
            typed, self._name_forms, scorer=fuzz.token_sort_ratio, processor=utils.default_process,
            score_cutoff=NAME_CUTOFF,
        )
        if best is None and " " in typed.strip():
            # "Kezia Dugdale" for a speaker the page names only as "Dugdale".
            surname = typed.split()[-1]
            best = process.extractOne(
                surname, [form for form in self._name_forms if " " not in form], scorer=fuzz.ratio,
                processor=utils.default_process, score_cutoff=NAME_CUTOFF,
            )
        if best is None:
            return None
        name = self._names[best[0]]
        quotes = list(self._by_speaker[name])
        if quotes[0].speaker_kind == SpeakerKind.ORG:
            # A "Kremlin spokesman" speaks for the Kremlin.
            pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
            quotes += [q for q in self.quotes if q.speaker != name and q.speaker_role and pattern.search(q.speaker_role)]
        return SpeakerMatch(name, quotes[0].speaker_role if quotes[0].speaker == name else None, quotes)

    def said(self, words_typed: str, limit: int = 5, entries: Iterable[int] | None = None) -> list[tuple[QuoteRecord, int]]:
        """Quotes whose words the user remembers ("the cost for Russia must be intolerably high"),
        best first, each with how many of the user's informative words it shares. `entries`, when
        given, are the only entries whose quotes are compared (those the words find in the index:
        comparing every quote of a large coverage takes a tenth of a second)."""
        query = utils.default_process(words_typed)
        if len(query) < 6 or not self.quotes:
            return []
        if entries is None:
            pool = self.quotes
        else:
            by_entry, quotes = self._by_entry, self.quotes
            pool = [quotes[p] for entry in entries for p in by_entry.get(entry, ())]
        matches = top_matches(
            query, [quote.text for quote in pool], fuzz.token_set_ratio, QUOTE_CUTOFF, limit, processor=utils.default_process
        )
        content = {stem(w) for w in words(words_typed) if w not in STOPWORDS}
        found = [(pool[index], len(content & {stem(w) for w in words(pool[index].text)}), score) for index, score in matches]
        found.sort(key=lambda f: (f[1], f[2]), reverse=True)
        return [(quote, shared) for quote, shared, _score in found if shared]


def said_by_question(question: str) -> tuple[str, str] | None:
    """(name, topic) for "What did NAME say (about TOPIC)?", else None."""
    match = SAID_BY.match(question)
    if not match:
        return None
    topic = re.sub(r"^\s*(?:about|on|of|regarding|to|after|over)\b", "", match.group("topic")).strip(" ?.!")
    return match.group("name").strip(), topic


def who_said_question(question: str) -> str | None:
    match = WHO_SAID.match(question)
    return match.group("words").strip(" ?.!") if match else None
