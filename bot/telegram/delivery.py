"""Sending messages: one queue per chat, so that waiting on a chat's flood limit, a 429 or a
failing connection holds up that chat alone, never another chat or an update handler.
(Over 300 lines: every outcome of a send, for replies, pushes and edits, is decided here.)

Handlers hand their messages over and return. Each chat's queue is worked by a task of its own,
in order; it paces itself by Telegram's limits (about 30 messages a second in all, 20 a minute
in a group), waits out a 429 for its own chat only, and keeps trying through network failures.
A message that still cannot be sent after a few tries is kept in the outbox table, with the
rest of its chat's queue, so a restart sends it too; kept messages go out, in order, once
Telegram answers again, for up to `keep_for`.
"""

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.telegram.outbox import Outbox, Outgoing, now
from bot.telegram.render import plain
from bot.telegram.state import Context

log = logging.getLogger(__name__)

GROUP_PER_MINUTE = 20
PUSH_SHARE = 0.8
REQUESTS_IN_FLIGHT = 16
PUSH_REQUESTS_IN_FLIGHT = 8
# Failed attempts (about 1 + 2 + 4 seconds of trying) before a message is kept in the database.
KEEP_AFTER_FAILURES = 3
MAX_BACKOFF_SECONDS = 30.0
SORRY = plain("Sorry, something went wrong while answering. Please try again in a moment.")


def delivery(context: Context) -> "Delivery":
    return context.bot_data.delivery


def outgoing(message: Message, html: str, keyboard: InlineKeyboardMarkup | None = None) -> Outgoing:
    """A message for the chat (and forum topic) `message` came from."""
    thread = message.message_thread_id if message.is_topic_message else None
    return Outgoing(message.chat_id, html, thread_id=thread, keyboard=keyboard)


def say(context: Context, message: Message, html: str) -> None:
    delivery(context).send([outgoing(message, html)])


class Window:
    """At most `limit` events in any `period` seconds."""

    def __init__(self, limit: int, period: float):
        self.limit = limit
        self.period = period
        self.times: deque[float] = deque()

    def wait(self, moment: float) -> float:
        while self.times and moment - self.times[0] >= self.period:
            self.times.popleft()
        return 0.0 if len(self.times) < self.limit else self.times[0] + self.period - moment

    def idle(self, moment: float) -> bool:
        return not self.times or moment - self.times[-1] >= self.period


def _is_group(chat_id: int) -> bool:
    return chat_id < 0  # groups, supergroups and channels


class Delivery:
    def __init__(self, bot: Bot, outbox: Outbox | None, *, per_second: float,
                 keep_for: timedelta = timedelta(hours=1), retry_seconds: float = 1.0):
        self.bot = bot
        self.outbox = outbox
        self.keep_for = keep_for
        self.retry_seconds = retry_seconds
        # Telegram counts messages per second; a window of one second allows its usual bursts.
        self._overall = Window(max(1, round(per_second)), 1.0)
        self._groups: dict[int, Window] = {}
        self._push_chats: dict[int, Window] = {}
        self._replies_waiting = 0
        self._requests = asyncio.Semaphore(REQUESTS_IN_FLIGHT)
        self._push_requests = asyncio.Semaphore(PUSH_REQUESTS_IN_FLIGHT)
        # Pushes may fill this much of each second; the rest is kept for replies.
        self._push_share = max(1, int(self._overall.limit * PUSH_SHARE))
        # Called when a chat refuses the bot (blocked, removed): its follows can go.
        self.on_forbidden: Callable[[int], Awaitable[None]] | None = None
        self._queues: dict[int, deque[Outgoing]] = {}
        self._workers: dict[int, asyncio.Task] = {}
        self._held: set[int] = set()  # outbox rows this process has in its queues

    # --- handing messages over -------------------------------------------------------------

    def send(self, messages: list[Outgoing]) -> None:
        """Queue messages for their chats and return at once."""
        for message in messages:
            queue = self._queues.setdefault(message.chat_id, deque())
            if message.push:
                queue.append(message)
            else:
                # A reply goes before the chat's pushes still waiting (not before one being sent).
                waiting_push = next((i for i in range(1, len(queue)) if queue[i].push), None)
                if waiting_push is None:
                    queue.append(message)
                else:
                    queue.insert(waiting_push, message)
            if message.stored_id is not None:
                self._held.add(message.stored_id)
            if message.chat_id not in self._workers:
                self._workers[message.chat_id] = asyncio.create_task(
                    self._work(message.chat_id), name=f"send to {message.chat_id}"
                )

    def room_for_pushes(self) -> int:
        """How many more chats' pushes are worth queueing now: about two seconds of sending.
        Claiming more would only hold claims the queues cannot serve yet."""
        queued = sum(1 for queue in self._queues.values() for message in queue if message.push)
        return max(0, 2 * self._push_share - queued)

    # --- the outbox, across restarts and processes -----------------------------------------

    async def resume(self) -> None:
        """Send what a stopped or failed process kept; renew the lease on what this one keeps."""
        if self.outbox is None:
            return
        try:
            if self._held:
                await asyncio.to_thread(self.outbox.renew)
            kept = await asyncio.to_thread(self.outbox.take_over, self.keep_for)
        except SQLAlchemyError as exc:
            log.warning("could not read the kept replies: %s", exc.__class__.__name__)
            return
        fresh = [message for message in kept if message.stored_id not in self._held]
        if fresh:
            log.info("sending %d kept replies", len(fresh))
            self.send(fresh)

    async def stop(self, drain_seconds: float = 2.0) -> None:
        """Give the queues a moment to empty, then keep whatever is left for the next start."""
        workers = list(self._workers.values())
        if workers:
            await asyncio.wait(workers, timeout=drain_seconds)
        for task in self._workers.values():
            task.cancel()
        await asyncio.gather(*self._workers.values(), return_exceptions=True)
        left = [message for queue in self._queues.values() for message in queue]
        if self.outbox is None:
            if left:
                log.warning("%d replies were not sent before stopping", len(left))
            return
        try:
            await asyncio.to_thread(self.outbox.keep, left)
            await asyncio.to_thread(self.outbox.release)
        except SQLAlchemyError as exc:
            log.error("%d unsent replies could not be kept: %s", len(left), exc.__class__.__name__)
            return
        if left:
            log.info("kept %d unsent replies for the next start", len(left))

    # --- one chat's queue ------------------------------------------------------------------

    async def _work(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        try:
            while queue:
                await self._deliver(queue[0], queue)
                if queue:
                    queue.popleft()
        finally:
            del self._workers[chat_id]
            if not queue:
                del self._queues[chat_id]

    async def _deliver(self, message: Outgoing, queue: deque[Outgoing]) -> None:
        failures = 0
        while True:
            if now() - message.created_at > self.keep_for:
                log.warning("dropped a reply to chat %s: not sent within %s", message.chat_id, self.keep_for)
                await self._forget(message)
                return
            await self._pace(message.chat_id, message.push)
            try:
                sent_id = await self._send(message)
            except RetryAfter as exc:
                # This chat's flood limit: only this chat waits.
                await asyncio.sleep(_seconds(exc.retry_after))
            except Forbidden as exc:
                # Blocked by the user, or removed from the chat: nothing more can go there.
                log.warning("not allowed to send to chat %s: %s", message.chat_id, exc)
                for dropped in list(queue):
                    await self._forget(dropped)
                    await _done(dropped, None)
                queue.clear()
                if self.on_forbidden is not None:
                    await self.on_forbidden(message.chat_id)
                return
            except BadRequest as exc:
                if message.edit_message_id is not None and "not modified" in str(exc).lower():
                    await _done(message, message.edit_message_id)
                    return
                # Telegram refuses this message for good; the user hears that something went wrong.
                log.error("Telegram refused a message to chat %s: %s", message.chat_id, exc)
                if message.push:
                    await _done(message, None)
                else:
                    await self._apologise_for(message, queue)
                return
            except NetworkError as exc:  # lost connections, timeouts, Telegram's 5xx
                failures += 1
                log.warning("sending failed (%s); trying again", exc.__class__.__name__)
                if failures == KEEP_AFTER_FAILURES:
                    if message.push:
                        # A push has its own row: it is claimed again later, not held here.
                        await _done(message, None)
                        return
                    await self._keep(queue)
                await asyncio.sleep(min(self.retry_seconds * 2 ** (failures - 1), MAX_BACKOFF_SECONDS))
            except Exception:  # a bug must cost one message, never the chat's queue
                log.error("error while sending a message to chat %s", message.chat_id, exc_info=True)
                if message.push:
                    await _done(message, None)
                else:
                    await self._apologise_for(message, queue)
                return
            else:
                await self._forget(message)
                await _done(message, sent_id)
                return

    async def _send(self, message: Outgoing) -> int:
        # Few requests in flight: the HTTP pool's bookkeeping grows with the square of what waits
        # in it. Pushes may hold only part of them, so a reply never waits behind a fan-out.
        if message.push:
            async with self._push_requests, self._requests:
                return await self._request(message)
        async with self._requests:
            return await self._request(message)

    async def _request(self, message: Outgoing) -> int:
        # HTML without link previews: the bot's Defaults (bot.telegram.app).
        if message.edit_message_id is not None:
            await self.bot.edit_message_text(
                message.text, chat_id=message.chat_id, message_id=message.edit_message_id,
                reply_markup=message.keyboard,
            )
            return message.edit_message_id
        sent = await self.bot.send_message(
            message.chat_id, message.text, message_thread_id=message.thread_id, reply_markup=message.keyboard
        )
        return sent.message_id

    async def _apologise_for(self, message: Outgoing, queue: deque[Outgoing]) -> None:
        await self._forget(message)
        if message.text != SORRY:
            queue.insert(1, Outgoing(message.chat_id, SORRY, thread_id=message.thread_id))

    async def _pace(self, chat_id: int, push: bool = False) -> None:
        """Wait for a slot under Telegram's limits. Replies first: a push waits while any reply
        does, leaves part of each second to replies, and goes at most once a second per chat."""
        windows = [self._overall]
        if _is_group(chat_id):
            windows.append(self._window(self._groups, chat_id, GROUP_PER_MINUTE, 60.0))
        if push:
            windows.append(self._window(self._push_chats, chat_id, 1, 1.0))
        else:
            self._replies_waiting += 1
        try:
            while True:
                moment = time.monotonic()
                wait = max(window.wait(moment) for window in windows)
                if push and wait <= 0 and (self._replies_waiting or len(self._overall.times) >= self._push_share):
                    wait = 0.05
                if wait <= 0:
                    for window in windows:
                        window.times.append(moment)
                    return
                await asyncio.sleep(wait)
        finally:
            if not push:
                self._replies_waiting -= 1

    def _window(self, windows: dict[int, Window], chat_id: int, limit: int, period: float) -> Window:
        window = windows.get(chat_id)
        if window is None:
            if len(windows) >= 1_000:
                moment = time.monotonic()
                for idle in [c for c, w in windows.items() if w.idle(moment)]:
                    del windows[idle]
            window = windows[chat_id] = Window(limit, period)
        return window

    async def _keep(self, queue: deque[Outgoing]) -> None:
        if self.outbox is None:
            return
        try:
            await asyncio.to_thread(self.outbox.keep, list(queue))
        except SQLAlchemyError as exc:
            log.error("could not keep unsent replies in the database: %s", exc.__class__.__name__)
            return
        self._held.update(m.stored_id for m in queue if m.stored_id is not None)
        log.warning("kept %d unsent replies to chat %s in the database; still trying", len(queue), queue[0].chat_id)

    async def _forget(self, message: Outgoing) -> None:
        if self.outbox is None or message.stored_id is None:
            return
        stored = message.stored_id
        try:
            await asyncio.to_thread(self.outbox.sent, message)
        except SQLAlchemyError as exc:
            # The row stays; its lease runs out and it is sent again: a duplicate, never a loss.
            log.error("could not mark a kept reply as sent: %s", exc.__class__.__name__)
        self._held.discard(stored)


async def _done(message: Outgoing, sent_id: int | None) -> None:
    if message.on_done is None:
        return
    try:
        await message.on_done(sent_id)
    except Exception:  # the message is out; what records it must not stop the queue
        log.error("could not record a sent push to chat %s", message.chat_id, exc_info=True)


def _seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
