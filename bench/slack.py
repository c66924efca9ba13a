"""Load check for the Slack bot: bursts of slash commands sent at once through the real HTTP endpoint.

    .venv/bin/python bench/slack.py [--n 50] [--generated-n 10] [--workers 2] [--data-dir DIR]

Starts the real Bolt app behind waitress, a local Slack Web API (tests/bot/mock_slack_api.py) and a
corpus (the cloud.gov RFQ, ingested into a temporary folder unless --data-dir holds one), then sends
signed `/rfp ask` requests at the same moment, twice in one run: --n answered extractively (no model),
then --generated-n answered by the chat model (fewer: each takes seconds of both cores; 0 skips it).
A burst passes when every ack came back 200 within 3 s and every request got exactly one answer
posted in Slack (none lost, none failed). Prints, per burst, ack latency, answers done and answer
latency (from sending to the answer's post).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "bot")]

from mock_slack_api import MockSlackAPI  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402

from bot.app import build_app  # noqa: E402
from bot.jobs import Jobs  # noqa: E402
from bot.server import HttpServer, wsgi_app  # noqa: E402
from core.feedback import FeedbackStore  # noqa: E402
from core.logs import configure  # noqa: E402
from core.services import Services  # noqa: E402
from core.settings import Settings  # noqa: E402

SECRET, TOKEN = "bench-signing-secret", "xoxb-bench"
ACK_LIMIT_S = 3.0
QUESTIONS = [
    "What is the period of performance?",
    "Where is the place of performance?",
    "Who are the key personnel?",
    "How often must invoices be submitted?",
    "What type of contract is this?",
    "How will quotes be evaluated?",
    "Is travel reimbursed?",
    "What is the basis for award?",
    "What should the technical response include?",
    "How long may each resume be?",
]


def corpus_file() -> Path:
    for base in (ROOT.parent / "shared", ROOT / "shared"):
        path = base / "data" / "rfp" / "gsa-tts-cloudgov-support-services-2019" / "RFQ.md"
        if path.is_file():
            return path
    sys.exit("shared/data/rfp/gsa-tts-cloudgov-support-services-2019/RFQ.md not found beside the repository")


def sign(body: bytes) -> dict[str, str]:
    """Slack's signing headers for `body`, as Slack makes them (slack_sdk's SignatureVerifier)."""
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature or ""}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def burst(
    settings: Settings,
    services: Services,
    api: MockSlackAPI,
    n: int,
    workers: int,
    timeout: float,
    label: str,
) -> bool:
    """N commands at once to a fresh bot on `services`; prints what it measured; True if it passed."""
    feedback = FeedbackStore(settings.feedback_path)
    jobs = Jobs(workers)
    app = build_app(settings, services, feedback=feedback, jobs=jobs)
    server = HttpServer(wsgi_app(app, jobs.stats, SECRET), "127.0.0.1", 0, threads=8).start()
    client = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=n))
    api.reset()

    gate = threading.Barrier(n)
    sent: dict[str, float] = {}
    acks: dict[str, tuple[int, float, str]] = {}

    def send(i: int) -> None:
        user = f"U{i:04d}"
        body = urllib.parse.urlencode(
            {
                "token": "x",
                "team_id": "T111",
                "channel_id": "C111",
                "channel_name": "bench",
                "user_id": user,
                "command": "/rfp",
                "text": f"ask {QUESTIONS[i % len(QUESTIONS)]}",
                "trigger_id": f"{i}.1.x",
                "response_url": f"{api.url}/response_url/{label}/{user}",
            }
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        gate.wait()
        sent[user] = time.monotonic()
        try:
            response = client.post(server.url + "/slack/events", content=body, headers=headers)
            acks[user] = (response.status_code, time.monotonic() - sent[user], response.text)
        except httpx.HTTPError as exc:
            acks[user] = (0, time.monotonic() - sent[user], repr(exc))

    print(f"\n{label}: sending {n} commands at once ({workers} workers)")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=n) as pool:
        list(pool.map(send, range(n)))

    def answered() -> dict[str, float]:
        out = {}
        for call in api.calls_to("chat.postMessage"):
            asked = next(
                (
                    e["text"]
                    for b in call.params.get("blocks") or []
                    if b["type"] == "context"
                    for e in b["elements"]
                ),
                "",
            )
            user = asked[2:7] if asked.startswith("<@U") else None
            if user in sent and user not in out:
                out[user] = call.at - sent[user]
        return out

    deadline = time.monotonic() + timeout
    while len(answered()) < n and time.monotonic() < deadline and jobs.pending:
        time.sleep(0.5)
    jobs.wait_idle(max(0.0, deadline - time.monotonic()))
    answers = answered()
    posts = api.calls_to("chat.postMessage")
    apologies = [c for c in api.calls_to("response_url") if "error id" in c.params.get("text", "")]

    ack_s = [a[1] for a in acks.values()]
    bad_acks = {u: a for u, a in acks.items() if a[0] != 200 or a[1] >= ACK_LIMIT_S}
    lost = sorted(set(sent) - set(answers))
    print(
        f"  acks:    {len(acks)}/{n} returned, {len(bad_acks)} late or failed; "
        f"p50 {statistics.median(ack_s) * 1000:.0f} ms, p95 {pct(ack_s, 95) * 1000:.0f} ms, "
        f"max {max(ack_s) * 1000:.0f} ms"
    )
    if answers:
        ans_s = list(answers.values())
        print(
            f"  answers: {len(answers)}/{n} done ({len(posts)} messages); latency p50 {statistics.median(ans_s):.2f} s, "
            f"p95 {pct(ans_s, 95):.2f} s, max {max(ans_s):.2f} s; all {n} in {time.monotonic() - started:.1f} s"
        )
    else:
        print(f"  answers: 0/{n} done")
    print(f"  jobs:    {jobs.stats()}; lost {len(lost)}; apologies {len(apologies)}")
    ok = not bad_acks and not lost and len(posts) == n and not apologies and jobs.stats()["failed"] == 0
    print("  PASS" if ok else f"  FAIL: bad acks {list(bad_acks.items())[:3]}, lost {lost[:5]}")
    client.close()
    server.stop()
    jobs.shutdown()
    feedback.close()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n", type=int, default=50, help="commands sent at once, answered extractively (0: skip)"
    )
    parser.add_argument(
        "--generated-n",
        type=int,
        default=10,
        help="commands sent at once, answered by the chat model (0: skip)",
    )
    parser.add_argument("--workers", type=int, default=2, help="answers computed at once")
    parser.add_argument("--data-dir", type=Path, help="an existing data folder with a 'public' collection")
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds to wait for each burst's answers"
    )
    args = parser.parse_args()
    configure()
    logging.getLogger("bot").setLevel(logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # a deep accept queue is the point here

    tmp = tempfile.TemporaryDirectory(prefix="rfp-bench-")
    data_dir = args.data_dir or Path(tmp.name)
    api = MockSlackAPI(token=TOKEN).start()
    settings = Settings(
        data_dir=data_dir,
        extractive=True,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_app_token=None,
        slack_api_url=api.api_url,
        _env_file=None,
    )
    services = Services(settings)
    if not args.data_dir:
        started = time.perf_counter()
        result = services.indexer.index_file(corpus_file(), "public", display="RFQ.md")
        print(f"corpus: RFQ.md, {result.chunks} passages indexed in {time.perf_counter() - started:.1f} s")
    services.embedder.embed_query("warm up")
    ok = True
    if args.n:
        ok &= burst(settings, services, api, args.n, args.workers, args.timeout, "extractive answers")
    if args.generated_n:
        started = time.perf_counter()
        _ = services.chat  # load the model before the clock starts, as `rfp bot` does at start-up
        print(f"\nchat model loaded in {time.perf_counter() - started:.1f} s")
        generated = settings.model_copy(update={"extractive": False})
        ok &= burst(
            generated, services, api, args.generated_n, args.workers, args.timeout, "generated answers"
        )
    services.close()
    api.stop()
    tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
