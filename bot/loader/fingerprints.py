"""What identifies an entry or a summary point across pages and reloads."""

import hashlib
import re

from bot.loader.page_text import ParsedEntry


def fingerprint(*parts: str) -> str:
    normal = "\x1f".join(re.sub(r"\s+", " ", part).strip().lower() for part in parts)
    return hashlib.sha256(normal.encode()).hexdigest()[:32]


def entry_fingerprint(entry: ParsedEntry) -> str:
    # A live entry keeps its title and time while its text is corrected, so those identify it;
    # untimed entries ("Via Email", "Post update") need their opening words as well.
    if entry.published_at is not None:
        return fingerprint(entry.title, entry.published_at.isoformat())
    return fingerprint(entry.title, entry.paragraphs[0] if entry.paragraphs else "")
