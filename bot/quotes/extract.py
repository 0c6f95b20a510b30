"""Who said what: direct quotes, reported speech and their speakers, from an entry's paragraphs.

The speaker comes from the reporting clause around the quote ("..., Peskov said"; "Kremlin
spokesman Dmitry Peskov told reporters it was "..."'), from "according to X", or from the
previous quote when a paragraph is nothing but a quote. Surnames and pronouns are resolved to
the full name mentioned earlier in the entry, or to a name the coverage already knows.

The words and patterns these rules use are in bot/quotes/speech_words.py. The rules stay in one
module (over 300 lines): they share one per-entry context and call each other in both
directions, and split they would have to pass it around.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from bot.kinds import SpeakerKind
from bot.quotes.name_evidence import is_first_name, is_ordinary_word, not_a_person
from bot.quotes.speech_words import (
    ACCORDING_TO,
    AGE_DESCRIPTION,
    ANY_MARK,
    CAPITALISED_FUNCTION_WORDS,
    CAPITALISED_RUN,
    CIRCUMSTANCE,
    CLAUSE_WORDS,
    CLOSING_MARK,
    DOCUMENT_WORDS,
    FROM_LINE,
    GROUP_AFTER,
    HEADLINE_ATTRIBUTED,
    HEADLINE_QUOTE,
    HEADLINE_SPEAKER,
    HEADLINE_SPEAKER_FIRST,
    HONORIFICS,
    MIN_QUOTE_WORDS,
    NOT_NAMES,
    NOT_PEOPLE,
    OPENING_MARK,
    ORG_WORDS,
    ORGANISATION,
    PRONOUNS,
    QUOTE_SPAN,
    RELATIVE_CLAUSE,
    REPORTED_VERB,
    ROLE_AFTER,
    ROLE_WORDS,
    SENTENCE_END,
    SENTENCE_SUBJECT,
    SUBJECT_FILLER,
    SUBJECT_FIRST,
    SUBJECT_LAST,
    TITLE_SUBJECT,
    VERB,
)


@dataclass(frozen=True)
class QuotedSpeaker:
    name: str
    kind: SpeakerKind
    role: str | None = None
    # False for someone the copy only describes ("the first minister", "a government source").
    named: bool = field(default=True, compare=False)


@dataclass(frozen=True)
class ExtractedQuote:
    text: str
    speaker: QuotedSpeaker
    direct: bool
    paragraph: int


@dataclass
class _Context:
    known: dict[str, QuotedSpeaker]  # surname or full name (lower-case) -> speaker
    last_person: QuotedSpeaker | None = None
    last_org: QuotedSpeaker | None = None
    last_speaker: QuotedSpeaker | None = None
    mentioned: list[QuotedSpeaker] = field(default_factory=list)
    orgs: list[QuotedSpeaker] = field(default_factory=list)
    recent_people: list[QuotedSpeaker] = field(default_factory=list)


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
        context = _Context(known=dict(known or {}))
        _learn_title(title, context)
        for paragraph in paragraphs[:HEADLINE_CONTEXT]:
            _learn_names(paragraph, context)
        return _headline_quotes(title, [], context)
    paragraphs = paragraphs[: speech[-1] + 1]
    context = _Context(known=dict(known or {}))
    _learn_title(title, context)
    quotes: list[ExtractedQuote] = []
    open_quote: QuotedSpeaker | None = None  # a quote left open at the end of the previous paragraph
    said_last: QuotedSpeaker | None = None  # who the previous paragraph's last quote was by
    for index, paragraph in enumerate(paragraphs):
        _learn_names(paragraph, context)
        from_line = FROM_LINE.match(paragraph.strip()) if " from " in paragraph else None
        if from_line:
            # Older pages: 'Quote Message: ... ." from James Airey'
            author = _person_in(from_line.group("name"), context) or QuotedSpeaker(from_line.group("name").strip(), SpeakerKind.PERSON)
            context.last_speaker = author
            _remember(author, context)
            quotes.append(ExtractedQuote(from_line.group("quote").strip(), author, True, index))
            continue
        spans = _quote_spans(paragraph)
        earlier, said_last = said_last, None
        if not spans:
            open_quote = None
            reported = _reported_speech(paragraph, context)
            if reported:
                quotes.append(ExtractedQuote(reported[1], reported[0], False, index))
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
                    quotes.append(ExtractedQuote(earlier_text.strip().rstrip(","), speaker, True, index))
            waiting = []
            context.last_speaker = speaker
            _remember(speaker, context)
            open_quote = speaker if unclosed else None
            text = text.strip().rstrip(",")
            if len(text.split()) >= MIN_QUOTE_WORDS or attached:
                quotes.append(ExtractedQuote(text, speaker, True, index))
    return _headline_quotes(title, quotes, context) + quotes


def _headline_quotes(title: str, body: list[ExtractedQuote], context: _Context) -> list[ExtractedQuote]:
    """Quotes in the headline ("EU preparing 'massive package of sanctions'") that the body
    does not repeat. Headlines name the speaker before a colon ("Starmer: '...'") or leave it
    to the body, whose first quoted speaker it then is."""
    found = []
    for match in HEADLINE_QUOTE.finditer(title):
        text = match.group(1).strip()
        if len(text.split()) < MIN_QUOTE_WORDS or any(_same_words(text, quote.text) for quote in body):
            continue
        named = HEADLINE_SPEAKER.match(title)
        speaker = _resolve(named.group(1), context) if named else None
        if speaker is None:
            speaker = next((quote.speaker for quote in body if quote.direct and quote.speaker.named), None)
        if speaker is not None:
            found.append(ExtractedQuote(text, speaker, True, -1))
    if not found and not ANY_MARK.search(title) and not HEADLINE_QUOTE.search(title):
        reported = _headline_attribution(title, context)
        if reported is not None and not any(_same_words(reported[1], quote.text) for quote in body):
            found.append(ExtractedQuote(reported[1], reported[0], False, -1))
    return found


HEADLINE_CONTEXT = 3  # paragraphs read for who a headline's words are


def _headline_attribution(title: str, context: _Context) -> tuple[QuotedSpeaker, str] | None:
    """ "Appetite for a second indyref will never have been higher - Dugdale", "China not
    adversary, but poses challenge - Nato chief": a headline giving someone's words without
    quote marks, with who said them after a dash (or before a colon). Only someone the entry
    itself names counts: "Background: NHS wait times" is nobody's."""
    match = HEADLINE_ATTRIBUTED.match(title) or HEADLINE_SPEAKER_FIRST.match(title)
    if match is None:
        return None
    who = match.group("who")
    speaker = _resolve(who, context)
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


def _named_just_before(paragraph: str, start: int, context: _Context) -> QuotedSpeaker | None:
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
              if (person := _person_in(run.group(), context)) is not None}
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


def _speaker_for(paragraph: str, start: int, end: int, context: _Context) -> QuotedSpeaker | None:
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
    opening_name = _split_name(pieces[0].strip())[1].split() if pieces else []
    appositive = len(pieces) >= 2 and len(opening_name) >= 2 and all(w[:1].isupper() for w in opening_name)
    if verb and not re.search(r"[\"“”;:—–]|\s-\s", lead) and (short_lead or appositive):
        # '"...," Roland Schilling, regional representative of the UN Refugee Agency, told the BBC'
        subject = pieces[0] if appositive else (pieces[-1] if pieces else "")
        speaker = _resolve(subject, context) if subject.strip() else None
        if speaker is None and not subject.strip():
            # "...," said Pentagon press secretary John Kirby.
            rest = re.split(r"[.;]", after[verb.end():])[0]
            named = rest.split(",")[-1] if "," in rest else rest
            # "...," said Duterte in a speech on Thursday: the name ends where the when and where begin.
            speaker = _resolve(CIRCUMSTANCE.split(named)[0], context)
        if speaker:
            return speaker

    according = ACCORDING_TO.search(paragraph[left:right])
    if according:
        speaker = _resolve(according.group(1), context)
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
        speaker = _resolve(pieces[-1], context)
        if speaker is None and len(pieces) >= 2:
            # "Alison Charles, manager at East Winch, said:"
            speaker = _resolve(pieces[0], context) if len(_split_name(pieces[0].strip())[1].split()) >= 2 else None
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


def _sentence_subject(sentence: str, context: _Context) -> QuotedSpeaker | None:
    """Who a sentence opens with: "He", "Boris Johnson", "The first minister"."""
    opening = TITLE_SUBJECT.match(sentence) or SENTENCE_SUBJECT.match(sentence)
    return _resolve(opening.group(1), context) if opening else None


def _reported_speech(paragraph: str, context: _Context) -> tuple[QuotedSpeaker, str] | None:
    """ "Kuleba said there were good reasons to act." -> (Kuleba, "there were good reasons to act.")"""
    text = paragraph.strip()
    if not REPORTED_VERB.search(text):
        return None
    match = SUBJECT_FIRST.match(text) or SUBJECT_LAST.match(text)
    if not match:
        return None
    speaker = _resolve(match.group("subject"), context, strict=True)
    if speaker is None:
        return None
    context.last_speaker = speaker
    _remember(speaker, context)
    return speaker, match.group("clause").strip()


def _subject_like(subject: str) -> bool:
    """A reporting clause's subject is a short noun phrase ("Child minder Tara Chandler",
    "the university"), not a clause."""
    words = subject.split()
    if not 1 <= len(words) <= 8:
        return False
    if any(w.lower() in CLAUSE_WORDS for w in words if not w[:1].isupper()):
        return False
    return True


def _resolve(subject: str, context: _Context, strict: bool = False) -> QuotedSpeaker | None:
    """A speaker from a reporting clause's subject: a name, a surname, a pronoun or an organisation."""
    subject = subject.strip(" ,—–-")
    for _ in range(3):  # "And then earlier" loses one filler a round
        trimmed = SUBJECT_FILLER.sub("", subject).strip(" ,—–-")
        if trimmed == subject:
            break
        subject = trimmed
    if not _subject_like(subject):
        return None
    lowered = subject.lower()
    if lowered in PRONOUNS:
        kind = PRONOUNS[lowered]
        if kind == SpeakerKind.PERSON:
            return context.last_person
        if kind == SpeakerKind.ORG:
            return context.last_org
        return context.last_speaker or context.last_org
    person = _person_in(subject, context)
    if person is not None:
        return person
    named_org = _organisation_in(subject)
    # "the Labour leader", "the Nato chief": a person whose organisation is named, not the
    # organisation; "the RSPCA's spokesman" stays the RSPCA's.
    titled = subject.split()[-1].lower() in ROLE_WORDS and not re.search(r"['’]s\b", subject)
    if strict or (named_org is not None and not titled):
        return named_org
    if titled and lowered.startswith(("a ", "an ")):
        # "A Commons spokesperson said": someone the entry does not name, not the last person it did.
        unnamed = subject.split(" ", 1)[1]
        return QuotedSpeaker(unnamed, SpeakerKind.ORG) if any(w[:1].isupper() for w in unnamed.split()) else None
    # "the Nato chief", "Ukraine's foreign minister": a role we met with a name in this entry.
    for speaker in reversed(context.mentioned):
        if speaker.role and re.search(rf"\b{re.escape(speaker.role.lower())}\b", lowered):
            return speaker
    nouns = [w.strip("'’s").lower() for w in subject.split() if w.lower() not in ("the", "a", "an")]
    if not titled:
        # "the university", "the RSPCA's spokesman": an organisation named earlier in the entry.
        for org in reversed(context.orgs):
            if any(noun in org.name.lower().split() for noun in nouns):
                return org
    recent = context.recent_people[-1] if context.recent_people else None
    # "The 30-year-old", "the 45-year-old mother": copy describes the person it just named by age.
    if recent is not None and AGE_DESCRIPTION.match(lowered):
        return recent
    # "the agriculture minister": the person most recently named, unless what we know of them
    # says otherwise ("Liberal Democrat Jane Dodds" is no minister).
    if lowered.startswith(("the ", "a ")) and len(nouns) <= 3 and all(n.isalpha() for n in nouns):
        if recent is not None and (not titled or _role_fits(recent, nouns)):
            return recent
    if named_org is None and _is_title(subject):
        # "the first minister", "South Africa's health minister", "health secretary": someone
        # the entry does not name stays unnamed, as the copy describes them.
        return QuotedSpeaker(_unnamed(subject), SpeakerKind.PERSON, named=False)
    return named_org


def _role_fits(person: QuotedSpeaker, title: list[str]) -> bool:
    """Whether a title can stand for this person: nothing is known of their role, or it shares
    a word with it ("the Nato chief" for "Nato Secretary General Jens Stoltenberg")."""
    return person.role is None or bool(set(title) & {w.strip("'’s") for w in person.role.lower().split()})


def _is_title(subject: str) -> bool:
    """A description that ends in a role ("the first minister", "Ukraine's defence minister")."""
    words = subject.split()
    return 1 <= len(words) <= 6 and words[-1].lower() in ROLE_WORDS and words[-1].islower()


def _unnamed(subject: str) -> str:
    return subject[:1].lower() + subject[1:] if subject.startswith(("The ", "A ", "An ")) else subject


def _person_in(text: str, context: _Context) -> QuotedSpeaker | None:
    for match in reversed(list(CAPITALISED_RUN.finditer(text))):
        run = match.group()
        role, name = _split_name(run)
        if not name or GROUP_AFTER.match(text, match.end()):
            continue  # "Local media", "US officials": a body of people, not a person
        if not_a_person(name):
            continue  # "Nord Stream", "South Africa"
        words = name.split()
        if len(words) == 1:
            known = context.known.get(words[0].lower())
            if known is not None:
                return known
            lowered = words[0].lower()
            if lowered in ORG_WORDS or lowered in NOT_PEOPLE or lowered in NOT_NAMES or words[0].isupper():
                continue
            # A lone first name or surname we have not met: "Kate", "Biden".
            return QuotedSpeaker(words[0], SpeakerKind.PERSON, _role_before(text, run, role))
        return QuotedSpeaker(name, SpeakerKind.PERSON, _role_before(text, run, role))
    return None


@lru_cache(maxsize=100_000)
def _split_name(run: str) -> tuple[str, str]:
    """ "Ulster Unionist Leslie Cree" -> ("Ulster Unionist", "Leslie Cree"): the name is the
    longest tail of the run made of words that can be part of a person's name."""
    words = [w for w in run.split() if w.lower().strip(".") not in HONORIFICS]
    while words and words[-1].lower() in ROLE_WORDS:
        words.pop()  # "Ian Blackford MP"
    if words and words[-1].lower() in DOCUMENT_WORDS:
        return " ".join(words), ""  # "Retained EU Law Bill" names a law, not a Mr Law Bill
    cut = len(words)
    while cut > 0:
        word = words[cut - 1]
        lowered = word.lower().strip(".,")
        if lowered in ROLE_WORDS or lowered in NOT_NAMES or lowered.strip("'’s") in NOT_PEOPLE or lowered in ORG_WORDS:
            break
        if word.endswith(("'s", "’s")) or (word.isupper() and len(word) > 1):
            break
        cut -= 1
    name = words[cut:]
    if len(name) >= 3 and not is_first_name(name[0]):
        # "Plaid Cymru Siân Gwenllian": the name starts at its first name.
        start = next((i for i, word in enumerate(name[1:-1], start=1) if is_first_name(word)), 0)
        cut += start
    return " ".join(words[:cut]), " ".join(words[cut:])


def _role_before(text: str, run: str, role_in_run: str) -> str | None:
    """The title right before a name: "Kremlin spokesman" Dmitry Peskov, "Belarusian army chief"."""
    prefix = text[: text.rfind(run)]
    words: list[str] = role_in_run.split()
    for word in reversed(prefix.split()):
        if word == "of" and words:
            words.insert(0, word)  # "Secretary of State"
            continue
        if word.endswith((",", ";", ":", ".")) or not (word[:1].isupper() or word.lower() in ROLE_WORDS):
            break
        if word.lower() in NOT_NAMES:
            break
        words.insert(0, word)
    while words and words[0].lower() in ("of", "the", "a", "an"):
        words.pop(0)  # "The Lagan Valley MLA": the article is no part of the title
    role = " ".join(words[-6:]).strip(" ,")
    return role or None


@lru_cache(maxsize=100_000)
def _organisation_in(text: str) -> QuotedSpeaker | None:
    match = ORGANISATION.search(text)
    if not match:
        return None
    name = match.group(1).strip()
    words = name.split()
    if not words or words[0].lower() in NOT_NAMES or len(words) > 6:
        return None
    if name.endswith(("'s", "’s")):
        return None  # "Ukraine's" (infrastructure minister): a role, not an organisation
    if words[-1].lower() in ("of", "for", "and"):
        return None
    # "Germany's Lufthansa" is Lufthansa; "Ukraine's Foreign Ministry" keeps its owner.
    if len(words) > 1 and words[0].endswith(("'s", "’s")) and words[1].lower() not in ROLE_WORDS | {"ministry"}:
        name = " ".join(words[1:])
    return QuotedSpeaker(name, SpeakerKind.ORG)


@lru_cache(maxsize=100_000)
def _named_organisation(run: str) -> QuotedSpeaker | None:
    """An organisation a run of capitalised words names outright ("Kyiv City Council", "OSCE")."""
    org = _organisation_in(run)
    if org is None or not (set(org.name.lower().split()) & ORG_WORDS or org.name.isupper()):
        return None
    return org


def _learn_title(title: str, context: _Context) -> None:
    _learn_names(title, context)
    # "Zelensky gives German MPs...": a name followed by what they did; "Failure to adopt a local
    # development plan" opens with an ordinary word, followed by a function word.
    first = re.match(r"^([A-Z][\w'’-]+)\s+([a-z]+)", title)
    if context.last_person is None and first and first.group(2) not in NOT_NAMES:
        word = first.group(1)
        lowered = word.lower()
        if not (lowered in NOT_PEOPLE or lowered in NOT_NAMES or lowered in ORG_WORDS or lowered in ROLE_WORDS):
            speaker = context.known.get(lowered) or QuotedSpeaker(word, SpeakerKind.PERSON)
            _remember(speaker, context)
            context.recent_people.append(speaker)


def _learn_names(paragraph: str, context: _Context) -> None:
    """Names mentioned in the entry, so a later "Peskov said" or "he added" finds them.

    A pronoun usually refers to the subject of an earlier sentence, so the first person (or
    organisation) of each sentence is what "he" or "it" will mean next. Names inside quotes
    are someone's words, not the story's subjects, and are passed over.
    """
    narrative = QUOTE_SPAN.sub(" ", paragraph) if ANY_MARK.search(paragraph) else paragraph
    for sentence in SENTENCE_END.split(narrative):
        subject_taken = False
        titled = TITLE_SUBJECT.match(sentence) if sentence.lstrip().startswith(ARTICLES) else None
        if titled:
            # "The minister replies to the debate. "...," he says": he is the minister.
            speaker = _resolve(titled.group(1), context)
            if speaker is not None and speaker.kind == SpeakerKind.PERSON:
                _remember(speaker, context)
                subject_taken = True
        for found in CAPITALISED_RUN.finditer(sentence):
            run = found.group()
            if run in CAPITALISED_FUNCTION_WORDS:
                continue  # "The", "But", "He": most runs, and never a name
            role, name = _split_name(run)
            if not name and run.endswith(("'s", "’s")):
                role, name = _split_name(run[:-2])  # "Tamoor Tariq's condition": a name all the same
            words = name.split()
            if len(words) >= 2 and not not_a_person(name):
                speaker = context.known.get(name.lower()) or QuotedSpeaker(name, SpeakerKind.PERSON, _role_before(sentence, run, role))
                context.known.setdefault(name.lower(), speaker)
                context.known.setdefault(words[-1].lower(), speaker)
                context.recent_people.append(speaker)
                if not subject_taken:
                    _remember(speaker, context)
                    subject_taken = True
            elif words and words[0].lower() in context.known and not subject_taken:
                _remember(context.known[words[0].lower()], context)
                subject_taken = True
            else:
                org = _named_organisation(run)
                if org is None:
                    continue
                context.orgs.append(org)
                if ROLE_AFTER.match(sentence, found.end()):
                    continue  # "Kremlin spokesman Dmitry Peskov": the person is the subject
                if not subject_taken and sentence.lstrip().startswith((run, f"The {run}", f"the {run}", f"But the {run}")):
                    context.last_org = org
                    subject_taken = True


ARTICLES = ("The ", "A ", "An ")


def _remember(speaker: QuotedSpeaker, context: _Context) -> None:
    if speaker.kind == SpeakerKind.PERSON:
        context.last_person = speaker
        words = speaker.name.split()
        if len(words) >= 2 and speaker.named:
            context.known.setdefault(words[-1].lower(), speaker)
            context.known.setdefault(speaker.name.lower(), speaker)
    else:
        context.last_org = speaker
    if speaker not in context.mentioned:
        context.mentioned.append(speaker)
