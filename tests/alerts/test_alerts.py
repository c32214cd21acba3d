"""Alerts end to end: checked disclosures → outbox → the real slack-sdk client → a local Slack."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from slack_sdk import WebClient

from budgetdq.alerts.deliver import deliver
from budgetdq.alerts.outbox import Outbox
from budgetdq.alerts.plan import Planned, plan_alerts
from budgetdq.alerts.slack import SlackTransport
from budgetdq.checks.engine import GxEngine
from budgetdq.checks.runner import check_documents
from budgetdq.lake import Lake
from budgetdq.parse.document import read_document
from budgetdq.parse.pdf import extract_pdf
from budgetdq.settings import Settings
from tests.alerts.slack_server import FakeSlack
from tests.checks.conftest import mutate
from tests.conftest import SEEDS

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
TOKEN = "xoxb-test-secret-token"
CHANNEL = "C0BUDGET"


@pytest.fixture
def slack():
    with FakeSlack(token=TOKEN) as server:
        yield server


def settings_for(slack: FakeSlack, **extra) -> Settings:
    defaults = {"slack_channel": CHANNEL, "dashboard_url": "https://dq.example.gov.cn"}
    return Settings(slack_bot_token=TOKEN, slack_api_url=slack.base_url, **{**defaults, **extra})


def check_and_plan(engine: GxEngine, lake: Lake, settings: Settings, *documents: bytes) -> Planned:
    parsed = [read_document(data, f"doc{i}.txt") for i, data in enumerate(documents)]
    for document in parsed:
        lake.ingest(document)
    run = check_documents(lake, [d.doc_id for d in parsed], engine)
    return plan_alerts(lake, run, settings)


def transport(slack: FakeSlack) -> SlackTransport:
    return SlackTransport(TOKEN, slack.base_url, timeout=3)


def test_one_thread_per_disclosure_with_chinese_lines_and_figures(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    settings = settings_for(slack)
    with Lake(tmp_path) as lake:
        planned = check_and_plan(
            engine, lake, settings, SEEDS["000"].read_bytes(), SEEDS["001"].read_bytes()
        )
        assert (planned.roots, planned.replies) == (2, 0)
        result = deliver(Outbox(lake), transport(slack), backoff=0.01)
    assert result.sent == 2 and result.pending == 0
    roots = slack.roots(CHANNEL)
    assert len(roots) == 2
    text_2023 = next(m["text"] for m in roots if "2023年" in m["text"])
    assert "北京市朝阳区应急管理局（105）2023年部门预算" in text_2023
    blocks = str(next(m["blocks"] for m in roots if "2023年" in m["text"]))
    assert (
        "第129行" in blocks and "4,799.898200" in blocks
    )  # 项目支出表 truncated: 4,799.8982 ≠ 5,620.5846
    assert "https://dq.example.gov.cn/?doc=" in blocks and "finding=" in blocks


def test_nothing_new_sends_nothing(engine: GxEngine, slack: FakeSlack, tmp_path: Path) -> None:
    settings = settings_for(slack)
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings, SEEDS["000"].read_bytes())
        deliver(Outbox(lake), transport(slack))
        again = check_and_plan(engine, lake, settings, SEEDS["000"].read_bytes())
        assert (again.roots, again.replies, again.updates) == (0, 0, 0)
        assert deliver(Outbox(lake), transport(slack)).sent == 0
    assert len(slack.calls("chat.postMessage")) == 1


def test_a_correction_replies_in_the_thread_and_updates_the_root(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    settings = settings_for(slack)
    corrected = mutate(
        "000",
        [
            (293, "11010523T0000002096361", "11010523T000002096361"),  # a 22-character code fixed
            (63, "8.955000\t8.955000", "8.955001\t8.955000"),  # a new error: 合计 ≠ 基本 + 项目
        ],
    )
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings, SEEDS["000"].read_bytes())
        deliver(Outbox(lake), transport(slack))
        planned = check_and_plan(engine, lake, settings, corrected)
        assert (planned.roots, planned.replies, planned.updates) == (0, 1, 1)
        deliver(Outbox(lake), transport(slack))
    (root,) = slack.roots(CHANNEL)
    (reply,) = slack.replies(CHANNEL, root["ts"])
    reply_text = str(reply["blocks"])
    assert "已解决" in reply_text and "新增" in reply_text
    assert "第293行" in reply_text and "第63行" in reply_text
    updates = slack.calls("chat.update")
    assert len(updates) == 1 and updates[0]["params"]["ts"] == root["ts"]


def test_rate_limit_is_honoured_and_retried(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings_for(slack), SEEDS["002"].read_bytes())
        slack.fail_with_rate_limit(times=1, retry_after=1)
        started = time.monotonic()
        result = deliver(Outbox(lake), transport(slack))
    assert time.monotonic() - started >= 1.0
    assert result.sent == 1 and len(slack.roots(CHANNEL)) == 1
    assert len(slack.calls("chat.postMessage")) == 2


def test_an_outage_loses_nothing_and_the_next_run_delivers_exactly_once(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    with Lake(tmp_path) as lake:
        check_and_plan(
            engine, lake, settings_for(slack), SEEDS["000"].read_bytes(), SEEDS["002"].read_bytes()
        )
        slack.stop()
        down = deliver(Outbox(lake), transport(slack), backoff=0.01)
        assert (down.sent, down.pending) == (0, 2)
        (first, _) = Outbox(lake).entries("pending")
        assert first.last_error and TOKEN not in first.last_error
        slack.start()
        up = deliver(Outbox(lake), transport(slack), backoff=0.01)
        assert (up.sent, up.pending) == (2, 0)
        assert deliver(Outbox(lake), transport(slack)).sent == 0
    assert len(slack.roots(CHANNEL)) == 2


def test_a_dropped_response_after_slack_accepted_does_not_duplicate(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings_for(slack), SEEDS["002"].read_bytes())
        slack.accept_then_drop(times=1)
        result = deliver(Outbox(lake), transport(slack), backoff=0.01)
        (entry,) = Outbox(lake).entries("sent")
    assert result.sent == 1
    (root,) = slack.roots(CHANNEL)
    assert entry.slack_ts == root["ts"]
    assert len(slack.calls("chat.postMessage")) == 1  # found by its delivery key, not posted again


def delivery_keys(messages: list[dict]) -> list[str]:
    return [m["metadata"]["event_payload"]["delivery_key"] for m in messages if "metadata" in m]


def test_a_post_slack_stored_is_found_behind_260_later_messages(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    """Slack stores the root but the answer is lost; a busy channel fills up before the next run."""
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings_for(slack), SEEDS["002"].read_bytes())
        slack.accept_then_drop(times=1)
        assert deliver(Outbox(lake), transport(slack), attempts=1).pending == 1
        chatter = WebClient(token=TOKEN, base_url=slack.base_url)
        for n in range(260):
            chatter.chat_postMessage(channel=CHANNEL, text=f"其他消息 {n}")
        result = deliver(Outbox(lake), transport(slack))
        (sent,) = Outbox(lake).entries("sent")
    assert result.sent == 1
    assert delivery_keys(slack.roots(CHANNEL)) == [sent.delivery_key]  # posted once
    lookups = slack.calls("conversations.history")
    assert len(lookups) == 2 and "cursor" in lookups[1]["params"]  # 261 messages: two pages
    assert all(float(call["params"]["oldest"]) > 0 for call in lookups)


def test_a_channel_given_by_name_is_resolved_once_and_recovery_finds_root_and_reply(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    """Slack stores a post and the answer is lost, in a channel configured as `#budget-quality`."""
    channel_id = slack.channel("budget-quality")
    settings = settings_for(slack, slack_channel="#budget-quality")
    corrected = mutate("000", [(63, "8.955000\t8.955000", "8.955001\t8.955000")])
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings, SEEDS["000"].read_bytes())
        slack.accept_then_drop(times=1)
        assert deliver(Outbox(lake), transport(slack), attempts=1).pending == 1
        assert deliver(Outbox(lake), transport(slack)).sent == 1
        check_and_plan(engine, lake, settings, corrected)
        slack.accept_then_drop(times=1)  # the reply; the root update waits behind it
        assert deliver(Outbox(lake), transport(slack), attempts=1).pending == 2
        again = deliver(Outbox(lake), transport(slack))
        assert (again.sent, again.pending, again.errors) == (2, 0, 0)
        assert lake.query("SELECT name, channel_id FROM slack_channels") == [
            ("#budget-quality", channel_id)
        ]
    (root,) = slack.roots(channel_id)
    assert len(slack.replies(channel_id, root["ts"])) == 1
    assert len(slack.calls("chat.postMessage")) == 2
    assert len(slack.calls("conversations.list")) == 1
    assert all(c["params"]["channel"] == channel_id for c in slack.calls("conversations.history"))


def test_a_post_that_lands_after_the_client_timed_out_is_not_posted_again(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings_for(slack), SEEDS["002"].read_bytes())
        slack.land_late(1.5)  # Slack stores the root 1.5 s after the request; the client waits 1 s
        slow = SlackTransport(TOKEN, slack.base_url, timeout=1)
        result = deliver(Outbox(lake), slow, backoff=0.01)
    assert result.sent == 1
    assert len(slack.roots(CHANNEL)) == 1
    assert len(slack.calls("chat.postMessage")) == 1


def test_a_disclosure_at_a_20000_character_url_and_name_is_delivered_within_slack_limits(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    """Slack refuses a section over 3,000 characters (the local Slack too): what comes from the
    document is cut to fit, and the message is delivered."""
    lines = extract_pdf((REAL / "S02.pdf").read_bytes()).text.split("\n")
    assert lines[1].startswith("预算主管部门：")
    lines[1] = "预算主管部门：上海市" + "测" * 20_000 + "局"
    link = "https://example.gov.cn/" + "a" * 20_000 + ".pdf"
    with Lake(tmp_path) as lake:
        document = read_document("\n".join(lines).encode(), link)
        assert len(document.facts.department_name or "") > 20_000
        lake.ingest(document)
        run = check_documents(lake, [document.doc_id], engine)
        assert plan_alerts(lake, run, settings_for(slack)).roots == 1
        result = deliver(Outbox(lake), transport(slack))
    assert (result.sent, result.pending, result.errors) == (1, 0, 0)
    (root,) = slack.roots(CHANNEL)
    assert "测测测" in root["text"]
    sections = [b["text"]["text"] for b in root["blocks"] if b["type"] == "section"]
    assert sections and max(len(text) for text in sections) <= 3_000


def test_a_crash_between_post_and_mark_does_not_duplicate(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    """The delivering process is killed while Slack has the message but before it is marked sent."""
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings_for(slack), SEEDS["002"].read_bytes())
    slack.delay(30, times=1, method="chat.postMessage")  # stored at once, answered late
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": slack.base_url,
        "SLACK_CHANNEL": CHANNEL,
    }
    command = [sys.executable, "-m", "budgetdq", "alerts", "--deliver", "--lake", str(tmp_path)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not slack.roots(CHANNEL) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert slack.roots(CHANNEL), "Slack never received the message"
    process.send_signal(signal.SIGKILL)
    process.wait()
    with Lake(tmp_path) as lake:
        (pending,) = Outbox(lake).entries("pending")
        assert pending.attempts == 1  # the attempt was recorded before posting
        result = deliver(Outbox(lake), transport(slack))
        (sent,) = Outbox(lake).entries("sent")
    assert result.sent == 1
    (root,) = slack.roots(CHANNEL)
    assert sent.slack_ts == root["ts"]
    assert len(slack.calls("chat.postMessage")) == 1


def test_without_a_token_the_outbox_files_are_the_sink(engine: GxEngine, tmp_path: Path) -> None:
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, Settings(), SEEDS["003"].read_bytes())
        (entry,) = Outbox(lake).entries("pending")
    files = sorted((tmp_path / "alerts").iterdir())
    assert [f.suffix for f in files] == [".json", ".txt"]
    text = files[1].read_text(encoding="utf-8")
    assert "北京市应急管理局（042）2022年部门预算" in text and "第181行" in text
    assert entry.delivery_key in files[0].read_text(encoding="utf-8")


def test_the_token_never_reaches_logs_errors_or_the_outbox(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings_for(slack), SEEDS["000"].read_bytes())
        slack.fail_with_server_error(times=5)
        deliver(Outbox(lake), transport(slack), backoff=0.01)
        deliver(Outbox(lake), transport(slack), backoff=0.01)
        stored = str(lake.query("SELECT * FROM outbox"))
    assert TOKEN not in caplog.text and TOKEN not in stored
    files = "".join(f.read_text(encoding="utf-8") for f in (tmp_path / "alerts").iterdir())
    assert TOKEN not in files
    posts = slack.calls("chat.postMessage")
    assert all(TOKEN not in str(call["params"]) for call in posts)


def test_routes_send_a_department_and_a_suite_to_their_own_channels(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    settings = settings_for(
        slack,
        routes=[
            {"department": "100", "channel": "C0GOVERNMENT", "min_severity": "error"},
            {"suite": "indicators", "channel": "C0PERFORMANCE"},
        ],
    )
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings, SEEDS["002"].read_bytes(), SEEDS["003"].read_bytes())
        deliver(Outbox(lake), transport(slack))
    government = slack.roots("C0GOVERNMENT")
    assert len(government) == 1 and "北京市朝阳区人民政府" in government[0]["text"]
    assert "警告 0" in government[0]["text"]  # min_severity error on this route
    performance = slack.roots("C0PERFORMANCE")
    assert len(performance) == 1 and "北京市应急管理局（042）" in performance[0]["text"]
    assert "绩效指标" in str(performance[0]["blocks"]) and "编码" not in str(
        performance[0]["blocks"]
    )
    (default,) = slack.roots(CHANNEL)
    assert "北京市应急管理局（042）" in default["text"]


def test_still_open_errors_are_recalled_after_the_interval(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    settings = settings_for(slack, renotify_hours=24)
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings, SEEDS["003"].read_bytes())
        deliver(Outbox(lake), transport(slack))
        assert check_and_plan(engine, lake, settings, SEEDS["003"].read_bytes()).replies == 0
        lake.db.execute(
            "UPDATE alert_findings SET last_notified = last_notified - INTERVAL 25 HOUR"
        )
        assert check_and_plan(engine, lake, settings, SEEDS["003"].read_bytes()).replies == 1
        deliver(Outbox(lake), transport(slack))
        assert check_and_plan(engine, lake, settings, SEEDS["003"].read_bytes()).replies == 0
    (root,) = slack.roots(CHANNEL)
    (reminder,) = slack.replies(CHANNEL, root["ts"])
    assert "24 小时仍未解决" in str(reminder["blocks"]) and "第181行" in str(reminder["blocks"])


def test_a_rejected_token_stops_delivery_and_keeps_everything(
    engine: GxEngine, slack: FakeSlack, tmp_path: Path
) -> None:
    with Lake(tmp_path) as lake:
        check_and_plan(engine, lake, settings_for(slack), SEEDS["002"].read_bytes())
        result = deliver(Outbox(lake), SlackTransport("xoxb-wrong", slack.base_url))
        assert (result.sent, result.pending, result.errors) == (0, 1, 1)
    assert slack.calls("chat.postMessage") == [] and len(slack.calls("auth.test")) == 1
