"""``facekg synthesis``: meta-analysis, PRISMA flow, study characteristics and subgroup gaps from the graph.

Each command answers what the matching ``/v1/synthesis/...`` endpoint answers (the
same pydantic models as JSON, the same pictures and CSV tables), so a review's
scripts can use either. Refusals (too few studies, not comparable) end in one
line through :mod:`cli.errors`, with the reason code.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from cli.errors import reported_errors
from cli.store import BackendOption, command_settings, opened_store
from facekg.errors import InvalidQuery, NotPoolable

synthesis_app = typer.Typer(help="Meta-analysis, PRISMA 2020 flow, study characteristics and subgroup gaps.",
                            no_args_is_help=True)


class PictureFormat(StrEnum):
    json = "json"
    svg = "svg"
    png = "png"


class TableFormat(StrEnum):
    json = "json"
    csv = "csv"


Out = Annotated[Path | None, typer.Option("--out", "-o", help="file to write (default stdout)")]
Condition = Annotated[str | None, typer.Option(help="condition name, abbreviation or id (with its subtypes)")]
Cause = Annotated[str | None, typer.Option(help="cause category id or name, e.g. gene-related")]


def register(app: typer.Typer) -> None:
    """Add the ``synthesis`` command group to the facekg CLI."""
    app.add_typer(synthesis_app, name="synthesis")


def _emit(content: bytes, out: Path | None, *, text: bool) -> None:
    """Write the answer to ``out`` (all at once) or to stdout."""
    if out is None:
        if text:
            typer.echo(content.decode("utf-8"), nl=not content.endswith(b"\n"))
        else:
            typer.echo(content, nl=False)
        return
    with reported_errors():
        out.write_bytes(content)
    typer.echo(f"wrote {out}", err=True)


class _Refused(NotPoolable):
    """A refusal as one line that keeps its reason code."""

    def __str__(self) -> str:
        return f"not pooled ({self.reason}): {self.args[0]}"


@synthesis_app.command("meta-analysis")
def meta_analysis_command(
    condition: Condition = None, cause: Cause = None,
    metric: Annotated[str, typer.Option(help="sensitivity, specificity or accuracy")] = "sensitivity",
    model: Annotated[str, typer.Option(help="univariate or bivariate")] = "univariate",
    subject: Annotated[str, typer.Option(help="model or clinicians: whose figures to pool")] = "model",
    test_set: Annotated[str | None, typer.Option(help="internal or external: pool one kind only")] = None,
    allow_mixed_test_sets: Annotated[bool, typer.Option(help="pool internal and external together")] = False,
    include_unverified: Annotated[bool, typer.Option(help="include extracted, unreviewed results")] = False,
    method: Annotated[str, typer.Option(help="tau² estimator: reml, dl or pm (univariate)")] = "reml",
    hartung_knapp: Annotated[bool, typer.Option(help="Hartung-Knapp interval (univariate)")] = False,
    exclude: Annotated[list[str] | None, typer.Option(help="study id to leave out (repeatable)")] = None,
    format: Annotated[PictureFormat, typer.Option("--format", "-f", help="json, svg or png")] = PictureFormat.json,
    out: Out = None, backend: BackendOption = None,
) -> None:
    """Pool one condition (or cause) and metric, with its forest or SROC plot; without either, every pair."""
    from analysis.synthesis.forest import forest_data, render_forest
    from analysis.synthesis.meta_analysis import MetaAnalysisQuery, meta_analysis, overview
    from analysis.synthesis.sroc import render_sroc, sroc_data
    from api.schemas_synthesis import MetaAnalysisPage, OverviewPage
    from ontology import load_ontology

    ontology = load_ontology()
    with opened_store(backend) as store, reported_errors():
        if not condition and not cause:
            if format is not PictureFormat.json:
                raise InvalidQuery("--format", "the overview is JSON only; give --condition or --cause")
            result = overview(store, ontology, subject=subject,  # type: ignore[arg-type]
                              include_unverified=include_unverified, test_set=test_set)  # type: ignore[arg-type]
            page: MetaAnalysisPage | OverviewPage = OverviewPage(
                data=result.outcomes, count=len(result.outcomes), pooled=len(result.pooled),
                refused=len(result.outcomes) - len(result.pooled), review_update=result.review_update)
            _emit(page.model_dump_json(indent=2).encode(), out, text=True)
            return
        try:
            query = MetaAnalysisQuery.model_validate(
                {"condition": condition, "cause": cause, "metric": metric, "model": model, "subject": subject,
                 "test_set": test_set, "allow_mixed_test_sets": allow_mixed_test_sets,
                 "include_unverified": include_unverified, "method": method, "hartung_knapp": hartung_knapp,
                 "exclude_studies": exclude or []})
        except ValidationError as exc:
            error = exc.errors()[0]
            raise InvalidQuery(f"--{str(error['loc'][0]).replace('_', '-')}", error["msg"]) from exc
        try:
            analysis = meta_analysis(store, ontology, query)
        except NotPoolable as exc:
            raise _Refused(exc.reason, str(exc), exc.studies, exc.details) from exc
        if query.model == "bivariate":
            sroc = sroc_data(analysis)
            if format is not PictureFormat.json:
                _emit(render_sroc(sroc, format.value), out, text=False)
                return
            page = MetaAnalysisPage(analysis=analysis, sroc=sroc, review_update=analysis.review_update)
        else:
            forest = forest_data(analysis)
            if format is not PictureFormat.json:
                _emit(render_forest(forest, format.value), out, text=False)
                return
            page = MetaAnalysisPage(analysis=analysis, forest=forest, review_update=analysis.review_update)
        _emit(page.model_dump_json(indent=2).encode(), out, text=True)


@synthesis_app.command("prisma")
def prisma_command(
    update: Annotated[str, typer.Option(help="cumulative or a review update id (pictures)")] = "cumulative",
    format: Annotated[PictureFormat, typer.Option("--format", "-f", help="json, svg or png")] = PictureFormat.json,
    out: Out = None, backend: BackendOption = None,
) -> None:
    """The PRISMA 2020 flow per review update and cumulative (JSON), or one flow's diagram."""
    from analysis.synthesis.prisma_diagram import render_prisma, update_title
    from analysis.synthesis.prisma_graph import prisma_from_store

    with opened_store(backend) as store, reported_errors():
        flow = prisma_from_store(store)
        if format is PictureFormat.json:
            _emit(flow.model_dump_json(indent=2).encode(), out, text=True)
            return
        _emit(render_prisma(flow.flow(update), update_title(update), format.value), out, text=False)


@synthesis_app.command("characteristics")
def characteristics_command(
    condition: Condition = None, cause: Cause = None,
    architecture: Annotated[str | None, typer.Option(help="architecture or family, e.g. CNN")] = None,
    deep_learning: Annotated[bool, typer.Option(help="only studies that use deep learning")] = False,
    year_from: Annotated[int | None, typer.Option(min=1900, max=2100)] = None,
    year_to: Annotated[int | None, typer.Option(min=1900, max=2100)] = None,
    q: Annotated[str | None, typer.Option("--q", help="text to find in title or abstract")] = None,
    format: Annotated[TableFormat, typer.Option("--format", "-f", help="json or csv")] = TableFormat.json,
    table: Annotated[str, typer.Option(help="which table as CSV: studies or counts")] = "studies",
    out: Out = None, backend: BackendOption = None,
) -> None:
    """Study characteristics and counts (percentages) by category, filtered like the study list."""
    from analysis.catalogue import StudyFilters
    from analysis.synthesis.characteristics import characteristics, counts_csv, studies_csv
    from ontology import load_ontology
    from review.service import judged_risk_of_bias

    with opened_store(backend) as store, reported_errors():
        if table not in ("studies", "counts"):
            raise InvalidQuery("--table", f"{table!r} is not a table; use studies or counts")
        filters = StudyFilters(condition=condition, cause=cause, architecture=architecture,
                               deep_learning_only=deep_learning, year_from=year_from, year_to=year_to, text=q)
        result = characteristics(store, load_ontology(), filters,
                                 risk_of_bias=judged_risk_of_bias(command_settings(backend).data_dir, store))
        if format is TableFormat.json:
            _emit(result.model_dump_json(indent=2).encode(), out, text=True)
            return
        text = studies_csv(result) if table == "studies" else counts_csv(result)
        _emit(text.encode("utf-8"), out, text=True)


@synthesis_app.command("subgroups")
def subgroups_command(
    condition: Condition = None,
    attribute: Annotated[str | None, typer.Option(help="sex, age, race_ethnicity, skin_tone or geography")]
    = None,
    include_unverified: Annotated[bool, typer.Option(help="include extracted, unreviewed results")] = False,
    out: Out = None, backend: BackendOption = None,
) -> None:
    """Per condition, the performance gap between subgroups, or the flag that none are reported (JSON)."""
    from analysis.synthesis.subgroups import subgroup_performance
    from ontology import load_ontology

    with opened_store(backend) as store, reported_errors():
        report = subgroup_performance(store, load_ontology(), condition=condition, attribute=attribute,
                                      include_unverified=include_unverified)
        _emit(report.model_dump_json(indent=2).encode(), out, text=True)
