"""Talking to Slack with slack-sdk's WebClient.

slack-sdk's RetryHandlers honour 429 Retry-After for every call, and retry 5xx and network errors for
the calls that are safe to repeat. A `chat.postMessage` that failed on the network may still have
been accepted by Slack, so it is not retried blindly: delivery first looks the message up by its
delivery key (carried in the message `metadata`) and only then posts again. Slack's history and
replies take channel ids only: a channel configured by name (`#budget-quality`) is resolved to its
id with `conversations.list`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

__all__ = ["EVENT_TYPE", "SlackTransport", "TransientError"]

EVENT_TYPE = "budgetdq_alert"
_NOT_IDEMPOTENT = ("chat.postMessage",)
_CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{6,}")
_PAGE = 200


class TransientError(RuntimeError):
    """Slack could not be reached or failed (5xx, rate limit after retries): try again later.

    `timed_out`: no answer came in time, so a post may still land after the client gave up.
    """

    def __init__(self, message: str, *, timed_out: bool = False):
        super().__init__(message)
        self.timed_out = timed_out


class _IdempotentOnly(RetryHandler):
    """Retries only calls that are safe to repeat (not `chat.postMessage`)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request.url.rstrip("/").endswith(_NOT_IDEMPOTENT):
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


class _ServerErrors(_IdempotentOnly, ServerErrorRetryHandler):
    pass


class _ConnectionErrors(_IdempotentOnly, ConnectionErrorRetryHandler):
    pass


class SlackTransport:
    """Post, update and find budgetdq messages in Slack."""

    def __init__(self, token: str, base_url: str, *, timeout: float = 10):
        self.timeout = timeout
        self.client = WebClient(
            token=token,
            base_url=base_url if base_url.endswith("/") else base_url + "/",
            timeout=timeout,
            retry_handlers=[
                RateLimitErrorRetryHandler(max_retry_count=3),
                _ServerErrors(max_retry_count=2),
                _ConnectionErrors(max_retry_count=2),
            ],
        )

    def verify(self) -> str:
        """Check the token with `auth.test`; returns the bot's team name. Raises on a bad token."""
        response = self._call(self.client.auth_test)
        return str(response.get("team") or "")

    def post(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]],
        delivery_key: str,
        thread_ts: str | None = None,
    ) -> tuple[str, str]:
        """Post a message carrying its delivery key; returns Slack's channel id and `ts`."""
        response = self._call(
            self.client.chat_postMessage,
            channel=channel,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            metadata={"event_type": EVENT_TYPE, "event_payload": {"delivery_key": delivery_key}},
        )
        return response["channel"], response["ts"]

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> None:
        self._call(self.client.chat_update, channel=channel, ts=ts, text=text, blocks=blocks)

    def channel_id(self, channel: str) -> str | None:
        """The id of a channel given by id or by name; None when Slack does not list it (a token
        without `channels:read`, or a channel the bot cannot see)."""
        name = channel.removeprefix("#")
        if _CHANNEL_ID.fullmatch(name):
            return name
        cursor = None
        while True:
            try:
                response = self._call(
                    self.client.conversations_list,
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=_PAGE,
                    cursor=cursor,
                )
            except SlackApiError:
                return None
            for listed in response.get("channels", []):
                if listed.get("name") == name:
                    return str(listed["id"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    def find(
        self,
        channel: str,
        delivery_key: str,
        since: datetime,
        thread_ts: str | None = None,
    ) -> tuple[str, str] | None:
        """The channel and `ts` of a message posted with this delivery key at `since` (UTC) or
        later, if any: every page of the channel's history (or the thread) from then on."""
        method = (
            self.client.conversations_replies if thread_ts else self.client.conversations_history
        )
        arguments = {"ts": thread_ts} if thread_ts else {}
        cursor = None
        while True:
            response = self._call(
                method,
                channel=channel,
                oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True,
                limit=_PAGE,
                cursor=cursor,
                **arguments,
            )
            for message in response.get("messages", []):
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("delivery_key") == delivery_key:
                    return channel, message["ts"]
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    @staticmethod
    def _call(method: Any, **kwargs: Any) -> Any:
        try:
            return method(**kwargs)
        except SlackApiError as exc:
            status = exc.response.status_code
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            if status == 429 or status >= 500:
                raise TransientError(f"Slack HTTP {status}: {error or 'server error'}") from exc
            raise
        except OSError as exc:  # connection refused, reset, timeout (URLError is an OSError)
            timed_out = isinstance(exc, TimeoutError) or isinstance(
                getattr(exc, "reason", None), TimeoutError
            )
            raise TransientError(f"Slack unreachable: {exc}", timed_out=timed_out) from exc
