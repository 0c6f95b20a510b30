"""Who said what: direct quotes, reported speech and their speakers, from an entry's paragraphs.

The speaker comes from the reporting clause around the quote ("..., Peskov said"; "Kremlin
spokesman Dmitry Peskov told reporters it was "..."'), from "according to X", or from the
previous quote when a paragraph is nothing but a quote. Surnames and pronouns are resolved to
the full name mentioned earlier in the entry, or to a name the coverage already knows.

Who a name, title or pronoun is comes from bot/quotes/speakers.py, headlines from
bot/quotes/headlines.py, and the words and patterns all of them use from
bot/quotes/speech_words.py.
"""

import re

from bot.kinds import SpeakerKind
from bot.quotes.headlines import HEADLINE_CONTEXT, headline_quotes
from bot.quotes.said import ExtractedQuote, QuotedSpeaker
from bot.quotes.speakers import SpeakerContext, learn_names, learn_title, person_in, remember, resolve, split_name
from bot.quotes.speech_words import (
    ACCORDING_TO,
    ANY_MARK,
    CAPITALISED_RUN,
    CIRCUMSTANCE,
    CLOSING_MARK,
    FROM_LINE,
    HEADLINE_ATTRIBUTED,
    HEADLINE_SPEAKER_FIRST,
    MIN_QUOTE_WORDS,
    OPENING_MARK,
    QUOTE_SPAN,
    RELATIVE_CLAUSE,
    REPORTED_VERB,
    SENTENCE_END,
    SENTENCE_SUBJECT,
    SUBJECT_FIRST,
    SUBJECT_LAST,
    TITLE_SUBJECT,
    VERB,
)


def extract_quotes(
    paragraphs: list[str], known: dict[str, QuotedSpeaker] | None = None, title: str = ""
) -> list[ExtractedQuote]:
    """Quotes of one entry, in order. `known` maps names the coverage already knows to speakers;
    the title often names who the entry is about ("Zelensky gives German MPs ...")."""
    # Names only help later paragraphs, so reading stops at the last one that quotes or reports.
    # Typewriter copy writes a double quote as two apostrophes: ''not all doom and gloom''.
    paragraphs = [p.replace("''", '"') for p in paragraphs]
    speech = [i for i, p in enumerate(paragraphs) if ANY_MARK.search(p) or REPORTED_VERB.search(p)]
    if not speech:
        # Nobody is quoted or reported in the body; the headline may still say whose words
        # it gives ("... - Dugdale"), of someone the first paragraphs name.
        if not (HEADLINE_ATTRIBUTED.match(title) or HEADLINE_SPEAKER_FIRST.match(title)):
            return []
        context = SpeakerContext(known=dict(known or {}))
        learn_title(title, context)
        for paragraph in paragraphs[:HEADLINE_CONTEXT]:
            learn_names(paragraph, context)
        return headline_quotes(title, [], context)
    paragraphs = paragraphs[: speech[-1] + 1]
    context = SpeakerContext(known=dict(known or {}))
    learn_title(title, context)
    quotes: list[ExtractedQuote] = []
    open_quote: QuotedSpeaker | None = None  # a quote left open at the end of the previous paragraph
    said_last: QuotedSpeaker | None = None  # who the previous paragraph's last quote was by
    for paragraph in paragraphs:
        learn_names(paragraph, context)
        from_line = FROM_LINE.match(paragraph.strip()) if " from " in paragraph else None
        if from_line:
            # Older pages: 'Quote Message: ... ." from James Airey'
            author = person_in(from_line.group("name"), context) or QuotedSpeaker(from_line.group("name").strip(), SpeakerKind.PERSON)
            context.last_speaker = author
            remember(author, context)
            quotes.append(ExtractedQuote(from_line.group("quote").strip(), author, True))
            continue
        spans = _quote_spans(paragraph)
        earlier, said_last = said_last, None
        if not spans:
            open_quote = None
            reported = _reported_speech(paragraph, context)
            if reported:
                quotes.append(ExtractedQuote(reported[1], reported[0], False))
            continue
        previous: QuotedSpeaker | None = None
        waiting: list[tuple[int, int, str]] = []  # quotes of this paragraph nobody said yet
        for start, end, text, unclosed in spans:
            speaker = _speaker_for(paragraph, start, end, context)
            # A word or two in quotes is a scare quote unless its own clause names who said it.
            attached = speaker is not None and speaker.named
            if speaker is None and previous is not None and _own_sentence(paragraph, start, end):
                speaker = previous  # '"...," Danilov told a briefing. "..."'
            previous = speaker or previous
            if speaker is None and start <= 1 and open_quote is not None:
                speaker = open_quote  # "...continued in the next paragraph."
            if speaker is None and _is_whole_paragraph(paragraph, start, end):
                speaker = context.last_speaker
            if speaker is None and _own_sentence(paragraph, start, end):
                speaker = _named_just_before(paragraph, start, context)
            if speaker is None and earlier is not None and _own_sentence(paragraph, start, end) \
                    and _names_nobody(paragraph):
                # '..., the ministry said in a statement. / Counting the dead was impossible "due
                # to the ongoing shelling".': the copy goes on with the same source.
                speaker = earlier
            said_last = speaker
            if speaker is None:
                if _own_sentence(paragraph, start, end):
                    waiting.append((start, end, text))
                continue
            for _earlier_start, earlier_end, earlier_text in waiting:
                # 'a wall "between freedom and bondage". "Tear down this wall," he said.': a quote
                # with no reporting clause of its own, followed by this one with nobody named
                # between them, is the same speaker's.
                if _names_nobody(paragraph[earlier_end:start]) and len(earlier_text.split()) >= MIN_QUOTE_WORDS:
                    quotes.append(ExtractedQuote(earlier_text.strip().rstrip(","), speaker, True))
            waiting = []
            context.last_speaker = speaker
            remember(speaker, context)
            open_quote = speaker if unclosed else None
            text = text.strip().rstrip(",")
            if len(text.split()) >= MIN_QUOTE_WORDS or attached:
                quotes.append(ExtractedQuote(text, speaker, True))
    return headline_quotes(title, quotes, context) + quotes


def _quote_spans(paragraph: str) -> list[tuple[int, int, str, bool]]:
    spans = [(m.start(), m.end(), m.group(1), False) for m in QUOTE_SPAN.finditer(paragraph)]
    covered_end = spans[-1][1] if spans else 0
    tail = paragraph[covered_end:]
    opening = OPENING_MARK.search(tail)
    if opening and not CLOSING_MARK.search(tail[opening.end():]):
        start = covered_end + opening.start()
        spans.append((start, len(paragraph), paragraph[start + 1:].strip(), True))
    return spans


def _own_sentence(paragraph: str, start: int, end: int) -> bool:
    left, right = _sentence_bounds(paragraph, start, end)
    return not VERB.search(paragraph[left:start] + paragraph[end:right])


def _named_just_before(paragraph: str, start: int, context: SpeakerContext) -> QuotedSpeaker | None:
    """'Kate and her son fled the site. "We jumped in a car..."': a quote that is a sentence of
    its own, right after a sentence that names one person and quotes nobody, is that person's."""
    left, _ = _sentence_bounds(paragraph, start, start)
    before = paragraph[:left].strip()
    if not before:
        return None
    sentence = SENTENCE_END.split(before)[-1]
    if ANY_MARK.search(sentence):
        return None
    people = {person.name: person for run in CAPITALISED_RUN.finditer(sentence)
              if (person := person_in(run.group(), context)) is not None}
    return next(iter(people.values())) if len(people) == 1 else None


def _names_nobody(paragraph: str) -> bool:
    """No capitalised word but those opening a sentence: the paragraph brings in nobody new."""
    for run in CAPITALISED_RUN.finditer(paragraph):
        opens = not paragraph[: run.start()].strip() or paragraph[: run.start()].rstrip()[-1] in ".!?\"”"
        if not opens or len(run.group().split()) > 1:
            return False
    return True


def _is_whole_paragraph(paragraph: str, start: int, end: int) -> bool:
    outside = (paragraph[:start] + paragraph[end:]).strip(" .,!?\"”“’")
    return len(outside) <= 2


def _sentence_bounds(paragraph: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around a quote (quotes may hold full stops of their own)."""
    left = 0
    for match in SENTENCE_END.finditer(paragraph):
        if match.end() > start:
            break
        left = match.end()
    right = len(paragraph)
    after = SENTENCE_END.search(paragraph, end)
    if after:
        right = after.start() + 1
    return left, right


def _speaker_for(paragraph: str, start: int, end: int, context: SpeakerContext) -> QuotedSpeaker | None:
    left, right = _sentence_bounds(paragraph, start, end)
    after = paragraph[end:right]
    before = paragraph[left:start]

    # "...," Danilov told a briefing.  /  "...", Foreign Secretary Liz Truss says.
    verb = VERB.search(after)
    lead = after[: verb.start()] if verb else ""
    short_lead = "," not in lead.strip(" ,") or len(lead.strip(" ,").split(",")[0].split()) <= 4
    pieces = [piece for piece in lead.split(",") if piece.strip()]
    # "Roland Schilling, regional representative of ..., told": a name, then what they are. Not
    # "another Moscovite, Alla, told": a description, then the name.
    opening_name = split_name(pieces[0].strip())[1].split() if pieces else []
    appositive = len(pieces) >= 2 and len(opening_name) >= 2 and all(w[:1].isupper() for w in opening_name)
    if verb and not re.search(r"[\"“”;:—–]|\s-\s", lead) and (short_lead or appositive):
        # '"...," Roland Schilling, regional representative of the UN Refugee Agency, told the BBC'
        subject = pieces[0] if appositive else (pieces[-1] if pieces else "")
        speaker = resolve(subject, context) if subject.strip() else None
        if speaker is None and not subject.strip():
            # "...," said Pentagon press secretary John Kirby.
            rest = re.split(r"[.;]", after[verb.end():])[0]
            named = rest.split(",")[-1] if "," in rest else rest
            # "...," said Duterte in a speech on Thursday: the name ends where the when and where begin.
            speaker = resolve(CIRCUMSTANCE.split(named)[0], context)
        if speaker:
            return speaker

    according = ACCORDING_TO.search(paragraph[left:right])
    if according:
        speaker = resolve(according.group(1), context)
        if speaker:
            return speaker

    # Kremlin spokesman Dmitry Peskov told reporters it was "premature ...". When the nearest
    # verb has no subject of its own ("... and added that"), the one before it lends its subject.
    # Words inside earlier quotes are not reporting verbs: mask them, keeping offsets.
    before = QUOTE_SPAN.sub(lambda m: " " * len(m.group()), before)
    # "Damian Collins, who chairs the DCMS committee, said": the clause describes the subject.
    before = RELATIVE_CLAUSE.sub("", before)
    for verb in reversed(list(VERB.finditer(before))):
        clause = re.split(r"[;:]|\s[-—–]\s|\b(?:but|and|while|as|that|which|who)\b", before[: verb.start()])[-1]
        pieces = [piece for piece in clause.split(",") if piece.strip()]
        if not pieces:
            continue
        speaker = resolve(pieces[-1], context)
        if speaker is None and len(pieces) >= 2:
            # "Alison Charles, manager at East Winch, said:"
            speaker = resolve(pieces[0], context) if len(split_name(pieces[0].strip())[1].split()) >= 2 else None
        if speaker is None and verb.group().endswith("ing"):
            # "The first minister defends the plan, adding "..."": the sentence's subject adds it.
            speaker = _sentence_subject(before, context)
        if speaker:
            return speaker
        break
    else:
        if VERB.search(before):
            # "He spoke of ... and said "never again"": no verb has a subject of its own, so
            # the sentence's subject said it.
            speaker = _sentence_subject(before, context)
            if speaker:
                return speaker
    return None


def _sentence_subject(sentence: str, context: SpeakerContext) -> QuotedSpeaker | None:
    """Who a sentence opens with: "He", "Boris Johnson", "The first minister"."""
    opening = TITLE_SUBJECT.match(sentence) or SENTENCE_SUBJECT.match(sentence)
    return resolve(opening.group(1), context) if opening else None


def _reported_speech(paragraph: str, context: SpeakerContext) -> tuple[QuotedSpeaker, str] | None:
    """ "Kuleba said there were good reasons to act." -> (Kuleba, "there were good reasons to act.")"""
    text = paragraph.strip()
    if not REPORTED_VERB.search(text):
        return None
    match = SUBJECT_FIRST.match(text) or SUBJECT_LAST.match(text)
    if not match:
        return None
    speaker = resolve(match.group("subject"), context, strict=True)
    if speaker is None:
        return None
    context.last_speaker = speaker
    remember(speaker, context)
    return speaker, match.group("clause").strip()
