"""The questions behind recent "More" buttons, so the next results are cited for the question
(its matching sentences, its speaker) and not only by their ids.

A button carries only a short token for its question (Telegram allows 64 bytes of data); the
questions stay in memory. After a restart an unknown token costs nothing but that: the button
still shows its results, cited by their leads.
"""

import secrets
from collections import OrderedDict

KEEP = 10_000
TOKEN_BYTES = 4


class RecentQuestions:
    def __init__(self, keep: int = KEEP):
        self.keep = keep
        self._by_token: OrderedDict[str, str] = OrderedDict()

    def remember(self, question: str) -> str:
        token = secrets.token_hex(TOKEN_BYTES)
        self._by_token[token] = question
        if len(self._by_token) > self.keep:
            self._by_token.popitem(last=False)
        return token

    def question(self, token: str) -> str:
        return self._by_token.get(token, "")
