"""Forged, unreadable, oversized and replayed requests, sent to the real bot over HTTP: each is refused
before Bolt (401 or 413), nothing is queued and nothing is sent to Slack's Web API."""

from __future__ import annotations

import json
import random
import select
import socket
import time
import urllib.parse
from collections.abc import Iterable, Iterator

from bot_harness import PUBLIC_CHANNEL, SECRET, mention, sign
from slack_bolt.request import BoltRequest

FORM = "application/x-www-form-urlencoded"
MALFORMED_TIMESTAMPS = ("abc", "", "nan", "1.5", "0x10", "1e9")


def command_body(text: str = "help") -> bytes:
    return urllib.parse.urlencode(
        {
            "command": "/rfp",
            "text": text,
            "channel_id": PUBLIC_CHANNEL,
            "user_id": "W222",
            "team_id": "T111",
            "trigger_id": "1.2.x",
            "response_url": "http://127.0.0.1:9/unused",
        }
    ).encode()


UNREADABLE_BODIES = {
    "broken JSON": (
        b'{"type": "event_callback", "event": {"type": "app_mention", "channel": "C111", "user": "W2',
        "application/json",
    ),
    "payload=[]": (b"payload=%5B%5D", FORM),
    "payload that is not JSON": (b"payload=%7Bnot+json", FORM),
    "invalid UTF-8": (b"command=%2Frfp&text=\xff\xfe\xfd&channel_id=C111&user_id=W222", FORM),
    "binary": (random.Random(15).randbytes(512), FORM),
}


def refused_quietly(bot, before: dict) -> None:
    """Nothing was queued and no Web API call was made."""
    time.sleep(0.3)  # a listener would have run by now
    bot.idle()
    assert bot.jobs.stats() == before
    assert bot.api.calls == [], [c.method for c in bot.api.calls]


def test_malformed_timestamps_and_missing_signatures_get_401_and_no_slack_call(bot):
    body = command_body()
    before = bot.jobs.stats()
    cases: list[tuple[str, dict[str, str]]] = []
    for ts in MALFORMED_TIMESTAMPS:
        signed = sign(body, timestamp=ts)  # a valid HMAC over the malformed timestamp
        cases += [
            (f"signed, timestamp {ts!r}", signed),
            (f"unsigned, timestamp {ts!r}", {"X-Slack-Request-Timestamp": ts}),
        ]
    good = sign(body)
    cases += [
        ("no timestamp", {"X-Slack-Signature": good["X-Slack-Signature"]}),
        ("no signature", {"X-Slack-Request-Timestamp": good["X-Slack-Request-Timestamp"]}),
        ("no headers", {}),
    ]
    for what, headers in cases:
        response = bot.post(body, FORM, headers)
        assert response.status_code == 401, (what, response.status_code, response.text)
    refused_quietly(bot, before)


def test_unreadable_bodies_get_401_and_no_slack_call_signed_or_not(bot):
    before = bot.jobs.stats()
    for what, (body, kind) in UNREADABLE_BODIES.items():
        for headers in (sign(body), {**sign(body), "X-Slack-Signature": "v0=" + "0" * 64}):
            response = bot.post(body, kind, headers)
            assert response.status_code == 401, (what, response.status_code, response.text)
    refused_quietly(bot, before)


def test_bolt_tells_people_about_errors_only_on_requests_slack_signed(bot):
    """Behind the HTTP layer too: a request that reaches Bolt with a malformed timestamp (its own check
    raises) gets no message in Slack; a signed request whose listener fails still gets its apology."""
    body = command_body("ask What is the period of performance?").decode()
    for ts in MALFORMED_TIMESTAMPS:
        headers = {k.lower(): [v] for k, v in sign(body.encode(), timestamp=ts).items()}
        response = bot.app.dispatch(BoltRequest(body=body, headers={"content-type": [FORM], **headers}))
        assert response.status >= 400, ts
    time.sleep(0.3)
    assert bot.api.calls == [], [c.method for c in bot.api.calls]

    broken = mention("What is the period of performance?", "1726135000.000100")
    del broken["event"]["channel"]  # the listener fails on it
    assert bot.event(broken).status_code == 200
    (apology,) = bot.api.wait_for("chat.postMessage")
    assert apology.params["channel"] == "W222" and "error id" in apology.params["text"]


def test_a_replayed_slash_command_is_answered_once(bot):
    body = command_body("ask What is the period of performance?")
    headers = sign(body)
    first = bot.post(body, FORM, headers)
    replay = bot.post(body, FORM, headers)  # the same signed request again, within the 5 minutes
    assert first.status_code == 200 and "working on it" in first.text
    assert replay.status_code == 200 and "working on it" not in replay.text
    bot.api.wait_for("chat.postMessage")
    bot.idle()
    time.sleep(0.3)
    assert len(bot.api.calls_to("chat.postMessage")) == 1


# --- oversized bodies --------------------------------------------------------------------------------------


def raw_post(
    url: str,
    headers: dict[str, str],
    parts: Iterable[bytes] = (),
    wait_s: float = 5.0,
) -> tuple[str | None, int, float]:
    """POST /slack/events over a plain socket: the head, then body parts for as long as the server has
    not answered. Returns the status line (None: no answer within `wait_s`), body bytes sent, seconds."""
    host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sent, started = 0, time.monotonic()
    with socket.create_connection((host, port), timeout=wait_s) as sock:
        sock.sendall(f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\n{head}\r\n".encode())
        for part in parts:
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered
            try:
                sock.sendall(part)
            except OSError:  # it stopped reading and closed
                break
            sent += len(part)
        if not select.select([sock], [], [], wait_s)[0]:
            return None, sent, time.monotonic() - started
        try:
            status = sock.recv(4096).split(b"\r\n", 1)[0].decode()
        except OSError as exc:
            status = f"reset ({exc})"
        return status, sent, time.monotonic() - started


def chunks(total: int, size: int = 256 * 1024) -> Iterator[bytes]:
    block = b"x" * size
    for _ in range(total // size):
        yield b"%x\r\n" % size + block + b"\r\n"


def test_oversized_bodies_get_413_without_being_read(bot):
    from bot.server import MAX_BODY_BYTES

    headers = {**sign(b""), "Content-Type": FORM}
    before = bot.jobs.stats()
    for _ in range(4):  # 4 x 200 MB announced, not one byte of them sent: refused at once
        status, sent, seconds = raw_post(bot.url, {**headers, "Content-Length": str(200 * 2**20)})
        assert status is not None and " 413 " in status, status
        assert sent == 0 and seconds < 2
    # Chunked: no length announced; refused once the limit is passed, long before 64 MB are sent.
    status, sent, seconds = raw_post(bot.url, {**headers, "Transfer-Encoding": "chunked"}, chunks(64 * 2**20))
    assert status is not None and " 413 " in status, (status, sent)
    assert sent <= MAX_BODY_BYTES + 8 * 2**20 and seconds < 5
    refused_quietly(bot, before)
    assert bot.http.get(bot.url + "/healthz").status_code == 200


class EndlessInput:
    """A request body that never ends (a chunked upload), counting what is read of it."""

    def __init__(self):
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        size = 64 * 1024 if size is None or size < 0 else size
        self.read_bytes += size
        return b"x" * size


def test_the_http_layer_reads_no_more_than_its_limit_of_a_body_of_unknown_length(bot):
    """The WSGI layer caps what it reads by itself, whatever server runs it."""
    from bot.server import MAX_BODY_BYTES, wsgi_app

    stream = EndlessInput()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": FORM,
        "wsgi.input": stream,
        "wsgi.input_terminated": True,
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in sign(b"").items()},
    }
    statuses: list[str] = []
    body = b"".join(wsgi_app(bot.app, dict, signing_secret=SECRET)(environ, lambda s, h: statuses.append(s)))
    assert statuses[0].startswith("413") and b"limit" in body
    assert stream.read_bytes <= MAX_BODY_BYTES + 64 * 1024
    assert bot.api.calls == []


def test_a_signed_well_formed_request_still_works(bot):
    """The refusals above are not refusals of everything."""
    for kind, body in (
        (FORM, command_body("help")),
        (
            "application/json",
            json.dumps({"token": "x", "type": "url_verification", "challenge": "abc123"}).encode(),
        ),
    ):
        response = bot.post(body, kind)
        assert response.status_code == 200, response.text
    assert "abc123" in response.text
