"""How every command ends on an error: one line on stderr and exit status 1, never a traceback.

``facekg --debug ...`` prints the traceback first. Errors facekg raises on purpose
(:class:`facekg.errors.FacekgError`: bad input, bad settings, an unreachable store) and the
operating system's (a file that cannot be read or written) are reported this way; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer

from facekg.errors import FacekgError

REPORTED = (FacekgError, OSError)


class _Switches:
    debug = False


def show_tracebacks(enabled: bool) -> None:
    """Turn ``--debug`` on or off for this process."""
    _Switches.debug = enabled


def message_of(error: BaseException) -> str:
    """The error as one line."""
    if isinstance(error, OSError) and not isinstance(error, FacekgError) and error.strerror:
        text = f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    else:
        text = str(error) or type(error).__name__
    return " ".join(text.split())


def fail(error: BaseException) -> NoReturn:
    """Print ``error: <message>`` (after the traceback with ``--debug``) and exit with status 1."""
    if _Switches.debug:
        traceback.print_exception(error)
    typer.secho(f"error: {message_of(error)}", fg=typer.colors.RED, err=True)
    raise SystemExit(1) from error


@contextmanager
def reported_errors() -> Iterator[None]:
    """Within the block, a facekg or OS error ends the command through :func:`fail`."""
    try:
        yield
    except REPORTED as exc:
        fail(exc)
