"""``facekg ingest FILE...``, ``facekg screen INPUT --out OUT`` and ``facekg decide ID include|exclude``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.errors import reported_errors
from cli.extract import FormatOption
from cli.store import BackendOption, command_settings, opened_store


def _progress(enabled: bool) -> Callable[[Iterable[Any], int], Iterator[Any]]:
    def wrap(items: Iterable[Any], total: int) -> Iterator[Any]:
        from tqdm import tqdm

        yield from tqdm(items, total=total, desc="extracting", unit="record", disable=not enabled, file=None)

    return wrap


def ingest(
    files: Annotated[
        list[Path],
        typer.Argument(help="export files in any mix of formats (RIS, MEDLINE, BibTeX, CSV, JSON/JSONL, PDF)"),
    ],
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="set bad records aside in a quarantine report and load the good ones")
    ] = False,
    column_map: Annotated[
        str | None, typer.Option(help='CSV columns as JSON, e.g. \'{"Title": "title", "Abstract": "abstract"}\'')
    ] = None,
    pdf_dir: Annotated[
        Path | None,
        typer.Option(
            help="folder of full-text PDFs named by PMID, DOI (/ as _) or record id; used where an abstract is missing"
        ),
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="write the full summary (merges, screening, quarantine) as JSON here")
    ] = None,
    backend: BackendOption = None,
    progress: Annotated[bool, typer.Option(help="show a progress bar")] = True,
    source: Annotated[
        str | None, typer.Option(help="database the records were found in, for the PRISMA flow "
                                      "(default: as the export names it, else the file's name)")
    ] = None,
) -> None:
    """Read, de-duplicate, screen, extract and load studies as one review update (all or nothing)."""
    from ingest.pipeline import ingest_files
    from ingest.readers import parse_column_map
    from ontology import load_ontology

    with reported_errors():
        mapping = parse_column_map(column_map) if column_map is not None else None
        cache_dir = command_settings(backend).cache_dir
    with opened_store(backend, create=True) as store:
        summary = ingest_files(store, load_ontology(), files, skip_bad=skip_bad, column_map=mapping,
                               pdf_dir=pdf_dir, progress=_progress(progress), cache_dir=cache_dir,
                               source_name=source)
    load = summary.load
    typer.echo(
        f"read {summary.records_read} records from {len(summary.files)} file(s); "
        f"{summary.duplicates_merged} duplicates merged, {summary.pdfs_attached} PDFs attached"
    )
    typer.echo("screening suggestions: " + ", ".join(f"{k} {v}" for k, v in summary.screening.items()))
    for item in summary.suggested_exclusions:
        reasons = "; ".join(f"{r['criterion']}: {r['evidence'][:80]}" for r in item["reasons"])
        typer.echo(f"  suggested exclusion {item['id']}: {reasons}")
    typer.echo("facts extracted: " + ", ".join(f"{k} {v}" for k, v in summary.facts_extracted.items()))
    typer.echo(
        f"review update {load.review_update or '(none: nothing changed)'}: {load.created} created, "
        f"{load.updated} updated, {load.unchanged} unchanged"
    )
    for kind, names in load.unmapped.items():
        typer.echo(f"unmapped {kind} ({len(names)}): " + "; ".join(names[:20]) + (" ..." if len(names) > 20 else ""))
    if summary.quarantined:
        typer.echo(f"quarantined {len(summary.quarantined)} bad record(s):")
        for bad in summary.quarantined:
            typer.echo(f"  {bad.file} record {bad.record} field {bad.field}: {bad.message}")
    if report is not None:
        with reported_errors():
            report.write_text(summary.model_dump_json(indent=2), encoding="utf-8")
        typer.echo(f"full report: {report}")


def screen(
    input_path: Annotated[
        Path, typer.Argument(metavar="INPUT", help="JSONL with id, title, abstract, or any export format")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="where to write one suggestion per record")],
    fmt: FormatOption = None,
) -> None:
    """Suggest include / exclude / unsure per record with the protocol's criteria (reviewers decide)."""
    from ingest.abstracts import read_abstracts
    from ingest.screening import screen_records

    with reported_errors():
        suggestions = screen_records(read_abstracts(input_path, fmt.value if fmt else None))
        with out.open("w", encoding="utf-8") as handle:
            for item in suggestions:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for item in suggestions:
        counts[item["suggestion"]] = counts.get(item["suggestion"], 0) + 1
    typer.echo(
        f"screened {len(suggestions)} records to {out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
        err=True,
    )


class Decision(StrEnum):
    include = "include"
    exclude = "exclude"


def decide(
    study_id: Annotated[str, typer.Argument(help="the study's id")],
    decision: Annotated[Decision, typer.Argument(help="include or exclude")],
    reviewer: Annotated[str, typer.Option(help="who decided (e.g. initials, or 'consensus')")],
    reason: Annotated[str | None, typer.Option(help="why, in a sentence")] = None,
    backend: BackendOption = None,
) -> None:
    """Record a reviewer's screening decision on a study (kept beside the automatic suggestion)."""
    from ingest.load import record_screening_decision

    with opened_store(backend) as store:
        study = record_screening_decision(store, study_id, decision.value, reviewer, reason)
    screening = study.screening
    assert screening is not None
    typer.echo(f"{study.id}: {screening.decision} by {screening.decided_by} "
               f"(suggestion was {screening.suggestion})")


review_app = typer.Typer(help="The review workspace and the graph's review fields.", no_args_is_help=True)
corrections_app = typer.Typer(help="Reviewers' verdicts on extracted facts, as training examples.",
                              no_args_is_help=True)


@contextmanager
def _review(backend: BackendOption = None) -> Iterator[Any]:
    from review.service import ReviewService
    from review.workspace import Workspace

    with opened_store(backend) as store, reported_errors():
        yield ReviewService(Workspace.in_data_dir(command_settings(backend).data_dir), store)


@review_app.command("sync")
def review_sync(backend: BackendOption = None) -> None:
    """Re-derive every study's screening status and consensus facts from the workspace (safe to repeat)."""
    with _review(backend) as review:
        summary = review.sync()
    typer.echo(f"checked {summary.studies_checked} studies with review entries; wrote {summary.studies_written} "
               f"(review update {summary.review_update or 'none: the graph was up to date'})")


def audit(
    kind: Annotated[str | None, typer.Option(help="only this kind: reviewer, screening, consensus, extraction, "
                                             "rob, correction")] = None,
    study: Annotated[str | None, typer.Option(help="only this study's entries")] = None,
    actor: Annotated[str | None, typer.Option(help="only this reviewer's writes")] = None,
    limit: Annotated[int, typer.Option(min=1, help="at most this many rows")] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line, with before and after")] = False,
) -> None:
    """Every write to the review, oldest first: when, who, what (key hashes are never shown)."""
    from review.workspace import Workspace

    with reported_errors():
        total, rows = Workspace.in_data_dir(command_settings().data_dir).audit(
            kind=kind, study_id=study, actor=actor, limit=limit)
    for row in rows:
        if as_json:
            typer.echo(row.model_dump_json())
        else:
            typer.echo(f"{row.at}\t{row.actor}\t{row.action}\t{row.kind}\t{row.record_id}\tv{row.version}")
    typer.echo(f"{len(rows)} of {total} audit rows", err=True)


class CorrectionsFormat(StrEnum):
    spacy = "spacy"
    jsonl = "jsonl"


@corrections_app.command("export")
def corrections_export(
    out: Annotated[Path, typer.Option("--out", "-o", help="where to write (a .spacy DocBin or a .jsonl file)")],
    fmt: Annotated[CorrectionsFormat, typer.Option("--format", help="spacy (DocBin) or jsonl")] =
    CorrectionsFormat.jsonl,
    backend: BackendOption = None,
) -> None:
    """Write every correction (span, label, verdict) from the review workspace for training the extractor."""
    with _review(backend) as review:
        summary = review.export_corrections(fmt.value, out)
    typer.echo(f"wrote {summary.written} corrections to {summary.path}"
               + (f" in {summary.documents} documents" if fmt is CorrectionsFormat.spacy else ""))
    for item in summary.skipped:
        typer.echo(f"  skipped {item}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``ingest``, ``screen``, ``decide``, ``review sync``, ``audit`` and ``corrections export``."""
    app.command("ingest")(ingest)
    app.command("screen")(screen)
    app.command("decide")(decide)
    app.add_typer(review_app, name="review")
    app.command("audit")(audit)
    app.add_typer(corrections_app, name="corrections")
