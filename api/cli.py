"""The ``facekg`` command line: load, serve, stats, export, and the commands of each feature."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api.settings import Settings
from api.stores import open_store
from facekg.errors import FacekgError
from graph.store import GraphStore

app = typer.Typer(help="facekg: living-review knowledge graph of deep-learning facial image analysis in medicine.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)


class Backend(StrEnum):
    memory = "memory"
    neo4j = "neo4j"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    graphml = "graphml"
    ttl = "ttl"
    jsonld = "jsonld"
    csv = "csv"


def settings_from_env(backend: Backend | None = None) -> Settings:
    settings = Settings()
    if backend is not None:
        settings = settings.model_copy(update={"backend": backend.value})
    return settings


def fail(exc: Exception) -> typer.Exit:
    typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@contextmanager
def cli_store(backend: Backend | None = None) -> Iterator[GraphStore]:
    """The configured store for one command, closed afterwards; a facekg error ends the command (exit 1)."""
    try:
        store = open_store(settings_from_env(backend))
    except FacekgError as exc:
        raise fail(exc) from exc
    try:
        yield store
    except FacekgError as exc:
        raise fail(exc) from exc
    finally:
        store.close()


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help="JSONL files of study records", exists=False)],
    backend: Annotated[Backend | None, typer.Option(help="store to load into (default FACEKG_BACKEND)")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
) -> None:
    """Load curated study records (one JSON object per line) as one review update."""
    from ingest.load import load_records
    from ingest.structured import read_study_records
    from ontology import load_ontology

    with cli_store(backend) as store:
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


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="interface (default FACEKG_HOST or 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default FACEKG_PORT or 8000)")] = None,
    backend: Annotated[Backend | None, typer.Option(help="store backend (default FACEKG_BACKEND)")] = None,
) -> None:
    """Serve the REST API (and the website) with uvicorn."""
    import uvicorn

    from api.app import create_app

    settings = settings_from_env(backend)
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port,
                log_level="info")


@app.command()
def stats(backend: Annotated[Backend | None, typer.Option()] = None) -> None:
    """Node and edge counts of the graph, and the review updates."""
    with cli_store(backend) as store:
        graph_stats = store.stats()
        updates = store.review_updates()
    typer.echo(f"studies: {graph_stats.studies}   review updates: {graph_stats.review_updates}")
    typer.echo("nodes: " + ", ".join(f"{label} {count}" for label, count in graph_stats.nodes.items()))
    typer.echo("edges: " + ", ".join(f"{kind} {count}" for kind, count in graph_stats.edges.items()))
    for update in updates:
        counts = ", ".join(f"{k} {v}" for k, v in update.counts.items())
        typer.echo(f"update {update.id} ({update.created_at}) from {update.source}: {counts}")


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl | graphml | ttl | jsonld | csv")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="file to write (default stdout)")] = None,
    backend: Annotated[Backend | None, typer.Option()] = None,
) -> None:
    """Export the whole graph: records (jsonl), property graph (graphml), RDF (ttl, jsonld) or CSV tables (zip)."""
    from graph.exports import export_format
    from ontology import load_ontology

    chosen = export_format(format.value)
    if out is None and chosen.media_type == "application/zip":
        raise fail(ValueError("the csv export is a zip file: give --out FILE.zip"))
    with cli_store(backend) as store:
        data = chosen.write(store, load_ontology())
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        out.write_bytes(data)
        typer.echo(f"wrote {out}", err=True)


def _register_feature_commands() -> None:
    """Each feature adds its own commands from ``api/commands/<feature>.py``."""
    from api.commands import registered_modules

    for module in registered_modules():
        module.register(app)


def main() -> None:
    _register_feature_commands()
    try:
        app()
    except FacekgError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise SystemExit(1) from exc


def print_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
