"""Store who said what: each entry's quotes are replaced whenever its page is (re)loaded."""

from itertools import combinations

from rapidfuzz.distance import OSA
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection
from sqlmodel import col

from bot.changes import pending_version, record_removals
from bot.db import insert_for
from bot.kinds import RemovalKind, SpeakerKind
from bot.models import Entry, Quote, Speaker, table_of
from bot.quotes.said import ExtractedQuote, QuotedSpeaker


class SpeakerIds:
    """Speaker name -> row id for one load run, so each speaker costs the database one visit.

    Ids written inside a file's savepoint are provisional until that file is kept: `checkpoint`
    and `rollback` let the loader forget the ones a rolled-back file created.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._saved: dict[str, int] = {}

    def checkpoint(self) -> None:
        self._saved = dict(self._ids)

    def rollback(self) -> None:
        self._ids = dict(self._saved)

    def ids(self, connection: Connection, speakers: list[QuotedSpeaker], seq: int) -> dict[str, int]:
        # Sorted: loaders that meet the same new speakers take their locks in the same order.
        missing = {s.name: s for s in sorted(speakers, key=lambda s: s.name) if s.name not in self._ids}
        if missing:
            table = table_of(Speaker)
            # Insert-or-ignore, then read: two loaders meeting one new speaker end up with one row.
            connection.execute(
                insert_for(connection, table).on_conflict_do_nothing(index_elements=["name"]),
                [
                    {"name": s.name, "kind": s.kind, "role": s.role, "aliases": _surname_alias(s), "seq": seq}
                    for s in missing.values()
                ],
            )
            rows = connection.execute(
                select(table.c.id, table.c.name, table.c.role).where(table.c.name.in_(list(missing)))
            ).all()
            for row in rows:
                self._ids[row.name] = row.id
                role = missing[row.name].role
                if role and not row.role:
                    connection.execute(update(table).where(table.c.id == row.id).values(role=role, seq=seq))
        return self._ids


def store_quotes(
    connection: Connection,
    entry_ids: list[int],
    quotes: list[list[ExtractedQuote]],
    speakers: SpeakerIds,
    replace_for: list[int],
    seq: int,
) -> int:
    """Store the quotes of entries; `quotes[i]` are the quotes of `entry_ids[i]`.

    Entries in `replace_for` were stored before: their earlier quotes go first.
    """
    for start in range(0, len(replace_for), 500):
        connection.execute(delete(table_of(Quote)).where(col(Quote.entry_id).in_(replace_for[start : start + 500])))
    record_removals(connection, RemovalKind.QUOTES, replace_for)
    ids = speakers.ids(connection, [quote.speaker for entry_quotes in quotes for quote in entry_quotes], seq)
    rows = [
        {
            "entry_id": entry_id,
            "speaker_id": ids[quote.speaker.name],
            "position": position,
            "text": quote.text,
            "direct": quote.direct,
            "seq": seq,
        }
        for entry_id, entry_quotes in zip(entry_ids, quotes, strict=False)
        for position, quote in enumerate(entry_quotes)
    ]
    if rows:
        connection.execute(table_of(Quote).insert(), rows)
    return len(rows)


def merge_surname_speakers(connection: Connection) -> bool:
    """A speaker first met as "Biden" becomes "Joe Biden" once the full name is known.
    Returns whether any quote changed hands."""
    seq = pending_version(connection)
    merged = False
    table = table_of(Speaker)
    people = connection.execute(select(table.c.id, table.c.name).where(table.c.kind == SpeakerKind.PERSON.value)).all()
    by_surname: dict[str, list[tuple[int, str]]] = {}
    for speaker_id, name in people:
        if len(name.split()) > 1 and name.split()[-1][:1].isupper():
            by_surname.setdefault(name.split()[-1].lower(), []).append((speaker_id, name))
    for speaker_id, name in people:
        if len(name.split()) != 1:
            continue
        matches = by_surname.get(name.lower(), [])
        if len(matches) != 1:
            continue
        target_id, _ = matches[0]
        connection.execute(update(table_of(Quote)).where(col(Quote.speaker_id) == speaker_id).values(speaker_id=target_id, seq=seq))
        connection.execute(delete(table).where(table.c.id == speaker_id))
        _add_alias(connection, target_id, name, seq)
        merged = True
    merged = _merge_spelling_variants(connection, seq) or merged
    # Speakers left without quotes (their entries were rewritten) are dropped.
    quoted = select(col(Quote.speaker_id)).distinct()
    connection.execute(delete(table).where(table.c.id.not_in(quoted)))
    return merged


def _merge_spelling_variants(connection: Connection, seq: int) -> bool:
    """"Zelenksy" and "Oleksander" are the page's slips for "Zelensky" and "Oleksandr": two
    people quoted in one coverage whose names differ by a letter or two, in words long enough
    for that to be a slip, are one person, under the name quoted more often."""
    speakers = table_of(Speaker)
    rows = connection.execute(
        select(speakers.c.id, speakers.c.name, table_of(Entry).c.coverage_id, func.count())
        .select_from(table_of(Quote).join(speakers).join(table_of(Entry)))
        .where(speakers.c.kind == SpeakerKind.PERSON.value)
        .group_by(speakers.c.id, speakers.c.name, table_of(Entry).c.coverage_id)
    ).all()
    quoted: dict[int, int] = {}
    by_coverage: dict[int, list[tuple[int, str]]] = {}
    for speaker_id, name, coverage_id, count in rows:
        quoted[speaker_id] = quoted.get(speaker_id, 0) + count
        by_coverage.setdefault(coverage_id, []).append((speaker_id, name))
    merged: set[int] = set()
    for people in by_coverage.values():
        for (a, name_a), (b, name_b) in combinations(sorted(people), 2):
            if a in merged or b in merged or not _slip_of(name_a, name_b):
                continue
            # The full name over a surname, then the spelling quoted more often.
            rank = {a: (len(name_a.split()), quoted[a], -a), b: (len(name_b.split()), quoted[b], -b)}
            keep, drop = (a, b) if rank[a] >= rank[b] else (b, a)
            dropped_name = name_b if drop == b else name_a
            connection.execute(update(table_of(Quote)).where(col(Quote.speaker_id) == drop).values(speaker_id=keep, seq=seq))
            _add_alias(connection, keep, dropped_name, seq)
            merged.add(drop)
    return bool(merged)


SLIP_MIN_LETTERS = 5


def _slip_of(first: str, second: str) -> bool:
    words_a, words_b = first.split(), second.split()
    if len(words_a) == 1 and len(words_b) > 1:
        words_b = words_b[-1:]  # "Zelenksy" and "Volodymyr Zelensky"
    elif len(words_b) == 1 and len(words_a) > 1:
        words_a = words_a[-1:]
    if len(words_a) != len(words_b) or first == second:
        return False
    for word_a, word_b in zip(words_a, words_b, strict=True):
        if word_a == word_b:
            continue
        if min(len(word_a), len(word_b)) < SLIP_MIN_LETTERS or word_a[0].lower() != word_b[0].lower():
            return False
        if OSA.distance(word_a.lower(), word_b.lower()) > (1 if len(word_a) < 8 else 2):
            return False
    return True


def _surname_alias(speaker: QuotedSpeaker) -> str:
    words = speaker.name.split()
    # "the first minister" has no surname.
    return words[-1] if speaker.kind == SpeakerKind.PERSON and len(words) > 1 and words[-1][:1].isupper() else ""


def _add_alias(connection: Connection, speaker_id: int, alias: str, seq: int) -> None:
    table = table_of(Speaker)
    current = connection.execute(select(table.c.aliases).where(table.c.id == speaker_id)).scalar_one()
    names = [a for a in current.split("|") if a]
    if alias not in names:
        connection.execute(update(table).where(table.c.id == speaker_id).values(aliases="|".join([*names, alias]), seq=seq))
