"""Match misspelled question words to the coverage's own vocabulary ("kulebba" -> "kuleba")."""

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.retrieval.fuzzy import top_matches


class Speller:
    def __init__(self, word_frequency: dict[str, int], function_words: frozenset[str] = frozenset()):
        # Only words that can plausibly be meant: three letters or more, not digits. Function
        # words are candidates too, so that "abut" is recognised as "about" and not as a topic.
        top = max(word_frequency.values(), default=1)
        self._frequency = {w: top for w in function_words if len(w) >= 3}
        self._frequency.update({w: f for w, f in word_frequency.items() if len(w) >= 3 and not w.isdigit()})
        self._words = list(self._frequency)
        self._function_words = [w for w in function_words if len(w) >= 2]

    def extended(self, word_frequency: dict[str, int]) -> "Speller":
        """This speller knowing these words too (their counts added to any it has)."""
        speller = Speller({})
        speller._frequency = dict(self._frequency)
        for w, f in word_frequency.items():
            if len(w) >= 3 and not w.isdigit():
                speller._frequency[w] = speller._frequency.get(w, 0) + f
        speller._words = list(speller._frequency)
        speller._function_words = self._function_words
        return speller

    def correct(self, word: str) -> tuple[str, float] | None:
        """The coverage word closest to `word` and how sure we are (0-1), or None.

        Short words need a closer match: one wrong letter in four is another word, not a typo.
        Among equally close candidates, the more frequent coverage word wins.
        """
        if len(word) < 4 or word.isdigit() or not self._words:
            return None
        cutoff = 88 if len(word) <= 5 else 83
        candidates = [(self._words[index], score) for index, score in top_matches(word, self._words, fuzz.ratio, cutoff, 5)]
        if not candidates:
            return None
        best, score = max(candidates, key=lambda c: (round(c[1]), self._frequency[c[0]]))
        # A typo is a slip of a key or two: "straight" is a word of its own, not "strait" mistyped.
        if OSA.distance(word, best) > (1 if len(word) <= 8 else 2):
            return None
        return best, score / 100

    def is_function_word_typo(self, word: str) -> bool:
        """A short unknown word one letter short of a function word ("wat") is noise."""
        return process.extractOne(word, self._function_words, scorer=fuzz.ratio, score_cutoff=85) is not None
