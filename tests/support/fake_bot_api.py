"""A stand-in Telegram Bot API server for tests.

Real python-telegram-bot code talks to it over real HTTP (``ApplicationBuilder().base_url(
api.base_url)``), so tests exercise the same request encoding, error mapping, retries and
polling loop as production, without network access. The server runs in a background thread
with its own event loop, so it works the same from sync tests and from ``asyncio.run``.
Tests inject updates (``send_text`` ...), then observe what the bot sent (``sent_messages`` ...).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from http import HTTPStatus
from typing import Any, TypeVar

from aiohttp import web

DEFAULT_TOKEN = "123456:TEST-token-ABCdef_ghiJKL0123456789"
DEFAULT_USER_ID = 10001
MAX_MESSAGE_LENGTH = 4096

T = TypeVar("T")
Params = dict[str, Any]

_ALLOWED_TAGS = frozenset(
    "b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji".split()
)
_REQUIRED_ATTRS = {
    "span": ("class", "tg-spoiler"), "a": ("href", None), "tg-emoji": ("emoji-id", None)
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_RE = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTR_RE = re.compile(r"""([a-zA-Z_-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ENTITY_RE = re.compile(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z][a-zA-Z0-9]*);")
_PLAIN_RE = re.compile(r"[^<&]+")  # a run of text that is neither a tag nor an entity
# String fields that stay strings; all others are JSON-decoded when possible, because PTB
# form-encodes ints as "123" and nested objects (reply_markup, results, ...) as JSON strings
# (which Telegram also accepts inside JSON bodies).
_RAW_STRING_KEYS = frozenset(
    "text caption query data callback_query_id inline_query_id inline_message_id parse_mode"
    " url next_offset action language_code secret_token".split()
)


def _parse_html(text: str) -> tuple[str, str | None]:
    """Return (plain text, first error) following Telegram's HTML parse_mode rules.

    Stricter than Telegram in one way: unknown named entities such as ``&nbsp;`` are errors,
    since Telegram would show them literally, which is always a bug. A bare ``&`` is accepted.
    """
    out: list[str] = []
    stack: list[str] = []
    i = 0

    def at() -> str:  # Telegram reports positions in UTF-8 bytes
        return f"at byte offset {len(text[:i].encode())}"

    while i < len(text):
        if text[i] == "<":
            if (m := _TAG_RE.match(text, i)) is None:
                return "", f"Unclosed start tag {at()} (escape '<' as &lt;)"
            name = m[2].lower()
            if m[1] and (not stack or stack[-1] != name):
                expected = f'"</{stack[-1]}>"' if stack else "no end tag"
                return "", f'Unmatched end tag {at()}, expected {expected}, found "</{name}>"'
            if m[1]:
                stack.pop()
            elif name not in _ALLOWED_TAGS:
                return "", f'Unsupported start tag "{name}" {at()}'
            else:
                attrs = {k.lower(): a or b or c for k, a, b, c in _ATTR_RE.findall(m[3])}
                attr, value = _REQUIRED_ATTRS.get(name, (None, None))
                if attr and (not attrs.get(attr) or value and attrs[attr] != value):
                    return "", f'Tag "{name}" must have attribute {attr}="{value or "..."}" {at()}'
                stack.append(name)
            i = m.end()
        elif text[i] == "&" and (m := _ENTITY_RE.match(text, i)):
            ent = m[1]
            if ent.startswith("#"):
                code = int(ent[2:], 16) if ent[1] in "xX" else int(ent[1:])
                if not 0 < code <= 0x10FFFF:
                    return "", f'Invalid numeric entity "&{ent};" {at()}'
                out.append(chr(code))
            elif ent in _NAMED_ENTITIES:
                out.append(_NAMED_ENTITIES[ent])
            else:
                return "", f'Unsupported HTML entity "&{ent};" {at()}'
            i = m.end()
        elif m := _PLAIN_RE.match(text, i):  # whole runs at once: linear, and cheap per byte
            out.append(m[0])
            i = m.end()
        else:  # a bare "&"
            out.append(text[i])
            i += 1
    if stack:
        return "", f'Can\'t find end tag corresponding to start tag "{stack[-1]}"'
    return "".join(out), None


def _check_text(text: str, html: bool) -> tuple[str, list[str]]:
    """Return (text as Telegram stores it, problems as Bot API descriptions without prefix)."""
    if html:
        text, error = _parse_html(text)
        if error:
            return text, [f"can't parse entities: {error}"]
    if not text.strip():
        return text, ["message text is empty"]
    if len(text) > MAX_MESSAGE_LENGTH:
        return text, ["message is too long"]
    return text, []


def validate_telegram_html(text: str) -> list[str]:
    """Problems Telegram would report for ``text`` sent with parse_mode=HTML; [] if valid."""
    return _check_text(text, html=True)[1]


def _utf16_len(text: str) -> int:
    """Telegram measures entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _decode(key: str, value: Any) -> Any:
    if key in _RAW_STRING_KEYS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _error(status: int, description: str, parameters: Params | None = None) -> web.Response:
    body: Params = {"ok": False, "error_code": status, "description": description}
    return web.json_response({**body, "parameters": parameters} if parameters else body,
                             status=status)


class _ApiError(Exception):
    """Raised by method handlers to answer ``args == (status, description)``."""


class FakeBotApi:
    """In-process fake of https://api.telegram.org; see the module docstring."""

    def __init__(self, token: str = DEFAULT_TOKEN, username: str = "newsdesk_test_bot",
                 first_name: str = "Newsdesk Test Bot") -> None:
        self._token = token
        self.username = username
        self.bot_user: Params = {
            "id": int(token.split(":", 1)[0]), "is_bot": True, "first_name": first_name,
            "username": username, "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": True,
        }
        self._lock = threading.RLock()  # guards the state below, shared with test threads
        self._calls: list[tuple[str, Params]] = []
        self._succeeded: list[tuple[str, Params]] = []
        # The same calls indexed by lower-cased method and by (method, chat_id), so that
        # successful_calls / sent_messages cost O(answer) rather than O(all calls so far).
        self._by_method: dict[str, list[Params]] = {}
        self._by_method_chat: dict[tuple[str, Any], list[Params]] = {}
        self._listeners: list[Callable[[str, Params], None]] = []
        self._errors: list[str] = []
        self._updates: list[Params] = []
        self._next_update_id = 1
        self._query_ids = itertools.count(1)  # callback and inline query ids
        self._last_message_id: dict[Any, int] = {}
        self._messages: dict[tuple[Any, int], Params] = {}
        self._renderings: dict[tuple[Any, int], str] = {}
        self._chats: dict[Any, Params] = {}
        self._commands: dict[tuple[str, str], list[Any]] = {}
        self._webhook_url = ""
        self._admins: dict[str, set[int]] = {}  # chat id -> its administrators' user ids
        # (method, chat id or None for any chat) -> the errors its next calls get
        self._faults: dict[tuple[str, str | None], list[tuple[int, str, Params | None]]] = {}
        self._delays: dict[str, float] = {}
        self._open_polls = 0  # getUpdates calls waiting for an update
        self._down = self._closing = False
        self._port = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event  # both created by _serve, inside the server's event loop
        self._stopping: asyncio.Event
        methods: dict[str, Callable[[Params], Any]] = {
            "getMe": lambda p: self.bot_user,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": lambda p: {"url": self._webhook_url, "has_custom_certificate": False,
                                         "pending_update_count": len(self._updates)},
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda p: self._commands.get(self._scope(p), []),
            "deleteMyCommands": lambda p: self._commands.pop(self._scope(p), None) or True,
            "getChatMember": self._get_chat_member,
        }
        for name in "answerCallbackQuery answerInlineQuery sendChatAction close logOut".split():
            methods[name] = lambda p: True
        self._methods = {name.lower(): (name, fn) for name, fn in methods.items()}

    @property
    def token(self) -> str:
        return self._token

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/bot"

    def start(self) -> FakeBotApi:
        """Serve on a free 127.0.0.1 port from a daemon thread; returns once accepting."""
        if self._thread is not None:
            raise RuntimeError("FakeBotApi already started")
        self._closing = False
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        started: Future[None] = Future()  # re-raises startup errors in the calling thread
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(sock, started),),
                                        name="fake-bot-api", daemon=True)
        self._thread.start()
        try:
            started.result(10)
        except BaseException:
            self._thread = None
            raise
        return self

    async def _serve(self, sock: socket.socket, started: Future[None]) -> None:
        self._loop = asyncio.get_running_loop()
        self._wakeup, self._stopping = asyncio.Event(), asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        try:
            await runner.setup()
            await web.SockSite(runner, sock).start()
        except BaseException as exc:
            started.set_exception(exc)
            return
        started.set_result(None)
        await self._stopping.wait()
        await runner.cleanup()

    def stop(self) -> None:
        """Release pending long polls, close connections and join the server thread."""
        if self._thread is None or self._loop is None:
            return
        self._closing = True
        for event in (self._wakeup, self._stopping):
            self._loop.call_soon_threadsafe(event.set)
        self._thread.join(10)
        self._thread = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def fail_next(self, method: str, status: int = 429, retry_after: int = 1, times: int = 1,
                  description: str | None = None, chat_id: Any = None) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id`` only, if given) with an
        error instead of handling them."""
        parameters = {"retry_after": retry_after} if status == 429 else None
        if description is None:
            description = (f"Too Many Requests: retry after {retry_after}" if status == 429
                           else HTTPStatus(status).phrase)
        fault = (status, description, parameters)
        with self._lock:
            key = (method.lower(), None if chat_id is None else str(chat_id))
            self._faults.setdefault(key, []).extend([fault] * times)

    def clear_faults(self) -> None:
        """Forget every error still waiting to be given."""
        with self._lock:
            self._faults.clear()

    def set_down(self, down: bool = True) -> None:
        """Simulate an unreachable server: each request's TCP connection is aborted before any
        response byte is written, so httpx raises RemoteProtocolError ("Server disconnected
        without sending a response") and PTB raises ``telegram.error.NetworkError``."""
        self._down = down

    def long_poll_open(self) -> bool:
        """Whether a getUpdates call is waiting for an update now."""
        return self._open_polls > 0

    def delay(self, method: str, seconds: float) -> None:
        """Sleep ``seconds`` before answering ``method`` (0 removes the delay)."""
        self._delays[method.lower()] = seconds

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if self._down:
            assert request.transport is not None
            request.transport.abort()
            return web.Response()
        if request.match_info["token"] != self._token:
            return _error(401, "Unauthorized")
        if (entry := self._methods.get(request.match_info["method"].lower())) is None:
            return _error(404, "Not Found: method not found")
        name, handler = entry
        params = await self._read_params(request)
        with self._lock:
            self._calls.append((name, params))
            faults = self._faults.get((name.lower(), str(params.get("chat_id")))) or self._faults.get((name.lower(), None))
            fault = faults.pop(0) if faults else None
        await asyncio.sleep(self._delays.get(name.lower(), 0))
        if fault:
            return _error(*fault)
        try:
            result = handler(params)
            result = await result if inspect.isawaitable(result) else result
        except _ApiError as exc:
            status, description = exc.args
            with self._lock:
                self._errors.append(f"{name}: {description}")
            return _error(status, description)
        with self._lock:
            self._record_success(name, params)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(name, params)
        return web.json_response({"ok": True, "result": result})

    def _record_success(self, name: str, params: Params) -> None:
        """Append to the call log and its indexes (caller holds the lock)."""
        self._succeeded.append((name, params))
        method = name.lower()
        self._by_method.setdefault(method, []).append(params)
        chat_id = params.get("chat_id")
        if chat_id is not None:
            try:
                self._by_method_chat.setdefault((method, chat_id), []).append(params)
            except TypeError:  # an unhashable chat_id: only found by a scan, see successful_calls
                pass

    def add_listener(self, listener: Callable[[str, Params], None]) -> Callable[[], None]:
        """Call ``listener(method, params)`` from the server thread after each successful call
        (``sendMessage`` params include the assigned ``message_id``), as soon as it is recorded
        and before the bot gets the response, so waiters need not poll. Keep it quick and
        non-blocking: it runs on the server's event loop. Returns a function removing it."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)
        return remove

    @staticmethod
    async def _read_params(request: web.Request) -> Params:
        if request.content_type == "application/json":
            fields = dict(await request.json()) if request.can_read_body else {}
        else:
            fields = {**request.query, **(await request.post())}
        return {key: _decode(key, value) for key, value in fields.items()}

    async def _get_updates(self, p: Params) -> list[Params]:
        """Long poll: wait up to ``timeout`` s, returning as soon as an update is queued."""
        offset, limit = int(p.get("offset") or 0), int(p.get("limit") or 100)
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        self._open_polls += 1
        try:
            while True:
                self._wakeup.clear()
                with self._lock:  # offset confirms every update before it
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                    batch = self._updates[:limit]
                remaining = deadline - time.monotonic()
                if batch or self._closing or remaining <= 0:
                    return batch
                try:
                    await asyncio.wait_for(self._wakeup.wait(), remaining)
                except TimeoutError:
                    return []
        finally:
            self._open_polls -= 1

    def _set_webhook(self, p: Params) -> bool:
        self._webhook_url = str(p.get("url") or "")
        return True

    def _delete_webhook(self, p: Params) -> bool:
        self._webhook_url = ""
        if p.get("drop_pending_updates"):
            with self._lock:
                self._updates.clear()
        return True

    def _set_my_commands(self, p: Params) -> bool:
        self._commands[self._scope(p)] = list(p.get("commands") or [])
        return True

    @staticmethod
    def _scope(p: Params) -> tuple[str, str]:
        scope = json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True)
        return scope, str(p.get("language_code") or "")

    @staticmethod
    def _text_from(p: Params) -> str:
        is_html = str(p.get("parse_mode") or "").upper() == "HTML"
        text, problems = _check_text(str(p.get("text") or ""), is_html)
        if problems:
            raise _ApiError(400, f"Bad Request: {problems[0]}")
        return text

    def _chat(self, chat_id: Any) -> Params:
        """The chat as the bot's user saw it, else a plausible one for a chat nobody wrote in."""
        if chat_id in self._chats:
            return self._chats[chat_id]
        if isinstance(chat_id, int) and chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Test"}
        return {"id": chat_id, "type": "supergroup", "title": "Test chat"}

    def _new_message_id(self, chat_id: Any) -> int:
        with self._lock:
            self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
            return self._last_message_id[chat_id]

    @staticmethod
    def _rendering(p: Params) -> str:
        """What decides a message's look; an edit that changes neither it nor the markup is a 400.
        Raw input is compared, so differently-written but identical HTML counts as a change."""
        parse_mode = str(p.get("parse_mode") or "").upper()
        return json.dumps([p.get("text"), parse_mode, p.get("entities")])

    @staticmethod
    def _with_markup(message: Params, p: Params) -> Params:
        """Telegram echoes reply_markup only for inline keyboards; omitting it on edit drops it."""
        message = {k: v for k, v in message.items() if k != "reply_markup"}
        if isinstance(markup := p.get("reply_markup"), dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    def _send_message(self, p: Params) -> Params:
        if (chat_id := p.get("chat_id")) in (None, ""):
            raise _ApiError(400, "Bad Request: chat_id is empty")
        message = self._with_markup({
            "message_id": self._new_message_id(chat_id), "date": int(time.time()),
            "chat": self._chat(chat_id), "from": self.bot_user, "text": self._text_from(p),
        }, p)
        with self._lock:
            key = (chat_id, message["message_id"])
            self._messages[key], self._renderings[key] = message, self._rendering(p)
        p["message_id"] = message["message_id"]  # so tests can press its buttons or expect edits
        return message

    def _edit_message_text(self, p: Params) -> Params | bool:
        text = self._text_from(p)
        if p.get("inline_message_id"):
            return True
        key = (p.get("chat_id"), int(p.get("message_id") or 0))
        with self._lock:
            if (old := self._messages.get(key)) is None:
                raise _ApiError(400, "Bad Request: message to edit not found")
            new = self._with_markup({**old, "text": text, "edit_date": int(time.time())}, p)
            unchanged = self._renderings.get(key) == self._rendering(p)
            if unchanged and new.get("reply_markup") == old.get("reply_markup"):
                raise _ApiError(400, "Bad Request: message is not modified: specified new message"
                                     " content and reply markup are exactly the same as a current"
                                     " content and reply markup of the message")
            self._messages[key], self._renderings[key] = new, self._rendering(p)
        return new

    def set_admins(self, chat_id: int, user_ids: set[int]) -> None:
        """Who getChatMember reports as the chat's administrators (the creator) from now on."""
        with self._lock:
            self._admins[str(chat_id)] = set(user_ids)

    def _get_chat_member(self, p: Params) -> Params:
        user_id = int(p.get("user_id") or 0)
        with self._lock:
            admin = user_id in self._admins.get(str(p.get("chat_id")), set())
        user = self._user(user_id, f"user{user_id}", "Member")
        return {"status": "creator", "user": user, "is_anonymous": False} if admin else {"status": "member", "user": user}

    def push_update(self, update: Params) -> int:
        """Queue a raw update for getUpdates; assigns ``update_id`` when missing."""
        with self._lock:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
            self._updates.append(update)
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wakeup.set)
        return update["update_id"]

    @staticmethod
    def _user(user_id: int, username: str, first_name: str) -> Params:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "username": username,
                "language_code": "en"}

    def _auto_entities(self, text: str) -> list[Params]:
        """The entities Telegram adds itself: a leading /command and @bot mentions."""
        entities = []
        if command := re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text):
            entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command[0])})
        for m in re.finditer(rf"(?<![\w/@])@{re.escape(self.username)}\b", text, re.IGNORECASE):
            entities.append({"type": "mention", "offset": _utf16_len(text[: m.start()]),
                             "length": _utf16_len(m[0])})
        return entities

    def send_text(self, chat_id: int, text: str, *, user_id: int | None = None,
                  chat_type: str = "private", username: str = "tester", first_name: str = "Tess",
                  entities: list[Params] | None = None,
                  reply_to_message: Params | None = None, thread_id: int | None = None) -> int:
        """Simulate a user writing ``text`` in ``chat_id``; returns the update_id.

        ``user_id`` defaults to ``chat_id`` in private chats (as in Telegram), else
        DEFAULT_USER_ID; ``entities`` defaults to the ones Telegram would add."""
        if user_id is None:
            user_id = chat_id if chat_type == "private" else DEFAULT_USER_ID
        chat: Params = {"id": chat_id, "type": chat_type}
        chat |= ({"first_name": first_name, "username": username} if chat_type == "private"
                 else {"title": f"Test {chat_type}"})
        with self._lock:
            self._chats[chat_id] = chat
        message: Params = {"message_id": self._new_message_id(chat_id), "date": int(time.time()),
                           "chat": chat, "from": self._user(user_id, username, first_name),
                           "text": text}
        if entities is None:
            entities = self._auto_entities(text)
        if entities:
            message["entities"] = entities
        if reply_to_message is not None:
            message["reply_to_message"] = reply_to_message
        if thread_id is not None:  # a forum topic's thread
            chat["is_forum"] = True
            message |= {"message_thread_id": thread_id, "is_topic_message": True}
        return self.push_update({"message": message})

    def send_callback_query(self, chat_id: int, message_id: int, data: str, *,
                            user_id: int | None = None, username: str = "tester",
                            first_name: str = "Tess") -> int:
        """Simulate pressing a button on bot message ``message_id`` as last sent or edited."""
        with self._lock:
            message = self._messages.get((chat_id, message_id))
            known = sorted(mid for cid, mid in self._messages if cid == chat_id)
        if message is None:
            raise KeyError(f"bot sent no message {message_id} to chat {chat_id}; sent: {known}")
        if user_id is None:
            user_id = chat_id if message["chat"]["type"] == "private" else DEFAULT_USER_ID
        return self.push_update({"callback_query": {
            "id": str(next(self._query_ids)), "from": self._user(user_id, username, first_name),
            "message": message, "chat_instance": str(chat_id), "data": data,
        }})

    def send_inline_query(self, query: str, *, user_id: int = DEFAULT_USER_ID,
                          username: str = "tester", first_name: str = "Tess",
                          offset: str = "") -> int:
        """Simulate a user typing ``@bot query``; returns the update_id."""
        return self.push_update({"inline_query": {
            "id": str(next(self._query_ids)), "from": self._user(user_id, username, first_name),
            "query": query, "offset": offset,
        }})

    @property
    def calls(self) -> list[tuple[str, Params]]:
        """Every request that reached a known method, including failed ones, in order."""
        with self._lock:
            return list(self._calls)

    @property
    def errors(self) -> list[str]:
        """Bad requests the bot made (invalid HTML, too long, ...): tests assert it is empty.
        Failures injected with ``fail_next`` are not listed here."""
        with self._lock:
            return list(self._errors)

    def successful_calls(self, method: str, chat_id: Any = None) -> list[Params]:
        """Params of calls to ``method`` that were answered ok, optionally for one chat."""
        method = method.lower()
        with self._lock:
            if chat_id is None:
                return list(self._by_method.get(method, ()))
            try:
                return list(self._by_method_chat.get((method, chat_id), ()))
            except TypeError:  # an unhashable chat_id: fall back to comparing it with every call
                return [p for p in self._by_method.get(method, ()) if p.get("chat_id") == chat_id]

    def sent_messages(self, chat_id: Any = None) -> list[Params]:
        """sendMessage params (JSON fields decoded) plus the ``message_id`` the fake assigned."""
        return self.successful_calls("sendMessage", chat_id)

    def edits(self, chat_id: Any = None) -> list[Params]:
        return self.successful_calls("editMessageText", chat_id)

    def inline_answers(self) -> list[Params]:
        return self.successful_calls("answerInlineQuery")

    def chat_actions(self, chat_id: Any = None) -> list[Params]:
        return self.successful_calls("sendChatAction", chat_id)

    def _timeout_error(self, what: str, timeout: float) -> AssertionError:
        recent = "\n  ".join(f"{name} {params}" for name, params in self.calls[-15:]) or "(none)"
        return AssertionError(f"timed out after {timeout}s waiting for {what}; "
                              f"errors: {self.errors}; last calls:\n  {recent}")

    def wait_for(self, predicate: Callable[[], T], timeout: float = 10,
                 what: str = "condition") -> T:
        """Poll ``predicate`` until it returns something truthy, and return that (sync tests)."""
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            if time.monotonic() > deadline:
                raise self._timeout_error(what, timeout)
            time.sleep(0.01)
        return result

    async def async_wait_for(self, predicate: Callable[[], T], timeout: float = 10,
                             what: str = "condition") -> T:
        """Like ``wait_for`` but sleeps asynchronously, so a bot in the same loop keeps running."""
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            if time.monotonic() > deadline:
                raise self._timeout_error(what, timeout)
            await asyncio.sleep(0.01)
        return result

    def _messages_to(self, chat_id: Any, count: int) -> Callable[[], list[Params]]:
        return lambda: msgs if len(msgs := self.sent_messages(chat_id)) >= count else []

    def wait_for_messages(self, chat_id: Any, count: int = 1, timeout: float = 10) -> list[Params]:
        """All sendMessage params for ``chat_id`` once at least ``count`` were sent."""
        return self.wait_for(self._messages_to(chat_id, count), timeout,
                             f"{count} message(s) to chat {chat_id}")

    async def async_wait_for_messages(self, chat_id: Any, count: int = 1,
                                      timeout: float = 10) -> list[Params]:
        return await self.async_wait_for(self._messages_to(chat_id, count), timeout,
                                         f"{count} message(s) to chat {chat_id}")
