"""Read WordNet 3.0's database files (Debian's `wordnet-base`) for the words that mean the same.

The files are sorted text with byte offsets (wndb(5WN)), so a lookup is a binary search over
the memory-mapped index and one line of the data file per sense, the way WordNet's own library
does it: nothing is loaded up front but the small exception lists. nltk's reader needs a file
Debian leaves out (`lexnames`) and refuses files outside a folder of its own, so we read the
format directly.
"""

import logging
import mmap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# How WordNet's morphology finds a base form ("cookies" -> "cookie", "absorbing" -> "absorb").
DETACH = {
    "n": [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")],
    "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
    "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    "r": [],
}


@dataclass(frozen=True)
class Sense:
    synset: tuple[str, int]  # part of speech and offset: which meaning this is
    count: int  # how often the word had this sense in WordNet's tagged texts (cntlist)
    words: tuple[str, ...]  # the synset's words, "take over" for take_over
    derived: tuple[str, ...]  # words derived from the looked-up word in this sense ("invade" -> "invasion")
    broader: tuple[tuple[str, int], ...]  # the synsets of its more general meanings (hypernyms)
    narrower: tuple[tuple[str, int], ...]  # and of its more specific ones (hyponyms)
    members: tuple[tuple[str, int], ...]  # the body it is a member of, or its members ("soldier" / "army")


class WordNet:
    def __init__(self, folder: Path):
        self.folder = folder
        self._index = {pos: _mapped(folder / f"index.{name}") for pos, name in POS_FILES.items()}
        self._data = {pos: _mapped(folder / f"data.{name}") for pos, name in POS_FILES.items()}
        self._exceptions: dict[str, dict[str, list[str]]] = {}
        for pos, name in POS_FILES.items():
            table: dict[str, list[str]] = {}
            exceptions = folder / f"{name}.exc"
            if exceptions.is_file():
                for line in exceptions.read_text(encoding="latin-1").splitlines():
                    parts = line.split()
                    if len(parts) >= 2:
                        table.setdefault(parts[0], []).extend(parts[1:])
            self._exceptions[pos] = table
        self._counts = _sense_counts(folder / "cntlist.rev")

    def senses(self, word: str, per_pos: int) -> list[Sense]:
        """The first `per_pos` senses (WordNet orders them by frequency) of each part of speech."""
        key = word.lower().replace(" ", "_")
        found: list[Sense] = []
        for pos in POS_FILES:
            for base in self._bases(key, pos):
                for number, offset in enumerate(self._offsets(base, pos)[:per_pos], start=1):
                    found.append(self._sense(pos, offset, base, self._counts.get((base, pos, number), 0)))
        return found

    def _bases(self, word: str, pos: str) -> list[str]:
        bases = [word, *self._exceptions[pos].get(word, [])]
        bases += [word[: -len(suffix)] + ending for suffix, ending in DETACH[pos] if word.endswith(suffix) and len(word) > len(suffix) + 1]
        return list(dict.fromkeys(bases))

    def _offsets(self, lemma: str, pos: str) -> list[int]:
        line = _search(self._index[pos], lemma.encode("latin-1", "ignore"))
        if line is None:
            return []
        fields = line.split()
        synsets, pointers = int(fields[2]), int(fields[3])
        return [int(offset) for offset in fields[6 + pointers : 6 + pointers + synsets]]

    def _sense(self, pos: str, offset: int, lemma: str, seen: int) -> Sense:
        data = self._data[pos]
        end = data.find(b"\n", offset)
        fields = data[offset:end].decode("latin-1").split(" | ")[0].split()
        count = int(fields[3], 16)
        words = [_word(fields[4 + 2 * i]) for i in range(count)]
        own = next((i + 1 for i, w in enumerate(words) if w.replace(" ", "_").lower() == lemma), 0)
        cursor = 4 + 2 * count
        derived: list[str] = []
        broader: list[tuple[str, int]] = []
        narrower: list[tuple[str, int]] = []
        members: list[tuple[str, int]] = []
        for i in range(int(fields[cursor])):
            symbol, target, target_pos, numbers = fields[cursor + 1 + 4 * i : cursor + 5 + 4 * i]
            source, target_word = int(numbers[:2], 16), int(numbers[2:], 16)
            # "+" derives one word from another ("invade" / "invasion"), "\\" relates an
            # adjective to its noun ("western" / "west", "Brazilian" / "Brazil").
            if symbol in ("+", "\\") and own and source in (own, 0):
                if target_word:
                    derived.append(self._word_of(target_pos, int(target), target_word))
            elif symbol in ("#m", "%m"):
                members.append((target_pos, int(target)))
            elif symbol in ("@", "@i"):
                broader.append((target_pos, int(target)))
            elif symbol in ("~", "~i"):
                narrower.append((target_pos, int(target)))
        return Sense((pos, offset), seen, tuple(words), tuple(derived), tuple(broader), tuple(narrower), tuple(members))

    def noun_classes(self, word: str) -> tuple[int, ...]:
        """The lexicographer files of a word's noun senses (of the word as written, then of its
        base forms), most frequent first: 15 for a location, 17 a natural object, 18 a person,
        23 a quantity, 28 a time... (lexnames(5WN))."""
        data = self._data["n"]
        key = word.lower().replace(" ", "_")
        classes: list[int] = []
        for base in self._bases(key, "n"):  # "days" is read as "day" too
            classes += [int(data[offset : data.find(b" ", offset + 9)].split()[1]) for offset in self._offsets(base, "n")]
        return tuple(classes)

    def words_of(self, synset: tuple[str, int]) -> tuple[str, ...]:
        fields = self._fields(synset)
        return tuple(_word(fields[4 + 2 * i]) for i in range(int(fields[3], 16)))

    def narrower_count(self, synset: tuple[str, int]) -> int:
        """How many more specific meanings (hyponyms) a synset has: few for "adversary", many for "act"."""
        return sum(1 for field in self._fields(synset) if field in ("~", "~i"))

    def _fields(self, synset: tuple[str, int]) -> list[str]:
        pos, offset = synset
        data = self._data["a" if pos == "s" else pos]
        end = data.find(b"\n", offset)
        return data[offset:end].decode("latin-1").split(" | ")[0].split()

    def _word_of(self, pos: str, offset: int, number: int) -> str:
        data = self._data["a" if pos == "s" else pos]
        end = data.find(b"\n", offset)
        fields = data[offset:end].decode("latin-1").split()
        return _word(fields[4 + 2 * (number - 1)])


SENSE_KEY_POS = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}


def _sense_counts(path: Path) -> dict[tuple[str, str, int], int]:
    """(lemma, part of speech, sense number) -> how often that sense was seen in tagged text."""
    counts: dict[tuple[str, str, int], int] = {}
    if not path.is_file():
        return counts
    for line in path.read_text(encoding="latin-1").splitlines():
        parts = line.split()
        if len(parts) != 3 or "%" not in parts[0]:
            continue
        lemma, rest = parts[0].split("%", 1)
        key = (lemma, SENSE_KEY_POS.get(rest[:1], ""), int(parts[1]))
        counts[key] = counts.get(key, 0) + int(parts[2])
    return counts


def _word(raw: str) -> str:
    # Adjectives may carry a marker: "galore(ip)".
    return raw.split("(")[0].replace("_", " ").lower()


def _mapped(path: Path) -> mmap.mmap:
    with open(path, "rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _search(index: mmap.mmap, key: bytes) -> str | None:
    """The index line for `key`: the files are sorted by lemma, licence lines (leading spaces) first."""
    low, high = 0, len(index)
    prefix = key + b" "
    while low < high:
        middle = (low + high) // 2
        start = index.rfind(b"\n", 0, middle) + 1
        end = index.find(b"\n", start)
        end = len(index) if end < 0 else end
        line = index[start:end]
        if line.startswith(b"  ") or line[: len(prefix)] < prefix:
            low = end + 1
        elif line.startswith(prefix):
            return line.decode("latin-1")
        else:
            high = start
    return None


@lru_cache(maxsize=4)
def open_wordnet(folder: str) -> WordNet | None:
    """WordNet in `folder`, or None (said once in the log) when its files are not there."""
    path = Path(folder)
    if not all((path / f"{kind}.{name}").is_file() for name in POS_FILES.values() for kind in ("index", "data")):
        log.warning(
            "WordNet not found in %s (Debian's wordnet-base installs it): questions are matched "
            "without words of the same meaning", folder
        )
        return None
    return WordNet(path)
