"""Who a name, a title or a pronoun in news copy is: the speakers an entry mentions, learnt
sentence by sentence, and the rules that resolve a reporting clause's subject to one of them
("Peskov", "he", "the Nato chief", "Ukraine's foreign minister", "the university")."""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from bot.kinds import SpeakerKind
from bot.quotes.name_evidence import is_first_name, not_a_person
from bot.quotes.said import QuotedSpeaker
from bot.quotes.speech_words import (
    AGE_DESCRIPTION,
    ANY_MARK,
    CAPITALISED_FUNCTION_WORDS,
    CAPITALISED_RUN,
    CLAUSE_WORDS,
    DOCUMENT_WORDS,
    GROUP_AFTER,
    HONORIFICS,
    NOT_NAMES,
    NOT_PEOPLE,
    ORG_WORDS,
    ORGANISATION,
    PRONOUNS,
    QUOTE_SPAN,
    ROLE_AFTER,
    ROLE_WORDS,
    SENTENCE_END,
    SUBJECT_FILLER,
    TITLE_SUBJECT,
)


@dataclass
class SpeakerContext:
    known: dict[str, QuotedSpeaker]  # surname or full name (lower-case) -> speaker
    last_person: QuotedSpeaker | None = None
    last_org: QuotedSpeaker | None = None
    last_speaker: QuotedSpeaker | None = None
    mentioned: list[QuotedSpeaker] = field(default_factory=list)
    orgs: list[QuotedSpeaker] = field(default_factory=list)
    recent_people: list[QuotedSpeaker] = field(default_factory=list)


def _subject_like(subject: str) -> bool:
    """A reporting clause's subject is a short noun phrase ("Child minder Tara Chandler",
    "the university"), not a clause."""
    words = subject.split()
    if not 1 <= len(words) <= 8:
        return False
    if any(w.lower() in CLAUSE_WORDS for w in words if not w[:1].isupper()):
        return False
    return True


def resolve(subject: str, context: SpeakerContext, strict: bool = False) -> QuotedSpeaker | None:
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
    person = person_in(subject, context)
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


def person_in(text: str, context: SpeakerContext) -> QuotedSpeaker | None:
    for match in reversed(list(CAPITALISED_RUN.finditer(text))):
        run = match.group()
        role, name = split_name(run)
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
def split_name(run: str) -> tuple[str, str]:
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


def learn_title(title: str, context: SpeakerContext) -> None:
    learn_names(title, context)
    # "Zelensky gives German MPs...": a name followed by what they did; "Failure to adopt a local
    # development plan" opens with an ordinary word, followed by a function word.
    first = re.match(r"^([A-Z][\w'’-]+)\s+([a-z]+)", title)
    if context.last_person is None and first and first.group(2) not in NOT_NAMES:
        word = first.group(1)
        lowered = word.lower()
        if not (lowered in NOT_PEOPLE or lowered in NOT_NAMES or lowered in ORG_WORDS or lowered in ROLE_WORDS):
            speaker = context.known.get(lowered) or QuotedSpeaker(word, SpeakerKind.PERSON)
            remember(speaker, context)
            context.recent_people.append(speaker)


def learn_names(paragraph: str, context: SpeakerContext) -> None:
    """Names mentioned in the entry, so a later "Peskov said" or "he added" finds them.

    A pronoun usually refers to the subject of an earlier sentence, so the first person (or
    organisation) of each sentence is what "he" or "it" will mean next. Names inside quotes
    are someone's words, not the story's subjects, and are passed over.
    """
    narrative = QUOTE_SPAN.sub(" ", paragraph) if ANY_MARK.search(paragraph) else paragraph
    known = context.known
    for sentence in SENTENCE_END.split(narrative):
        subject_taken = False
        titled = TITLE_SUBJECT.match(sentence) if sentence.lstrip().startswith(ARTICLES) else None
        if titled:
            # "The minister replies to the debate. "...," he says": he is the minister.
            speaker = resolve(titled.group(1), context)
            if speaker is not None and speaker.kind == SpeakerKind.PERSON:
                remember(speaker, context)
                subject_taken = True
        for found in CAPITALISED_RUN.finditer(sentence):
            run = found.group()
            reading = _reading(run)
            if reading is None:
                continue  # "The", "But", "He": most runs, and never a name
            role, name, key, last_key, first_key, is_person = reading
            if is_person:
                speaker = known.get(key) or QuotedSpeaker(name, SpeakerKind.PERSON, _role_before(sentence, run, role))
                known.setdefault(key, speaker)
                known.setdefault(last_key, speaker)
                context.recent_people.append(speaker)
                if not subject_taken:
                    remember(speaker, context)
                    subject_taken = True
            elif first_key in known and not subject_taken:
                remember(known[first_key], context)
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


@lru_cache(maxsize=100_000)
def _reading(run: str) -> tuple[str, str, str, str, str | None, bool] | None:
    """What a capitalised run can be, whatever the entry: None for a function word, else its
    role and name, the name's keys (whole, surname, first word) and whether it names a person."""
    if run in CAPITALISED_FUNCTION_WORDS:
        return None
    role, name = split_name(run)
    if not name and run.endswith(("'s", "’s")):
        role, name = split_name(run[:-2])  # "Tamoor Tariq's condition": a name all the same
    words = name.split()
    is_person = len(words) >= 2 and not not_a_person(name)
    first_key = words[0].lower() if words else None
    return role, name, name.lower(), words[-1].lower() if words else "", first_key, is_person


def remember(speaker: QuotedSpeaker, context: SpeakerContext) -> None:
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
