"""What every command line entry point shares: Settings built once, errors shown once.

A `UserFacingError` prints its message (it names the file or field) and exits with 2. Any other
exception is a bug: it is logged with its stack under an error id, and the person sees the id.
"""

from __future__ import annotations

import logging
import sys
from types import ModuleType

import click
import typer

from core.errors import UserFacingError, new_error_id
from core.logs import configure
from core.settings import Settings

log = logging.getLogger(__name__)

# Typer 0.2x carries its own copy of click: catch its exceptions as well as click's.
_vendored: ModuleType
try:
    from typer._click import exceptions as _vendored
except ImportError:  # an older typer on plain click
    _vendored = click.exceptions
ABORTS = (click.exceptions.Abort, typer.Abort)
EXITS = (click.exceptions.Exit, typer.Exit)
CLICK_ERRORS = (click.ClickException, _vendored.ClickException)


def get_settings(ctx: typer.Context | None = None) -> Settings:
    """The Settings built at the entry point (stored on the root context), built once on demand."""
    context: typer.Context | click.Context | None = ctx or click.get_current_context(silent=True)
    root = context.find_root() if context is not None else None
    if root is not None and isinstance(root.obj, Settings):
        return root.obj
    try:
        settings = Settings()
    except Exception as exc:  # pydantic ValidationError names the field
        raise UserFacingError(f"invalid settings: {exc}") from exc
    if root is not None:
        root.obj = settings
    return settings


def run_app(app: typer.Typer, argv: list[str] | None = None) -> None:
    """Run a Typer app with the product's error policy."""
    if not logging.getLogger().handlers:
        configure(verbose="--verbose" in (argv or sys.argv) or "-v" in (argv or sys.argv))
    try:
        # Without standalone mode a command's `typer.Exit(code)` comes back as the return value.
        code = app(args=argv, standalone_mode=False)
    except ABORTS:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except EXITS as exc:
        sys.exit(exc.exit_code)
    except CLICK_ERRORS as exc:  # usage errors: the usage line and what was wrong
        exc.show()
        sys.exit(exc.exit_code)
    except UserFacingError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception:
        error_id = new_error_id()
        log.exception("unexpected error %s", error_id)
        typer.secho(f"internal error {error_id}: see the log above; please report it.", fg="red", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
