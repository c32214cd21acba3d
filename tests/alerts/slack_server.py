"""A local Slack Web API for tests: the real `slack_sdk.WebClient` talks to it over HTTP.

    with FakeSlack(token="xoxb-test") as slack:
        client = WebClient(token="xoxb-test", base_url=slack.base_url)
        client.chat_postMessage(channel="C0ALERTS", text="hello")
        assert [m["text"] for m in slack.messages("C0ALERTS")] == ["hello"]

It implements `auth.test`, `chat.postMessage`, `chat.update`, `conversations.history`,
`conversations.replies` and `conversations.list` the way Slack answers them (HTTP 200 with
`{"ok": false, "error": ...}` for API errors), keeps every message per channel, and can be told to
misbehave for the next N calls of a method: answer 429 with `Retry-After`, answer 500, answer late,
carry the call out late, or accept a message and then close the connection without answering. `stop()` and `start()` take the server down and back on the same
port with its messages kept.

Choices where Slack is vaguer or stricter than this fake:
- `chat.update` changes only the fields it is given (`text`, `blocks`, `attachments`, `metadata`);
- channels have ids (`C…`) and names; `chat.postMessage` takes either (an unknown name becomes a
  new channel, `#alerts` and `alerts` are one) and answers with the id; `chat.update`,
  `conversations.history` and `conversations.replies` take ids only and answer a name with
  `channel_not_found`, as Slack does;
- a `thread_ts` that names no message is refused with `thread_not_found`;
- Block Kit limits are enforced as Slack does (`invalid_blocks`, `msg_too_long`): 50 blocks,
  3,000 characters per section, 150 per header, 10 context elements, 40,000 of `text`;
- `metadata` is returned by `conversations.history`/`replies` only with `include_all_metadata`,
  so code that reads metadata back must ask for it (which also works on the real Slack);
- message `ts` values are the clock's time, at least 100 µs apart, in the order they are made.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

TS_STEP = Decimal("0.000100")
"""The least time between two messages' `ts`."""
CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{6,}")

TEAM_ID = "T0BUDGETDQ"
BOT_USER_ID = "U0BUDGETDQ"
BOT_ID = "B0BUDGETDQ"
APP_ID = "A0BUDGETDQ"

DEFAULT_HISTORY_LIMIT = 100
"""Slack's page size for `conversations.history` and `conversations.replies` without `limit`."""

MAX_TEXT = 40_000
MAX_BLOCKS = 50
MAX_SECTION = 3_000
MAX_HEADER = 150
MAX_CONTEXT_ELEMENTS = 10

FaultKind = Literal["ratelimited", "server_error", "delay", "late", "drop"]

Json = dict[str, Any]


class SlackApiFailure(Exception):
    """An API-level refusal, answered as HTTP 200 `{"ok": false, "error": code}` like Slack does."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Fault:
    """Misbehaviour for the next `remaining` calls of `method` (`None`: of any method)."""

    kind: FaultKind
    method: str | None
    remaining: int
    seconds: float = 0.0

    def matches(self, method: str) -> bool:
        return self.remaining > 0 and self.method in (None, method)


class FakeSlack:
    """A Slack Web API on `127.0.0.1` in a background thread, with inspection and fault injection.

    Everything a test reads back (`requests`, `messages()` …) is a deep copy, safe to keep and
    mutate. All methods are thread-safe.
    """

    def __init__(self, token: str = "xoxb-test") -> None:
        self.token = token
        self._lock = threading.RLock()
        self._port = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._channels: dict[str, list[Json]] = {}
        self._names: dict[str, str] = {}
        self._requests: list[Json] = []
        self._faults: list[Fault] = []
        self._next_ts = Decimal(0)

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Listen (again) on the same port as before; a no-op when already running."""
        with self._lock:
            if self._server is not None:
                return
            server = _Server(("127.0.0.1", self._port), self)
            self._port = server.server_address[1]
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"FakeSlack:{self._port}",
                daemon=True,
            )
            self._thread.start()

    def stop(self) -> None:
        """Close the listening socket, so connections are refused; messages are kept.

        Requests already being answered (a `delay` in progress) are not waited for.
        """
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join()

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> FakeSlack:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port, fixed by the first `start()` (0 before it)."""
        return self._port

    @property
    def base_url(self) -> str:
        """The `base_url` for `WebClient`, e.g. `http://127.0.0.1:41234/api/`."""
        if not self._port:
            raise RuntimeError("FakeSlack has no port before its first start()")
        return f"http://127.0.0.1:{self._port}/api/"

    # -- inspection ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[Json]:
        """Every request received, in order, as dicts.

        Keys: `method` (e.g. `chat.postMessage`), `params` (query, form and JSON body merged; JSON
        values such as `metadata` and `blocks` are dicts/lists, form values strings), `headers`
        (names lower-cased, the `authorization` header included), `body` (the raw body text) and
        `fault` (the injected fault that answered it, or `None`).
        """
        with self._lock:
            return copy.deepcopy(self._requests)

    def calls(self, method: str) -> list[Json]:
        """The recorded `requests` of one API method, e.g. `calls("chat.postMessage")`."""
        return [request for request in self.requests if request["method"] == method]

    def messages(self, channel: str) -> list[Json]:
        """All messages of a channel (id or name), oldest first, thread replies and metadata
        included."""
        with self._lock:
            return copy.deepcopy(self._channels.get(self._channel_id(channel), []))

    def channel(self, name: str) -> str:
        """The id of the channel called `name` (`#name` or `name`), made on first use."""
        with self._lock:
            return self._channel_id(name)

    def roots(self, channel: str) -> list[Json]:
        """The messages of a channel that are not thread replies, oldest first."""
        return [m for m in self.messages(channel) if not _is_reply(m)]

    def replies(self, channel: str, thread_ts: str) -> list[Json]:
        """The replies in the thread of `thread_ts`, oldest first, without the parent."""
        return [
            m for m in self.messages(channel) if _is_reply(m) and m.get("thread_ts") == thread_ts
        ]

    # -- fault injection ----------------------------------------------------------------------

    def fail_with_rate_limit(
        self, times: int = 1, retry_after: int = 1, method: str | None = "chat.postMessage"
    ) -> None:
        """Answer the next `times` calls with HTTP 429, `Retry-After: retry_after`, `ratelimited`.

        Nothing is stored. `retry_after` is whole seconds, as Slack sends it.
        """
        self._add_fault(Fault("ratelimited", method, times, float(retry_after)))

    def fail_with_server_error(
        self, times: int = 1, method: str | None = "chat.postMessage"
    ) -> None:
        """Answer the next `times` calls with HTTP 500 and a plain-text body; nothing is stored."""
        self._add_fault(Fault("server_error", method, times))

    def delay(
        self, seconds: float, times: int = 1, method: str | None = "chat.postMessage"
    ) -> None:
        """Answer the next `times` calls `seconds` late.

        The call takes effect at once (a posted message is stored before the wait), so a client
        that times out has still posted its message, as with a slow Slack.
        """
        self._add_fault(Fault("delay", method, times, seconds))

    def land_late(
        self, seconds: float, times: int = 1, method: str | None = "chat.postMessage"
    ) -> None:
        """Carry out the next `times` calls only after `seconds`, then answer.

        A client that times out first sees no message; the message appears after it gave up.
        """
        self._add_fault(Fault("late", method, times, seconds))

    def accept_then_drop(self, times: int = 1, method: str | None = "chat.postMessage") -> None:
        """Carry out the next `times` calls, then close the connection without any HTTP response.

        The client sees `http.client.RemoteDisconnected` although Slack has the message.
        """
        self._add_fault(Fault("drop", method, times))

    def clear_faults(self) -> None:
        """Forget the faults not yet used up."""
        with self._lock:
            self._faults.clear()

    def _add_fault(self, fault: Fault) -> None:
        if fault.remaining < 1:
            raise ValueError(f"times must be at least 1, got {fault.remaining}")
        with self._lock:
            self._faults.append(fault)

    # -- serving (called from the handler threads) ----------------------------------------------

    def _receive(
        self, method: str, params: Json, headers: dict[str, str], body: str
    ) -> Fault | None:
        """Record a request and take the first pending fault that applies to it."""
        with self._lock:
            fault = next((f for f in self._faults if f.matches(method)), None)
            if fault is not None:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
            self._requests.append(
                {
                    "method": method,
                    "params": params,
                    "headers": headers,
                    "body": body,
                    "fault": fault.kind if fault else None,
                }
            )
            return copy.copy(fault)

    def _answer(self, method: str, params: Json, token: str | None) -> Json:
        """The JSON answer to an API call, with its effects on the stored messages."""
        with self._lock:
            try:
                if token != self.token:
                    raise SlackApiFailure("invalid_auth")
                handler = self._methods().get(method)
                if handler is None:
                    raise SlackApiFailure("unknown_method")
                return {"ok": True, **handler(params)}
            except SlackApiFailure as failure:
                return {"ok": False, "error": failure.code}

    def _methods(self) -> dict[str, Callable[[Json], Json]]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "conversations.history": self._history,
            "conversations.replies": self._replies,
            "conversations.list": self._list,
        }

    def _new_ts(self) -> str:
        ts = max(Decimal(time.time()).quantize(TS_STEP / 100), self._next_ts)
        self._next_ts = ts + TS_STEP
        return f"{ts:.6f}"

    def _channel_id(self, channel: str) -> str:
        """The id of a channel given by id or name; a new id for a name not seen before."""
        name = channel.removeprefix("#")
        if CHANNEL_ID.fullmatch(name):
            return name
        if name not in self._names:
            self._names[name] = f"C{len(self._names) + 1:07d}N"
        return self._names[name]

    # -- API methods (called with the lock held) ------------------------------------------------

    def _auth_test(self, params: Json) -> Json:
        return {
            "url": "https://budgetdq-test.slack.com/",
            "team": "budgetdq test",
            "user": "budgetdq",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, params: Json) -> Json:
        channel = self._channel_id(_required_channel(params))
        content = _message_content(params)
        if not content:
            raise SlackApiFailure("no_text")
        messages = self._channels.setdefault(channel, [])
        message: Json = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": "",
            **content,
        }
        thread_ts = _text_param(params, "thread_ts")
        parent = None
        if thread_ts:
            parent = _find(messages, thread_ts)
            if parent is None:
                raise SlackApiFailure("thread_not_found")
            if _is_reply(parent):  # Slack threads a reply to a reply under the first parent
                parent = _find(messages, parent["thread_ts"])
                assert parent is not None
        message["ts"] = self._new_ts()
        if parent is not None:
            message["thread_ts"] = parent["ts"]
            message["parent_user_id"] = parent.get("user", BOT_USER_ID)
            if _flag(params, "reply_broadcast"):
                message["subtype"] = "thread_broadcast"
            _note_reply(parent, message)
        messages.append(message)
        return {"channel": channel, "ts": message["ts"], "message": copy.deepcopy(message)}

    def _update(self, params: Json) -> Json:
        channel = _required_channel_id(params)
        ts = _text_param(params, "ts")
        message = _find(self._channels.get(channel, []), ts) if ts else None
        if message is None:
            raise SlackApiFailure("message_not_found")
        content = _message_content(params)
        if not content:
            raise SlackApiFailure("no_text")
        message.update(content)
        message["edited"] = {"user": BOT_USER_ID, "ts": self._new_ts()}
        return {
            "channel": channel,
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": copy.deepcopy(message),
        }

    def _history(self, params: Json) -> Json:
        channel = _required_channel_id(params)
        oldest = _ts_param(params, "oldest", "invalid_ts_oldest")
        latest = _ts_param(params, "latest", "invalid_ts_latest")
        inclusive = _flag(params, "inclusive")
        visible = [
            m
            for m in self._channels.get(channel, [])
            if (not _is_reply(m) or m.get("subtype") == "thread_broadcast")
            and _within(Decimal(m["ts"]), oldest, latest, inclusive)
        ]
        page, next_cursor = _page(list(reversed(visible)), params, newest_first=True)
        return _listing(page, next_cursor, _flag(params, "include_all_metadata"))

    def _replies(self, params: Json) -> Json:
        channel = _required_channel_id(params)
        ts = _text_param(params, "ts")
        messages = self._channels.get(channel, [])
        parent = _find(messages, ts) if ts else None
        if parent is None:
            raise SlackApiFailure("thread_not_found")
        if _is_reply(parent):
            thread = [parent]
        else:
            thread = [parent, *(m for m in messages if _is_reply(m) and m["thread_ts"] == ts)]
        oldest = _ts_param(params, "oldest", "invalid_ts_oldest")
        latest = _ts_param(params, "latest", "invalid_ts_latest")
        inclusive = _flag(params, "inclusive")
        thread = [m for m in thread if _within(Decimal(m["ts"]), oldest, latest, inclusive)]
        page, next_cursor = _page(thread, params, newest_first=False)
        return _listing(page, next_cursor, _flag(params, "include_all_metadata"))

    def _list(self, params: Json) -> Json:
        """The named channels, a page at a time (`limit`, `cursor`: base64 of `offset:<n>`)."""
        try:
            limit = max(1, min(int(_text_param(params, "limit") or DEFAULT_HISTORY_LIMIT), 999))
            cursor = _text_param(params, "cursor")
            start = int(base64.b64decode(cursor).decode().removeprefix("offset:")) if cursor else 0
        except ValueError:
            raise SlackApiFailure("invalid_cursor") from None
        named = sorted(self._names.items(), key=lambda item: item[1])
        channels = [
            {"id": id_, "name": name, "is_channel": True, "is_private": False, "is_member": True}
            for name, id_ in named[start : start + limit]
        ]
        rest = start + limit < len(named)
        next_cursor = base64.b64encode(f"offset:{start + limit}".encode()).decode() if rest else ""
        return {"channels": channels, "response_metadata": {"next_cursor": next_cursor}}


# -- message helpers ------------------------------------------------------------------------------


def _is_reply(message: Json) -> bool:
    return "thread_ts" in message and message["thread_ts"] != message["ts"]


def _find(messages: list[Json], ts: str) -> Json | None:
    return next((m for m in messages if m["ts"] == ts), None)


def _note_reply(parent: Json, reply: Json) -> None:
    """Mark `parent` as a thread parent the way Slack shows it after a reply."""
    parent["thread_ts"] = parent["ts"]
    parent["reply_count"] = parent.get("reply_count", 0) + 1
    users = parent.setdefault("reply_users", [])
    if reply["user"] not in users:
        users.append(reply["user"])
    parent["reply_users_count"] = len(users)
    parent["latest_reply"] = reply["ts"]


def _text_param(params: Json, name: str) -> str:
    value = params.get(name)
    return "" if value is None else str(value)


def _required_channel(params: Json) -> str:
    channel = _text_param(params, "channel")
    if not channel.removeprefix("#"):
        raise SlackApiFailure("channel_not_found")
    return channel


def _required_channel_id(params: Json) -> str:
    """The channel of a method that takes an id only: a name is `channel_not_found`."""
    channel = _required_channel(params)
    if not CHANNEL_ID.fullmatch(channel):
        raise SlackApiFailure("channel_not_found")
    return channel


def _flag(params: Json, name: str) -> bool:
    """A boolean argument: the SDK sends `"1"`/`"0"` in forms and `true`/`false` in JSON."""
    value = params.get(name)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def _json_param(params: Json, name: str) -> Any:
    """A structured argument: a JSON value in JSON bodies, a JSON-encoded string in forms."""
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return _Invalid()
    return value


def _within_block_limits(blocks: list[Json]) -> bool:
    """Slack's Block Kit limits: 50 blocks, 3,000 characters of section text, 150 of a header,
    10 elements in a context."""
    if len(blocks) > MAX_BLOCKS:
        return False
    for block in blocks:
        text = block.get("text") if isinstance(block.get("text"), dict) else {}
        limit = {"section": MAX_SECTION, "header": MAX_HEADER}.get(block["type"])
        if limit is not None and len(str(text.get("text", ""))) > limit:
            return False
        if block["type"] == "context" and len(block.get("elements", [])) > MAX_CONTEXT_ELEMENTS:
            return False
    return True


class _Invalid:
    """A form argument that should have held JSON but did not."""


def _message_content(params: Json) -> Json:
    """The `text`, `blocks`, `attachments` and `metadata` given, validated like Slack does."""
    content: Json = {}
    if params.get("text") is not None:
        content["text"] = str(params["text"])
        if len(content["text"]) > MAX_TEXT:
            raise SlackApiFailure("msg_too_long")
    blocks = _json_param(params, "blocks")
    if blocks is not None:
        if not isinstance(blocks, list) or not all(
            isinstance(b, dict) and isinstance(b.get("type"), str) for b in blocks
        ):
            raise SlackApiFailure("invalid_blocks")
        if not _within_block_limits(blocks):
            raise SlackApiFailure("invalid_blocks")
        content["blocks"] = blocks
    attachments = _json_param(params, "attachments")
    if attachments is not None:
        if not isinstance(attachments, list):
            raise SlackApiFailure("invalid_attachments")
        content["attachments"] = attachments
    metadata = _json_param(params, "metadata")
    if metadata is not None:
        if not (
            isinstance(metadata, dict)
            and isinstance(metadata.get("event_type"), str)
            and isinstance(metadata.get("event_payload"), dict)
        ):
            raise SlackApiFailure("invalid_metadata_format")
        content["metadata"] = metadata
    if not (content.get("text") or content.get("blocks") or content.get("attachments")):
        return {}
    return content


def _ts_param(params: Json, name: str, error: str) -> Decimal | None:
    value = _text_param(params, name)
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise SlackApiFailure(error) from None


def _within(ts: Decimal, oldest: Decimal | None, latest: Decimal | None, inclusive: bool) -> bool:
    if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
        return False
    return not (latest is not None and (ts > latest or (ts == latest and not inclusive)))


def _page(messages: list[Json], params: Json, *, newest_first: bool) -> tuple[list[Json], str]:
    """One page of `messages` (already in answer order) after `cursor`, and the next cursor.

    Cursors look like Slack's: base64 of `next_ts:<ts of the first message of the next page>`.
    """
    try:
        limit = int(_text_param(params, "limit") or DEFAULT_HISTORY_LIMIT)
    except ValueError:
        raise SlackApiFailure("invalid_limit") from None
    limit = max(1, min(limit, 999))
    cursor = _text_param(params, "cursor")
    if cursor:
        try:
            start = Decimal(base64.b64decode(cursor).decode().removeprefix("next_ts:"))
        except (ValueError, InvalidOperation):
            raise SlackApiFailure("invalid_cursor") from None
        if newest_first:
            messages = [m for m in messages if Decimal(m["ts"]) <= start]
        else:
            messages = [m for m in messages if Decimal(m["ts"]) >= start]
    page, rest = messages[:limit], messages[limit:]
    next_cursor = base64.b64encode(f"next_ts:{rest[0]['ts']}".encode()).decode() if rest else ""
    return page, next_cursor


def _listing(page: list[Json], next_cursor: str, include_metadata: bool) -> Json:
    shown = copy.deepcopy(page)
    if not include_metadata:
        for message in shown:
            message.pop("metadata", None)
    answer: Json = {"messages": shown, "has_more": bool(next_cursor), "pin_count": 0}
    if next_cursor:
        answer["response_metadata"] = {"next_cursor": next_cursor}
    return answer


# -- HTTP -----------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], slack: FakeSlack) -> None:
        self.slack = slack
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client goes away mid-answer; report anything else (a bug here)."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""

    def _serve(self) -> None:
        url = urlsplit(self.path)
        if not url.path.startswith("/api/"):
            self._send(404, b"not found", "text/plain")
            return
        method = url.path.removeprefix("/api/")
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = raw.decode("utf-8", errors="replace")
        params: Json = dict(parse_qsl(url.query, keep_blank_values=True))
        content_type = self.headers.get_content_type()
        if content_type == "application/json" and body.strip():
            try:
                decoded = json.loads(body)
            except json.JSONDecodeError:
                decoded = None
            if not isinstance(decoded, dict):
                self._send_json(200, {"ok": False, "error": "invalid_json"})
                return
            params.update(decoded)
        elif content_type == "application/x-www-form-urlencoded":
            params.update(parse_qsl(body, keep_blank_values=True))
        headers = {name.lower(): value for name, value in self.headers.items()}

        slack = self.server.slack
        fault = slack._receive(method, params, headers, body)
        if fault is not None and fault.kind == "ratelimited":
            self._send_json(
                429,
                {"ok": False, "error": "ratelimited"},
                {"Retry-After": str(int(fault.seconds))},
            )
            return
        if fault is not None and fault.kind == "server_error":
            self._send(500, b"Internal Server Error", "text/plain")
            return
        if fault is not None and fault.kind == "late":
            time.sleep(fault.seconds)
        answer = slack._answer(method, params, _token(headers, params))
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            return
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
        self._send_json(200, answer)

    def _send_json(self, status: int, answer: Json, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(answer).encode(), "application/json; charset=utf-8", headers)

    def _send(
        self,
        status: int,
        payload: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up waiting (timeouts under `delay`)
            self.close_connection = True


def _token(headers: dict[str, str], params: Json) -> str | None:
    """The token from `Authorization: Bearer …`, else from a `token` argument, as Slack reads it."""
    authorization = headers.get("authorization", "")
    if authorization.startswith("Bearer "):
        return authorization.removeprefix("Bearer ").strip()
    token = params.get("token")
    return str(token) if token is not None else None
