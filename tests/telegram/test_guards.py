"""Whose budget an update spends, and a limiter that forgets users whose minute has passed."""

from __future__ import annotations

from types import SimpleNamespace

from telegram.constants import ChatType

from bot.telegram.guards import ANONYMOUS_ADMIN, QuestionLimiter, budget_key


def update(text: str = "hello", chat_type: str = ChatType.PRIVATE, chat_id: int = 5, user_id: int = 7,
           inline: bool = False, button: bool = False, sender_chat: object = None) -> SimpleNamespace:
    message = SimpleNamespace(text=text, caption=None, sender_chat=sender_chat, reply_to_message=None,
                              parse_entities=lambda kinds: {}, parse_caption_entities=lambda kinds: {})
    return SimpleNamespace(
        effective_user=SimpleNamespace(id=user_id),
        inline_query=object() if inline else None,
        callback_query=object() if button else None,
        effective_message=None if inline else message,
        effective_chat=None if inline else SimpleNamespace(id=chat_id, type=chat_type),
    )


def test_what_spends_a_budget() -> None:
    assert budget_key(update("what did peskov say"), "bot", 1) == ("user", 7)
    assert budget_key(update("/LATEST 20", ChatType.GROUP), "bot", 1) == ("user", 7)
    assert budget_key(update(button=True), "bot", 1) == ("user", 7)
    # Talk between group members is not for the bot.
    assert budget_key(update("see you later", ChatType.GROUP), "bot", 1) is None
    # Typing an inline query has a budget of its own.
    assert budget_key(update(inline=True), "bot", 1) == ("inline", 7)
    # Anonymous admins share one user id everywhere: counted per chat.
    assert budget_key(update("/latest", ChatType.SUPERGROUP, chat_id=-9, user_id=ANONYMOUS_ADMIN), "bot", 1) == ("chat", -9)


def test_the_limiter_forgets_users_whose_minute_has_passed() -> None:
    limiter = QuestionLimiter(per_minute=2)
    for user in range(5_000):
        assert limiter.allow(user, now=0.0)
    assert limiter.allow("late", now=120.0)
    # Pruned as it goes: the early users are gone.
    for user in range(5_000, 6_000):
        limiter.allow(user, now=121.0)
    assert len(limiter) < 3_000
    assert limiter.allow(1, now=122.0)  # a returning user starts afresh
