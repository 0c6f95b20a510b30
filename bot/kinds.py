"""The kinds of things every layer talks about, as enums whose values are the strings stored in
the database and written in JSON output (a StrEnum compares equal to its value)."""

from enum import StrEnum


class DocumentKind(StrEnum):
    """What a searchable document is: a timestamped entry, or a point of the page's summary
    (bullets on newer pages, a numbered list of key points on older ones)."""

    ENTRY = "entry"
    SUMMARY = "summary"
    KEY_POINT = "key_point"


class SpeakerKind(StrEnum):
    PERSON = "person"
    ORG = "org"


class IntentKind(StrEnum):
    """What a question asks for, before anything is searched."""

    TOPIC = "topic"
    TIME = "time"
    LATEST = "latest"
    KEY_POINTS = "key_points"
    EMPTY = "empty"
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"


class TimeMode(StrEnum):
    AT = "at"
    AROUND = "around"
    BEFORE = "before"
    AFTER = "after"


class AnswerMode(StrEnum):
    """How an answer was found; the command line's JSON carries it as "mode"."""

    TOPIC = "topic"
    TIME = "time"
    LATEST = "latest"
    KEY_POINTS = "key_points"
    WHO = "who"
    AUTHOR = "author"
    MORE = "more"
    NONE = "none"  # declined: nothing in the coverage answers it
    EMPTY = "empty"
    CHAT = "chat"


class LoadStatus(StrEnum):
    LOADED = "loaded"
    UNCHANGED = "unchanged"
    FAILED = "failed"  # the file cannot be loaded as it is: tried again once it changes
    RETRY_LATER = "retry_later"  # the database refused it; the file is fine: tried again soon


class RemovalKind(StrEnum):
    """What a recorded removal took away (bot.changes): an entry, a summary point (either
    kind), or the quotes of an entry, which are replaced as a whole when its page is reloaded."""

    ENTRY = "entry"
    SUMMARY = "summary"
    QUOTES = "quotes"
