"""Evidence gaps, demographic-bias reporting gaps and the evidence gap map."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from analysis.bias import StudyBiasLedger
from analysis.gapmap import check_axes
from analysis.gaps import thresholds_from
from api.deps import AnswersDep
from api.paging import Paging, paging
from api.schemas import Page
from api.schemas_gaps import BiasReportingPage, EvidenceGapsPage, GapMapPage

router = APIRouter(prefix="/v1/gaps", tags=["gaps"])

MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
IncludeRetracted = Annotated[bool, Query(description="count retracted studies too (left out by default)")]
MinSample = Annotated[int | None, Query(ge=1, description="small-sample threshold in participants "
                                                          "(default 100)")]
StaleYears = Annotated[int | None, Query(ge=0, description="stale-evidence age in years (default 5)")]
ReferenceYear = Annotated[int | None, Query(ge=1900, le=2100, description="year evidence age is measured "
                                                                          "from (default: this year)")]
Condition = Annotated[str | None, Query(description="condition name or id (with descendants)")]
Attribute = Annotated[str | None, Query(description="sex, age, race_ethnicity, skin_tone or geography")]
ItemsPaging = Annotated[Paging, Depends(paging(1000, 10000))]
LedgerPaging = Annotated[Paging, Depends(paging(100, 1000))]


@router.get("/evidence", response_model=EvidenceGapsPage)
def evidence(
    answers: AnswersDep, page: ItemsPaging,
    universe: Annotated[str, Query(description="protocol or facial-phenotype")] = "protocol",
    cause: Annotated[str | None, Query(description="cause category (name or id)")] = None,
    rule: Annotated[str | None, Query(description="keep conditions where this rule fires")] = None,
    include_retracted: IncludeRetracted = False, min_sample: MinSample = None, stale_years: StaleYears = None,
    reference_year: ReferenceYear = None,
) -> EvidenceGapsPage:
    """Conditions with graded evidence gaps and the reasons, grouped by cause category."""
    report = answers.evidence_gaps(universe=universe, cause=cause, rule=rule,
                                   thresholds=thresholds_from(min_sample, stale_years, reference_year),
                                   include_retracted=include_retracted)
    return page.page(EvidenceGapsPage, report.items, **EvidenceGapsPage.context(report))


@router.get("/bias-reporting", response_model=BiasReportingPage)
def bias(answers: AnswersDep, page: ItemsPaging, condition: Condition = None, attribute: Attribute = None,
         include_retracted: IncludeRetracted = False) -> BiasReportingPage:
    """Which studies report sex, age, ancestry, skin tone and geography, per condition and cause."""
    report = answers.bias(condition=condition, attribute=attribute, include_retracted=include_retracted)
    return page.page(BiasReportingPage, report.conditions, **BiasReportingPage.context(report))


@router.get("/bias-reporting/studies", response_model=Page[StudyBiasLedger])
def bias_ledger(answers: AnswersDep, page: LedgerPaging, condition: Condition = None, attribute: Attribute = None,
                include_retracted: IncludeRetracted = False) -> Page[StudyBiasLedger]:
    """The ledger: each study's reporting per attribute, with the evidence span, ordered by study id."""
    report = answers.bias(condition=condition, attribute=attribute, include_retracted=include_retracted)
    return page.page(Page[StudyBiasLedger], report.studies)


@router.get("/map", response_model=GapMapPage,
            responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}})
def evidence_map(
    answers: AnswersDep, page: ItemsPaging,
    rows: Annotated[str, Query(description="condition or cause")] = "condition",
    cols: Annotated[str, Query(description="architecture or metric")] = "architecture",
    format: Annotated[str, Query(description="json, svg or png (pictures are not paged)")] = "json",
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
