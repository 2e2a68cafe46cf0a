"""The ``facekg`` console script: the Typer app with every command group registered here, explicitly."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import extract, gaps, records, release, review, reviewer, serve, sync, synthesis
from cli.errors import REPORTED, fail, show_tracebacks
from facekg import __version__

app = typer.Typer(help="facekg: living-review knowledge graph of deep-learning facial image analysis in medicine.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"facekg {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="print the version and exit")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="print the traceback of an error")] = False,
) -> None:
    """facekg: living-review knowledge graph of deep-learning facial image analysis in medicine."""
    show_tracebacks(debug)


# The command groups, in the order `facekg --help` lists them.
for group in (records, review, reviewer, extract, gaps, synthesis, sync, release, serve):
    group.register(app)


def main() -> None:
    """Run the CLI; an error outside any command (e.g. a bad setting) still ends in one line."""
    try:
        app()
    except REPORTED as exc:
        fail(exc)
