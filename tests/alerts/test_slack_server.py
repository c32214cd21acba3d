"""The fake Slack, driven by the real `slack_sdk.WebClient` over HTTP.

These tests also pin down how slack-sdk behaves on each failure, which the alert sender relies on:
which exception a dropped connection, a 500 or a 429 becomes, and what the default retry does.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from http.client import RemoteDisconnected
from typing import Any
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import FixedValueRetryIntervalCalculator, RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from tests.alerts.slack_server import FakeSlack

TOKEN = "xoxb-test"
CHANNEL = "C0ALERTS"
METADATA = {"event_type": "budgetdq_alert", "event_payload": {"delivery_key": "abc"}}
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*支出预算总表* 合计不符"}}]
FAST_RETRY = FixedValueRetryIntervalCalculator(0.05)

MakeClient = Callable[..., WebClient]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=TOKEN) as server:
        yield server


@pytest.fixture
def client(slack: FakeSlack) -> MakeClient:
    """A WebClient for the fake; without retries unless `retry_handlers` is given."""

    def make(
        token: str | None = TOKEN, retry_handlers: list[RetryHandler] | None = None, **kwargs: Any
    ) -> WebClient:
        return WebClient(
            token=token, base_url=slack.base_url, retry_handlers=retry_handlers or [], **kwargs
        )

    return make


def post(client: WebClient, text: str, **kwargs: Any) -> str:
    """Post to CHANNEL and return the new message's ts."""
    return str(client.chat_postMessage(channel=CHANNEL, text=text, **kwargs)["ts"])


def test_auth_test_names_the_bot(client: MakeClient) -> None:
    answer = client().auth_test()
    assert answer["ok"] is True
    assert answer["user_id"] and answer["bot_id"] and answer["team_id"]


def test_post_stores_the_message_and_answers_like_slack(
    slack: FakeSlack, client: MakeClient
) -> None:
    answer = client().chat_postMessage(
        channel=CHANNEL, text="合计不符", blocks=BLOCKS, metadata=METADATA
    )

    assert answer["channel"] == CHANNEL
    assert answer["message"]["ts"] == answer["ts"]
    assert answer["message"]["metadata"] == METADATA
    [stored] = slack.messages(CHANNEL)
    assert stored["ts"] == answer["ts"]
    assert (stored["text"], stored["blocks"], stored["metadata"]) == ("合计不符", BLOCKS, METADATA)


def test_ts_values_are_unique_and_increasing_across_channels(client: MakeClient) -> None:
    web = client()
    stamps = [post(web, "a"), str(web.chat_postMessage(channel="C0OTHER", text="b")["ts"])]
    stamps.append(post(web, "c"))

    assert len(set(stamps)) == 3 and stamps == sorted(stamps, key=Decimal)
    assert abs(Decimal(stamps[0]) - Decimal(time.time())) < 60  # the clock's time, like Slack's


def test_post_is_sent_as_json_with_the_token_only_in_the_header(
    slack: FakeSlack, client: MakeClient
) -> None:
    post(client(), "hello", metadata=METADATA)

    [request] = slack.calls("chat.postMessage")
    assert request["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["content-type"].startswith("application/json")
    assert request["params"]["metadata"] == METADATA
    assert TOKEN not in request["body"]
    assert "token" not in request["params"]


def test_form_encoded_arguments_carry_json_as_strings(slack: FakeSlack, client: MakeClient) -> None:
    client().api_call(
        "chat.postMessage",
        params={"channel": CHANNEL, "text": "form", "metadata": json.dumps(METADATA)},
    )

    [request] = slack.calls("chat.postMessage")
    assert request["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert slack.messages(CHANNEL)[0]["metadata"] == METADATA


def test_a_post_takes_a_channel_name_and_answers_its_id(
    slack: FakeSlack, client: MakeClient
) -> None:
    web = client()
    first = web.chat_postMessage(channel="#budget-alerts", text="a")
    web.chat_postMessage(channel="budget-alerts", text="b")

    assert first["channel"] == slack.channel("budget-alerts") != "budget-alerts"
    assert [m["text"] for m in slack.messages("#budget-alerts")] == ["a", "b"]
    assert [m["text"] for m in slack.messages(first["channel"])] == ["a", "b"]
    assert slack.messages(CHANNEL) == []


def test_history_replies_and_update_take_channel_ids_only(client: MakeClient) -> None:
    web = client()
    ts = web.chat_postMessage(channel="#budget-alerts", text="a")["ts"]
    for call in (
        lambda: web.conversations_history(channel="#budget-alerts"),
        lambda: web.conversations_replies(channel="budget-alerts", ts=ts),
        lambda: web.chat_update(channel="#budget-alerts", ts=ts, text="b"),
    ):
        with pytest.raises(SlackApiError) as raised:
            call()
        assert raised.value.response["error"] == "channel_not_found"


def test_conversations_list_pages_the_named_channels(slack: FakeSlack, client: MakeClient) -> None:
    ids = {name: slack.channel(name) for name in ("a", "b", "c")}

    pages = [page["channels"] for page in client().conversations_list(limit=2)]

    assert [len(page) for page in pages] == [2, 1]
    assert {c["name"]: c["id"] for page in pages for c in page} == ids


def test_update_replaces_the_given_fields(slack: FakeSlack, client: MakeClient) -> None:
    web = client()
    ts = post(web, "old", blocks=BLOCKS, metadata=METADATA)
    new_metadata = {
        "event_type": "budgetdq_alert",
        "event_payload": {"delivery_key": "abc", "n": 2},
    }

    answer = web.chat_update(channel=CHANNEL, ts=ts, text="new", metadata=new_metadata)

    assert (answer["ts"], answer["text"]) == (ts, "new")
    [stored] = slack.messages(CHANNEL)
    assert (stored["text"], stored["blocks"], stored["metadata"]) == ("new", BLOCKS, new_metadata)
    assert "edited" in stored


def test_update_of_an_unknown_ts_is_message_not_found(client: MakeClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client().chat_update(channel=CHANNEL, ts="1600000000.000100", text="x")

    assert raised.value.response["error"] == "message_not_found"


def test_history_is_newest_first_and_returns_metadata_only_when_asked(client: MakeClient) -> None:
    web = client()
    first = post(web, "first", metadata=METADATA)
    second = post(web, "second", blocks=BLOCKS)

    with_metadata = web.conversations_history(channel=CHANNEL, include_all_metadata=True)
    plain = web.conversations_history(channel=CHANNEL)

    assert [m["ts"] for m in with_metadata["messages"]] == [second, first]
    assert with_metadata["messages"][1]["metadata"] == METADATA
    assert with_metadata["messages"][0]["blocks"] == BLOCKS
    assert with_metadata["has_more"] is False
    assert all("metadata" not in m for m in plain["messages"])


def test_history_pages_with_limit_cursor_oldest_and_latest(client: MakeClient) -> None:
    web = client()
    stamps = [post(web, str(n)) for n in range(5)]

    pages = [
        [m["ts"] for m in page["messages"]]
        for page in web.conversations_history(channel=CHANNEL, limit=2)
    ]
    window = web.conversations_history(channel=CHANNEL, oldest=stamps[1], latest=stamps[3])
    inclusive = web.conversations_history(
        channel=CHANNEL, oldest=stamps[1], latest=stamps[3], inclusive=True
    )

    assert pages == [[stamps[4], stamps[3]], [stamps[2], stamps[1]], [stamps[0]]]
    assert [m["ts"] for m in window["messages"]] == [stamps[2]]
    assert [m["ts"] for m in inclusive["messages"]] == [stamps[3], stamps[2], stamps[1]]


def test_threads(slack: FakeSlack, client: MakeClient) -> None:
    web = client()
    root = post(web, "root")
    reply = post(web, "reply 1", thread_ts=root)
    reply_to_reply = post(web, "reply 2", thread_ts=reply)
    other = post(web, "other root")

    assert [m["ts"] for m in slack.roots(CHANNEL)] == [root, other]
    assert [m["ts"] for m in slack.replies(CHANNEL, root)] == [reply, reply_to_reply]
    assert [m.get("thread_ts") for m in slack.messages(CHANNEL)] == [root, root, root, None]
    history = web.conversations_history(channel=CHANNEL)["messages"]
    assert [m["ts"] for m in history] == [other, root]
    assert history[1]["reply_count"] == 2
    thread = web.conversations_replies(channel=CHANNEL, ts=root)["messages"]
    assert [m["ts"] for m in thread] == [root, reply, reply_to_reply]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (
            lambda web: web.api_call("chat.postMessage", json={"channel": CHANNEL, "text": ""}),
            "no_text",
        ),
        (lambda web: web.chat_postMessage(channel="", text="x"), "channel_not_found"),
        (
            lambda web: web.chat_postMessage(channel=CHANNEL, text="x", thread_ts="1.000000"),
            "thread_not_found",
        ),
        (
            lambda web: web.chat_postMessage(
                channel=CHANNEL, text="x", metadata={"event_type": "no payload"}
            ),
            "invalid_metadata_format",
        ),
        (lambda web: web.conversations_replies(channel=CHANNEL, ts="1.000000"), "thread_not_found"),
        (lambda web: web.api_call("chat.delete"), "unknown_method"),
    ],
    ids=[
        "no_text",
        "no_channel",
        "bad_thread",
        "bad_metadata",
        "replies_unknown",
        "unknown_method",
    ],
)
def test_api_errors(
    slack: FakeSlack, client: MakeClient, call: Callable[[WebClient], Any], error: str
) -> None:
    with pytest.raises(SlackApiError) as raised:
        call(client())

    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == error
    assert slack.messages(CHANNEL) == []


@pytest.mark.parametrize("token", ["xoxb-wrong", None], ids=["wrong", "missing"])
def test_a_bad_token_is_invalid_auth(
    slack: FakeSlack, client: MakeClient, token: str | None
) -> None:
    with pytest.raises(SlackApiError) as raised:
        client(token=token).chat_postMessage(channel=CHANNEL, text="x")

    assert raised.value.response["error"] == "invalid_auth"
    assert slack.messages(CHANNEL) == []


def test_rate_limit_is_429_with_retry_after(slack: FakeSlack, client: MakeClient) -> None:
    slack.fail_with_rate_limit(retry_after=1)

    with pytest.raises(SlackApiError) as raised:
        post(client(), "x")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert raised.value.response["error"] == "ratelimited"
    assert slack.messages(CHANNEL) == []
    assert [r["fault"] for r in slack.requests] == ["ratelimited"]


def test_rate_limit_handler_waits_retry_after_then_succeeds(
    slack: FakeSlack, client: MakeClient
) -> None:
    slack.fail_with_rate_limit(times=1, retry_after=1)
    web = client(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])

    started = time.monotonic()
    ts = post(web, "after the wait")
    waited = time.monotonic() - started

    assert waited >= 1.0
    assert [r["fault"] for r in slack.calls("chat.postMessage")] == ["ratelimited", None]
    assert [m["ts"] for m in slack.messages(CHANNEL)] == [ts]


def test_faults_apply_only_to_their_method_and_count(slack: FakeSlack, client: MakeClient) -> None:
    slack.fail_with_server_error(times=2, method="chat.postMessage")
    web = client()

    web.auth_test()
    for _ in range(2):
        with pytest.raises(SlackApiError):
            post(web, "x")
    post(web, "third time")

    assert [(r["method"], r["fault"]) for r in slack.requests] == [
        ("auth.test", None),
        ("chat.postMessage", "server_error"),
        ("chat.postMessage", "server_error"),
        ("chat.postMessage", None),
    ]


def test_server_error_is_slack_api_error_with_a_non_json_body(
    slack: FakeSlack, client: MakeClient
) -> None:
    slack.fail_with_server_error()

    with pytest.raises(SlackApiError) as raised:
        post(client(), "x")

    assert raised.value.response.status_code == 500
    assert raised.value.response["ok"] is False
    assert "non-JSON" in raised.value.response["error"]
    assert slack.messages(CHANNEL) == []


def test_server_error_handler_retries(slack: FakeSlack, client: MakeClient) -> None:
    slack.fail_with_server_error()
    web = client(retry_handlers=[ServerErrorRetryHandler(interval_calculator=FAST_RETRY)])

    post(web, "second try")

    assert len(slack.calls("chat.postMessage")) == 2
    assert [m["text"] for m in slack.messages(CHANNEL)] == ["second try"]


def test_stopped_server_refuses_then_comes_back_with_its_messages(
    slack: FakeSlack, client: MakeClient
) -> None:
    web = client()
    ts = post(web, "before")
    base_url = slack.base_url

    slack.stop()
    with pytest.raises(URLError) as raised:
        post(web, "while down")
    assert isinstance(raised.value.reason, ConnectionRefusedError)

    slack.start()
    post(web, "after")
    assert slack.base_url == base_url
    assert [m["text"] for m in slack.messages(CHANNEL)] == ["before", "after"]
    assert web.conversations_history(channel=CHANNEL)["messages"][-1]["ts"] == ts


def test_connection_error_handler_rides_out_a_short_outage(
    slack: FakeSlack, client: MakeClient
) -> None:
    web = client(
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=10, interval_calculator=FAST_RETRY)
        ]
    )
    slack.stop()
    restart = threading.Timer(0.2, slack.start)
    restart.start()
    try:
        post(web, "after the outage")
    finally:
        restart.join()

    assert [m["text"] for m in slack.messages(CHANNEL)] == ["after the outage"]


def test_accept_then_drop_stores_the_message_but_the_client_sees_a_disconnect(
    slack: FakeSlack, client: MakeClient
) -> None:
    slack.accept_then_drop()

    with pytest.raises(RemoteDisconnected):
        post(client(), "accepted")

    assert [m["text"] for m in slack.messages(CHANNEL)] == ["accepted"]
    assert [r["fault"] for r in slack.requests] == ["drop"]


def test_default_client_retries_a_dropped_post_and_duplicates_it(slack: FakeSlack) -> None:
    """WebClient's default ConnectionErrorRetryHandler resends a post whose answer was lost."""
    slack.accept_then_drop()
    web = WebClient(token=TOKEN, base_url=slack.base_url)

    post(web, "once")

    assert [m["text"] for m in slack.messages(CHANNEL)] == ["once", "once"]


def test_delay_makes_the_client_time_out_after_the_message_is_stored(
    slack: FakeSlack, client: MakeClient
) -> None:
    slack.delay(0.5)

    with pytest.raises(TimeoutError):
        post(client(timeout=0.2), "slow")

    assert [m["text"] for m in slack.messages(CHANNEL)] == ["slow"]


def test_land_late_stores_the_message_only_after_the_client_gave_up(
    slack: FakeSlack, client: MakeClient
) -> None:
    slack.land_late(0.5)

    with pytest.raises(TimeoutError):
        post(client(timeout=0.2), "slow")

    assert slack.messages(CHANNEL) == []
    time.sleep(0.6)
    assert [m["text"] for m in slack.messages(CHANNEL)] == ["slow"]


def test_delay_within_the_timeout_answers_normally(slack: FakeSlack, client: MakeClient) -> None:
    slack.delay(0.2, method=None)

    started = time.monotonic()
    client().auth_test()

    assert time.monotonic() - started >= 0.2
