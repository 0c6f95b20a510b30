"""Everything about a file that needs no database: parse it and find who said what.

Kept free of database access so that large loads can run it in worker processes.
"""

from dataclasses import dataclass

from bot.loader.fingerprints import entry_fingerprint
from bot.loader.page_text import PageError, ParsedEntry, ParsedPage, parse_page
from bot.quotes.extract import extract_quotes
from bot.quotes.said import ExtractedQuote


@dataclass
class PreparedPage:
    parsed: ParsedPage
    quotes: list[list[ExtractedQuote]]  # per entry, aligned with parsed.entries
    fingerprints: list[str]  # per entry: what identifies it across pages and reloads


def prepare(raw: bytes) -> PreparedPage | str:
    """The prepared page, or the reason it cannot be loaded."""
    try:
        parsed = parse_page(raw)
    except PageError as exc:
        return str(exc)
    fingerprints = _drop_repeats(parsed)
    quotes = [extract_quotes(entry.paragraphs, title=entry.title) for entry in parsed.entries]
    return PreparedPage(parsed, quotes, fingerprints)


def _drop_repeats(parsed: ParsedPage) -> list[str]:
    """An entry saved twice on one page is one entry: the first copy is kept, before any work
    (quote extraction above all) is spent on the others. Returns the kept entries' fingerprints."""
    kept: dict[str, ParsedEntry] = {}
    repeats: list[tuple[ParsedEntry, ParsedEntry]] = []  # (repeat, the entry it repeats)
    for entry in parsed.entries:
        first = kept.setdefault(entry_fingerprint(entry), entry)
        if first is not entry:
            repeats.append((entry, first))
    if repeats:
        repeat, first = repeats[0]
        more = f"; {len(repeats) - 1:,} more repeats follow" if len(repeats) > 1 else ""
        parsed.warnings.append(f"line {repeat.line}: the same entry as line {first.line} (title and time), stored once{more}")
        parsed.entries = list(kept.values())
    return list(kept)
