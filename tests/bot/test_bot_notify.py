"""Reports from jobs that are not the bot (continual adaptation) reach the configured channel."""

from __future__ import annotations

from bot_harness import TOKEN

from core.notify import post_to_slack
from core.settings import Settings


def test_report_is_posted_to_the_configured_channel(slack_api, tmp_path):
    settings = Settings(
        data_dir=tmp_path,
        slack_bot_token=TOKEN,
        slack_api_url=slack_api.api_url,
        report_channel="C0REPORTS",
        _env_file=None,
    )
    assert post_to_slack(settings, "*Model adaptation*: promoted `export-1`")
    (call,) = slack_api.wait_for("chat.postMessage", lambda p: p.get("channel") == "C0REPORTS")
    assert call.params["text"].startswith("*Model adaptation*")


def test_unconfigured_or_refused_reports_do_not_fail_the_job(slack_api, tmp_path):
    assert not post_to_slack(Settings(data_dir=tmp_path, _env_file=None), "x")
    bad = Settings(
        data_dir=tmp_path,
        slack_bot_token="xoxb-wrong",
        slack_api_url=slack_api.api_url,
        report_channel="C0REPORTS",
        _env_file=None,
    )
    assert not post_to_slack(bad, "x")


def test_a_rate_limited_report_waits_and_is_posted(slack_api, tmp_path):
    settings = Settings(
        data_dir=tmp_path,
        slack_bot_token=TOKEN,
        slack_api_url=slack_api.api_url,
        report_channel="C0LIMITED",
        _env_file=None,
    )
    slack_api.rate_limit_next("chat.postMessage", retry_after=1)
    assert post_to_slack(settings, "*Model adaptation*: not promoted")
    first, second = slack_api.wait_for("chat.postMessage", lambda p: p.get("channel") == "C0LIMITED", count=2)
    assert first.response["error"] == "ratelimited" and second.response["ok"]
    assert second.at - first.at >= 1.0, "it waited as long as Slack's Retry-After asked"


def test_a_report_rate_limited_past_its_retries_does_not_fail_the_job(slack_api, tmp_path):
    settings = Settings(
        data_dir=tmp_path,
        slack_bot_token=TOKEN,
        slack_api_url=slack_api.api_url,
        report_channel="C0BUSY",
        _env_file=None,
    )
    for _ in range(3):  # the first try and both retries
        slack_api.rate_limit_next("chat.postMessage", retry_after=0)
    assert not post_to_slack(settings, "x")
    assert len(slack_api.wait_for("chat.postMessage", lambda p: p.get("channel") == "C0BUSY", count=3)) == 3
