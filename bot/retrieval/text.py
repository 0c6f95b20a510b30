"""Words: how questions and coverage are cut into comparable terms."""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)

# Function words, and the words people wrap a question in ("what did ... say", "tell me about").
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into is
    it its itself just let me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    s t don didn doesn isn wasn weren won't can't ll re ve d m o y
    tell say said says saying know show shown give get got anything something thing things
    happen happened happening happens report reported reports reporting write wrote written
    writes mean means please any anyone someone everyone much many ve each every far whether
    yet still even ever also already really cos coz cuz um er
    """.split()
)

# Irregular forms a suffix stemmer cannot join to their verb ("fled" / "flee", "told" / "tell").
IRREGULAR = {
    "fled": "flee", "told": "tell", "left": "leave", "met": "meet", "spoke": "speak", "spoken": "speak",
    "won": "win", "took": "take", "taken": "take", "went": "go", "gone": "go", "came": "come",
    "gave": "give", "given": "give", "held": "hold", "sent": "send", "fell": "fall", "fallen": "fall",
    "shot": "shoot", "fought": "fight", "brought": "bring", "bought": "buy", "thought": "think",
    "sought": "seek", "kept": "keep", "began": "begin", "begun": "begin", "ran": "run", "rose": "rise",
    "risen": "rise", "struck": "strike", "stood": "stand", "drove": "drive", "driven": "drive",
    "flew": "fly", "flown": "fly", "broke": "break", "broken": "break", "chose": "choose",
    "chosen": "choose", "led": "lead", "lost": "lose", "paid": "pay", "made": "make", "found": "find",
    "heard": "hear", "knew": "know", "known": "know", "saw": "see", "seen": "see", "sold": "sell",
    "spent": "spend", "threw": "throw", "thrown": "throw", "withdrew": "withdraw",
    "withdrawn": "withdraw", "dealt": "deal", "built": "build", "felt": "feel", "hung": "hang",
    "laid": "lay", "froze": "freeze", "frozen": "freeze", "stole": "steal", "stolen": "steal",
    "woke": "wake", "wore": "wear", "worn": "wear", "hid": "hide", "hidden": "hide", "sank": "sink",
    "sunk": "sink", "swore": "swear", "sworn": "swear", "bore": "bear", "born": "bear",
    "children": "child", "men": "man", "women": "woman", "people": "people", "mice": "mouse",
    "crises": "crisis", "analyses": "analysis",
}

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    ordinal = ORDINAL.fullmatch(word)
    if ordinal:
        # News style spells out first to ninth and writes figures after: "2nd" is "second",
        # "21st" is the 21 of "21 February".
        number = int(ordinal.group(1))
        word = ORDINAL_WORDS[number - 1] if 1 <= number <= len(ORDINAL_WORDS) else ordinal.group(1)
    return _stemmer.stemWord(IRREGULAR.get(word, word))


ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def words(text: str) -> list[str]:
    """Lower-cased words, possessives dropped: "Russia's" -> "russia"."""
    # One lower() and one findall for the whole text: this runs on every sentence of every
    # candidate document.
    return [w[:-2] if w.endswith(("'s", "’s")) else w for w in WORD.findall(text.lower())]


def terms(text: str) -> list[str]:
    """Stemmed content words, in order."""
    return [stem(word) for word in words(text) if word not in STOPWORDS]


# Invisible characters that break words apart without showing: zero-width spaces and joiners,
# word joiners, byte-order marks, soft hyphens.
INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


def normalise(text: str) -> str:
    """A question as plain text: full-width and other compatibility forms folded (NFKC), invisible
    characters dropped, runs of white space made one space."""
    return " ".join(INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).split())
