"""Is this a request Slack sent? The checks the HTTP layer makes before Bolt sees a request, and that
the error handler makes again before it tells anyone anything.

A request is Slack's when its `X-Slack-Request-Timestamp` is a whole number of seconds within 5
minutes of now, its `X-Slack-Signature` is `v0=` and 64 hex digits, and that signature is the HMAC of
the body under the signing secret (slack_sdk's `SignatureVerifier`, a constant-time comparison). It
is readable when the body is UTF-8 and Bolt can parse it: a JSON object, or a form whose `payload`,
if any, is a JSON object. Each check answers with the reason it failed, or None.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
TIMESTAMP_HEADER, SIGNATURE_HEADER = "x-slack-request-timestamp", "x-slack-signature"


def header_problem(timestamp: str | None, signature: str | None) -> str | None:
    """Why the signing headers cannot be checked at all (None: they can)."""
    if timestamp is None:
        return "no X-Slack-Request-Timestamp header"
    if not TIMESTAMP.fullmatch(timestamp):
        return "X-Slack-Request-Timestamp is not a whole number of seconds"
    if signature is None:
        return "no X-Slack-Signature header"
    if not SIGNATURE.fullmatch(signature):
        return "X-Slack-Signature is not v0= and 64 hex digits"
    return None


def body_problem(body: bytes, content_type: str | None) -> str | None:
    """Why Bolt could not read this body (None: it can). Mirrors Bolt's own parsing, which raises
    (an HTTP 500) on what this refuses."""
    if not body:
        return "empty body"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8"
    kind = (content_type or "").split(";")[0].strip().lower()
    try:
        if kind == "application/json" or text.startswith("{"):
            return None if isinstance(json.loads(text), dict) else "JSON body is not an object"
        form = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
    except ValueError:  # json.JSONDecodeError is one
        return "body is neither JSON nor a form"
    if "payload" in text and "payload" in form:
        try:
            return None if isinstance(json.loads(form["payload"]), dict) else "payload is not a JSON object"
        except ValueError:
            return "payload is not JSON"
    return None


class RequestCheck:
    def __init__(self, signing_secret: str):
        self._verifier = SignatureVerifier(signing_secret)

    def problem(self, body: bytes, headers: Mapping[str, str]) -> str | None:
        """Why this is not a readable request signed by Slack in the last 5 minutes (None: it is).
        `headers`: lower-case names."""
        timestamp, signature = headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER)
        reason = header_problem(timestamp, signature)
        if reason:
            return reason
        try:
            body.decode("utf-8")  # slack_sdk's verifier raises on anything else
        except UnicodeDecodeError:
            return "body is not UTF-8"
        if not self._verifier.is_valid(body, timestamp, signature):
            return "signature does not match, or the request is over 5 minutes old"
        return body_problem(body, headers.get("content-type"))
