"""Posting a short report to a Slack channel through the Web API (`chat.postMessage`), for jobs that
are not the bot (the adaptation schedule). Uses SLACK_BOT_TOKEN and SLACK_API_URL like the bot, and
slack_sdk's WebClient, which waits and retries when Slack answers 429 (rate limited)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from core.settings import Settings

log = logging.getLogger(__name__)


def slack_client(settings: Settings, timeout: float = 15.0, rate_limit_retries: int = 2) -> WebClient:
    url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return WebClient(
        token=settings.slack_bot_token,
        base_url=url,
        timeout=int(timeout),
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)],
    )


def post_to_slack(
    settings: Settings, text: str, channel: str | None = None, client: WebClient | None = None
) -> bool:
    """True when Slack accepted the message; False (logged) when not configured or refused: a report
    that cannot be posted must not fail the job that produced it."""
    channel = channel or settings.report_channel
    if not channel or not settings.slack_bot_token:
        return False
    client = client or slack_client(settings)
    try:
        client.chat_postMessage(channel=channel, text=text, mrkdwn=True)
    except SlackApiError as exc:
        log.warning("Slack refused the report for %s: %s", channel, exc.response.get("error"))
        return False
    except (SlackClientError, OSError) as exc:
        log.warning("could not post the report to Slack (%s): %s", channel, exc)
        return False
    return True
