"""Words that mean what a question's word means ("cookies" / "biscuit", "invade" / "invasion"),
taken from WordNet: the words of its most frequent senses and the words derived from it."""

from functools import lru_cache

from bot.config import get_settings
from bot.retrieval.wordnet import Sense, WordNet, open_wordnet

# WordNet lists a word's senses most frequent first; rarer senses ("take" as a film shot, "go"
# as dying) would join a question to text about something else. A sense counts if it is among
# the first few and was seen at least this share as often as the word's most usual sense.
SENSES = 3
USUAL_SHARE = 0.2
# A more general meaning with more kinds than this ("act", "tool", "person") says too little.
NARROW_CLASS = 10
# A noun whose usual meaning has more kinds than this ("people", "tree") is counted under many
# other names ("7,000 Americans and other evacuees").
BROAD_CLASS = 30


class RelatedWords:
    def __init__(self, wordnet: WordNet | None):
        self.wordnet = wordnet
        # Caches per instance (a method cache would keep every instance alive).
        self.of = lru_cache(maxsize=50_000)(self._of_uncached)
        self.near = lru_cache(maxsize=50_000)(self._near_uncached)
        self.is_broad = lru_cache(maxsize=10_000)(self._is_broad_uncached)
        self._senses_of = lru_cache(maxsize=50_000)(self._senses_of_uncached)
        self._usual = lru_cache(maxsize=50_000)(self._usual_uncached)

    def _of_uncached(self, word: str) -> frozenset[str]:
        """Lower-case words and phrases of the same meaning as `word`, without it."""
        if self.wordnet is None or not word.replace(" ", "").isalpha():
            return frozenset()
        found: set[str] = set()
        for sense in self._usual(word):
            found.update(sense.derived)
            # A synonym counts when the meaning they share is a usual one of its own too:
            # "manage" shares a rare sense with "care", which would join unrelated questions.
            found.update(other for other in sense.words if self._usually_means(other, sense.synset))
        found.discard(word)
        return frozenset(found)

    def is_word(self, word: str) -> bool:
        """Whether English has this word (in any form WordNet's morphology knows): a word the
        coverage never uses is then no misspelling of one it does ("reserve", not "deserve")."""
        return self.wordnet is not None and word.isalpha() and bool(self._usual(word))

    def is_only_verb(self, word: str) -> bool:
        """A word WordNet knows only as a verb ("become", "resigned"): what was done."""
        if self.wordnet is None or not word.isalpha():
            return False
        kinds = {sense.synset[0] for sense in self.wordnet.senses(word, SENSES)}
        return kinds == {"v"}

    def of_pair(self, first: str, second: str) -> frozenset[str]:
        """Words of the same meaning as two words taken together, as WordNet lists a phrase
        ("prime minister") or writes it as one word ("straight away": "straightaway")."""
        return (self.of(f"{first} {second}") | self.of(first + second)) - {first, second}

    def _near_uncached(self, word: str) -> frozenset[str]:
        """Words one step more general or more specific than `word` ("meddle" -> "interfere",
        "female" -> "woman", "quit" -> "withdraw"), where that step is within a narrow class (a
        few kinds, so they say nearly the same thing), and the body a member belongs to or its
        members ("soldier" -> "army"); in each case where the other word usually means that."""
        if self.wordnet is None or not word.replace(" ", "").isalpha():
            return frozenset()
        found: set[str] = set()
        for sense in self._usual(word):
            steps = [s for s in sense.broader if self.wordnet.narrower_count(s) <= NARROW_CLASS]
            if len(sense.narrower) <= NARROW_CLASS:
                steps += sense.narrower
            steps += sense.members  # "cops" / "police", "soldiers" / "army"
            for synset in steps:
                found.update(other for other in self.wordnet.words_of(synset) if self._usually_means(other, synset))
        return frozenset(found - {word} - self.of(word))

    def _is_broad_uncached(self, noun: str) -> bool:
        """Whether the noun's most usual meaning is a class of many kinds of thing."""
        if self.wordnet is None or not noun.isalpha():
            return False
        first = next((s for s in self.wordnet.senses(noun, 1) if s.synset[0] == "n"), None)
        return first is not None and self.wordnet.narrower_count(first.synset) > BROAD_CLASS

    def _senses_of_uncached(self, word: str) -> frozenset[tuple[str, int]]:
        assert self.wordnet is not None
        return frozenset(sense.synset for sense in self._usual(word))

    def _usual_uncached(self, word: str) -> tuple[Sense, ...]:
        """The word's usual senses: among the first SENSES of a part of speech, and seen in
        WordNet's tagged texts at least USUAL_SHARE as often as its most usual one of that part
        of speech (one never seen there keeps its first sense)."""
        assert self.wordnet is not None
        senses = self.wordnet.senses(word, SENSES)
        usual: list[Sense] = []
        # Compared within a part of speech: a question's "leaving" may be the noun (a departure).
        for pos in dict.fromkeys(sense.synset[0] for sense in senses):
            of_pos = [sense for sense in senses if sense.synset[0] == pos]
            top = max(sense.count for sense in of_pos)
            usual += [sense for sense in of_pos if sense.count >= USUAL_SHARE * top] if top else of_pos[:1]
        return tuple(usual)

    def _usually_means(self, word: str, synset: tuple[str, int]) -> bool:
        return synset in self._senses_of(word)


@lru_cache(maxsize=1)
def configured() -> RelatedWords:
    """The process's related words, from the WordNet folder the settings name."""
    return RelatedWords(open_wordnet(str(get_settings().wordnet_dir)))
