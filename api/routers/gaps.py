"""Evidence gaps, demographic-bias reporting gaps and the evidence gap map."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from analysis.bias import bias_reporting
from analysis.gapmap import check_axes, gap_map, render_gap_map
from analysis.gaps import evidence_gaps, thresholds_from
from api.deps import OntologyDep, SettingsDep, StoreDep
from api.schemas_gaps import BiasReportingPage, EvidenceGapsPage, GapMapPage

router = APIRouter(prefix="/v1/gaps", tags=["gaps"])

MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
IncludeRetracted = Annotated[bool, Query(description="count retracted studies too (left out by default)")]
MinSample = Annotated[int | None, Query(ge=1, description="small-sample threshold in participants "
                                                          "(default 100)")]
StaleYears = Annotated[int | None, Query(ge=0, description="stale-evidence age in years (default 5)")]
ReferenceYear = Annotated[int | None, Query(ge=1900, le=2100, description="year evidence age is measured "
                                                                          "from (default: this year)")]


@router.get("/evidence", response_model=EvidenceGapsPage)
def evidence(
    store: StoreDep, ontology: OntologyDep, settings: SettingsDep,
    universe: Annotated[str, Query(description="protocol or facial-phenotype")] = "protocol",
    cause: Annotated[str | None, Query(description="cause category (name or id)")] = None,
    rule: Annotated[str | None, Query(description="keep conditions where this rule fires")] = None,
    include_retracted: IncludeRetracted = False, min_sample: MinSample = None, stale_years: StaleYears = None,
    reference_year: ReferenceYear = None,
    offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
) -> EvidenceGapsPage:
    """Conditions with graded evidence gaps and the reasons, grouped by cause category."""
    report = evidence_gaps(store, ontology, universe_name=universe, cause=cause, rule=rule,
                           thresholds=thresholds_from(min_sample, stale_years, reference_year),
                           include_retracted=include_retracted, cache_dir=settings.cache_dir)
    return EvidenceGapsPage.of(report, offset, limit)


@router.get("/bias-reporting", response_model=BiasReportingPage)
def bias(
    store: StoreDep, ontology: OntologyDep,
    condition: Annotated[str | None, Query(description="condition name or id (with descendants)")] = None,
    attribute: Annotated[str | None, Query(description="sex, age, race_ethnicity, skin_tone or "
                                                       "geography")] = None,
    include_retracted: IncludeRetracted = False,
) -> BiasReportingPage:
    """Which studies report sex, age, ancestry, skin tone and geography, per condition and cause."""
    return BiasReportingPage.of(bias_reporting(store, ontology, condition=condition, attribute=attribute,
                                               include_retracted=include_retracted))


@router.get("/map", response_model=GapMapPage,
            responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}})
def evidence_map(
    store: StoreDep, ontology: OntologyDep,
    rows: Annotated[str, Query(description="condition or cause")] = "condition",
    cols: Annotated[str, Query(description="architecture or metric")] = "architecture",
    format: Annotated[str, Query(description="json, svg or png")] = "json",
    include_retracted: IncludeRetracted = False, min_sample: MinSample = None, stale_years: StaleYears = None,
    reference_year: ReferenceYear = None,
) -> GapMapPage | Response:
    """The evidence gap map: study counts, ids and gap grades per cell, as JSON or an SVG/PNG heatmap."""
    check_axes(rows, cols, format)
    gmap = gap_map(store, ontology, rows=rows, cols=cols, include_retracted=include_retracted,
                   thresholds=thresholds_from(min_sample, stale_years, reference_year))
    if format == "json":
        return GapMapPage.of(gmap)
    return Response(render_gap_map(gmap, format), media_type=MEDIA_TYPES[format])
