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
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from aiohttp import web

DEFAULT_TOKEN = "123456:TEST-token-ABCdef_ghiJKL0123456789"
MAX_MESSAGE_LENGTH = 4096
DEFAULT_USER_ID = 10001

T = TypeVar("T")
Params = dict[str, Any]

_ALLOWED_TAGS = frozenset(
    "b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji".split()
)
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_RE = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTR_RE = re.compile(r"""([a-zA-Z_-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ENTITY_RE = re.compile(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z][a-zA-Z0-9]*);")
# Form fields that are plain strings; everything else is JSON-decoded when possible, because
# PTB form-encodes ints as "123" and nested objects (reply_markup, results...) as JSON strings.
_RAW_STRING_KEYS = frozenset(
    "text caption query data callback_query_id inline_query_id inline_message_id parse_mode"
    " url next_offset action language_code secret_token".split()
)


def _byte_offset(text: str, pos: int) -> str:
    return f"at byte offset {len(text[:pos].encode())}"


def _tag_attr_problem(name: str, attrs: dict[str, str]) -> str | None:
    """Telegram rejects these tags when their mandatory attribute is missing."""
    if name == "span" and attrs.get("class") != "tg-spoiler":
        return 'Tag "span" must have class "tg-spoiler"'
    if name == "a" and not attrs.get("href"):
        return 'Tag "a" must have attribute "href"'
    if name == "tg-emoji" and not attrs.get("emoji-id"):
        return 'Tag "tg-emoji" must have attribute "emoji-id"'
    return None


def _parse_html(text: str) -> tuple[str, str | None]:
    """Return (plain text, first error) following Telegram's HTML parse_mode rules.

    Unlike Telegram, unknown named entities such as ``&nbsp;`` are rejected: Telegram would
    show them literally, which is always a bug in bot output. A bare ``&`` is accepted, as
    Telegram does.
    """
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "<":
            m = _TAG_RE.match(text, i)
            if m is None:
                return "", f"Unclosed start tag {_byte_offset(text, i)} (escape '<' as &lt;)"
            closing, name = m.group(1), m.group(2).lower()
            if closing:
                if not stack or stack[-1] != name:
                    expected = f'"</{stack[-1]}>"' if stack else "no end tag"
                    return "", (
                        f"Unmatched end tag {_byte_offset(text, i)}, "
                        f'expected {expected}, found "</{name}>"'
                    )
                stack.pop()
            else:
                if name not in _ALLOWED_TAGS:
                    return "", f'Unsupported start tag "{name}" {_byte_offset(text, i)}'
                attrs = {k.lower(): a or b or c for k, a, b, c in _ATTR_RE.findall(m.group(3))}
                if problem := _tag_attr_problem(name, attrs):
                    return "", f"{problem} {_byte_offset(text, i)}"
                stack.append(name)
            i = m.end()
            continue
        if text[i] == "&" and (m := _ENTITY_RE.match(text, i)):
            ent = m.group(1)
            if ent.startswith("#"):
                code = int(ent[2:], 16) if ent[1] in "xX" else int(ent[1:])
                if not 0 < code <= 0x10FFFF:
                    return "", f'Invalid numeric entity "&{ent};" {_byte_offset(text, i)}'
                out.append(chr(code))
            elif ent in _NAMED_ENTITIES:
                out.append(_NAMED_ENTITIES[ent])
            else:
                return "", f'Unsupported HTML entity "&{ent};" {_byte_offset(text, i)}'
            i = m.end()
            continue
        out.append(text[i])
        i += 1
    if stack:
        return "", f'Can\'t find end tag corresponding to start tag "{stack[-1]}"'
    return "".join(out), None


def _check_text(text: str, html: bool) -> tuple[str, list[str]]:
    """Return (text as Telegram stores it, problems as Bot API descriptions minus prefix)."""
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
    """Telegram measures entity offsets/lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _decode(key: str, value: Any) -> Any:
    if isinstance(value, web.FileField):
        return value.filename
    if key in _RAW_STRING_KEYS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _error(status: int, description: str, parameters: Params | None = None) -> web.Response:
    body: Params = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


class _ApiError(Exception):
    """Raised by method handlers to answer with a Bot API error (and record it in ``errors``)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


class FakeBotApi:
    """In-process fake of https://api.telegram.org, see the module docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        username: str = "newsdesk_test_bot",
        first_name: str = "Newsdesk Test Bot",
    ) -> None:
        self._token = token
        self.username = username
        self.bot_user: Params = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self._lock = threading.RLock()
        self._calls: list[tuple[str, Params]] = []
        self._succeeded: list[tuple[str, Params]] = []
        self._errors: list[str] = []
        self._updates: list[Params] = []
        self._next_update_id = 1
        self._next_callback_id = 1
        self._last_message_id: dict[Any, int] = {}
        self._messages: dict[tuple[Any, int], Params] = {}
        self._chats: dict[Any, Params] = {}
        self._commands: dict[tuple[str, str], list[Any]] = {}
        self._webhook_url = ""
        self._faults: dict[str, list[tuple[int, str, Params | None]]] = {}
        self._delays: dict[str, float] = {}
        self._down = False
        self._closing = False
        self._port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._update_event: asyncio.Event | None = None
        methods: dict[str, Callable[[Params], Any]] = {
            "getMe": lambda p: self.bot_user,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": lambda p: {
                "url": self._webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            },
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda p: self._commands.get(self._scope(p), []),
            "deleteMyCommands": lambda p: self._commands.pop(self._scope(p), None) or True,
        }
        for name in "answerCallbackQuery answerInlineQuery sendChatAction close logOut".split():
            methods[name] = lambda p: True
        self._methods = {name.lower(): (name, fn) for name, fn in methods.items()}

    # -- lifecycle ---------------------------------------------------------------------------

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
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._serve, args=(sock, ready, failure), name="fake-bot-api", daemon=True
        )
        self._thread.start()
        ready.wait(10)
        if failure or not ready.is_set():
            raise RuntimeError("FakeBotApi failed to start") from (failure or [None])[0]
        return self

    def _serve(
        self, sock: socket.socket, ready: threading.Event, failure: list[BaseException]
    ) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop, self._update_event = loop, asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        try:
            loop.run_until_complete(self._runner.setup())
            loop.run_until_complete(web.SockSite(self._runner, sock).start())
        except BaseException as exc:  # noqa: BLE001 - handed to start() to re-raise
            failure.append(exc)
            loop.close()
            return
        ready.set()
        loop.run_forever()
        loop.close()

    async def _shutdown(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()
        asyncio.get_running_loop().stop()

    def stop(self) -> None:
        """Release pending long polls, close connections and join the server thread."""
        if self._thread is None or self._loop is None:
            return
        self._closing = True
        self._wake()
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._thread.join(10)
        self._thread = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- fault injection ---------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error instead of handling them."""
        params = None
        if status == 429:
            description = description or f"Too Many Requests: retry after {retry_after}"
            params = {"retry_after": retry_after}
        fault = (status, description or HTTPStatus(status).phrase, params)
        with self._lock:
            self._faults.setdefault(method.lower(), []).extend([fault] * times)

    def set_down(self, down: bool = True) -> None:
        """Simulate an unreachable server: each request's TCP connection is aborted before any
        response byte is written, so httpx raises RemoteProtocolError ("Server disconnected
        without sending a response") and PTB raises ``telegram.error.NetworkError``."""
        self._down = down

    def delay(self, method: str, seconds: float) -> None:
        """Sleep ``seconds`` before answering ``method`` (0 removes the delay)."""
        self._delays[method.lower()] = seconds

    # -- request handling --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if self._down:
            assert request.transport is not None
            request.transport.abort()
            return web.Response()
        if request.match_info["token"] != self._token:
            return _error(401, "Unauthorized")
        entry = self._methods.get(request.match_info["method"].lower())
        if entry is None:
            return _error(404, "Not Found: method not found")
        name, handler = entry
        params = await self._read_params(request)
        with self._lock:
            self._calls.append((name, params))
            faults = self._faults.get(name.lower())
            fault = faults.pop(0) if faults else None
        await asyncio.sleep(self._delays.get(name.lower(), 0))
        if fault:
            return _error(*fault)
        try:
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
        except _ApiError as exc:
            with self._lock:
                self._errors.append(f"{name}: {exc.description}")
            return _error(exc.status, exc.description)
        with self._lock:
            self._succeeded.append((name, params))
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _read_params(request: web.Request) -> Params:
        if request.content_type == "application/json":
            return dict(await request.json()) if request.can_read_body else {}
        fields = {**request.query, **(await request.post())}
        return {key: _decode(key, value) for key, value in fields.items()}

    async def _get_updates(self, p: Params) -> list[Params]:
        if self._webhook_url:
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is active;"
                                 " use deleteWebhook to delete the webhook first")
        offset, limit = int(p.get("offset") or 0), int(p.get("limit") or 100)
        assert self._update_event is not None
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        while True:
            self._update_event.clear()
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                batch = self._updates[:limit]
            remaining = deadline - time.monotonic()
            if batch or self._closing or remaining <= 0:
                return batch
            try:
                await asyncio.wait_for(self._update_event.wait(), remaining)
            except TimeoutError:
                return []

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

    def _text_from(self, p: Params) -> str:
        is_html = str(p.get("parse_mode") or "").upper() == "HTML"
        text, problems = _check_text(str(p.get("text") or ""), is_html)
        if problems:
            raise _ApiError(400, f"Bad Request: {problems[0]}")
        return text

    def _chat(self, chat_id: Any) -> Params:
        if chat_id in self._chats:
            return self._chats[chat_id]
        if isinstance(chat_id, str):
            return {"id": -1000000000001, "type": "channel", "title": chat_id, "username": chat_id[1:]}
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Test"}
        return {"id": chat_id, "type": "supergroup", "title": "Test chat"}

    def _new_message_id(self, chat_id: Any) -> int:
        with self._lock:
            self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
            return self._last_message_id[chat_id]

    def _send_message(self, p: Params) -> Params:
        """Telegram echoes the parsed plain text, and reply_markup only for inline keyboards."""
        if p.get("chat_id") in (None, ""):
            raise _ApiError(400, "Bad Request: chat_id is empty")
        chat_id = p["chat_id"]
        message = {
            "message_id": self._new_message_id(chat_id),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self.bot_user,
            "text": self._text_from(p),
        }
        markup = p.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        with self._lock:
            self._messages[(chat_id, message["message_id"])] = message
        return message

    def _edit_message_text(self, p: Params) -> Params | bool:
        """Mirrors Telegram: omitting reply_markup removes the keyboard; no-op edits are a 400."""
        text = self._text_from(p)
        if p.get("inline_message_id"):
            return True
        key = (p.get("chat_id"), int(p.get("message_id") or 0))
        with self._lock:
            old = self._messages.get(key)
            if old is None:
                raise _ApiError(400, "Bad Request: message to edit not found")
            new = {k: v for k, v in old.items() if k not in ("reply_markup", "edit_date")}
            new["text"] = text
            markup = p.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                new["reply_markup"] = markup
            if new == {k: v for k, v in old.items() if k != "edit_date"}:
                raise _ApiError(400, "Bad Request: message is not modified: specified new message"
                                     " content and reply markup are exactly the same as a current"
                                     " content and reply markup of the message")
            new["edit_date"] = int(time.time())
            self._messages[key] = new
        return new

    # -- injecting updates (thread-safe) -----------------------------------------------------

    def _wake(self) -> None:
        if self._loop is not None and self._update_event is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._update_event.set)

    def push_update(self, update: Params) -> int:
        """Queue a raw update for getUpdates; assigns ``update_id`` when missing."""
        with self._lock:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
            self._updates.append(update)
        self._wake()
        return update["update_id"]

    @staticmethod
    def _user(user_id: int, username: str, first_name: str) -> Params:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "username": username,
                "language_code": "en"}

    def _auto_entities(self, text: str) -> list[Params]:
        """Add the entities Telegram's clients/servers would: leading command, bot mentions."""
        entities = []
        if command := re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text):
            entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command[0])})
        mention = rf"(?<![\w/@])@{re.escape(self.username)}\b"
        for m in re.finditer(mention, text, re.IGNORECASE):
            entities.append({"type": "mention", "offset": _utf16_len(text[: m.start()]),
                             "length": _utf16_len(m[0])})
        return entities

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        username: str = "tester",
        first_name: str = "Tess",
        entities: list[Params] | None = None,
        reply_to_message: Params | None = None,
    ) -> int:
        """Simulate a user writing ``text`` in ``chat_id``; returns the update_id."""
        user = self._user(
            user_id if user_id is not None else chat_id if chat_type == "private" else DEFAULT_USER_ID,
            username,
            first_name,
        )
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": first_name, "username": username}
        else:
            chat = {"id": chat_id, "type": chat_type, "title": f"Test {chat_type}"}
        with self._lock:
            self._chats[chat_id] = chat
        message: Params = {"message_id": self._new_message_id(chat_id), "date": int(time.time()),
                           "chat": chat, "from": user, "text": text}
        entities = self._auto_entities(text) if entities is None else entities
        if entities:
            message["entities"] = entities
        if reply_to_message is not None:
            message["reply_to_message"] = reply_to_message
        return self.push_update({"message": message})

    def send_callback_query(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        username: str = "tester",
        first_name: str = "Tess",
    ) -> int:
        """Simulate a button press on bot message ``message_id`` (as last sent/edited)."""
        with self._lock:
            message = self._messages.get((chat_id, message_id))
            known = sorted(k[1] for k in self._messages if k[0] == chat_id)
            callback_id, self._next_callback_id = self._next_callback_id, self._next_callback_id + 1
        if message is None:
            raise KeyError(f"bot sent no message {message_id} to chat {chat_id}; known: {known}")
        if user_id is None:
            user_id = chat_id if message["chat"]["type"] == "private" else DEFAULT_USER_ID
        return self.push_update({"callback_query": {
            "id": str(callback_id), "from": self._user(user_id, username, first_name),
            "message": message, "chat_instance": str(chat_id), "data": data,
        }})

    def send_inline_query(
        self, query: str, *, user_id: int = DEFAULT_USER_ID, username: str = "tester",
        first_name: str = "Tess", offset: str = "",
    ) -> int:
        """Simulate ``@bot query`` typed in any chat; returns the update_id."""
        with self._lock:
            query_id, self._next_callback_id = self._next_callback_id, self._next_callback_id + 1
        return self.push_update({"inline_query": {
            "id": str(query_id), "from": self._user(user_id, username, first_name),
            "query": query, "offset": offset,
        }})

    # -- observing ---------------------------------------------------------------------------

    @property
    def calls(self) -> list[tuple[str, Params]]:
        """Every request that reached a method, including injected failures, in order."""
        with self._lock:
            return list(self._calls)

    @property
    def errors(self) -> list[str]:
        """Bad requests the bot made (invalid HTML, too long, ...); tests assert it is empty."""
        with self._lock:
            return list(self._errors)

    def successful_calls(self, method: str, chat_id: Any = None) -> list[Params]:
        """Params of answered-ok calls to ``method``, optionally for one chat only."""
        with self._lock:
            return [p for name, p in self._succeeded if name.lower() == method.lower()
                    and (chat_id is None or p.get("chat_id") == chat_id)]

    def sent_messages(self, chat_id: Any = None) -> list[Params]:
        return self.successful_calls("sendMessage", chat_id)

    def edits(self, chat_id: Any = None) -> list[Params]:
        return self.successful_calls("editMessageText", chat_id)

    def inline_answers(self) -> list[Params]:
        return self.successful_calls("answerInlineQuery")

    def chat_actions(self, chat_id: Any = None) -> list[Params]:
        return self.successful_calls("sendChatAction", chat_id)

    def _timeout_error(self, what: str, timeout: float) -> AssertionError:
        recent = "\n  ".join(f"{name} {params}" for name, params in self.calls[-15:]) or "(none)"
        return AssertionError(f"timed out after {timeout}s waiting for {what}; errors: "
                              f"{self.errors}; last calls:\n  {recent}")

    def wait_for(self, predicate: Callable[[], T], timeout: float = 10,
                 what: str = "condition") -> T:
        """Poll ``predicate`` until truthy and return its value (for sync tests)."""
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            if time.monotonic() > deadline:
                raise self._timeout_error(what, timeout)
            time.sleep(0.01)
        return result

    async def async_wait_for(self, predicate: Callable[[], T], timeout: float = 10,
                             what: str = "condition") -> T:
        """Like ``wait_for`` but yields to the event loop, so a bot in the same loop runs."""
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            if time.monotonic() > deadline:
                raise self._timeout_error(what, timeout)
            await asyncio.sleep(0.01)
        return result

    def _enough_messages(self, chat_id: Any, count: int) -> Callable[[], list[Params]]:
        return lambda: (msgs if len(msgs := self.sent_messages(chat_id)) >= count else [])

    def wait_for_messages(self, chat_id: Any, count: int = 1, timeout: float = 10) -> list[Params]:
        """All sendMessage params for ``chat_id`` once at least ``count`` were sent."""
        return self.wait_for(self._enough_messages(chat_id, count), timeout,
                             f"{count} message(s) to chat {chat_id}")

    async def async_wait_for_messages(self, chat_id: Any, count: int = 1,
                                      timeout: float = 10) -> list[Params]:
        return await self.async_wait_for(self._enough_messages(chat_id, count), timeout,
                                         f"{count} message(s) to chat {chat_id}")
