"""What ranking needs to know of each document besides its words, as arrays by position:
kind, time (UTC for recency, page-local for "on 21 February" and "at 9am"), place on its page,
and whether it gives figures or sums of money. Computed once per document: an index that grows
adds the facts of its new documents to those it has."""

import re
from dataclasses import dataclass, fields

import numpy as np

from bot.kinds import DocumentKind
from bot.retrieval.answer_check import MONEY
from bot.retrieval.documents import Document
from bot.times import local_time

DIGIT = re.compile(r"\d")
FIGURE_WORD = re.compile(r"\b(?:hundreds?|thousands?|millions?|billions?|dozens?)\b", re.IGNORECASE)
# Neither pattern can match a text holding none of these: a substring scan of the lower-cased
# text (in C) settles most documents before the regular expressions, which are far slower, run.
FIGURE_HINTS = ("hundred", "thousand", "million", "billion", "dozen")
MONEY_HINTS = ("£", "$", "€", "roubl", "rubl", "pound", "dollar", "euro", "bn", "billion", "million")


@dataclass(frozen=True)
class Facts:
    is_entry: np.ndarray
    timestamp: np.ndarray  # UTC seconds; NaN when untimed
    page_number: np.ndarray
    position: np.ndarray
    has_figure: np.ndarray
    has_money: np.ndarray
    minute_of_day: np.ndarray  # page-local; -1 when untimed
    local_year: np.ndarray
    local_month: np.ndarray
    local_day: np.ndarray

    @classmethod
    def of(cls, documents: list[Document]) -> "Facts":
        size = len(documents)
        facts = cls(
            is_entry=np.array([d.kind == DocumentKind.ENTRY for d in documents], dtype=bool),
            timestamp=np.full(size, np.nan, dtype=np.float64),
            page_number=np.array([d.page_number for d in documents], dtype=np.int32),
            position=np.array([d.position for d in documents], dtype=np.int32),
            has_figure=np.zeros(size, dtype=bool),
            has_money=np.zeros(size, dtype=bool),
            minute_of_day=np.full(size, -1, dtype=np.int32),
            local_year=np.zeros(size, dtype=np.int32),
            local_month=np.zeros(size, dtype=np.int8),
            local_day=np.zeros(size, dtype=np.int8),
        )
        for i, document in enumerate(documents):
            text = document.plain_text
            # A digit first: one quick scan settles most documents.
            digit = DIGIT.search(text) is not None
            lowered = text.lower()
            facts.has_figure[i] = digit or (_holds_any(lowered, FIGURE_HINTS) and FIGURE_WORD.search(text) is not None)
            facts.has_money[i] = digit and _holds_any(lowered, MONEY_HINTS) and MONEY.search(text) is not None
            moment = document.published_at
            if moment is not None and document.kind == DocumentKind.ENTRY:
                facts.timestamp[i] = moment.timestamp()
                local = local_time(moment, document.zone)
                facts.minute_of_day[i] = local.hour * 60 + local.minute
                facts.local_year[i], facts.local_month[i], facts.local_day[i] = local.year, local.month, local.day
        return facts

    def __add__(self, other: "Facts") -> "Facts":
        return Facts(**{f.name: np.concatenate([getattr(self, f.name), getattr(other, f.name)]) for f in fields(self)})

    def newest_first(self, alive: np.ndarray) -> np.ndarray:
        """Live entries, newest first; untimed ones after the timed, in page order."""
        entries = np.flatnonzero(self.is_entry & alive)
        stamps = self.timestamp[entries]
        untimed = np.isnan(stamps)
        order = np.lexsort((self.position[entries], self.page_number[entries], -np.nan_to_num(stamps), untimed))
        return entries[order]


def _holds_any(text: str, parts: tuple[str, ...]) -> bool:
    return any(part in text for part in parts)
