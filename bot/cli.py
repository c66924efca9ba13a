"""`rfp bot` / `python -m bot`: run the Slack bot.

Mounted into `rfp` with `app.add_typer(bot.cli.app)` (its commands join rfp's own). The feedback the
bot stores becomes training lines with `rfp feedback export` (rfp/feedback_cli.py).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import Annotated

import typer

from core.cli_support import get_settings, run_app
from core.feedback import FeedbackStore
from core.services import Services
from core.settings import Settings

log = logging.getLogger(__name__)
app = typer.Typer(add_completion=False)


def bot(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="HTTP port for /slack/events and /healthz.")] = 3000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "0.0.0.0",
    workers: Annotated[
        int, typer.Option(min=1, help="Requests answered at once (the rest wait their turn).")
    ] = 2,
    threads: Annotated[int, typer.Option(min=1, help="HTTP server threads.")] = 8,
) -> None:
    """Run the Slack bot: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on --port."""
    from bot.app import api_url, build_app
    from bot.jobs import Jobs
    from bot.server import HttpServer, socket_mode_handler, wsgi_app

    if logging.getLogger("bot").level == logging.NOTSET:
        logging.getLogger("bot").setLevel(logging.INFO)
    settings = get_settings(ctx)
    services = Services(settings)
    feedback = FeedbackStore(settings.feedback_path)
    jobs = Jobs(workers)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop like Ctrl-C: finish queued answers first
    try:
        slack = build_app(settings, services, feedback=feedback, jobs=jobs)
        warm_up(services, settings)
        mode = "socket" if settings.slack_app_token else "http"

        def health() -> dict:
            return {"mode": mode, "jobs": jobs.stats()}

        if mode == "socket":
            health_server = HttpServer(wsgi_app(None, health), host, port, threads=2).start()
            log.info("Socket Mode; health on http://%s:%d/healthz", host, health_server.port)
            socket_mode_handler(slack, settings.slack_app_token, api_url(settings.slack_api_url)).start()
        else:
            server = HttpServer(wsgi_app(slack, health, settings.slack_signing_secret), host, port, threads)
            log.info(
                "listening on http://%s:%d/slack/events (health: /healthz), %d workers",
                host,
                server.port,
                workers,
            )
            server.serve_forever()
    finally:
        log.info("stopping: finishing %d queued request(s)", jobs.pending)
        jobs.shutdown(wait=True)
        feedback.close()
        services.close()


def warm_up(services: Services, settings: Settings) -> None:
    """Open the store and load the embedder now (a locked data folder fails here, not on the first
    question); load the chat model in the background when answers are generated."""
    services.store.collections()
    services.embedder.embed_query("warm up")
    if not settings.extractive:
        threading.Thread(target=lambda: services.chat, name="load-model", daemon=True).start()


app.command("bot")(bot)


def main() -> None:
    """`python -m bot`: the bot command alone."""
    standalone = typer.Typer(add_completion=False)
    standalone.command()(bot)
    run_app(standalone)
