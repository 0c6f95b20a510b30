"""The bot object, made to skip an update it cannot read instead of fetching it forever.

python-telegram-bot reads a whole getUpdates batch at once; one update it cannot parse (a
field of a newer Bot API, a malformed one from a stand-in server) fails the batch, the offset
never moves past it, and polling asks for the same batch again at full speed. Here each
update is read on its own; one that fails is logged once and replaced by a bare update of
the same id, which no handler answers and which moves the offset on.
"""

import copy
import logging

from telegram import Update
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


class UpdateTolerantBot(ExtBot):
    async def _do_post(self, endpoint, data, **kwargs):
        result = await super()._do_post(endpoint, data, **kwargs)
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        return [self._readable(raw) for raw in result]

    def _readable(self, raw: object) -> object:
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            return raw
        try:
            Update.de_json(copy.deepcopy(raw), self)
        except Exception as exc:  # any parsing failure: the update's content is not trusted
            log.error("skipped update %s, which could not be read (%s: %s); it had %s",
                      raw["update_id"], exc.__class__.__name__, str(exc)[:200], ", ".join(sorted(raw)))
            return {"update_id": raw["update_id"]}
        return raw
