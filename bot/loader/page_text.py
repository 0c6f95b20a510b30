"""Parse one live page saved as text (both the "published at" and the older "Live Reporting" layout).

Over 300 lines: both layouts share the entry and summary parsing, and each header form is a
small rule of its own.

A page is a list of numbered entries, newest first, optionally preceded by a summary:
a "Summary" bullet list on newer pages, a numbered key-points list before "Live Reporting"
on older ones. Everything else on the page (TV-licence notice, "All times stated are UK",
pictures and their captions) is boilerplate and is dropped.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from bot.kinds import DocumentKind
from bot.loader.addresses import coverage_key, page_number
from bot.times import StampError, parse_stamp, split_title_and_stamp


class PageError(ValueError):
    """A page that cannot be loaded at all."""


@dataclass
class ParsedEntry:
    position: int
    line: int
    title: str
    label: str | None = None
    published_at: datetime | None = None  # aware, UTC
    zone: str | None = None
    author: str | None = None
    author_role: str | None = None
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class ParsedPage:
    address: str | None
    coverage_key: str | None
    page_number: int
    title: str | None
    summary: list[str]
    summary_kind: DocumentKind  # SUMMARY (bullets) or KEY_POINT (older pages' numbered list)
    entries: list[ParsedEntry]
    warnings: list[str]


ITEM = re.compile(r"^ {0,3}(\d{1,6})\.\s+(\S.*)$")
# Some pages drop the numbering: "Postpublished at 14:51 British Summer Time 22 May 2022".
UNNUMBERED_ITEM = re.compile(r"^ {0,3}(\S.*published at \d.*)$", re.IGNORECASE)
BULLET = re.compile(r"^\s*[•\u2022\-\*]\s+(\S.*)$")
HEADER = re.compile(r"^(URL|Title):\s*(\S.*)$", re.IGNORECASE)
WEB_ADDRESS = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)
LABELS = ("Breaking", "Analysis")
GLUED_LABEL = re.compile(r"^(Breaking|Analysis)(?=[A-Z0-9'‘\"“])")

BOILERPLATE = {
    "got a tv licence?",
    "find out more",
    "i don’t have a tv licence.",
    "i don't have a tv licence.",
    "live reporting",
    "all times stated are uk",
    "get involved",
    "summary",
    "key points",
    "warning: third party content may contain ads",
}
BOILERPLATE_PREFIXES = ("you need one to watch live tv", "edited by ", "by ")
SUMMARY_MARKERS = {"summary", "key points"}
LIVE_REPORTING = "live reporting"

IMAGE_SOURCE = re.compile(r"Image source,\s*\S", re.IGNORECASE)
CAPTION_MARKERS = ("image caption,", "media caption,", "video caption,")
CAPTION_PREFIXES = ("image caption:", "media caption:", "video caption:")
DROP_LINES = {"video content", "image caption", "media caption", "external"}
# Consent notices for embedded posts ("Allow Twitter content?", "This article contains content provided by ...").
EMBED_NOTICE = re.compile(
    r"^(allow \w+ content\?|this article contains content provided by|skip \w+ post|"
    r"this \w+ post cannot be displayed|the bbc is not responsible for the content of external sites|"
    r"view more on \w+$|view original \w+ post)",
    re.I,
)
# Link markers left by the page's text export: "in a tweet , externalfollowing talks".
LINK_MARKER_GLUED = re.compile(r"\s*, external(?=[a-z])")
LINK_MARKER = re.compile(r"\s*, external\b")
SENTENCE_END = tuple(".!?\"”’':;…),–-")

NAME = re.compile(r"^[A-Z][\w'’.-]+(?: (?:[A-Z][\w'’.-]+|de|van|von|al|bin|da|di|le|la)){1,4}$")
ROLE_WORDS = re.compile(
    r"\b(correspondent|reporter|editor|analyst|presenter|journalist|producer|bbc|news|"
    r"reality check|verify|monitoring|political|economics|business|diplomatic|security|"
    r"chief|team|desk|service|columnist|commentator|writer|live|reporting)\b",
    re.IGNORECASE,
)


def decode(raw: bytes, warnings: list[str]) -> str:
    if not raw.strip():
        raise PageError("the file is empty")
    if b"\x00" in raw[:8192]:
        raise PageError("the file looks binary (it contains NUL bytes), not a text page")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = raw.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    if good and bad <= max(3, good // 10):
        # Mostly UTF-8 (a page cut off mid-character): keep it, replacing only the broken bytes.
        warnings.append(f"{bad} invalid UTF-8 byte sequence(s) (first at byte {first_bad}) replaced")
        return text
    warnings.append(f"not valid UTF-8 (byte {first_bad}); read as Windows-1252/Latin-1")
    return raw.decode("cp1252", errors="replace")


def parse_page(raw: bytes) -> ParsedPage:
    warnings: list[str] = []
    lines = decode(raw, warnings).replace("\r\n", "\n").replace("\r", "\n").split("\n")

    address = title = None
    body_start = 0
    for index, line in enumerate(lines[:5]):
        match = HEADER.match(line.strip())
        if match:
            if match.group(1).lower() == "url":
                address = match.group(2).strip()
                if not WEB_ADDRESS.match(address):
                    # It becomes a link in every answer: only a web address may ("javascript:").
                    warnings.append(f"line {index + 1}: URL {address[:80]!r} is not an http(s) address; ignored")
                    address = None
            else:
                title = match.group(2).strip()
            body_start = index + 1

    has_live_reporting = any(line.strip().lower() == LIVE_REPORTING for line in lines)
    summary: list[str] = []
    summary_kind = DocumentKind.SUMMARY
    items: list[tuple[int, int, str, list[tuple[int, str]]]] = []  # number, line no, header, body
    seen_live_reporting = False
    in_summary = False
    for number, line in enumerate(lines[body_start:], start=body_start + 1):
        stripped = line.strip()
        lowered = stripped.lower()
        if lowered == LIVE_REPORTING:
            seen_live_reporting = True
            continue
        if not items and lowered in SUMMARY_MARKERS:
            in_summary = True
            continue
        item = ITEM.match(line)
        if item and not (has_live_reporting and not seen_live_reporting):
            items.append((int(item.group(1)), number, item.group(2), []))
            continue
        unnumbered = UNNUMBERED_ITEM.match(line)
        if unnumbered:
            items.append((len(items) + 1, number, unnumbered.group(1), []))
            continue
        if item:
            # Older pages list their key points as numbers before "Live Reporting".
            summary.append(item.group(2).strip())
            summary_kind = DocumentKind.KEY_POINT
            continue
        if items:
            items[-1][3].append((number, line))
            continue
        bullet = BULLET.match(line)
        if bullet and in_summary and not _is_boilerplate(bullet.group(1).strip()):
            summary.append(bullet.group(1).strip())

    if not items and has_live_reporting:
        items = _unnumbered_items(lines)
    if not items:
        raise PageError("no entries found: neither numbered entries nor 'published at' headers")

    _check_numbering(items, warnings)
    parsed = [
        _entry(position, line_no, header, body, warnings)
        for position, (_number, line_no, header, body) in enumerate(items, start=1)
    ]
    entries = [entry for entry in parsed if entry is not None]
    if not entries:
        raise PageError("no entry has a title or any text")
    return ParsedPage(
        address=address,
        coverage_key=coverage_key(address) if address else None,
        page_number=_page_number(address, warnings),
        title=title,
        summary=summary,
        summary_kind=summary_kind,
        entries=entries,
        warnings=warnings,
    )


def _check_numbering(items: list[tuple[int, int, str, list[tuple[int, str]]]], warnings: list[str]) -> None:
    """Entries count up (or down) by one; a repeat usually means two saves pasted into one file."""
    for (previous, _l, _h, _b), (number, line_no, _header, _body) in zip(items, items[1:], strict=False):
        if abs(number - previous) != 1:
            warnings.append(f"line {line_no}: entry numbered {number} follows {previous}; the numbering repeats or jumps")


def _unnumbered_items(lines: list[str]) -> list[tuple[int, int, str, list[tuple[int, str]]]]:
    """Entries of older pages that number nothing: a short headline line opens each one.

    A headline is a one-line block that is not a sentence, coming first or after a block that
    ends a sentence; a picture is a caption line with its agency right under it ("May" / "PA").
    """
    start = max(i for i, line in enumerate(lines) if line.strip().lower() == LIVE_REPORTING) + 1
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(lines[start:], start=start + 1):
        text = line.strip()
        if not text:
            if blocks[-1]:
                blocks.append([])
        elif not (_is_boilerplate(text) and not any(b for b in blocks[:-1])):
            blocks[-1].append((number, text))
    items: list[tuple[int, int, str, list[tuple[int, str]]]] = []
    after_sentence = True
    for block in (b for b in blocks if b):
        first_no, first = block[0]
        is_picture = len(block) == 2 and all(_is_picture_or_heading(text) for _n, text in block)
        is_headline = (
            len(block) == 1 and _is_picture_or_heading(first) and (after_sentence or GLUED_LABEL.match(first))
        )
        if is_headline:
            items.append((len(items) + 1, first_no, first, []))
        elif items:
            items[-1][3].extend(block + [(block[-1][0], "")])
        if not is_picture:  # a picture between two entries does not end the first one's text
            after_sentence = block[-1][1].endswith(SENTENCE_END) and len(block[-1][1].split()) > 3
    return items


def _is_boilerplate(text: str) -> bool:
    lowered = text.lower()
    return lowered in BOILERPLATE or lowered.startswith(BOILERPLATE_PREFIXES)


def _entry(
    position: int, line_no: int, header: str, body: list[tuple[int, str]], warnings: list[str]
) -> ParsedEntry | None:
    lines = [(number, text.strip()) for number, text in body]
    header = header.strip()
    label = None

    # "Analysis" on the numbered line, the real title on the next one.
    if header in LABELS:
        label = header
        next_text = next(((n, t) for n, t in lines if t), None)
        if next_text and "published at" in next_text[1].lower():
            header = next_text[1]
            lines.remove(next_text)
    glued = GLUED_LABEL.match(header)
    if glued:
        label = glued.group(1)
        header = header[glued.end():]

    title, stamp_text = split_title_and_stamp(header)
    entry = ParsedEntry(position=position, line=line_no, title=title, label=label)
    if stamp_text is not None:
        try:
            stamp = parse_stamp(stamp_text)
        except StampError as exc:
            warnings.append(f"line {line_no}: {exc}; time left unknown")
            stamp = None
        else:
            if stamp is None and stamp_text and not _is_cut_off(stamp_text):
                warnings.append(f"line {line_no}: unreadable time {stamp_text!r}; time left unknown")
        if stamp is not None:
            entry.published_at, entry.zone = stamp.utc, stamp.zone

    texts = [text for _n, text in lines]
    while texts and texts[0] in LABELS:
        entry.label = entry.label or texts[0]
        texts.pop(0)
    texts = [text for text in texts if text not in LABELS]
    entry.paragraphs = _clean_body(texts, entry)

    if entry.title == "Video content" and entry.paragraphs:
        entry.title = entry.paragraphs.pop(0)
    if not entry.title:
        if not entry.paragraphs:
            warnings.append(f"line {line_no}: entry {position} has no title and no text; skipped")
            return None
        warnings.append(f"line {line_no}: entry {position} has no title; its first words stand in")
        entry.title = _first_words(entry.paragraphs[0])
    return entry


def _is_cut_off(stamp_text: str) -> bool:
    """A stamp cut off by the end of a saved excerpt ("16:") is expected, not worth a warning."""
    return bool(re.fullmatch(r"\d{1,2}(:\d{0,2})?( .*)?", stamp_text)) and len(stamp_text) < 24


def _clean_body(texts: list[str], entry: ParsedEntry) -> list[str]:
    non_empty = [text for text in texts if text]
    _take_author(non_empty, entry)
    paragraphs: list[str] = []
    skip_next = False
    for text in non_empty:
        lowered = text.lower()
        if skip_next:
            skip_next = False
            continue
        if lowered in CAPTION_MARKERS:
            skip_next = True  # the caption itself follows on the next line
            continue
        if lowered.startswith(CAPTION_PREFIXES):
            if lowered.startswith("video caption:") and entry.title == "Video content":
                paragraphs.append(text.split(":", 1)[1].strip())
            continue
        if lowered in DROP_LINES or ("image source," in lowered and IMAGE_SOURCE.search(text)) or EMBED_NOTICE.match(text):
            continue
        if ", external" in text:
            text = LINK_MARKER.sub("", LINK_MARKER_GLUED.sub(" ", text))
        if lowered.startswith("quote message:"):
            text = text.split(":", 1)[1].strip()
        bullet = BULLET.match(text)
        if bullet:
            paragraphs.append(bullet.group(1).strip())
            continue
        if _is_picture_or_heading(text):
            continue
        paragraphs.append(text)
    return paragraphs


def _take_author(texts: list[str], entry: ParsedEntry) -> None:
    """An author's name line followed by a role line ("Jessica Parker" / "BBC Brussels correspondent")."""
    if len(texts) < 2:
        return
    name, role = texts[0], texts[1]
    if NAME.match(name) and len(name) <= 50 and _is_role(role):
        entry.author, entry.author_role = name, role
        del texts[:2]


def _is_role(text: str) -> bool:
    return len(text) <= 80 and not text.endswith(".") and bool(ROLE_WORDS.search(text))


def _is_picture_or_heading(text: str) -> bool:
    """Picture descriptions and sub-headings: short lines that are not sentences."""
    return not text.endswith(SENTENCE_END) and len(text.split()) <= 15


def _first_words(text: str, limit: int = 8) -> str:
    words = text.split()
    return " ".join(words[:limit]) + ("…" if len(words) > limit else "")


MAX_PAGE_NUMBER = 100_000


def _page_number(address: str | None, warnings: list[str]) -> int:
    number = page_number(address) if address else 1
    if not 1 <= number <= MAX_PAGE_NUMBER:
        warnings.append(f"page number {number} in the address is not plausible; taken as page 1")
        return 1
    return number
