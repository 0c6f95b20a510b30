"""Answers as plain text (the command line) and as JSON (the evaluation contract)."""

import json

from bot.answers import Answer, Citation
from bot.kinds import DocumentKind
from bot.quotes.query import QuoteRecord
from bot.retrieval.excerpt import quoted
from bot.times import display_time, local_time


def byline(citation: Citation) -> str:
    parts = [display_time(citation.published_at, citation.zone)]
    if citation.author:
        parts.append(f"{citation.author}, {citation.author_role}" if citation.author_role else citation.author)
    return " · ".join(parts)


def answer_text(answer: Answer) -> str:
    lines = [answer.lead]
    for citation in answer.related:
        lines.append(f"• {citation.title} ({byline(citation)})")
    entries = 0
    for citation in answer.citations:
        lines.append("")
        if citation.kind != DocumentKind.ENTRY:
            lines.append(f"• {citation.title}")
            continue
        entries += 1
        label = f"[{citation.label}] " if citation.label else ""
        lines.append(f"{entries}. {label}{citation.title}")
        lines.append(f"   {byline(citation)}")
        if citation.said_by:
            lines.append(f"   {citation.said_by}:")
        for sentence in citation.excerpt:
            lines.append(f"   {quoted(sentence)}")
        if citation.address:
            lines.append(f"   {citation.address}")
    if answer.citations and answer.citations[0].kind != DocumentKind.ENTRY and answer.citations[0].address:
        lines += ["", f"Source: {answer.citations[0].coverage_title[:80]} — {answer.citations[0].address}"]
    if answer.more:
        lines += ["", f"({len(answer.more)} more results)"]
    return "\n".join(lines)


def citation_json(citation: Citation) -> dict:
    published = citation.published_at
    return {
        "kind": citation.kind,
        "ref": citation.ref,
        "title": citation.title,
        "published_at": local_time(published, citation.zone).isoformat() if published else None,
        "time": display_time(published, citation.zone) if citation.kind == DocumentKind.ENTRY else None,
        "author": citation.author,
        "author_role": citation.author_role,
        "label": citation.label,
        "address": citation.address,
        "excerpt": citation.excerpt,
        "said_by": citation.said_by,
    }


def answer_json(answer: Answer) -> str:
    return json.dumps(
        {
            "question": answer.question,
            "abstained": answer.abstained,
            "mode": answer.mode,
            "answer": answer_text(answer),
            "citations": [citation_json(c) for c in answer.citations],
            "related": [citation_json(c) for c in answer.related],
        },
        ensure_ascii=False,
    )


def quote_json(record: QuoteRecord) -> str:
    published = record.published_at
    return json.dumps(
        {
            "speaker": record.speaker,
            "speaker_kind": record.speaker_kind,
            "speaker_role": record.speaker_role,
            "quote": record.text,
            "direct": record.direct,
            "published_at": local_time(published, record.zone).isoformat() if published else None,
            "entry_title": record.entry_title,
            "address": record.address,
        },
        ensure_ascii=False,
    )


def quote_text(record: QuoteRecord) -> str:
    who = f"{record.speaker} ({record.speaker_role})" if record.speaker_role else record.speaker
    said = f"“{record.text}”" if record.direct else f"(reported) {record.text}"
    return f"{who}: {said} — {record.entry_title}, {display_time(record.published_at, record.zone)}"
