"""'typing…' is shown while an answer takes long enough for a person to notice, and only then."""

import asyncio
from types import SimpleNamespace

from bot.telegram import handlers


class RecordingBot:
    def __init__(self) -> None:
        self.actions: list[tuple[int, str]] = []

    async def send_chat_action(self, chat_id: int, action: str) -> None:
        self.actions.append((chat_id, action))


def run(seconds: float, monkeypatch) -> tuple[str, list[tuple[int, str]]]:
    monkeypatch.setattr(handlers, "TYPING_AFTER", 0.05)
    bot = RecordingBot()
    context = SimpleNamespace(bot=bot)

    async def work() -> str:
        await asyncio.sleep(seconds)
        # What the user sees so far when the answer is ready.
        return f"answered after {len(bot.actions)} action(s)"

    result = asyncio.run(handlers.while_typing(context, 42, work()))
    return result, bot.actions


def test_a_slow_answer_shows_typing_before_it_arrives(monkeypatch) -> None:
    result, actions = run(0.3, monkeypatch)
    assert actions == [(42, "typing")]
    assert result == "answered after 1 action(s)"


def test_a_quick_answer_sends_no_typing(monkeypatch) -> None:
    result, actions = run(0.0, monkeypatch)
    assert actions == []
    assert result == "answered after 0 action(s)"
