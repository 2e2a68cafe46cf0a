"""Synthesis: meta-analysis, subgroup gaps, model vs clinicians, PRISMA flow and characteristics tables."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from analysis.catalogue import StudyFilters
from analysis.counted import unfiltered
from analysis.synthesis.characteristics import Characteristics, characteristics, counts_csv, studies_csv
from analysis.synthesis.forest import forest_data, render_forest
from analysis.synthesis.meta_analysis import MetaAnalysisQuery, StudyExclusion, meta_analysis, overview
from analysis.synthesis.overview_plot import render_overview
from analysis.synthesis.paired import PairedData, model_vs_clinicians, render_paired
from analysis.synthesis.prisma import PrismaFlow
from analysis.synthesis.prisma_diagram import render_prisma, update_title
from analysis.synthesis.prisma_graph import prisma_from_store
from analysis.synthesis.render import MEDIA_TYPES, check_format
from analysis.synthesis.sroc import render_sroc, sroc_data
from analysis.synthesis.subgroups import SubgroupReport, subgroup_performance
from api.auth import get_review
from api.deps import OntologyDep, ReviewStoreDep, SettingsDep
from api.limits import PictureLimit
from api.params import NAMED, name_query
from api.problems import error_responses
from api.schemas_synthesis import MetaAnalysisPage, OverviewPage
from facekg.records import DemographicAttributeName
from review.service import judged_risk_of_bias

router = APIRouter(prefix="/v1/synthesis", tags=["synthesis"])

Format = Annotated[Literal["json", "svg", "png"], Query(description="json (the numbers), svg or png")]
Condition = Annotated[str | None, name_query("condition name, abbreviation or id; includes its subtypes")]
Cause = Annotated[str | None, name_query("cause category id or name, e.g. gene-related")]
# Picture operations: the 200 is also SVG or PNG, and a picture is rate-limited per client (429).
PICTURES: dict[int | str, dict[str, Any]] = error_responses(NAMED, 429, ok={"content": {"image/svg+xml": {},
                                                                                   "image/png": {}}})


def high_risk_exclusion(request: Request, tool_id: str) -> StudyExclusion:
    """Leave out the studies the review's consensus judges at high risk with ``tool_id`` (404 for no such tool).

    Read only when asked, so a review without a workspace is never given one by a meta-analysis."""
    high = get_review(request).high_risk_studies(tool_id)
    return lambda study: high.get(study.id)


def _picture(content: bytes, fmt: str) -> Response:
    return Response(content, media_type=MEDIA_TYPES[check_format(fmt)])


@router.get("/meta-analysis", response_model=MetaAnalysisPage | OverviewPage, responses=PICTURES,
            dependencies=[PictureLimit])
def meta_analysis_endpoint(
    request: Request, store: ReviewStoreDep, ontology: OntologyDep, condition: Condition = None, cause: Cause = None,
    metric: Annotated[str, name_query("sensitivity, specificity or accuracy (univariate)")] = "sensitivity",
    model: Annotated[Literal["univariate", "bivariate"], Query()] = "univariate",
    subject: Annotated[Literal["model", "clinicians"], Query(description="whose figures to pool")] = "model",
    test_set: Annotated[Literal["internal", "external"] | None, Query(description="pool one kind only")] = None,
    allow_mixed_test_sets: Annotated[bool, Query(description="pool internal and external together")] = False,
    include_unverified: Annotated[bool, Query(description="include extracted, unreviewed results")] = False,
    method: Annotated[Literal["reml", "dl", "pm"], Query(description="tau² estimator (univariate)")] = "reml",
    hartung_knapp: Annotated[bool, Query(description="Hartung-Knapp interval (univariate)")] = False,
    exclude: Annotated[list[str] | None, Query(description="study ids to leave out (sensitivity "
                                                            "analysis)")] = None,
    exclude_high_risk: Annotated[str | None, Query(min_length=1, description="a risk-of-bias tool id (GET "
                                                   "/v1/rob/tools): leave out the studies its consensus judges "
                                                   "at high risk (sensitivity analysis)")] = None,
    format: Format = "json",
) -> MetaAnalysisPage | OverviewPage | Response:
    """Pool one condition (or cause) and metric; without either, every pair with what pooled and why not."""
    if not condition and not cause:
        result = overview(store, ontology, subject=subject, include_unverified=include_unverified,
                          test_set=test_set)
        if format != "json":
            return _picture(render_overview(result, format), format)
        return OverviewPage(data=result.outcomes, count=len(result.outcomes), pooled=len(result.pooled),
                            refused=len(result.outcomes) - len(result.pooled), review_update=result.review_update)
    query = MetaAnalysisQuery(condition=condition, cause=cause, metric=metric, model=model, subject=subject,
                              test_set=test_set, allow_mixed_test_sets=allow_mixed_test_sets,
                              include_unverified=include_unverified, method=method, hartung_knapp=hartung_knapp,
                              exclude_studies=exclude or [])
    analysis = meta_analysis(store, ontology, query,
                             exclude=high_risk_exclusion(request, exclude_high_risk) if exclude_high_risk else None)
    if model == "bivariate":
        sroc = sroc_data(analysis)
        if format != "json":
            return _picture(render_sroc(sroc, format), format)
        return MetaAnalysisPage(analysis=analysis, sroc=sroc, review_update=analysis.review_update)
    forest = forest_data(analysis)
    if format != "json":
        return _picture(render_forest(forest, format), format)
    return MetaAnalysisPage(analysis=analysis, forest=forest, review_update=analysis.review_update)


@router.get("/model-vs-clinicians", response_model=PairedData, responses=PICTURES, dependencies=[PictureLimit])
def clinicians(store: ReviewStoreDep, ontology: OntologyDep, condition: Condition = None, cause: Cause = None,
               metric: Annotated[str | None, name_query("one metric only")] = None,
               format: Format = "json") -> PairedData | Response:
    """The model's and the clinicians' figure on the same metric, study by study (never pooled)."""
    data = model_vs_clinicians(store, ontology, condition=condition, cause=cause, metric=metric)
    return data if format == "json" else _picture(render_paired(data, format), format)


@router.get("/subgroups", response_model=SubgroupReport, responses=error_responses(NAMED))
def subgroups(store: ReviewStoreDep, ontology: OntologyDep, condition: Condition = None,
              attribute: Annotated[DemographicAttributeName | None, Query(description="one attribute only")] = None,
              include_unverified: bool = False) -> SubgroupReport:
    """Per condition, the performance gap between subgroups, or the flag that none are reported."""
    return subgroup_performance(store, ontology, condition=condition, attribute=attribute,
                                include_unverified=include_unverified)


@router.get("/prisma", response_model=PrismaFlow, responses=PICTURES, dependencies=[PictureLimit])
def prisma(store: ReviewStoreDep, update: Annotated[str, Query(description="cumulative or a review update id "
                                                                     "(picture only)")] = "cumulative",
           format: Format = "json") -> PrismaFlow | Response:
    """The PRISMA 2020 flow of the review, per update and cumulative, from what the store holds."""
    flow = prisma_from_store(store)
    if format == "json":
        return flow
    return _picture(render_prisma(flow.flow(update), update_title(update), format), format)


@router.get("/characteristics", response_model=Characteristics,
            responses=error_responses(NAMED, ok={"content": {"text/csv": {}}}))
def characteristics_endpoint(
    store: ReviewStoreDep, ontology: OntologyDep, settings: SettingsDep, condition: Condition = None,
    cause: Cause = None,
    architecture: Annotated[str | None, name_query("architecture or family, e.g. CNN")] = None,
    deep_learning: Annotated[bool, Query(description="only studies that use deep learning")] = False,
    year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    q: Annotated[str | None, Query(description="text to find in title or abstract", max_length=200)] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    table: Annotated[Literal["studies", "counts"], Query(description="which table as CSV")] = "studies",
) -> Characteristics | Response:
    """Study characteristics and counts (percentages) by category, filtered like the study list."""
    filters = StudyFilters(condition=condition, cause=cause, architecture=architecture,
                           deep_learning_only=deep_learning, year_from=year_from, year_to=year_to, text=q)
    result = characteristics(store, ontology, filters,
                             risk_of_bias=judged_risk_of_bias(settings.data_dir, unfiltered(store)))
    if format == "json":
        return result
    text = studies_csv(result) if table == "studies" else counts_csv(result)
    return Response(text, media_type="text/csv; charset=utf-8")
