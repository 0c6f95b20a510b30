"""Answers as Telegram HTML messages: escaped, linked, and split to fit Telegram's limits."""

import re
from html import escape, unescape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answers import Answer, Citation
from bot.loader.timestamps import display_time
from bot.retrieval.excerpt import quoted

MAX_MESSAGE = 4096
MAX_CALLBACK_DATA = 64
MORE_PREFIX = "more:"


def _one_line(text: str) -> str:
    # Blocks are only ever cut between lines, so a field must never carry a line break of its own.
    return " ".join(text.split())


def citation_html(citation: Citation, number: int | None = None) -> str:
    if citation.kind != "entry":
        return f"• {escape(_one_line(citation.title))}"
    label = f"[{escape(citation.label)}] " if citation.label else ""
    prefix = f"{number}. " if number is not None else ""
    lines = [f"{prefix}<b>{label}{escape(_one_line(citation.title))}</b>"]
    meta = escape(display_time(citation.published_at, citation.zone))
    if citation.author:
        author = citation.author + (f", {citation.author_role}" if citation.author_role else "")
        meta += f" · <i>{escape(_one_line(author))}</i>"
    lines.append(meta)
    if citation.said_by:
        lines.append(f"<i>{escape(_one_line(citation.said_by))}</i>:")
    lines += [escape(quoted(_one_line(sentence))) for sentence in citation.excerpt]
    if citation.address:
        lines.append(f'<a href="{escape(citation.address, quote=True)}">Source</a>')
    return "\n".join(lines)


def answer_blocks(answer: Answer) -> list[str]:
    """The answer as self-contained HTML blocks: a lead line, then one block per citation."""
    blocks = [escape(answer.lead)]
    if answer.related:
        blocks.append("\n".join(f"• {escape(_one_line(c.title))} · {escape(display_time(c.published_at, c.zone))}" for c in answer.related))
    if answer.citations and answer.citations[0].kind != "entry":
        points = "\n".join(citation_html(c) for c in answer.citations)
        first = answer.citations[0]
        source = f'\n<a href="{escape(first.address, quote=True)}">Source</a>' if first.address else ""
        blocks.append(points + source)
        return blocks
    blocks += [citation_html(c, n) for c, n in zip(answer.citations, entry_numbers(answer.citations))]
    return blocks


def entry_numbers(citations: list[Citation]) -> list[int | None]:
    """1, 2, 3 for the entries; a key point among them is a bullet and takes no number."""
    numbers: list[int | None] = []
    count = 0
    for citation in citations:
        if citation.kind == "entry":
            count += 1
            numbers.append(count)
        else:
            numbers.append(None)
    return numbers


def split_messages(blocks: list[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Pack blocks into messages of at most `limit` characters, breaking only between blocks.

    A single block longer than the limit (a pathological title) is cut between its lines, and
    a line still too long is replaced by a shortened plain-text copy, so no tag is ever split.
    """
    messages: list[str] = []
    current = ""
    for block in _fit(blocks, limit):
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = block
    if current:
        messages.append(current)
    return messages


def _fit(blocks: list[str], limit: int) -> list[str]:
    fitted: list[str] = []
    for block in blocks:
        if len(block) <= limit:
            fitted.append(block)
            continue
        for line in block.split("\n"):
            fitted.append(line if len(line) <= limit else _plain_cut(line, limit))
    return fitted


def _plain_cut(html_line: str, limit: int) -> str:
    """A too-long line as plain text, shortened until its escaped form fits `limit`."""
    text = unescape(re.sub(r"<[^>]+>", "", html_line))
    size = limit - 1
    while True:
        cut = text[:size]
        cut = cut[: cut.rfind(" ")] if " " in cut else cut
        escaped = escape(cut) + "…"
        if len(escaped) <= limit or size <= 1:
            return escaped
        size = max(1, size - (len(escaped) - limit) - 1)


def more_keyboard(refs: list[str]) -> InlineKeyboardMarkup | None:
    """A "More" button carrying the next results' ids, so it works after a restart."""
    taken: list[str] = []
    for ref in refs:
        if len((MORE_PREFIX + ",".join([*taken, ref])).encode()) > MAX_CALLBACK_DATA:
            break
        taken.append(ref)
    if not taken:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data=MORE_PREFIX + ",".join(taken))]])


def parse_more(data: str) -> list[str]:
    if not data.startswith(MORE_PREFIX):
        return []
    return [ref for ref in data[len(MORE_PREFIX):].split(",") if ref[:1] in ("e", "s") and ref[1:].isdigit()]
