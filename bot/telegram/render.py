"""Answers as Telegram HTML messages: escaped, linked, and split to fit Telegram's limits."""

import re
from dataclasses import replace
from html import escape, unescape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.answers import Answer, Citation, Stats
from bot.kinds import DocumentKind
from bot.refs import is_ref
from bot.retrieval.excerpt import quoted
from bot.times import display_time

MAX_MESSAGE = MessageLimit.MAX_TEXT_LENGTH
MAX_CALLBACK_DATA = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
MORE_PREFIX = "more:"
UNFOLLOW_PREFIX = "unfollow:"
ABOUT_PREFIX = "about:"
PUSH_ENTRIES = 5  # at most this many entries in one pushed message; the rest are behind /new
PUSH_SENTENCES = 2
BUTTON_TOPIC_CHARS = 32


def plain(text: str) -> str:
    """A fixed reply as Telegram HTML (quotes need no escaping outside attributes)."""
    return escape(text, quote=False)


def start_html(stats: Stats) -> str:
    if not stats.entries:
        return "I answer questions about live news coverage, but no coverage is loaded yet."
    titles = "\n".join(f"• {escape(title)}" for title in stats.coverage_titles[:5])
    more = f"\n…and {len(stats.coverage_titles) - 5} more" if len(stats.coverage_titles) > 5 else ""
    span = ""
    if stats.first and stats.last:
        span = f" from {escape(display_time(stats.first, 'GMT'))} to {escape(display_time(stats.last, 'GMT'))}"
    return (
        f"I answer questions about live news coverage: {stats.entries} entries{span}.\n\n"
        f"<b>Coverage</b>\n{titles}{more}\n\n"
        "Just send me a question, for example:\n"
        + "\n".join(f"• {escape(q)}" for q in stats.examples)
        + "\n\nEvery answer cites its entry, time and author. Send /help for all commands."
    )


def help_html(username: str) -> str:
    return (
        "<b>What I can do</b>\n"
        "/latest [N] — the newest N updates (default 5, at most 20), e.g. <code>/latest 3</code>\n"
        "/summary — the key points of the coverage\n"
        "/ask QUESTION — e.g. <code>/ask What did Peskov say about the summit?</code>\n"
        "/who NAME [TOPIC] — who said what, e.g. <code>/who Kuleba sanctions</code>\n"
        "/follow [TOPIC] — new entries sent here as they are published: all of them, or those about "
        "a topic, e.g. <code>/follow Mariupol</code>\n"
        "/following — what this chat follows; /unfollow N or /unfollow all to stop\n"
        "/new — what is new since you last looked\n"
        "/start — what I cover\n"
        "/help — this list\n\n"
        "In a private chat, any message is a question. In groups, mention me or reply to me.\n"
        f"Inline: type <code>@{escape(username)} kill list</code> in any chat."
    )


def inline_description(citation: Citation) -> str:
    """The grey line under an inline result's title (plain text, not HTML)."""
    description = display_time(citation.published_at, citation.zone) if citation.kind == DocumentKind.ENTRY else "Key point"
    if citation.excerpt:
        description += " — " + citation.excerpt[0]
    return description[:INLINE_DESCRIPTION_CHARS]


INLINE_DESCRIPTION_CHARS = 250


def _one_line(text: str) -> str:
    # Blocks are only ever cut between lines, so a field must never carry a line break of its own.
    return " ".join(text.split())


def citation_html(citation: Citation, number: int | None = None) -> str:
    if citation.kind != DocumentKind.ENTRY:
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
    if answer.citations and answer.citations[0].kind != DocumentKind.ENTRY:
        points = "\n".join(citation_html(c) for c in answer.citations)
        first = answer.citations[0]
        source = f'\n<a href="{escape(first.address, quote=True)}">Source</a>' if first.address else ""
        blocks.append(points + source)
        return blocks
    blocks += [citation_html(c, n) for c, n in zip(answer.citations, entry_numbers(answer.citations), strict=False)]
    return blocks


def entry_numbers(citations: list[Citation]) -> list[int | None]:
    """1, 2, 3 for the entries; a key point among them is a bullet and takes no number."""
    numbers: list[int | None] = []
    count = 0
    for citation in citations:
        if citation.kind == DocumentKind.ENTRY:
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


def more_keyboard(refs: list[str], token: str = "") -> InlineKeyboardMarkup | None:
    """A "More" button carrying the next results' ids, so it works after a restart, and the
    token of the question they answer (bot.telegram.asked)."""
    prefix = f"{MORE_PREFIX}{token}:" if token else MORE_PREFIX
    taken: list[str] = []
    for ref in refs:
        if len((prefix + ",".join([*taken, ref])).encode()) > MAX_CALLBACK_DATA:
            break
        taken.append(ref)
    if not taken:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data=prefix + ",".join(taken))]])


def parse_more(data: str) -> list[str]:
    if not data.startswith(MORE_PREFIX):
        return []
    refs = data[len(MORE_PREFIX):].rpartition(":")[2]
    return [ref for ref in refs.split(",") if is_ref(ref)]


def more_token(data: str) -> str:
    """The question token of a "More" button ("" for buttons without one)."""
    token, colon, _refs = data[len(MORE_PREFIX):].partition(":") if data.startswith(MORE_PREFIX) else ("", "", "")
    return token if colon and token.isalnum() else ""


def push_message(topic: str, follow_id: int, citations: list[Citation]) -> tuple[str, InlineKeyboardMarkup, int]:
    """New entries for a follow as one message, with its buttons; and how many entries it shows."""
    if topic:
        lead = f"New on <b>{escape(_one_line(topic))}</b>:"
    else:
        lead = f"New in <b>{escape(_one_line(citations[0].coverage_title or 'the coverage'))}</b>:"
    text, shown = lead, 0
    for citation in citations[:PUSH_ENTRIES]:
        block = citation_html(replace(citation, excerpt=citation.excerpt[:PUSH_SENTENCES]))
        rest = len(citations) - shown - 1
        tail = f"\n\n…and {rest} more: /new" if rest else ""
        if len(f"{text}\n\n{block}{tail}") > MAX_MESSAGE:
            break
        text, shown = f"{text}\n\n{block}", shown + 1
    if shown == 0:  # one entry too long for a message on its own
        text, shown = split_messages([lead, citation_html(citations[0])])[0], 1
    if len(citations) > shown:
        text += f"\n\n…and {len(citations) - shown} more: /new"
    label = _one_line(topic) if topic else "this coverage"
    if len(label) > BUTTON_TOPIC_CHARS:
        label = label[: BUTTON_TOPIC_CHARS - 1] + "…"
    keyboard = InlineKeyboardMarkup([
        [InlineKeyboardButton(f"Unfollow {label}", callback_data=f"{UNFOLLOW_PREFIX}{follow_id}")],
        [InlineKeyboardButton("More on this", callback_data=f"{ABOUT_PREFIX}{citations[0].ref}")],
    ])
    return text, keyboard, shown


def parse_id(data: str, prefix: str) -> int | None:
    """The number a button of ours carries after `prefix` ("unfollow:12"), or None."""
    rest = data[len(prefix):] if data.startswith(prefix) else ""
    return int(rest) if rest.isdigit() and len(rest) < 19 else None


def follows_html(topics: list[str]) -> str:
    if not topics:
        return "This chat follows nothing yet. Send /follow for every new entry, or /follow TOPIC."
    lines = ["This chat follows:"]
    lines += [f"{n}. {escape(_one_line(t)) if t else 'every new entry'}" for n, t in enumerate(topics, start=1)]
    lines.append("Stop one with /unfollow N, or all with /unfollow all.")
    return "\n".join(lines)
