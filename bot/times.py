"""The "published at 13:11 Greenwich Mean Time 21 February 2022" stamps of live pages."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

ZONES = {
    "greenwich mean time": ("GMT", 0),
    "gmt": ("GMT", 0),
    "british summer time": ("BST", 1),
    "bst": ("BST", 1),
}
ZONE_OFFSETS = {"GMT": 0, "BST": 1}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

# The stamp is glued to the title ("...trainingpublished at 13:11 ..."), so no word boundary before it.
STAMP = re.compile(
    r"published at\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
FULL_STAMP = re.compile(
    r"^(?P<hour>\d{1,2}):(?P<minute>\d{2})\s+"
    r"(?P<zone>Greenwich Mean Time|British Summer Time|GMT|BST)\s+"
    r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d{4})\s*$",
    re.IGNORECASE,
)


class StampError(ValueError):
    """A stamp that is there but cannot be read as a real moment."""


@dataclass(frozen=True)
class Stamp:
    utc: datetime  # aware, in UTC
    zone: str  # "GMT" or "BST", as the page gave it


def split_title_and_stamp(header: str) -> tuple[str, str | None]:
    """Split "Titlepublished at ..." into the title and the raw stamp text (None if absent)."""
    match = STAMP.search(header)
    if not match:
        return header.strip(), None
    return header[: match.start()].strip(), match.group("rest").strip()


def parse_stamp(text: str) -> Stamp | None:
    """The moment a stamp names; None when it is cut off; StampError when it is impossible."""
    match = FULL_STAMP.match(text)
    if not match:
        return None
    zone, offset = ZONES[match.group("zone").lower()]
    month = MONTHS.get(match.group("month").lower())
    if month is None:
        raise StampError(f"unknown month {match.group('month')!r}")
    try:
        local = datetime(
            int(match.group("year")), month, int(match.group("day")),
            int(match.group("hour")), int(match.group("minute")),
        )
        utc = (local - timedelta(hours=offset)).replace(tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise StampError(f"impossible date {text!r}: {exc}") from None
    return Stamp(utc=utc, zone=zone)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything this project stores is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_time(utc: datetime, zone: str | None) -> datetime:
    """The wall-clock time the page showed, as an aware datetime."""
    offset = timedelta(hours=ZONE_OFFSETS.get(zone or "GMT", 0))
    return as_utc(utc).astimezone(timezone(offset))


def display_time(utc: datetime | None, zone: str | None) -> str:
    """ "13:11 GMT, 21 Feb 2022", or "time not given"."""
    if utc is None:
        return "time not given"
    local = local_time(utc, zone)
    return f"{local:%H:%M} {zone or 'GMT'}, {local.day} {local:%b %Y}"
