"""What kind of question this is: newest entries, the key points, a time of day, or a topic."""

import re
from dataclasses import dataclass, field

from bot.kinds import IntentKind, TimeMode
from bot.retrieval.text import STOPWORDS, words

LATEST = re.compile(
    r"\b(latest|newest|most recent|what['’]?s new|what is new|recent|last|new|updates?|news|"
    r"developments?|headlines?|breaking|live|now|today|coverage|currently|going on)\b",
    re.IGNORECASE,
)
LATEST_TRIGGER = re.compile(r"\b(latest|newest|most recent|what['’]?s new|what is new|recent)\b", re.IGNORECASE)
KEY_POINTS = re.compile(
    r"\b(key points?|summary|summari[sz]e|main points?|overview|recap|in brief|tl;?dr|"
    r"biggest updates|main developments|key developments|main headlines)\b",
    re.IGNORECASE,
)
KEY_POINT_FILLER = re.compile(
    r"\b(key|points?|summary|summari[sz]e|main|overview|recap|brief|biggest|updates?|developments?|"
    r"headlines?|today|coverage|story|so far|give|short|quick|tl;?dr)(?:\b|(?<=;dr)|(?<=tldr))",
    re.IGNORECASE,
)
# Messages that are not questions about the coverage at all (matched on their lower-case words).
SMALL_TALK = [
    (IntentKind.GREETING, re.compile(r"(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening)|greetings)( there| bot| all)?")),
    (IntentKind.THANKS, re.compile(r"((ok|okay|great|cool|brilliant|perfect) )?(thanks|thank you|thank you very much|thanks a lot|"
                          r"many thanks|thx|ty|cheers|ta)( a lot| so much| very much)?")),
    (IntentKind.HELP, re.compile(r"help|help me|start|what can you do|how does (this|it) work|how do i use (this|you|it)|"
                        r"what do you do|who are you|what are you")),
]
# Conversational openings that carry no topic ("ok so what's the deal with the kill list").
CHATTY = re.compile(
    r"^\s*(?:(?:ok|okay|so|hey|hi|hiya|hello|um|er|right|well|(?:good )?(?:morning|afternoon|evening)|"
    r"quick (?:one|question|q)|sorry)\b[\s,!.:;-]*)+|"
    r"\b(?:what['’]?s the (?:deal|story|situation) with|what is the (?:deal|story|situation) with|"
    r"(?:can|could|would) you (?:please )?(?:tell|remind|show) me|remind me|do you know|"
    r"i (?:want|would like|'d like) to know|any news (?:on|about)|(?:has|have) (?:anyone|you) heard (?:about|of)|"
    r"does anyone know|anyone know)\b",
    re.IGNORECASE,
)
TIME = re.compile(
    r"\b(?P<mode>at|around|about|before|after|since|until|by|from|near)?\s*"
    r"(?P<hour>[01]?\d|2[0-3])(?:[:.](?P<minute>[0-5]\d))?\s*(?P<ampm>[ap]\.?m\.?)?"
    r"(?:\s*(?P<zone>gmt|bst|utc|uk time))?(?![\w,%£$])"
    r"(?:\s*(?P<part>in the morning|in the afternoon|in the evening|at night|tonight|this morning|"
    r"this afternoon|this evening))?",
    re.IGNORECASE,
)


# Whole month names or their usual short forms: "2 decision" is not 2 December.
MONTH_NAME = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
DATE = re.compile(
    r"\b(?:on\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+)?(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+"
    rf"(?P<month>{MONTH_NAME})\b\.?(?:\s+(?P<year>(?:19|20)\d\d))?\b",
    re.IGNORECASE,
)
# "On the 22nd": a day of whichever month the coverage covers.
DAY_OF_MONTH = re.compile(
    rf"\bon\s+the\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b(?:\s+of\s+(?P<month>{MONTH_NAME})\b\.?)?", re.IGNORECASE
)
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@dataclass(frozen=True)
class Day:
    month: int | None  # None: "the 22nd", any month
    day: int
    year: int | None = None


@dataclass(frozen=True)
class TimeOfDay:
    minutes: int  # since midnight, page-local time
    mode: TimeMode
    # "at 7:11" names a minute, most likely one the page shows; "at 9am" is a rough hour.
    to_the_minute: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    topic: str  # what is left to search for
    time: TimeOfDay | None = None
    recent: bool = False  # "the latest on X": newest relevant entries first
    day: Day | None = None  # "on 21 February (2022)": only entries of that day, page-local


def classify(question: str) -> Intent:
    text = " ".join(question.split())
    if not words(text):
        return Intent(IntentKind.EMPTY, "")
    plain = " ".join(words(text))
    for kind, pattern in SMALL_TALK:
        if pattern.fullmatch(plain):
            return Intent(kind, "")
    text = " ".join(CHATTY.sub(" ", text).split()) or text
    day, text = _day(text)
    time, rest = _time_of_day(text)
    if time is not None:
        return Intent(IntentKind.TIME, rest, time, day=day)
    if day is not None:
        return Intent(IntentKind.TOPIC, text, day=day)
    if KEY_POINTS.search(text) and not _content(KEY_POINT_FILLER.sub(" ", text)):
        return Intent(IntentKind.KEY_POINTS, "")
    if LATEST_TRIGGER.search(text):
        rest = LATEST.sub(" ", text)
        return Intent(IntentKind.TOPIC, rest, recent=True) if _content(rest) else Intent(IntentKind.LATEST, "")
    return Intent(IntentKind.TOPIC, text)


def _day(text: str) -> tuple[Day | None, str]:
    match = DATE.search(text)
    if not match:
        match = DAY_OF_MONTH.search(text)
        if not match:
            return None, text
        day = int(match.group("day"))
        month = MONTHS.index(match.group("month").lower()[:3]) + 1 if match.group("month") else None
        rest = (text[: match.start()] + " " + text[match.end():]).strip()
        return (Day(month, day), rest) if 1 <= day <= 31 else (None, text)
    month = MONTHS.index(match.group("month").lower()[:3]) + 1
    day, year = int(match.group("day")), match.group("year")
    if not 1 <= day <= 31:
        return None, text
    rest = (text[: match.start()] + " " + text[match.end():]).strip()
    return Day(month, day, int(year) if year else None), rest


def _content(text: str) -> list[str]:
    return [word for word in words(text) if word not in STOPWORDS]


def _time_of_day(text: str) -> tuple[TimeOfDay | None, str]:
    for match in TIME.finditer(text):
        minute, ampm, mode = match.group("minute"), match.group("ampm"), (match.group("mode") or "").lower()
        # A bare number is a time only with a time-ish word before it ("before 9"), never "137 died".
        if minute is None and ampm is None and not match.group("part") and mode not in (
            "at", "around", "before", "after", "since", "until"
        ):
            continue
        if minute is None and ampm is None and _looks_like_count(text, match.end()):
            continue
        hour = int(match.group("hour"))
        part = (match.group("part") or "").lower()
        if part and not ampm and hour <= 12:
            # "at 9 in the evening" is 21:00, "at 9 in the morning" 09:00, "at 2 at night" 02:00.
            night = "night" in part
            ampm = "am" if "morning" in part or (night and (hour < 5 or hour == 12)) else "pm"
        if ampm:
            if hour > 12 or hour == 0:
                continue
            hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
        minutes = hour * 60 + int(minute or 0)
        normal = {"about": "around", "near": "around", "since": "after", "until": "before", "by": "before",
                  "from": "after", "": "at"}.get(mode, mode)
        rest = (text[: match.start()] + " " + text[match.end():]).strip()
        precise = minute is not None and minute != "00"
        return TimeOfDay(minutes, TimeMode(normal), precise), _without_page_words(rest)
    return None, text


# Words about the page itself ("anything posted at 03:27", "what came in on the page at 7:11"),
# not about what happened.
PAGE_WORDS = re.compile(
    r"\b(posted|post|came in|come in|went up|published|put up|page|live page|blog|entry|entries|update|updates)\b",
    re.IGNORECASE,
)


def _without_page_words(text: str) -> str:
    return " ".join(PAGE_WORDS.sub(" ", text).split())


def _looks_like_count(text: str, end: int) -> bool:
    following = text[end:].lstrip().lower()
    return bool(re.match(r"(people|troops|per|percent|%|million|thousand|days?|years?|weeks?|months?)\b", following))
