"""Words that questions and news copy use for the same thing ("respond" / "dismiss").

A question asks "Are troops leaving?", the copy says "their withdrawal"; a suffix stemmer
cannot join these. Each group lists words as typed; matching is done on their stems.
"""

from bot.retrieval.text import stem

GROUPS = [
    ("respond", "response", "react", "reaction", "reply", "dismiss", "reject", "rebuff", "deny"),
    ("leave", "leaving", "exit", "depart", "withdraw", "withdrawal", "pull"),
    ("flee", "escape", "evacuate", "evacuation", "leave"),
    ("money", "cash", "funds", "payment", "roubles", "pounds", "dollars", "euros"),
    ("kill", "killed", "death", "deaths", "dead", "die", "died"),
    ("cancel", "cancelling", "suspend", "suspension", "halt", "scrap", "pause", "adjourn"),
    ("invade", "invasion", "attack", "assault", "offensive"),
    ("talks", "summit", "meeting", "negotiations"),
    ("rise", "increase", "jump", "climb", "surge", "soar"),
    ("fall", "drop", "plunge", "slide", "slump", "tumble"),
    ("ban", "prohibit", "prohibition"),
    ("sack", "fire", "dismissal", "resign", "resignation", "quit"),
    ("vote", "ballot", "poll", "election"),
    ("warn", "warning", "caution"),
    ("help", "aid", "assistance", "support"),
    ("weapons", "arms", "missiles", "artillery"),
    ("apartment", "flat", "flats", "residential"),
    ("interfere", "interference", "meddle", "meddling"),
    ("defeat", "defeated", "beat", "beaten", "reject", "rejected", "overturn"),
    ("rule", "rules", "restriction", "restrictions", "regulation", "regulations", "guidance"),
    ("holiday", "holidays", "christmas", "festive"),
    ("rescue", "rescued", "save", "saved"),
    ("refugee", "refugees", "displaced", "evacuees", "arrivals"),
    ("enemy", "enemies", "adversary", "foe", "rival"),
    ("driver", "drivers", "motorist", "motorists"),
    ("mistake", "mistakes", "wrong", "wrongly", "error", "errors"),
    ("criticise", "criticism", "criticised", "slam", "slammed", "condemn", "condemned"),
    ("stance", "position", "view"),
]

_related: dict[str, set[str]] = {}
for group in GROUPS:
    stems = {stem(word) for word in group}
    for term in stems:
        _related.setdefault(term, set()).update(stems - {term})


def related(term: str) -> frozenset[str]:
    """Stems used for the same thing as the stem `term` (without it)."""
    return frozenset(_related.get(term, ()))
