"""Updates from one chat are handled one after another, in the order they came; updates from
different chats at the same time.

A chat's replies so arrive in the order of its questions (handlers only queue their replies,
so waiting for the previous one costs no more than working it out). The chat's turn is taken
before one of the shared slots: a chat with thirty questions waiting holds one slot, not all.
"""

import asyncio
from collections.abc import Awaitable, Hashable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates held in memory at once, waiting or running (python-telegram-bot's own count).
UNBOUNDED = 100_000


def _sender(update: object) -> Hashable | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:  # inline queries and buttons under inline messages
        return ("user", update.effective_user.id)
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """python-telegram-bot's own slot count is set too high to bind: it is taken before the
    processor sees an update, so a chat's waiting updates would hold slots. The real limit,
    `max_concurrent_updates`, is taken here, after the chat's turn."""

    def __init__(self, max_concurrent_updates: int):
        super().__init__(UNBOUNDED)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        # chat -> (its turn, how many of its updates hold or wait for it)
        self._turns: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable) -> None:
        key = _sender(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock, users = self._turns.get(key, (asyncio.Lock(), 0))
        self._turns[key] = (lock, users + 1)
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            lock, users = self._turns[key]
            if users == 1:
                del self._turns[key]
            else:
                self._turns[key] = (lock, users - 1)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
