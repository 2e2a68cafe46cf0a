"""``facekg load``, ``stats`` and ``export``: curated records in, the graph's content out."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.errors import reported_errors
from cli.store import BackendOption, opened_store


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    graphml = "graphml"
    ttl = "ttl"


def load(
    files: Annotated[list[Path], typer.Argument(help="JSONL files of study records")],
    backend: BackendOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
) -> None:
    """Load curated study records (one JSON object per line) as one review update."""
    from ingest.load import load_records
    from ingest.structured import read_study_records
    from ontology import load_ontology

    with opened_store(backend) as store:
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
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl | graphml | ttl")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="file to write (default stdout)")] = None,
    backend: BackendOption = None,
) -> None:
    """Export the graph: study records (jsonl), the property graph (graphml) or RDF (ttl)."""
    from graph.export import export_graphml, export_jsonl, export_turtle
    from ontology import load_ontology

    with opened_store(backend) as store:
        if format is ExportFormat.jsonl:
            text = export_jsonl(store)
        elif format is ExportFormat.graphml:
            text = export_graphml(store)
        else:
            text = export_turtle(store, load_ontology())
    if out is None:
        sys.stdout.write(text)
        return
    with reported_errors():
        out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``load``, ``stats`` and ``export``."""
    app.command("load")(load)
    app.command("stats")(stats)
    app.command("export")(export)
