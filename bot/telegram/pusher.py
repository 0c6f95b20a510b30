"""Pushing new entries to the chats following them: match, claim, send, and edit what changed.

Each round: new entries of the index are matched against every follow (recorded as push rows,
at most one per chat and entry); pushes that are due are claimed and handed to the chats' send
queues, several entries for one chat in one message; and messages whose entries the page has
since changed are edited. Any number of processes can run rounds against one database.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from sqlalchemy.exc import SQLAlchemyError

from bot.answerer_cache import AnswererCache
from bot.answers import Answerer, Citation
from bot.changes import content_version
from bot.following import store
from bot.following.store import DuePush, FollowRow
from bot.kinds import DocumentKind
from bot.refs import entry_id_of
from bot.telegram.delivery import Delivery
from bot.telegram.outbox import Outgoing
from bot.telegram.render import citation_html, push_message
from bot.telegram.upkeep import off_loop

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
RETRY_AFTER = timedelta(seconds=30)
EDITS_WITHIN = timedelta(days=1)


@dataclass(frozen=True)
class PushTiming:
    # A chat's pushes wait for this long a lull (entries of one load land together)...
    quiet: timedelta = timedelta(seconds=10)
    # ...but never longer than this after the first.
    longest: timedelta = timedelta(seconds=60)


def push_timing(settings) -> PushTiming:
    return PushTiming(timedelta(seconds=settings.push_quiet_seconds), timedelta(seconds=settings.push_longest_seconds))


def digest(citation: Citation) -> str:
    return hashlib.sha256(citation_html(citation).encode()).hexdigest()


class Pusher:
    def __init__(self, answerers: AnswererCache, delivery: Delivery, timing: PushTiming = PushTiming()):
        self.answerers = answerers
        self.engine = answerers.engine
        self.delivery = delivery
        self.timing = timing
        self.owner = uuid.uuid4().hex
        self._edited_for: Answerer | None = None
        self._match_for: tuple[Answerer, object] | None = None
        # Outcomes of sends since the last round: (push, message id, digest); pushes to retry;
        # the newest entry pushed to each chat.
        self._sent: list[tuple[int, int | None, str]] = []
        self._released: list[int] = []
        self._seen: dict[int, int] = {}
        delivery.on_forbidden = self._chat_refused

    async def round(self) -> None:
        await self._record_outcomes()
        answerer = await off_loop(self.answerers.answerer)
        if self._match_for is None or self._match_for[0] is not answerer:
            self._match_for = (answerer, _matcher(answerer))
        match = self._match_for[1]
        await off_loop(lambda: store.record_matches(self.engine, answerer.newest_entry_id, match))
        room = self.delivery.room_for_pushes()
        if room > 0:
            due = await off_loop(lambda: store.claim_due(
                self.engine, self.owner, answerer.newest_entry_id, quiet=self.timing.quiet,
                longest=self.timing.longest, lease=LEASE, limit_chats=room))
            # Rendering hundreds of messages is CPU work: not on the loop the answers use.
            messages = await off_loop(lambda: self._messages(answerer, due))
            self.delivery.send(messages)
        if answerer is not self._edited_for and await off_loop(self._index_is_current):
            # New content: messages already pushed may show entries the page has changed since.
            # (Only from a current index: an older one would edit them back.)
            self._edited_for = answerer
            await self._edit_changed(answerer)

    async def run(self, every: float, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                await self.round()
            except SQLAlchemyError as exc:
                log.warning("pushing paused: the database is not usable (%s)", exc.__class__.__name__)
            except Exception:
                log.exception("a push round failed")
            try:
                await asyncio.wait_for(stopping.wait(), timeout=every)
            except TimeoutError:
                pass
        try:
            await self._record_outcomes()
        except SQLAlchemyError:
            log.warning("the last pushes sent could not be recorded; their claims run out and they are sent again")

    async def _record_outcomes(self) -> None:
        """What the send queues did since the last round, written in one transaction."""
        if not (self._sent or self._released):
            return
        sent, released, seen = self._sent, self._released, self._seen
        self._sent, self._released, self._seen = [], [], {}
        try:
            await off_loop(lambda: store.record_outcomes(self.engine, sent, released, seen, RETRY_AFTER))
        except SQLAlchemyError:
            self._sent, self._released = sent + self._sent, released + self._released
            for chat, entry in seen.items():
                self._seen[chat] = max(entry, self._seen.get(chat, 0))
            raise

    # --- one chat's message ----------------------------------------------------------------

    def _messages(self, answerer: Answerer, due: list[DuePush]) -> list[Outgoing]:
        by_chat: dict[int, list[DuePush]] = defaultdict(list)
        by_topic: dict[str, set[int]] = defaultdict(set)
        for push in due:
            by_chat[push.chat_id].append(push)
            by_topic[push.topic].add(push.entry_id)
        # Each entry cited once per topic for all the chats that follow it: for its topic's
        # sentences if it matches, else (a follow changed since) by its lead.
        cache: dict[tuple[str, int], Citation | None] = {}
        for topic, entry_ids in by_topic.items():
            leads = {_entry_id(c): c for c in answerer.followed("", sorted(entry_ids))}
            matched = {_entry_id(c): c for c in answerer.followed(topic, sorted(entry_ids))} if topic else leads
            for entry_id in entry_ids:
                cache[(topic, entry_id)] = matched.get(entry_id) or leads.get(entry_id)
        messages = []
        for pushes in by_chat.values():
            message = self._message(pushes, cache)
            if message is not None:
                messages.append(message)
        return messages

    def _message(self, pushes: list[DuePush], cache: dict[tuple[str, int], Citation | None]) -> Outgoing | None:
        cited = self._cited(pushes, cache)
        ids = [p.id for p in pushes]
        if not cited:  # every entry is gone from the coverage: nothing to say
            self._sent += [(push_id, None, "") for push_id in ids]
            return None
        first = pushes[0]
        text, keyboard, shown = push_message(first.topic, first.follow_id, [c for _, c in cited])
        digests = {p.id: digest(c) for p, c in cited}
        newest = max(p.entry_id for p, _ in cited[:shown])

        async def done(message_id: int | None) -> None:
            if message_id is None:
                self._released += ids
                return
            self._sent += [(push_id, message_id, digests.get(push_id, "")) for push_id in ids]
            self._seen[first.chat_id] = max(newest, self._seen.get(first.chat_id, 0))

        return Outgoing(first.chat_id, text, thread_id=first.thread_id or None, keyboard=keyboard, push=True,
                        on_done=done)

    @staticmethod
    def _cited(pushes: list[DuePush], cache: dict[tuple[str, int], Citation | None]) -> list[tuple[DuePush, Citation]]:
        """Each push with its entry as cited for the push's topic, newest entry first."""
        cited = []
        for push in pushes:
            citation = cache.get((push.topic, push.entry_id))
            if citation is not None:
                cited.append((push, citation))
        cited.sort(key=lambda pair: -pair[0].entry_id)
        return cited

    # --- edits -------------------------------------------------------------------------------

    async def _edit_changed(self, answerer: Answerer) -> None:
        sent = await off_loop(lambda: store.sent_since(self.engine, store.now() - EDITS_WITHIN))
        messages: dict[tuple[int, int], list[tuple[int, int, str]]] = defaultdict(list)
        for chat_id, message_id, thread_id, entry_id, old in sent:
            messages[(chat_id, message_id)].append((thread_id, entry_id, old))
        for (chat_id, message_id), entries in messages.items():
            ids = [entry_id for _, entry_id, _ in entries]
            citations = {_entry_id(c): c for c in answerer.followed("", ids)}
            changed = {e: digest(citations[e]) for _, e, old in entries if e in citations and digest(citations[e]) != old}
            if not changed:
                continue
            topic, follow_id = await off_loop(partial(self._topic_of, chat_id, message_id))
            matched = {_entry_id(c): c for c in answerer.followed(topic, ids)}
            shown = [matched.get(e) or citations[e] for e in sorted(citations, reverse=True)]
            text, keyboard, _ = push_message(topic, follow_id, shown)
            new_digests = {e: digest(citations[e]) for e in citations}

            async def done(edited: int | None, chat_id=chat_id, message_id=message_id, new_digests=new_digests) -> None:
                if edited is not None:
                    await off_loop(lambda: store.update_digests(self.engine, chat_id, message_id, new_digests))

            self.delivery.send([Outgoing(chat_id, text, keyboard=keyboard, push=True, edit_message_id=message_id,
                                         on_done=done)])

    def _index_is_current(self) -> bool:
        return content_version(self.engine) == self.answerers.version

    def _topic_of(self, chat_id: int, message_id: int) -> tuple[str, int]:
        return store.topic_of_message(self.engine, chat_id, message_id)

    async def _chat_refused(self, chat_id: int) -> None:
        removed = await off_loop(lambda: store.remove_follows(self.engine, chat_id))
        if removed:
            log.info("chat %s refuses the bot: its %d follow(s) were removed", chat_id, removed)


def _entry_id(citation: Citation) -> int:
    entry_id = entry_id_of(citation.ref)
    if entry_id is None:
        raise ValueError(f"a follow cited {citation.ref}, which is not an entry")
    return entry_id


def _matcher(answerer: Answerer):
    """For record_matches: each follow with the entries it gets among those new to it."""
    entry_ids = sorted(d.row_id for d in answerer.documents if d.kind == DocumentKind.ENTRY)

    def match(follows: list[FollowRow], horizon: int) -> Iterator[tuple[FollowRow, list[int]]]:
        by_topic: dict[str, list[FollowRow]] = defaultdict(list)
        for follow in follows:
            by_topic[follow.topic].append(follow)
        for topic, group in by_topic.items():
            since = min(f.after_entry for f in group)
            new = entry_ids[bisect_right(entry_ids, since):bisect_right(entry_ids, horizon)]
            if not new:
                continue
            matched = [_entry_id(c) for c in answerer.followed(topic, new)]
            for follow in group:
                yield follow, [e for e in matched if e > follow.after_entry]

    return match
