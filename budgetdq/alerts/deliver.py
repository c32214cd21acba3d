"""Deliver pending outbox messages, in order, losing nothing and doubling nothing.

A message is marked sent only with the channel and `ts` Slack gave it. A message whose earlier
attempt failed may have reached Slack all the same (a crash or a dropped connection after Slack
accepted it): before posting it again, delivery looks it up by its delivery key, in every message
of its channel (or thread) since its first attempt; after a timeout it first waits one more timeout,
as the post may still land. Replies and root updates wait until their thread's root message is
delivered. When Slack cannot be reached the run
stops; everything not delivered stays pending for the next run.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, timedelta

from slack_sdk.errors import SlackApiError

from budgetdq.alerts.outbox import Entry, Outbox
from budgetdq.alerts.slack import SlackTransport, TransientError
from budgetdq.faults import crash_point
from budgetdq.settings import Settings

__all__ = ["Delivered", "deliver", "deliver_pending"]

log = logging.getLogger(__name__)

CLOCK_SKEW = timedelta(minutes=5)
"""How far Slack's clock may be behind ours: the lookup starts this much before the attempt."""


@dataclass
class Delivered:
    sent: int = 0
    pending: int = 0
    errors: int = 0


def deliver(
    outbox: Outbox, transport: SlackTransport, *, attempts: int = 3, backoff: float = 0.5
) -> Delivered:
    """Deliver every pending message; transient failures are retried with backoff.

    The token is verified first (`auth.test`): a rejected token stops the run with one error and
    leaves everything pending.
    """
    result = Delivered()
    pending = outbox.entries("pending")
    if not pending:
        return result
    try:
        transport.verify()
    except (TransientError, SlackApiError) as exc:
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else str(exc)
        log.error("Slack refused the token or is unreachable: %s", reason)
        for entry in pending:
            outbox.record_error(entry, str(reason))
        return Delivered(pending=len(pending), errors=1 if isinstance(exc, SlackApiError) else 0)
    for entry in pending:
        for attempt in range(attempts):
            try:
                if _deliver_one(outbox, transport, entry):
                    result.sent += 1
                break
            except TransientError as exc:
                outbox.record_error(entry, str(exc))
                entry = _reload(outbox, entry)
                log.warning(
                    "delivery %s failed (%s), attempt %d", entry.delivery_key, exc, attempt + 1
                )
                if attempt + 1 < attempts:
                    time.sleep(backoff * 2**attempt + (transport.timeout if exc.timed_out else 0))
            except SlackApiError as exc:
                outbox.record_error(entry, f"Slack error: {exc.response.get('error')}")
                result.errors += 1
                log.error(
                    "delivery %s refused by Slack: %s",
                    entry.delivery_key,
                    exc.response.get("error"),
                )
                break
        else:
            result.pending = len(outbox.entries("pending"))
            return result  # Slack is unreachable: the rest waits for the next run
    result.pending = len(outbox.entries("pending"))
    return result


def deliver_pending(outbox: Outbox, settings: Settings) -> Delivered | None:
    """Deliver the outbox to Slack with the configured token; None without a token (the outbox
    files are then the sink)."""
    if settings.slack_bot_token is None:
        return None
    transport = SlackTransport(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    return deliver(outbox, transport)


def _deliver_one(outbox: Outbox, transport: SlackTransport, entry: Entry) -> bool:
    """Deliver one message; False when it must wait for its thread's root."""
    thread_ts: str | None = None
    if entry.kind == "root":
        channel = _channel_id(outbox, transport, entry.channel)
    else:
        channel, thread_ts = outbox.thread_root(entry.thread_key)
        if thread_ts is None or channel is None:
            return False
        if entry.kind == "update":
            transport.update(channel, thread_ts, entry.text, entry.blocks)
            crash_point("after_root_updated")
            outbox.mark_sent(entry, channel, thread_ts)
            return True
    if entry.attempts and entry.first_attempt_at:
        if channel is None:
            log.warning(
                "delivery %s: channel %s is not listed by Slack (channels:read), so an earlier "
                "attempt cannot be looked up; posting again",
                entry.delivery_key,
                entry.channel,
            )
        else:
            since = entry.first_attempt_at.replace(tzinfo=UTC) - CLOCK_SKEW
            found = transport.find(channel, entry.delivery_key, since, thread_ts)
            if found:
                log.info(
                    "delivery %s had reached Slack already; not posted again", entry.delivery_key
                )
                outbox.mark_sent(entry, *found)
                return True
    # Written before posting: if the process dies after Slack accepts the message, the next run
    # sees the attempt and looks the message up instead of posting it twice.
    outbox.mark_attempt(entry, "posting")
    crash_point("after_attempt_recorded")
    slack_channel, ts = transport.post(
        channel or entry.channel, entry.text, entry.blocks, entry.delivery_key, thread_ts
    )
    crash_point("after_slack_accepted")
    outbox.mark_sent(entry, slack_channel, ts)
    if channel is None:
        outbox.remember_channel(entry.channel, slack_channel)
    return True


def _channel_id(outbox: Outbox, transport: SlackTransport, configured: str) -> str | None:
    """The id of a configured channel, resolved once and stored; None while Slack does not list
    it (a post by name still works, and its answer gives the id)."""
    known = outbox.channel_id(configured)
    if known is None:
        known = transport.channel_id(configured)
        if known is not None:
            outbox.remember_channel(configured, known)
    return known


def _reload(outbox: Outbox, entry: Entry) -> Entry:
    return next(e for e in outbox.entries() if e.delivery_key == entry.delivery_key)
