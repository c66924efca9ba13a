"""`build_app(settings, services) -> App`: the Bolt app with its listeners and the parts they use.

Slack's Web API is reached at `settings.slack_api_url` (GovSlack and corporate proxies have their
own). Listeners only acknowledge and queue; answers, drafts, code look-ups and ingest run on `Jobs`
workers, so Slack always gets its acknowledgement within 3 seconds.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import httpx
from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk import WebClient

from bot.access import Access
from bot.dedupe import Claims
from bot.jobs import Jobs
from bot.listeners import register_listeners
from bot.tasks import Tasks
from bot.tasks.ask import Ask
from bot.tasks.codes import LookupCodes
from bot.tasks.draft import MESSAGE_CHARS, MakeDraft
from bot.tasks.ingest import IngestFiles
from core.errors import UserFacingError
from core.feedback import FeedbackStore
from core.services import Services
from core.settings import Settings

log = logging.getLogger(__name__)
ACK_THREADS = 16  # Bolt runs each listener (ack + queue, milliseconds) on one of these


def api_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def web_client(settings: Settings) -> WebClient:
    if not settings.slack_bot_token:
        raise UserFacingError(
            "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) from your "
            "Slack app's OAuth & Permissions page (see docs/slack.md)"
        )
    return WebClient(token=settings.slack_bot_token, base_url=api_url(settings.slack_api_url))


def build_tasks(
    settings: Settings,
    services: Services,
    feedback: FeedbackStore,
    jobs: Jobs,
    http: httpx.Client,
    draft_chars: int = MESSAGE_CHARS,
) -> Tasks:
    return Tasks(
        access=Access(settings.access_file, settings.collection),
        jobs=jobs,
        feedback=feedback,
        ask=Ask(services.answerer, feedback, settings.extractive),
        draft=MakeDraft(services.answerer, feedback, settings.extractive, draft_chars),
        codes=LookupCodes(services.retriever),
        ingest=IngestFiles(
            services.indexer,
            services.store,
            settings.data_dir / "slack-files",
            http,
            int(settings.max_file_mb * 2**20),
        ),
        claims=Claims(settings.feedback_path),
    )


def _same_token(record: logging.LogRecord) -> bool:
    """Bolt also reads SLACK_BOT_TOKEN itself and warns that our client's (the same token) wins."""
    return "`token` will be unused" not in record.getMessage()


def build_app(
    settings: Settings,
    services: Services,
    *,
    feedback: FeedbackStore | None = None,
    jobs: Jobs | None = None,
    http: httpx.Client | None = None,
    client: WebClient | None = None,
    draft_chars: int = MESSAGE_CHARS,
) -> App:
    """The bot's Bolt app. Pass `feedback`/`jobs` to keep hold of them (tests, the server's health)."""
    socket_mode = bool(settings.slack_app_token)
    if not socket_mode and not settings.slack_signing_secret:
        raise UserFacingError(
            "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your Slack app's "
            "Basic Information page, or set SLACK_APP_TOKEN for Socket Mode (see docs/slack.md)"
        )
    client = client or web_client(settings)
    feedback = feedback or FeedbackStore(settings.feedback_path)
    jobs = jobs or Jobs()
    http = http or httpx.Client(timeout=httpx.Timeout(30.0, read=120.0))
    bolt_log = logging.getLogger("bot.bolt")
    bolt_log.addFilter(_same_token)
    try:
        app = App(
            client=client,
            signing_secret=settings.slack_signing_secret or "",
            process_before_response=False,
            listener_executor=ThreadPoolExecutor(max_workers=ACK_THREADS, thread_name_prefix="bolt"),
            logger=bolt_log,
        )
    except BoltError as exc:  # auth.test failed: a wrong token or an unreachable API
        raise UserFacingError(f"Slack did not accept SLACK_BOT_TOKEN at {client.base_url}: {exc}") from exc
    register_listeners(
        app, build_tasks(settings, services, feedback, jobs, http, draft_chars), settings.slack_signing_secret
    )
    return app
