"""What the bot's tests share: where Slack's sample payloads are, signing, payload builders, and the
running bot (the real Bolt app behind waitress) with the local Slack Web API it talks to."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from mock_slack_api import MockSlackAPI
from slack_bolt import App
from slack_sdk.signature import SignatureVerifier

from bot.app import build_app
from bot.jobs import Jobs
from bot.server import HttpServer, wsgi_app
from core.feedback import FeedbackStore
from core.services import Services
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SECRET = "signing-secret-for-tests"
TOKEN = "xoxb-test-token"
PUBLIC_CHANNEL, SECRET_CHANNEL, CODES_CHANNEL = "C111", "C999SECRET", "C555CODES"
CLEARED_USER = "W333"  # may search the secret collection in direct messages


def shared_data() -> Path:
    """shared/data beside the repository (as CI lays it) or inside it."""
    for base in (ROOT.parent / "shared", ROOT / "shared"):
        if (base / "data" / "slack-payloads").is_dir():
            return (base / "data").resolve()
    pytest.fail(f"shared/data/slack-payloads not found beside or inside {ROOT}")


DATA = shared_data()
PAYLOADS = DATA / "slack-payloads"
CLOUDGOV = DATA / "rfp" / "gsa-tts-cloudgov-support-services-2019"


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text())


def sign(body: bytes, timestamp: int | str | None = None, secret: str = SECRET) -> dict[str, str]:
    """Slack's headers for `body`, signed by slack_sdk's SignatureVerifier (a `timestamp` string is
    signed as it is, so malformed timestamps can carry a valid HMAC). It signs only UTF-8 bodies;
    others get the same scheme over their bytes (what Slack's documentation specifies)."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    try:
        signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    except UnicodeDecodeError:
        base = f"v0:{timestamp}:".encode() + body
        signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature or ""}


@dataclass
class RunningBot:
    """The bot behind HTTP, and what it talks to."""

    url: str
    api: MockSlackAPI
    feedback: FeedbackStore
    jobs: Jobs
    http: httpx.Client
    app: App | None = None  # the Bolt app itself, for requests that skip the HTTP layer

    def post(self, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> httpx.Response:
        headers = {"Content-Type": content_type, **(sign(body) if headers is None else headers)}
        return self.http.post(self.url + "/slack/events", content=body, headers=headers)

    def command(
        self, text: str, channel: str = PUBLIC_CHANNEL, user: str = "W222", **headers
    ) -> httpx.Response:
        """`/rfp TEXT`, from the real form-encoded slash command body with our values."""
        form = dict(
            urllib.parse.parse_qsl(
                (PAYLOADS / "slash_commands/slash_command.form-urlencoded.txt").read_text().strip()
            )
        )
        form.update(
            command="/rfp",
            text=text,
            channel_id=channel,
            user_id=user,
            channel_name="directmessage" if channel.startswith("D") else form["channel_name"],
            response_url=f"{self.api.url}/response_url/{channel}/{time.monotonic_ns()}",
        )
        body = urllib.parse.urlencode(form).encode()
        return self.post(body, "application/x-www-form-urlencoded", headers or None)

    def event(self, body: dict) -> httpx.Response:
        return self.post(json.dumps(body).encode(), "application/json")

    def interaction(self, body: dict) -> httpx.Response:
        form = urllib.parse.urlencode({"payload": json.dumps(body)}).encode()
        return self.post(form, "application/x-www-form-urlencoded")

    def idle(self, timeout: float = 300) -> None:
        assert self.jobs.wait_idle(timeout), f"jobs still running after {timeout}s: {self.jobs.stats()}"


def start_bot(settings: Settings, services: Services, api: MockSlackAPI, **options):
    feedback = FeedbackStore(settings.feedback_path)
    jobs = Jobs(workers=2)
    app = build_app(settings, services, feedback=feedback, jobs=jobs, **options)

    def health() -> dict:
        return {"mode": "http", "jobs": jobs.stats()}

    server = HttpServer(wsgi_app(app, health, settings.slack_signing_secret), "127.0.0.1", 0).start()
    http = httpx.Client(timeout=30)
    return RunningBot(server.url, api, feedback, jobs, http, app), server


def stop_bot(bot: RunningBot, server) -> None:
    """Wait for the bot's jobs, then close what start_bot opened."""
    bot.idle()
    bot.http.close()
    server.stop()
    bot.jobs.shutdown()
    bot.feedback.close()


def mention(
    text: str,
    ts: str,
    channel: str = PUBLIC_CHANNEL,
    user: str = "W222",
    event_id: str | None = None,
    thread_ts: str | None = None,
    files: list[dict] | None = None,
) -> dict:
    body = copy.deepcopy(payload("events_api/app_mention.json"))
    body["event"].update(text=f"<@W111> {text}", ts=ts, event_ts=ts, channel=channel, user=user)
    if thread_ts:
        body["event"]["thread_ts"] = thread_ts
    if files:
        body["event"]["files"] = files
    body["event_id"] = event_id or f"Ev{ts.replace('.', '')}"
    body["event_time"] = int(time.time())
    return body


def thread_reply(
    text: str, ts: str, thread_ts: str, channel: str = PUBLIC_CHANNEL, user: str = "W222"
) -> dict:
    body = copy.deepcopy(payload("events_api/message_channel_thread_reply.json"))
    body["event"].update(text=text, ts=ts, event_ts=ts, thread_ts=thread_ts, channel=channel, user=user)
    body["event_id"] = f"Ev{ts.replace('.', '')}"
    body["event_time"] = int(time.time())
    return body


def click_payload(
    action_id: str, value: str, channel: str, message_ts: str, text: str = "", user: str = "W444"
) -> dict:
    """A button clicked under a message in `channel` (the real block_actions payload, our values)."""
    body = copy.deepcopy(payload("interactivity/block_actions_button.json"))
    body["user"].update(id=user, username="reviewer", name="reviewer")
    body["container"].update(message_ts=message_ts, channel_id=channel, is_ephemeral=False)
    body["channel"]["id"] = channel
    body["message"] = {"type": "message", "ts": message_ts, "text": text}
    body["actions"][0].update(action_id=action_id, block_id="feedback", value=value)
    return body


def submission_payload(view: dict, text: str, user: str = "W444") -> dict:
    """The modal `view` (as the bot opened it) sent with `text` typed in its box."""
    from bot.blocks import SUGGEST_BLOCK, SUGGEST_INPUT

    body = copy.deepcopy(payload("interactivity/view_submission.json"))
    body["user"].update(id=user)
    body["view"].update(
        callback_id=view["callback_id"],
        private_metadata=view["private_metadata"],
        blocks=view["blocks"],
        state={"values": {SUGGEST_BLOCK: {SUGGEST_INPUT: {"type": "plain_text_input", "value": text}}}},
    )
    return body


def block_texts(blocks: list[dict]) -> str:
    """The text a person sees in a message's blocks."""
    out = []
    for b in blocks:
        if isinstance(b.get("text"), dict):
            out.append(b["text"]["text"])
        for e in b.get("elements", []):
            if isinstance(e.get("text"), str):
                out.append(e["text"])
    return "\n".join(out)
