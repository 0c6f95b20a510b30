"""Store who said what: each entry's quotes are replaced whenever its page is (re)loaded."""

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from bot.db import insert_for
from bot.loader.page_text import ParsedPage
from bot.models import Quote, Speaker
from bot.quotes.extract import Speaker as Said
from bot.quotes.extract import extract_quotes


def known_speakers(connection: Connection) -> dict[str, Said]:
    """Full names and unambiguous surnames of everyone quoted so far, for resolving "Peskov said"."""
    known: dict[str, Said] = {}
    surnames: dict[str, list[Said]] = {}
    for name, kind, role in connection.execute(select(Speaker.name, Speaker.kind, Speaker.role)):
        said = Said(name, kind, role)
        known[name.lower()] = said
        if kind == "person" and len(name.split()) > 1:
            surnames.setdefault(name.split()[-1].lower(), []).append(said)
    for surname, people in surnames.items():
        if len(people) == 1:
            known.setdefault(surname, people[0])
    return known


def store_quotes(connection: Connection, parsed: ParsedPage, entry_ids: list[int]) -> int:
    """Replace the quotes of the page's entries; `entry_ids` is aligned with `parsed.entries`."""
    if not entry_ids:
        return 0
    connection.execute(delete(Quote.__table__).where(Quote.entry_id.in_(entry_ids)))
    known = known_speakers(connection)
    speaker_ids: dict[str, int] = {}
    rows = []
    for entry, entry_id in zip(parsed.entries, entry_ids):
        for position, quote in enumerate(extract_quotes(entry.paragraphs, known, entry.title)):
            speaker = _canonical(quote.speaker, known)
            if speaker.name not in speaker_ids:
                speaker_ids[speaker.name] = _speaker_id(connection, speaker)
            rows.append(
                {
                    "entry_id": entry_id,
                    "speaker_id": speaker_ids[speaker.name],
                    "position": position,
                    "text": quote.text,
                    "direct": quote.direct,
                }
            )
    if rows:
        connection.execute(Quote.__table__.insert(), rows)
    return len(rows)


def merge_surname_speakers(connection: Connection) -> None:
    """A speaker first met as "Biden" becomes "Joe Biden" once the full name is known."""
    table = Speaker.__table__
    people = connection.execute(select(table.c.id, table.c.name).where(table.c.kind == "person")).all()
    by_surname: dict[str, list[tuple[int, str]]] = {}
    for speaker_id, name in people:
        if len(name.split()) > 1:
            by_surname.setdefault(name.split()[-1].lower(), []).append((speaker_id, name))
    for speaker_id, name in people:
        if len(name.split()) != 1:
            continue
        matches = by_surname.get(name.lower(), [])
        if len(matches) != 1:
            continue
        target_id, _ = matches[0]
        connection.execute(update(Quote.__table__).where(Quote.speaker_id == speaker_id).values(speaker_id=target_id))
        connection.execute(delete(table).where(table.c.id == speaker_id))
        _add_alias(connection, target_id, name)
    # Speakers left without quotes (their entries were rewritten) are dropped.
    quoted = select(Quote.speaker_id).distinct()
    connection.execute(delete(table).where(table.c.id.not_in(quoted)))


def _canonical(speaker: Said, known: dict[str, Said]) -> Said:
    if speaker.kind == "person" and len(speaker.name.split()) == 1:
        full = known.get(speaker.name.lower())
        if full is not None and full.name != speaker.name:
            return Said(full.name, full.kind, speaker.role or full.role)
    return speaker


def _speaker_id(connection: Connection, speaker: Said) -> int:
    table = Speaker.__table__
    aliases = speaker.name.split()[-1] if speaker.kind == "person" and len(speaker.name.split()) > 1 else ""
    # Insert-or-ignore, then read: two loaders meeting the same new speaker both end up with one row.
    connection.execute(
        insert_for(connection, table)
        .values(name=speaker.name, kind=speaker.kind, role=speaker.role, aliases=aliases)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    existing = connection.execute(select(table.c.id, table.c.role).where(table.c.name == speaker.name)).one()
    if speaker.role and not existing.role:
        connection.execute(update(table).where(table.c.id == existing.id).values(role=speaker.role))
    return existing.id


def _add_alias(connection: Connection, speaker_id: int, alias: str) -> None:
    table = Speaker.__table__
    current = connection.execute(select(table.c.aliases).where(table.c.id == speaker_id)).scalar_one()
    names = [a for a in current.split("|") if a]
    if alias not in names:
        connection.execute(update(table).where(table.c.id == speaker_id).values(aliases="|".join([*names, alias])))
