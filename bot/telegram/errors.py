"""What happens when handling an update fails: one log line of the right kind, and for the
user one short apology (or "try again in a minute" when the database is away)."""

import logging

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import Conflict, Forbidden, NetworkError

from bot.telegram.delivery import SORRY, say
from bot.telegram.render import plain
from bot.telegram.state import Context

log = logging.getLogger(__name__)

TRY_AGAIN = plain("The news database is not reachable right now. Please try again in a minute.")


async def on_error(update: object, context: Context) -> None:
    database_down = isinstance(context.error, SQLAlchemyError)
    if update is None and isinstance(context.error, NetworkError):
        # Polling hiccups: python-telegram-bot retries on its own, with back-off.
        log.warning("Telegram unreachable, retrying: %s", context.error)
        return
    if isinstance(context.error, Conflict):
        log.error("another process is polling with this bot's token; stop it (Telegram: %s)", context.error)
        return
    if isinstance(context.error, Forbidden):
        # The user blocked the bot or it was removed from the chat: nothing can be sent there.
        chat = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
        log.warning("not allowed to send to chat %s: %s", chat, context.error)
        return
    if database_down:
        log.error("database error while handling an update: %s", context.error.__class__.__name__)
    else:
        log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        say(context, update.effective_message, TRY_AGAIN if database_down else SORRY)
