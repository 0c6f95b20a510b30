"""Result ids: how a cited entry or summary point is named outside the database ("e12", "s3").

They travel in "More" and "More on this" buttons and in the command line's JSON, so they must
stay stable across restarts; this module alone writes and reads them.
"""

import re

from bot.kinds import DocumentKind

ENTRY = "e"
SUMMARY = "s"
PATTERN = r"[es]\d+"
_WHOLE = re.compile(PATTERN)


def ref_of(kind: str, row_id: int) -> str:
    """The id of a document of this kind ("entry", "summary" or "key_point")."""
    return f"{ENTRY if kind == DocumentKind.ENTRY else SUMMARY}{row_id}"


def entry_ref(entry_id: int) -> str:
    return f"{ENTRY}{entry_id}"


def is_ref(text: str) -> bool:
    return _WHOLE.fullmatch(text) is not None


def entry_id_of(ref: str) -> int | None:
    """The entry's row id, or None for anything that is not an entry's id."""
    return int(ref[1:]) if is_ref(ref) and ref.startswith(ENTRY) else None
