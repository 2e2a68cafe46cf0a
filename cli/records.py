"""``facekg load``, ``stats``, ``export`` and ``import``: curated records in, the graph's content out and back."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.errors import fail, reported_errors
from cli.store import BackendOption, opened_store


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    graphml = "graphml"
    ttl = "ttl"
    jsonld = "jsonld"
    csv = "csv"


def load(
    files: Annotated[list[Path], typer.Argument(help="JSONL files of study records")],
    backend: BackendOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
) -> None:
    """Load curated study records (one JSON object per line) as one review update."""
    from ingest.load import load_records
    from ingest.structured import read_study_records
    from ontology import load_ontology

    with opened_store(backend, create=True) as store:
        records = [record for path in files for record in read_study_records(path)]
        summary = load_records(store, records, load_ontology(), source=", ".join(str(f) for f in files))
    if json_output:
        typer.echo(summary.model_dump_json(indent=2))
        return
    typer.echo(f"review update {summary.review_update or '(none: nothing changed)'}: "
               f"{summary.records_read} records read, {summary.created} created, {summary.updated} updated, "
               f"{summary.unchanged} unchanged")
    typer.echo("facts: " + ", ".join(f"{kind} {count}" for kind, count in summary.facts.items()))
    for kind, names in summary.unmapped.items():
        typer.echo(f"unmapped {kind} ({len(names)}): " + "; ".join(names))


def stats(backend: BackendOption = None) -> None:
    """Node and edge counts of the graph, and the review updates."""
    with opened_store(backend) as store:
        graph_stats = store.stats()
        updates = store.review_updates()
    typer.echo(f"studies: {graph_stats.studies}   review updates: {graph_stats.review_updates}")
    typer.echo("nodes: " + ", ".join(f"{label} {count}" for label, count in graph_stats.nodes.items()))
    typer.echo("edges: " + ", ".join(f"{kind} {count}" for kind, count in graph_stats.edges.items()))
    for update in updates:
        counts = ", ".join(f"{k} {v}" for k, v in update.counts.items())
        typer.echo(f"update {update.id} ({update.created_at}) from {update.source}: {counts}")


def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl | graphml | ttl | jsonld | csv")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="file to write (default stdout)")] = None,
    backend: BackendOption = None,
) -> None:
    """Export the whole graph: records (jsonl), property graph (graphml), RDF (ttl, jsonld) or CSV tables (zip)."""
    from facekg.errors import InputError
    from graph.exports import export_format
    from ontology import load_ontology

    chosen = export_format(format.value)
    if out is None and chosen.media_type == "application/zip":
        fail(InputError("the csv export is a zip file: give --out FILE.zip", field="--out"))
    with opened_store(backend) as store:
        chunks = chosen.stream(store, load_ontology())
        if out is None:
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            return
        with reported_errors():
            partial = out.with_name(f".{out.name}.partial")
            try:
                with partial.open("wb") as handle:
                    for chunk in chunks:
                        handle.write(chunk)
                partial.replace(out)
            finally:
                partial.unlink(missing_ok=True)
    typer.echo(f"wrote {out}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``load``, ``stats``, ``export`` and ``import``."""
    app.command("load")(load)
    app.command("stats")(stats)
    app.command("export")(export)
    app.command("import")(import_export)


class ImportFormat(StrEnum):
    ttl = "ttl"
    jsonld = "jsonld"
    graphml = "graphml"
    csv = "csv"


_SUFFIXES = {".ttl": "ttl", ".jsonld": "jsonld", ".graphml": "graphml", ".zip": "csv"}


def import_export(
    file: Annotated[Path, typer.Argument(help="an export written by `facekg export` or /v1/exports")],
    format: Annotated[ImportFormat | None, typer.Option("--format", "-f", help="default: from the suffix "
                                                        "(.ttl, .jsonld, .graphml, .zip)")] = None,
    backend: BackendOption = None,
) -> None:
    """Import a whole-graph export into an empty store: every review update, study, fact and provenance."""
    from facekg.errors import InputError
    from graph.exports import export_format
    from graph.exports.history import restore
    from graph.ontology_rows import ontology_rows
    from ontology import load_ontology

    name = format.value if format else _SUFFIXES.get(file.suffix.lower())
    if name is None:
        fail(InputError("cannot tell the format from the suffix; give --format", file=str(file)))
    reader = export_format(name).read
    assert reader is not None
    with reported_errors():
        data = file.read_bytes()
    with opened_store(backend, create=True) as store:
        updates, studies = reader(data, str(file))
        count = restore(store, updates, studies, file=str(file))
        store.write_ontology(ontology_rows(load_ontology()))
    typer.echo(f"imported {count} studies and {len(updates)} review updates from {file}")
