"""``facekg extract INPUT --out OUT.jsonl``: facts with evidence from titles and abstracts.

INPUT is JSONL (one object per line with ``id``, ``title``, ``abstract``; the
contract of DESIGN.md §3) or, through ``ingest.readers.read_any``, any export
format the readers know (RIS, MEDLINE, BibTeX, CSV, JSON). One output object per
input record, in input order; nothing is written to the graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from facekg.errors import FacekgError, InputError


class ExtractFormat(StrEnum):
    jsonl = "jsonl"
    ris = "ris"
    medline = "medline"
    bibtex = "bibtex"
    csv = "csv"
    json = "json"
    pdf = "pdf"


def read_contract_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Records of the extract contract; errors name the file, the line and the field."""
    from ingest.readers.jsonl import iter_json_lines

    for number, obj in iter_json_lines(path):
        for key in ("id", "title"):
            if obj.get(key) in (None, ""):
                raise InputError(f"no {key!r}; every record needs id, title, abstract", file=str(path),
                                 record=f"line {number}", field=key)
        for key in ("title", "abstract"):
            if obj.get(key) is not None and not isinstance(obj[key], str):
                raise InputError(f"{key!r} must be a string", file=str(path), record=f"line {number}", field=key)
        yield {"id": str(obj["id"]), "title": obj["title"], "abstract": obj.get("abstract") or ""}


def read_with_readers(path: Path, fmt: str | None) -> Iterator[dict[str, Any]]:
    """Records from any export format via ``ingest.readers.read_any``."""
    from ingest.readers import read_any

    for draft in read_any(path, fmt=fmt):
        record_id = draft.extra.get("id") or (f"pmid:{draft.pmid}" if draft.pmid else None) or (
            f"doi:{draft.doi}" if draft.doi else f"{path.stem}-{draft.record_number}")
        yield {"id": str(record_id), "title": draft.title, "abstract": draft.abstract or ""}


def _looks_like_jsonl(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.strip():
                    return line.lstrip().startswith("{")
    except OSError as exc:
        raise InputError(f"cannot read input: {exc.strerror}", file=str(path)) from exc
    return True


def read_records(path: Path, fmt: str | None = None) -> Iterator[dict[str, Any]]:
    """Input records for extraction: the contract's JSONL, else whatever ``read_any`` reads."""
    if not path.exists():
        raise InputError("no such file", file=str(path))
    if fmt == "jsonl" or (fmt is None and _looks_like_jsonl(path)):
        return read_contract_jsonl(path)
    return read_with_readers(path, fmt)


def extract(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT",
                                               help="JSONL with id, title, abstract (or an export)")],
    out: Annotated[Path, typer.Option("--out", help="where to write one JSON object per record")],
    fmt: Annotated[ExtractFormat | None,
                   typer.Option("--format", help="input format (default: detected)")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="records per spaCy batch")] = 64,
) -> None:
    """Extract conditions, genes, architectures, metrics, samples, demographics, flags (no graph writes)."""
    from ingest.nlp.pipeline import build_pipeline, extract_many

    tmp = out.with_name(out.name + ".part")
    count = 0
    try:
        records = read_records(input_path, fmt.value if fmt else None)
        nlp = build_pipeline()
        with tmp.open("w", encoding="utf-8") as fh:
            for result in extract_many(records, batch_size=batch_size, nlp=nlp):
                fh.write(json.dumps(result, ensure_ascii=False) + "\n")
                count += 1
        tmp.replace(out)
    except FacekgError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from exc
    finally:
        tmp.unlink(missing_ok=True)
    typer.echo(f"extracted {count} records to {out}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``facekg extract`` to the CLI."""
    app.command("extract")(extract)
