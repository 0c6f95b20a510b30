"""What kind of answer a question wants (an age, a date, an amount...), and whether a sentence holds one.

"How old is Richard Branson?" is not answered by an entry about Branson that gives no age: the
coverage mentions the subject but says nothing of what is asked. Each kind is recognised by how
questions ask for it and found by how news copy writes it ("56-year-old", "£159", "in 1948").
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.retrieval.related import configured


class AnswerKind(StrEnum):
    AGE = "age"
    DATE = "date"
    MONEY = "money"
    FIGURE = "figure"  # a count
    MEASURE = "measure"  # a figure with a unit: how long, how far, how tall
    EXPANSION = "expansion"  # what an abbreviation stands for
    PERSON = "person"
    PLACE = "place"
    CLOCK = "clock"  # a time of day
    CONTACT = "contact"  # a phone number, an email or web address


@dataclass(frozen=True)
class Wanted:
    kind: AnswerKind
    # "When was X built?" asks about the past, which an entry's own time can answer;
    # "when is X coming out?" does not.
    past: bool = False
    abbreviation: str = ""
    # What a figure counts or measures ("how many gold medals", "the population of"): the
    # sentence giving the figure must be about that, not only about the question's names.
    counted: tuple[str, ...] = ()


_MONEY_WORDS = (
    r"(?:cost|costs|costing|price|prices|priced|pay|pays|paying|paid|charge|charges|charging|charged|"
    r"worth|earn|earns|earning|earned|fee|fees|salary|spend|spent|spending)"
)
_ASKS = [
    (AnswerKind.CONTACT, re.compile(r"\b(?:phone|telephone|contact|helpline|whatsapp) (?:number|no)\b|\bemail(?: address)?\b|\bwebsite\b|\bweb address\b")),
    (AnswerKind.CLOCK, re.compile(r"\b(?:what|which) time\b|\bat what time\b")),
    (AnswerKind.AGE, re.compile(r"\bhow old\b|\bwhat age\b|\bat what age\b")),
    (AnswerKind.MONEY, re.compile(rf"\bhow much\b.*\b{_MONEY_WORDS}\b|\b(?:price|cost|net worth|salary)\s*\??$")),
    (AnswerKind.MEASURE, re.compile(r"\bhow (?:tall|high|long|far|deep|heavy|wide|fast)\b")),
    (
        AnswerKind.FIGURE,
        re.compile(
            r"\bhow (?:many|much|big|large|often)\b|"
            r"\bwhat(?: is| was|'s|’s) the (?:population|number|size|height|length|rate|percentage|total|toll)\b|"
            r"\bnumber of\b"
        ),
    ),
    (AnswerKind.DATE, re.compile(r"^when\b|\b(?:what|which) (?:year|date|day)\b")),
    (AnswerKind.PLACE, re.compile(r"^where\b|\b(?:which|what) (?:country|countries|city|cities|town|towns|region|regions|place|places)\b")),
    # "Who said/called/warned ..." asks for a speaker, which the quote lookup answers.
    (AnswerKind.PERSON, re.compile(r"^who\b(?! (?:said|says|say|told|tells|called|calls|described|warned|claimed|compared|accused))")),
]
_EXPANSION = re.compile(r"\bwhat (?:does|do|did|is|was|'s|’s) (?:an? |the )?([a-z0-9]{2,8}) (?:stand for|short for)\b")
_PAST = re.compile(r"^when (?:was|were|did|had)\b")
_COUNTED = re.compile(
    r"\bhow (?:many|much) ((?:(?!(?:did|does|do|has|have|had|is|are|was|were|can|could|will|would|should|"
    r"in|of|on|at|for|from|to|by|with|the|a|an|there|they|we|you|he|she|it)\b)[a-z][a-z'’-]* ?){1,3})|"
    r"\bwhat(?: is| was|'s|’s) the (population|number|size|height|length|rate|percentage|total|toll)\b"
)

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|half|double|twice|triple"
)
_FIGURE = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_MONEY = re.compile(
    r"[£$€¥]\s?\d|\d\s?(?:p|pence|roubles?|rubles?|pounds?|dollars?|euros?|hryvnias?|bn|billion|million|m|k)\b|"
    r"\bfree of charge\b|\bfor free\b",
    re.IGNORECASE,
)
_AGE = re.compile(
    r"\b\d{1,3}[- ]years?[- ]old\b|\baged \d{1,3}\b|\bage (?:of )?\d{1,3}\b|, \d{1,3},|\(\d{1,3}\)|"
    r"\bin (?:his|her|their) (?:early |mid-|late )?\d0s\b",
    re.IGNORECASE,
)
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
)
_DATE = re.compile(
    rf"\b(?:1[5-9]\d\d|20\d\d)s?\b|\b(?:{_MONTHS})\b\.?|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|"
    r"\b(?:today|tomorrow|yesterday|tonight|next (?:week|month|year)|last (?:week|month|year|night)|"
    r"this (?:week|month|year|morning|afternoon|evening)|\d{1,2}:\d\d|\d{1,2}\s?[ap]\.?m\b)",
    re.IGNORECASE,
)
_CLOCK = re.compile(
    r"\b\d{1,2}[:.]\d\d\b|\b\d{1,2}\s?[ap]\.?m\b|\b(?:noon|midday|midnight|o'clock|o’clock)\b", re.IGNORECASE
)
_CONTACT = re.compile(r"\b0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b|\b\d{3}[\s-]\d{3,4}[\s-]\d{4}\b|\S+@\S+\.\w+|\bwww\.|https?://")
# A capitalised word that is not the sentence's first: a name of someone or somewhere.
_NAME_INSIDE = re.compile(r"(?<=\S )[A-Z][a-z]")
# How news copy writes an answer of each kind; a person or a place is a capitalised word inside
# the sentence.
_WRITTEN_AS = {
    AnswerKind.AGE: _AGE,
    AnswerKind.MONEY: _MONEY,
    AnswerKind.FIGURE: _FIGURE,
    AnswerKind.DATE: _DATE,
    AnswerKind.CLOCK: _CLOCK,
    AnswerKind.CONTACT: _CONTACT,
    AnswerKind.PERSON: _NAME_INSIDE,
    AnswerKind.PLACE: _NAME_INSIDE,
}
# A figure and the word after it: "45 days", "30km", "a decade", "eight long-tailed tits".
_MEASURED = re.compile(rf"(?:\d[\d,.]*|\b(?:{_NUMBER_WORDS}|a|an)\b)[\s-]*([a-z]+)", re.IGNORECASE)
# WordNet's classes of nouns that measure: noun.quantity ("mile", "tonne") and noun.time ("day").
_UNIT_CLASSES = frozenset({23, 28})


@lru_cache(maxsize=10_000)
def _is_unit(word: str) -> bool:
    wordnet = configured().wordnet
    if wordnet is None:
        return True  # without WordNet any figure will do
    return bool(_UNIT_CLASSES & set(wordnet.noun_classes(word)[:3]))


_CONNECTORS = frozenset({"of", "and", "the", "for", "in", "on", "to", "&"})


def wanted(question: str) -> Wanted | None:
    """The kind of answer `question` asks for, or None when any relevant text answers it."""
    text = " ".join(question.lower().split())
    expansion = _EXPANSION.search(text)
    if expansion:
        return Wanted(AnswerKind.EXPANSION, abbreviation=expansion.group(1))
    for kind, pattern in _ASKS:
        if pattern.search(text):
            counted = _COUNTED.search(text) if kind in (AnswerKind.FIGURE, AnswerKind.MONEY) else None
            words = tuple((counted.group(1) or counted.group(2)).split()) if counted else ()
            return Wanted(kind, past=bool(_PAST.search(text)), counted=words)
    return None


def holds(want: Wanted, sentence: str) -> bool:
    """Whether `sentence` gives an answer of the wanted kind."""
    if want.kind is AnswerKind.EXPANSION:
        return expands(want.abbreviation, sentence)
    if want.kind is AnswerKind.MEASURE:
        return any(_is_unit(match.group(1)) for match in _MEASURED.finditer(sentence))
    return bool(_WRITTEN_AS[want.kind].search(sentence))


def expands(abbreviation: str, sentence: str) -> bool:
    """Whether the sentence spells the abbreviation out: a run of words whose initials make it
    ("reinforced autoclaved aerated concrete" for RAAC), joining words like "of" allowed."""
    letters = abbreviation.lower()
    tokens = re.findall(r"[^\W_]+(?:['’][^\W_]+)*|&", sentence.lower())
    for start in range(len(tokens)):
        position, index = 0, start
        while index < len(tokens) and position < len(letters):
            token = tokens[index]
            if token[0] == letters[position]:
                position += 1
            elif token not in _CONNECTORS or position == 0:
                break
            index += 1
        if position == len(letters):
            return True
    return False
