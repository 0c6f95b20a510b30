"""Words that mean what a question's word means ("cookies" / "biscuit", "invade" / "invasion"),
taken from WordNet: the words of its most frequent senses and the words derived from it."""

from functools import lru_cache

from bot.config import get_settings
from bot.retrieval.wordnet import WordNet, open_wordnet

# WordNet lists a word's senses most frequent first; rarer senses ("take" as a film shot) would
# join a question to text about something else.
SENSES = 3
# A more general meaning with more kinds than this ("act", "tool", "person") says too little.
NARROW_CLASS = 10
# A noun whose usual meaning has more kinds than this ("people", "tree") is counted under many
# other names ("7,000 Americans and other evacuees").
BROAD_CLASS = 30


class RelatedWords:
    def __init__(self, wordnet: WordNet | None):
        self.wordnet = wordnet

    @lru_cache(maxsize=50_000)
    def of(self, word: str) -> frozenset[str]:
        """Lower-case words and phrases of the same meaning as `word`, without it."""
        if self.wordnet is None or not word.replace(" ", "").isalpha():
            return frozenset()
        found: set[str] = set()
        for sense in self.wordnet.senses(word, SENSES):
            found.update(sense.derived)
            # A synonym counts when the meaning they share is a usual one of its own too:
            # "manage" shares a rare sense with "care", which would join unrelated questions.
            found.update(other for other in sense.words if self._usually_means(other, sense.synset))
        found.discard(word)
        return frozenset(found)

    def of_pair(self, first: str, second: str) -> frozenset[str]:
        """Words of the same meaning as two words taken together, as WordNet lists a phrase
        ("prime minister") or writes it as one word ("straight away": "straightaway")."""
        return (self.of(f"{first} {second}") | self.of(first + second)) - {first, second}

    @lru_cache(maxsize=50_000)
    def broader(self, word: str) -> frozenset[str]:
        """Words for the next more general meaning of `word` ("enemy" -> "adversary", "meddle"
        -> "interfere"), where that meaning is a narrow class (a few kinds of it, so its members
        say nearly the same thing) and what the broader word usually means too."""
        if self.wordnet is None or not word.isalpha():
            return frozenset()
        found: set[str] = set()
        for sense in self.wordnet.senses(word, SENSES):
            for synset in sense.broader:
                if self.wordnet.narrower_count(synset) <= NARROW_CLASS:
                    found.update(other for other in self.wordnet.words_of(synset) if self._usually_means(other, synset))
        return frozenset(found - {word} - self.of(word))

    @lru_cache(maxsize=10_000)
    def is_broad(self, noun: str) -> bool:
        """Whether the noun's most usual meaning is a class of many kinds of thing."""
        if self.wordnet is None or not noun.isalpha():
            return False
        first = next((s for s in self.wordnet.senses(noun, 1) if s.synset[0] == "n"), None)
        return first is not None and self.wordnet.narrower_count(first.synset) > BROAD_CLASS

    @lru_cache(maxsize=50_000)
    def _senses_of(self, word: str) -> frozenset[tuple[str, int]]:
        assert self.wordnet is not None
        return frozenset(sense.synset for sense in self.wordnet.senses(word, SENSES))

    def _usually_means(self, word: str, synset: tuple[str, int]) -> bool:
        return synset in self._senses_of(word)


@lru_cache(maxsize=1)
def configured() -> RelatedWords:
    """The process's related words, from the WordNet folder the settings name."""
    return RelatedWords(open_wordnet(str(get_settings().wordnet_dir)))
