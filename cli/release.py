"""``facekg release``: freeze the current review update as a named, citable release with its export bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.errors import reported_errors
from cli.store import BackendOption, command_settings, opened_store


def release(
    version: Annotated[str, typer.Option("--version", help="the release's version, X.Y or X.Y.Z")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="folder for the bundle (default "
                                                                 "FACEKG_DATA_DIR/releases/VERSION); must "
                                                                 "be new or empty")] = None,
    backend: BackendOption = None,
) -> None:
    """Freeze the latest review update as release VERSION: every export, a manifest with checksums, recorded."""
    from graph.exports.release import check_version, make_release
    from ontology import load_ontology

    settings = command_settings(backend)
    with reported_errors():
        check_version(version)
    folder = out if out is not None else settings.data_dir / "releases" / version
    with opened_store(backend) as store, reported_errors():
        made = make_release(store, load_ontology(), version, folder, settings.data_dir)
    typer.echo(f"release {made.version} of review update {made.review_update}: {made.counts['studies']} studies, "
               f"{len(made.exports)} exports in {folder}")
    for item in made.exports:
        typer.echo(f"  {item.file}  sha256 {item.sha256}")


def register(app: typer.Typer) -> None:
    """Add ``release``."""
    app.command("release")(release)
