"""What extraction finds: a quote, and the speaker as the copy names them."""

from dataclasses import dataclass, field

from bot.kinds import SpeakerKind


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
