"""Everything about a file that needs no database: parse it and find who said what.

Kept free of database access so that large loads can run it in worker processes.
"""

from dataclasses import dataclass

from bot.loader.fingerprints import entry_fingerprint
from bot.loader.page_text import PageError, ParsedPage, parse_page
from bot.quotes.extract import ExtractedQuote, extract_quotes


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
    quotes = [extract_quotes(entry.paragraphs, title=entry.title) for entry in parsed.entries]
    return PreparedPage(parsed, quotes, [entry_fingerprint(entry) for entry in parsed.entries])
