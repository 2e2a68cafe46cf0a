"""``facekg import``: read a whole-graph export (ttl, jsonld, graphml, csv) back into an empty store."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api.cli import Backend, cli_store, fail


class ImportFormat(StrEnum):
    ttl = "ttl"
    jsonld = "jsonld"
    graphml = "graphml"
    csv = "csv"


_SUFFIXES = {".ttl": "ttl", ".jsonld": "jsonld", ".graphml": "graphml", ".zip": "csv"}


def register(app: typer.Typer) -> None:
    """Add ``facekg import`` to the facekg CLI."""
    app.command("import")(import_export)


def import_export(
    file: Annotated[Path, typer.Argument(help="an export written by `facekg export` or /v1/exports")],
    format: Annotated[ImportFormat | None, typer.Option("--format", "-f", help="default: from the suffix "
                                                        "(.ttl, .jsonld, .graphml, .zip)")] = None,
    backend: Annotated[Backend | None, typer.Option(help="store to import into (must be empty)")] = None,
) -> None:
    """Import a whole-graph export into an empty store: every review update, study, fact and provenance."""
    from graph.exports import export_format
    from graph.exports.history import restore
    from graph.ontology_rows import ontology_rows
    from ontology import load_ontology

    name = format.value if format else _SUFFIXES.get(file.suffix.lower())
    if name is None:
        raise fail(ValueError(f"{file}: cannot tell the format from the suffix; give --format"))
    reader = export_format(name).read
    assert reader is not None
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(exc) from exc
    with cli_store(backend) as store:
        updates, studies = reader(data, str(file))
        count = restore(store, updates, studies, file=str(file))
        store.write_ontology(ontology_rows(load_ontology()))
    typer.echo(f"imported {count} studies and {len(updates)} review updates from {file}")
