"""Which words are first names: gender-guesser's list of about 48,000, from many countries.

"Liz Truss" is one person whom copy may call "Truss"; "Nord" is no first name, so "Nord
Stream" is no person called Stream. Optional: without the package every word is simply not known as a first name (said
once in the log).
"""

import logging
import unicodedata
from functools import cache, lru_cache
from importlib import resources

log = logging.getLogger(__name__)


@cache
def first_names() -> frozenset[str] | None:
    """The names of gender-guesser's list, lower-cased. Only whether a word is a first name
    matters here, so the list is read as a set instead of the package's per-country table."""
    try:
        data = resources.files("gender_guesser").joinpath("data/nam_dict.txt")
        text = data.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        log.warning("gender-guesser is not installed: names are read without a first-name list")
        return None
    names = set()
    for line in text.splitlines():
        # "M  Keir                  1 ...": a gender code, then the name (a "+" joins a
        # compound name) in the columns up to the per-country frequencies.
        if line[:1] not in ("#", "=", "") and len(line) > 3:
            name = line[3:29].strip().replace("+", " ")
            if name:
                names.add(name.lower())
    return frozenset(names)


@lru_cache(maxsize=50_000)
def is_first_name(word: str) -> bool:
    names = first_names()
    if names is None:
        return False
    # The list spells most names without accents: "Siân" is there as "Sian".
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return word.lower() in names or plain.lower() in names
