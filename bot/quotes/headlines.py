"""Quotes a headline gives: in marks ("EU preparing 'massive package of sanctions'") or as
someone's words with their name after a dash or before a colon ("... - Dugdale")."""

import re

from bot.quotes.name_evidence import is_ordinary_word
from bot.quotes.said import ExtractedQuote, QuotedSpeaker
from bot.quotes.speakers import SpeakerContext, resolve
from bot.quotes.speech_words import (
    ANY_MARK,
    HEADLINE_ATTRIBUTED,
    HEADLINE_QUOTE,
    HEADLINE_SPEAKER,
    HEADLINE_SPEAKER_FIRST,
    MIN_QUOTE_WORDS,
)


def headline_quotes(title: str, body: list[ExtractedQuote], context: SpeakerContext) -> list[ExtractedQuote]:
    """Quotes in the headline ("EU preparing 'massive package of sanctions'") that the body
    does not repeat. Headlines name the speaker before a colon ("Starmer: '...'") or leave it
    to the body, whose first quoted speaker it then is."""
    found = []
    for match in HEADLINE_QUOTE.finditer(title):
        text = match.group(1).strip()
        if len(text.split()) < MIN_QUOTE_WORDS or any(_same_words(text, quote.text) for quote in body):
            continue
        named = HEADLINE_SPEAKER.match(title)
        speaker = resolve(named.group(1), context) if named else None
        if speaker is None:
            speaker = next((quote.speaker for quote in body if quote.direct and quote.speaker.named), None)
        if speaker is not None:
            found.append(ExtractedQuote(text, speaker, True))
    if not found and not ANY_MARK.search(title) and not HEADLINE_QUOTE.search(title):
        reported = _headline_attribution(title, context)
        if reported is not None and not any(_same_words(reported[1], quote.text) for quote in body):
            found.append(ExtractedQuote(reported[1], reported[0], False))
    return found


HEADLINE_CONTEXT = 3  # paragraphs read for who a headline's words are


def _headline_attribution(title: str, context: SpeakerContext) -> tuple[QuotedSpeaker, str] | None:
    """ "Appetite for a second indyref will never have been higher - Dugdale", "China not
    adversary, but poses challenge - Nato chief": a headline giving someone's words without
    quote marks, with who said them after a dash (or before a colon). They must be someone the
    entry names or, failing that, a name rather than a word: "Background: NHS wait times" is
    nobody's."""
    match = HEADLINE_ATTRIBUTED.match(title) or HEADLINE_SPEAKER_FIRST.match(title)
    if match is None:
        return None
    who = match.group("who")
    speaker = resolve(who, context)
    if speaker is None or not speaker.named:
        return None
    if speaker not in context.mentioned and (len(who.split()) > 1 or is_ordinary_word(who)):
        # Someone the entry does not name may still be a name ("- Dugdale"), but not a word
        # ("Background: ...", "Analysis: ...").
        return None
    # The words after the dash must name them or their role: "The latest: ..." names nobody.
    theirs = {w.strip("'’s").lower() for w in f"{speaker.name} {speaker.role or ''}".split()}
    if not theirs & {w.strip("'’s").lower() for w in who.split()}:
        return None
    return speaker, match.group("said").strip()


def _same_words(short: str, long: str) -> bool:
    def plain(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))
    return plain(short) in plain(long) or plain(long) in plain(short)
