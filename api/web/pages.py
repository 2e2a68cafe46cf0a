"""The website's pages: server-rendered, one handler and one template per page, permalinks for every view.

Handlers read the review only through :class:`api.web.views.ReviewView` and
render through :func:`api.web.render.render`; every filter is a URL parameter
(the same names as the REST API's), so a filtered view is a link.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from analysis.bias import check_attribute
from analysis.catalogue import StudyFilters
from analysis.gapmap import COL_KINDS, ROW_KINDS
from analysis.gaps import RULE_NAMES
from api.web.charts import bar_chart
from api.web.citation import cite_as, software_citation
from api.web.jsonld import condition_jsonld, study_jsonld
from api.web.render import pin, render, url_with
from api.web.views import STUDY_SORTS, ReviewView, StudySort, ViewDep
from facekg.errors import InvalidQuery, NotFound

router = APIRouter(include_in_schema=False)

OptionalText = Annotated[str | None, Query(max_length=200)]
PAGE_SIZES = (25, 50, 100)
UNIVERSES = [("protocol", "Protocol conditions (the ontology)"),
             ("facial-phenotype", "Every disorder with facial features (OMIM/Orphanet)")]
AXIS_NAMES = {"cause": "cause categories", "condition": "conditions", "architecture": "architecture families",
              "metric": "outcome metrics"}


def _cause_options(view: ReviewView) -> list[tuple[str, str]]:
    return [(c.id, c.label if c.in_framework else f"{c.label} (outside Table 4)") for c in view.causes()]


def _year(parameter: str, value: str | None) -> int | None:
    """A year from a form field: empty means no filter; anything else must be a year."""
    if value is None or not value.strip():
        return None
    if not value.strip().isdigit() or not 1900 <= int(value) <= 2100:
        raise InvalidQuery(parameter, f"{value!r} is not a year between 1900 and 2100")
    return int(value)


def _canonical(request: Request, path: str) -> str:
    """The page's permalink: its query without empty form fields."""
    return url_with(path, {k: v for k, v in request.query_params.items() if v})


def _redirect_if_untidy(request: Request, path: str) -> Response | None:
    """Forms submit empty fields; a browser is sent on to the tidy permalink (htmx is told to show it)."""
    if request.headers.get("hx-request") or all(v for v in request.query_params.values()):
        return None
    return RedirectResponse(_canonical(request, path), status_code=303)


@router.get("/")
def home(request: Request, view: ViewDep) -> Response:
    """What the review covers, its counts and its last update."""
    overview = view.overview()
    framework = [c for c in overview.by_cause if c.in_framework]
    data_url = pin("/v1/overview", view.as_of())
    years = bar_chart("Counted studies per publication year", data_url,
                      [(str(y.year) if y.year else "no year", y.studies, y.deep_learning_studies)
                       for y in overview.by_year], value_name="studies", secondary_name="deep learning",
                      label_width=70)
    causes = bar_chart("Counted studies per cause category", data_url,
                       [(c.label, c.study_count, c.deep_learning_study_count) for c in overview.by_cause],
                       value_name="studies", secondary_name="deep learning")
    return render(request, view, "home.html", overview=overview, framework=framework, charts=[years, causes])


@router.get("/studies")
def studies(
    request: Request, view: ViewDep,
    condition: OptionalText = None, cause: OptionalText = None, architecture: OptionalText = None,
    deep_learning: bool = False, year_from: OptionalText = None, year_to: OptionalText = None,
    q: OptionalText = None, include_retracted: bool = False, sort: StudySort = "newest",
    offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=500)] = 25,
) -> Response:
    """The studies table: filtered, sorted and paged by URL parameters."""
    if (redirect := _redirect_if_untidy(request, "/studies")) is not None:
        return redirect
    filters = StudyFilters(condition=condition or None, cause=cause or None, architecture=architecture or None,
                           deep_learning_only=deep_learning, year_from=_year("year_from", year_from),
                           year_to=_year("year_to", year_to), text=q or None,
                           include_retracted=include_retracted, offset=offset, limit=limit)
    page = view.studies(filters, sort)
    params = {k: v for k, v in request.query_params.items() if v}
    conditions = sorted((c for c in view.conditions() if c.mapped and c.study_count), key=lambda c: c.label.casefold())
    headers = {"HX-Push-Url": _canonical(request, "/studies")} if request.headers.get("hx-request") else None
    return render(request, view, "studies.html", headers=headers, page=page, filters=filters, params=params,
                  sort=sort, sorts=STUDY_SORTS, page_sizes=[(n, str(n)) for n in PAGE_SIZES],
                  condition_options=[(c.id, f"{c.label} ({c.study_count})") for c in conditions],
                  cause_options=_cause_options(view),
                  family_options=[(a.id, a.label) for a in view.architecture_families()],
                  prev_offset=max(offset - limit, 0) if offset else None,
                  next_offset=offset + limit if offset + limit < page.total else None)


@router.get("/studies/{study_id}")
def study(request: Request, view: ViewDep, study_id: str) -> Response:
    """One study: every fact with its evidence and provenance, retraction status, DOI and PubMed links."""
    record = view.study(study_id)
    known = {c.id for c in view.conditions() if c.mapped}
    url = str(request.url_for("study", study_id=record.id))
    return render(request, view, "study.html", study=record, known_conditions=known, jsonld=study_jsonld(record, url),
                  citation=cite_as(record.title, url, view.latest_release(), view.reflects()))


@router.get("/conditions")
def conditions(request: Request, view: ViewDep) -> Response:
    """Conditions grouped by cause category (a condition may sit in several), then the uncategorised."""
    items = view.conditions()
    by_id = {c.id: c for c in items}
    causes = view.causes()
    groups = [(cause, sorted((c for c in items if cause.id in c.cause_categories), key=lambda c: c.label.casefold()))
              for cause in causes]
    uncategorised = sorted((c for c in items if c.mapped and not c.cause_categories), key=lambda c: c.label.casefold())
    unmapped = sorted((c for c in items if not c.mapped and c.study_count), key=lambda c: c.label.casefold())
    return render(request, view, "conditions.html", groups=groups, uncategorised=uncategorised, unmapped=unmapped,
                  total=len(by_id))


@router.get("/conditions/{condition_id}")
def condition(request: Request, view: ViewDep, condition_id: str) -> Response:
    """One condition: its studies, evidence-gap grade and reasons, and bias-reporting shares."""
    detail = view.condition(condition_id)
    counted = view.studies_by_id(detail.study_ids)
    retracted = view.studies_by_id(detail.retracted_study_ids)
    bias = view.bias(condition=detail.id).conditions
    study_urls = {s.id: str(request.url_for("study", study_id=s.id)) for s in counted}
    return render(request, view, "condition.html", condition=detail, studies=counted, retracted=retracted,
                  gaps=view.condition_gaps(detail.id), bias=bias[0] if bias else None,
                  labels={c.id: c.label for c in view.conditions()}, causes={c.id: c.label for c in view.causes()},
                  jsonld=condition_jsonld(detail, str(request.url), study_urls),
                  citation=cite_as(f"Evidence on {detail.label}", str(request.url_for("condition",
                                   condition_id=detail.id)), view.latest_release(), view.reflects()))


@router.get("/gaps")
def gaps(
    request: Request, view: ViewDep, universe: str = "protocol", cause: OptionalText = None,
    rule: OptionalText = None, offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """Evidence gaps per universe, rule and cause, worst first, each with its reasons and studies."""
    if (redirect := _redirect_if_untidy(request, "/gaps")) is not None:
        return redirect
    report = view.evidence_gaps(universe=universe, cause=cause or None, rule=rule or None)
    items = report.items[offset:offset + limit]
    return render(request, view, "gaps.html", report=report, items=items, universe=universe, cause=cause or "",
                  rule=rule or "", rule_options=[(r, r) for r in RULE_NAMES], cause_options=_cause_options(view),
                  universes=UNIVERSES, offset=offset, limit=limit,
                  prev_offset=max(offset - limit, 0) if offset else None,
                  next_offset=offset + limit if offset + limit < len(report.items) else None)


def _bucket(count: int, peak: int) -> int:
    """Colour step 0-5 of a gap-map cell: 0 is empty, 5 is the busiest cell's fifth."""
    if count == 0 or peak == 0:
        return 0
    return min(5, 1 + (4 * count) // max(peak, 1))


@router.get("/gap-map")
def gap_map(request: Request, view: ViewDep, rows: str = "cause", cols: str = "architecture") -> Response:
    """The gap map as a matrix whose cells link to their studies; the SVG picture is the fallback."""
    gmap = view.gap_map(rows, cols)
    cells = {(c.row, c.col): c for c in gmap.cells}
    peak = max((c.study_count for c in gmap.cells), default=0)
    buckets = {key: _bucket(cell.study_count, peak) for key, cell in cells.items()}
    return render(request, view, "gap_map.html", gmap=gmap, cells=cells, buckets=buckets, rows=rows, cols=cols,
                  row_options=[(k, AXIS_NAMES[k]) for k in ROW_KINDS],
                  col_options=[(k, AXIS_NAMES[k]) for k in COL_KINDS])


@router.get("/gap-map/cell")
def gap_map_cell(request: Request, view: ViewDep, row: str, col: str, rows: str = "cause",
                 cols: str = "architecture") -> Response:
    """The studies behind one gap-map cell, with the cell's grade."""
    gmap = view.gap_map(rows, cols)
    cell = next((c for c in gmap.cells if c.row == row and c.col == col), None)
    if cell is None:
        raise NotFound("gap-map cell", f"{row} × {col}")
    row_label = next(a.label for a in gmap.rows if a.id == row)
    col_label = next(a.label for a in gmap.cols if a.id == col)
    return render(request, view, "gap_map_cell.html", cell=cell, row_label=row_label, col_label=col_label,
                  rows=rows, cols=cols, studies=view.studies_by_id(cell.study_ids))


@router.get("/bias")
def bias(request: Request, view: ViewDep, condition: OptionalText = None, attribute: OptionalText = None) -> Response:
    """The demographic-bias reporting ledger per condition and attribute (skin tone included)."""
    if (redirect := _redirect_if_untidy(request, "/bias")) is not None:
        return redirect
    check_attribute(attribute or None)
    report = view.bias(condition=condition or None, attribute=attribute or None)
    conditions = sorted((c for c in view.conditions() if c.mapped and c.study_count), key=lambda c: c.label.casefold())
    return render(request, view, "bias.html", report=report, condition=condition or "", attribute=attribute or "",
                  condition_options=[(c.id, c.label) for c in conditions])


@router.get("/updates")
def updates(request: Request, view: ViewDep) -> Response:
    """Every review update, newest first, with its date, source, counts and change list."""
    changes = {entry.update.id: entry for entry in view.answers.changes()}
    return render(request, view, "updates.html", updates=list(reversed(view.updates())), changes=changes)


@router.get("/open-data")
def open_data(request: Request, view: ViewDep) -> Response:
    """The whole-graph exports, the ontology, the API and how a review's own site embeds facekg."""
    from api.routers.exports import EXPORTS

    return render(request, view, "open_data.html", exports=EXPORTS, cors=view.settings.cors_origin_list(),
                  releases=view.releases(), software_citation=software_citation())


@router.get("/docs")
def docs(request: Request, view: ViewDep) -> Response:
    """Swagger UI, served from the vendored swagger-ui-dist (no CDN)."""
    return render(request, view, "docs.html")
