"""The WSGI layer in front of Bolt's handler: only a readable request signed by Slack reaches Bolt.

Refused before any listener runs, with a one-line reason in the response and the log:
- 401: a missing or malformed timestamp or signature, a wrong or stale signature, a body Bolt could
  not parse (not UTF-8, not a JSON object, a `payload` that is not a JSON object);
- 413: a body over `max_bytes`, decided from Content-Length before reading any of it, and for a body
  of unknown length (chunked) by reading at most `max_bytes` + 1 bytes.
Bolt then gets the body that was checked (Bolt checks the signature again; that is cheap).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable

from bot.verify import SIGNATURE_HEADER, TIMESTAMP_HEADER, RequestCheck, header_problem

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 4 * 2**20  # Slack's payloads are kilobytes; a few MB leaves room and bounds memory
READ_BLOCK = 64 * 1024


class TooLarge(Exception):
    pass


class BadLength(Exception):
    pass


def read_body(environ: dict, max_bytes: int) -> bytes:
    """The request body, never more than `max_bytes` of it read (TooLarge past that)."""
    stream = environ.get("wsgi.input")
    announced = (environ.get("CONTENT_LENGTH") or "").strip()
    if announced:
        if not announced.isdigit():
            raise BadLength(announced)
        if int(announced) > max_bytes:
            raise TooLarge(announced)
        wanted = int(announced)
    elif environ.get("wsgi.input_terminated"):  # chunked, and the server marks the end: read to it
        wanted = max_bytes + 1
    else:
        return b""  # PEP 3333: without a length, nothing may be read
    blocks, got = [], 0
    while stream is not None and got < wanted:
        block = stream.read(min(READ_BLOCK, wanted - got))
        if not block:
            break
        blocks.append(block)
        got += len(block)
    if got > max_bytes:
        raise TooLarge(f"{got}+")
    return b"".join(blocks)


def headers_of(environ: dict) -> dict[str, str]:
    """The request's headers, lower-case names."""
    out = {k[5:].lower().replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        out["content-type"] = environ["CONTENT_TYPE"]
    return out


def guarded(handler: Callable, signing_secret: str, max_bytes: int = MAX_BODY_BYTES) -> Callable:
    """`handler` (Bolt's SlackRequestHandler) behind the checks above."""
    check = RequestCheck(signing_secret)

    def refuse(start_response: Callable, status: str, reason: str, environ: dict) -> Iterable[bytes]:
        log.warning("refused a request from %s: %s", environ.get("REMOTE_ADDR", "?"), reason)
        body = f"{status}: {reason}\n".encode()
        start_response(
            status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
        )
        return [body]

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return handler(environ, start_response)  # Bolt answers 404
        headers = headers_of(environ)
        reason = header_problem(headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER))
        if reason:  # no need to read a body that cannot be checked
            return refuse(start_response, "401 Unauthorized", reason, environ)
        try:
            body = read_body(environ, max_bytes)
        except TooLarge as exc:
            return refuse(
                start_response,
                "413 Request Entity Too Large",
                f"body over the {max_bytes / 2**20:g} MB limit ({exc} bytes)",
                environ,
            )
        except BadLength as exc:
            return refuse(
                start_response,
                "400 Bad Request",
                f"Content-Length {str(exc)[:20]!r} is not a number",
                environ,
            )
        reason = check.problem(body, headers)
        if reason:
            return refuse(start_response, "401 Unauthorized", reason, environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return handler(environ, start_response)

    return application
