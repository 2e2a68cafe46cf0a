"""``facekg reviewer add NAME [--role reviewer|admin]``, ``facekg reviewer list``, ``facekg reviewer revoke ID``.

Run on the machine that holds the data dir, so the first admin needs no key;
``add`` prints the new key once, as the last line of its output.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from cli.errors import reported_errors
from cli.store import command_settings

if TYPE_CHECKING:
    from review.workspace import Workspace

reviewer_app = typer.Typer(help="Reviewers and their API keys (kept as Argon2id hashes in the review workspace).",
                           no_args_is_help=True)


class RoleOption(StrEnum):
    reviewer = "reviewer"
    admin = "admin"


def _workspace() -> Workspace:
    from review.workspace import Workspace

    return Workspace.in_data_dir(command_settings().data_dir)


@reviewer_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="the reviewer's name (their id is made from it)")],
    role: Annotated[RoleOption, typer.Option(help="admins also add reviewers and resolve by consensus")] =
    RoleOption.reviewer,
) -> None:
    """Add a reviewer and print their API key (shown this once; only its hash is kept)."""
    from review.service import add_reviewer

    with reported_errors():
        reviewer, key = add_reviewer(_workspace(), name, role.value)
    typer.echo(f"added {reviewer.role} {reviewer.id} ({reviewer.name}); the key below is shown once, keep it:")
    typer.echo(key)


@reviewer_app.command("list")
def list_() -> None:
    """Every reviewer: id, role, name, and whether the key is revoked."""
    from review.service import list_reviewers

    with reported_errors():
        reviewers = list_reviewers(_workspace())
    for reviewer in reviewers:
        typer.echo(f"{reviewer.id}\t{reviewer.role}\t{'revoked' if reviewer.revoked else 'active'}\t{reviewer.name}")
    if not reviewers:
        typer.echo("no reviewers yet: facekg reviewer add NAME --role admin", err=True)


@reviewer_app.command("revoke")
def revoke(reviewer_id: Annotated[str, typer.Argument(metavar="ID", help="the reviewer's id")]) -> None:
    """Revoke a reviewer's key: later requests with it get 401 (their entries stay)."""
    from review.service import revoke_reviewer

    with reported_errors():
        reviewer = revoke_reviewer(_workspace(), reviewer_id)
    typer.echo(f"revoked the key of {reviewer.id}")


def register(app: typer.Typer) -> None:
    """Add the ``reviewer`` group."""
    app.add_typer(reviewer_app, name="reviewer")
