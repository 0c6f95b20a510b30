"""Live pages of numbered updates, written for tests that move entries between pages and files."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.models import Entry


def live_page(address: str, number: int, entries: range, summary: bool = False) -> str:
    """Page `number` of a story, showing these updates newest first; update n was published n
    minutes after 09:00 and quotes a spokesman."""
    lines = [f"URL: {address}?page={number}", ""]
    if summary:
        lines += ["Summary", "", "  • The talks will go on tomorrow, officials say", ""]
    for position, n in enumerate(sorted(entries, reverse=True), start=1):
        lines += [
            f"  {position}. Update number {n}published at {9 + n // 60:02d}:{n % 60:02d} Greenwich Mean Time 21 February 2022",
            "",
            f'    Officials gave update number {n} today. "This is statement number {n} of the day," the spokesman said.',
            "",
        ]
    return "\n".join(lines)


def update_numbers(engine: Engine) -> set[int]:
    """Which updates the database holds."""
    with engine.connect() as connection:
        return {int(t.rsplit(" ", 1)[1]) for t in connection.execute(select(Entry.title)).scalars()}
