"""Posting a short report to a Slack channel through the Web API (`chat.postMessage`), for jobs that
are not the bot (the adaptation schedule). Uses SLACK_BOT_TOKEN and SLACK_API_URL like the bot."""

from __future__ import annotations

import logging

import httpx

from core.settings import Settings

log = logging.getLogger(__name__)


def post_to_slack(settings: Settings, text: str, channel: str | None = None, timeout: float = 15.0) -> bool:
    """True when Slack accepted the message; False (logged) when not configured or refused: a report
    that cannot be posted must not fail the job that produced it."""
    channel = channel or settings.report_channel
    if not channel or not settings.slack_bot_token:
        return False
    url = settings.slack_api_url.rstrip("/") + "/chat.postMessage"
    try:
        response = httpx.post(url, json={"channel": channel, "text": text, "mrkdwn": True}, timeout=timeout,
                              headers={"Authorization": f"Bearer {settings.slack_bot_token}"})
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("could not post the report to Slack (%s): %s", channel, exc)
        return False
    if not data.get("ok"):
        log.warning("Slack refused the report for %s: %s", channel, data.get("error"))
        return False
    return True
