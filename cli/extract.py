"""``facekg extract INPUT --out OUT.jsonl``: facts with evidence spans from titles and abstracts.

INPUT is the contract's JSONL (``id``, ``title``, ``abstract``; docs/contracts.md) or any export
format the readers know (:func:`ingest.abstracts.read_abstracts`). One output object per input
record, in input order, written all at once (a failure leaves no OUT); nothing goes to the graph.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.errors import reported_errors
from cli.store import command_settings


class InputFormat(StrEnum):
    jsonl = "jsonl"
    ris = "ris"
    medline = "medline"
    bibtex = "bibtex"
    csv = "csv"
    json = "json"
    pdf = "pdf"


FormatOption = Annotated[InputFormat | None, typer.Option("--format", help="input format (default: detected)")]


def extract(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT",
                                               help="JSONL with id, title, abstract (or an export)")],
    out: Annotated[Path, typer.Option("--out", help="where to write one JSON object per record")],
    fmt: FormatOption = None,
    batch_size: Annotated[int, typer.Option(min=1, help="records per spaCy batch")] = 64,
) -> None:
    """Extract conditions, genes, architectures, metrics, samples, demographics, flags (no graph writes)."""
    from ingest.abstracts import read_abstracts
    from ingest.nlp.pipeline import build_pipeline, extract_many

    tmp = out.with_name(out.name + ".part")
    count = 0
    with reported_errors():
        settings = command_settings()
        try:
            records = read_abstracts(input_path, fmt.value if fmt else None)
            nlp = build_pipeline(cache_dir=settings.cache_dir)
            with tmp.open("w", encoding="utf-8") as fh:
                for result in extract_many(records, batch_size=batch_size, nlp=nlp):
                    fh.write(json.dumps(result, ensure_ascii=False) + "\n")
                    count += 1
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
    typer.echo(f"extracted {count} records to {out}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``extract``."""
    app.command("extract")(extract)
