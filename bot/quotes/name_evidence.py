"""Is a capitalised run of words a person's name? General evidence instead of word lists:
a first-name list (gender-guesser's, about 48,000 names of many countries) and WordNet's
classes of nouns (a place, a natural object, a thing).

"Keir Starmer" opens with a first name; "Nord Stream" does not, and ends in an ordinary noun;
"South Africa" is a place. Names neither resource knows ("Tamoor Tariq") stay people, as
before. Both resources are optional: without one, its evidence is simply missing (said once
in the log).
"""

from functools import lru_cache

from bot.retrieval.first_names import first_names, is_first_name
from bot.retrieval.related import configured
from bot.retrieval.wordnet import WordNet

LOCATION, PERSON = 15, 18  # WordNet's lexicographer files noun.location and noun.person


def _wordnet() -> WordNet | None:
    return configured().wordnet  # the process's one WordNet, as retrieval reads it


def load_resources() -> None:
    """Read both resources now: worker processes forked afterwards share them instead of each
    reading its own."""
    first_names()
    _wordnet()


@lru_cache(maxsize=100_000)
def is_place(name: str) -> bool:
    """A name WordNet knows first of all as a location: "South Africa", "Downing Street"."""
    wordnet = _wordnet()
    classes = wordnet.noun_classes(name) if wordnet is not None and " " in name else ()
    return bool(classes) and classes[0] == LOCATION


@lru_cache(maxsize=10_000)
def is_ordinary_word(word: str) -> bool:
    """A word WordNet knows as something other than a person ("Background", "Analysis")."""
    wordnet = _wordnet()
    classes = wordnet.noun_classes(word) if wordnet is not None else ()
    return bool(classes) and PERSON not in classes[:2]


@lru_cache(maxsize=100_000)
def not_a_person(name: str) -> bool:
    """A run of two or more capitalised words that names a place or a thing, not someone."""
    words = name.split()
    if len(words) < 2 or is_first_name(words[0]):
        return False
    if is_place(name):
        return True
    # "Nord Stream", "Emergency Services": an ordinary noun at the end, and no first name
    # before it. A surname that is also a noun ("Sturgeon") follows a first name.
    return is_ordinary_word(words[-1])
