"""Find speakers by name (fuzzily) and quotes by their words, for "who said what" questions."""

import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.kinds import SpeakerKind
from bot.quotes.query import QuoteRecord
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
        self.quotes = quotes
        self._by_speaker: dict[str, list[QuoteRecord]] = defaultdict(list)
        names: dict[str, str] = {}  # a form of a name -> the speaker's canonical name
        for quote in quotes:
            self._by_speaker[quote.speaker].append(quote)
            names[quote.speaker] = quote.speaker
            for alias in quote.aliases:
                names.setdefault(alias, quote.speaker)
        self._names = names
        self._name_forms = list(names)
        self._texts = [utils.default_process(q.text) for q in quotes]

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

    def said(self, words_typed: str, limit: int = 5) -> list[tuple[QuoteRecord, int]]:
        """Quotes whose words the user remembers ("the cost for Russia must be intolerably high"),
        best first, each with how many of the user's informative words it shares."""
        query = utils.default_process(words_typed)
        if len(query) < 6 or not self._texts:
            return []
        candidates = process.extract(query, self._texts, scorer=fuzz.token_set_ratio, score_cutoff=QUOTE_CUTOFF, limit=limit)
        content = {stem(w) for w in words(words_typed) if w not in STOPWORDS}
        found = [
            (self.quotes[index], len(content & {stem(w) for w in words(self.quotes[index].text)}), score)
            for _text, score, index in candidates
        ]
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
