"""Evidence gaps, demographic-bias reporting gaps and the evidence gap map."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from analysis.bias import StudyBiasLedger
from analysis.gapmap import check_axes
from analysis.gaps import thresholds_from
from analysis.universe import UniverseName
from api.deps import AnswersDep
from api.limits import PictureLimit, UniverseLimit
from api.paging import Paging, paging
from api.params import NAMED, name_query
from api.problems import error_responses
from api.schemas import Page
from api.schemas_gaps import BiasReportingPage, EvidenceGapsPage, GapMapPage
from facekg.records import DemographicAttributeName

router = APIRouter(prefix="/v1/gaps", tags=["gaps"])

MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# The fixed choices as enums in the OpenAPI; tests/test_openapi_contract.py checks they match analysis'.
GapRuleName = Literal["no-study", "no-deep-learning", "no-diagnostic-accuracy", "single-study", "small-sample",
                      "no-external-validation", "no-clinician-comparison", "stale-evidence"]
MapRows = Literal["condition", "cause"]
MapCols = Literal["architecture", "metric"]
MapFormat = Literal["json", "svg", "png"]
IncludeRetracted = Annotated[bool, Query(description="count retracted studies too (left out by default)")]
MinSample = Annotated[int | None, Query(ge=1, description="small-sample threshold in participants "
                                                          "(default 100)")]
StaleYears = Annotated[int | None, Query(ge=0, description="stale-evidence age in years (default 5)")]
ReferenceYear = Annotated[int | None, Query(ge=1900, le=2100, description="year evidence age is measured "
                                                                          "from (default: this year)")]
Condition = Annotated[str | None, name_query("condition name or id (with descendants)")]
Attribute = Annotated[DemographicAttributeName | None, Query(description="one attribute only")]
ItemsPaging = Annotated[Paging, Depends(paging(1000, 10000))]
LedgerPaging = Annotated[Paging, Depends(paging(100, 1000))]


@router.get("/evidence", response_model=EvidenceGapsPage, dependencies=[UniverseLimit],
            responses=error_responses(NAMED, 429))
def evidence(
    answers: AnswersDep, page: ItemsPaging,
    universe: Annotated[UniverseName, Query(description="protocol or facial-phenotype")] = "protocol",
    cause: Annotated[str | None, name_query("cause category (name or id)")] = None,
    rule: Annotated[GapRuleName | None, Query(description="keep conditions where this rule fires")] = None,
    include_retracted: IncludeRetracted = False, min_sample: MinSample = None, stale_years: StaleYears = None,
    reference_year: ReferenceYear = None,
) -> EvidenceGapsPage:
    """Conditions with graded evidence gaps and the reasons, grouped by cause category."""
    report = answers.evidence_gaps(universe=universe, cause=cause, rule=rule,
                                   thresholds=thresholds_from(min_sample, stale_years, reference_year),
                                   include_retracted=include_retracted)
    return page.page(EvidenceGapsPage, report.items, **EvidenceGapsPage.context(report))


@router.get("/bias-reporting", response_model=BiasReportingPage, responses=error_responses(NAMED))
def bias(answers: AnswersDep, page: ItemsPaging, condition: Condition = None, attribute: Attribute = None,
         include_retracted: IncludeRetracted = False) -> BiasReportingPage:
    """Which studies report sex, age, ancestry, skin tone and geography, per condition and cause."""
    report = answers.bias(condition=condition, attribute=attribute, include_retracted=include_retracted)
    return page.page(BiasReportingPage, report.conditions, **BiasReportingPage.context(report))


@router.get("/bias-reporting/studies", response_model=Page[StudyBiasLedger], responses=error_responses(NAMED))
def bias_ledger(answers: AnswersDep, page: LedgerPaging, condition: Condition = None, attribute: Attribute = None,
                include_retracted: IncludeRetracted = False) -> Page[StudyBiasLedger]:
    """The ledger: each study's reporting per attribute, with the evidence span, ordered by study id."""
    report = answers.bias(condition=condition, attribute=attribute, include_retracted=include_retracted)
    return page.page(Page[StudyBiasLedger], report.studies)


@router.get("/map", response_model=GapMapPage, dependencies=[PictureLimit],
            responses=error_responses(429, ok={"content": {"image/svg+xml": {}, "image/png": {}}}))
def evidence_map(
    answers: AnswersDep, page: ItemsPaging,
    rows: Annotated[MapRows, Query(description="condition or cause")] = "condition",
    cols: Annotated[MapCols, Query(description="architecture or metric")] = "architecture",
    format: Annotated[MapFormat, Query(description="json, svg or png (pictures are not paged)")] = "json",
    include_retracted: IncludeRetracted = False, min_sample: MinSample = None, stale_years: StaleYears = None,
    reference_year: ReferenceYear = None,
) -> GapMapPage | Response:
    """The evidence gap map: study counts, ids and gap grades per cell, as JSON or an SVG/PNG heatmap.

    Handlers are plain functions, so FastAPI runs them in worker threads, never on the event loop; the
    picture is drawn once per revision and kept.
    """
    check_axes(rows, cols, format)
    params = {"rows": rows, "cols": cols, "include_retracted": include_retracted,
              "thresholds": thresholds_from(min_sample, stale_years, reference_year)}
    if format == "json":
        gmap = answers.gap_map(**params)  # type: ignore[arg-type]
        return page.page(GapMapPage, gmap.cells, **GapMapPage.context(gmap))
    return Response(answers.gap_map_picture(format, **params), media_type=MEDIA_TYPES[format])
