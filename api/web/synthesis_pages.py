"""The website's synthesis section: pooled estimates, PRISMA flow, study characteristics, subgroup gaps.

Every picture on these pages is the API's own (``<img src="/v1/synthesis/...">``),
so the page, the API and the CLI draw the same figure; beside each picture its
numbers are a table (for screen readers and for copying) and a JSON link. The
analyses are reached through :class:`SynthesisView`, which reads the review the
page's :class:`api.web.views.ReviewView` reads (so ``as_of`` reaches them too).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from analysis.catalogue import StudyFilters
from analysis.counted import unfiltered
from analysis.synthesis.characteristics import Characteristics, characteristics
from analysis.synthesis.forest import ForestData, forest_data
from analysis.synthesis.meta_analysis import MetaAnalysis, MetaAnalysisQuery, Overview, meta_analysis, overview
from analysis.synthesis.paired import PairedData, model_vs_clinicians
from analysis.synthesis.prisma import PrismaFlow
from analysis.synthesis.prisma_graph import prisma_from_store
from analysis.synthesis.sroc import SrocData, sroc_data
from analysis.synthesis.subgroups import SubgroupReport, subgroup_performance
from api.web.pages import _cause_options, _redirect_if_untidy, _year
from api.web.render import render, url_with
from api.web.views import ReviewView, ViewDep
from facekg.errors import NotPoolable
from review.service import judged_risk_of_bias

router = APIRouter(include_in_schema=False)

OptionalText = Annotated[str | None, Query(max_length=200)]
METRICS = [("sensitivity", "Sensitivity"), ("specificity", "Specificity"), ("accuracy", "Accuracy")]
MODELS = [("univariate", "Univariate random effects (one metric)"),
          ("bivariate", "Bivariate model (sensitivity and specificity together)")]
SUBGROUP_ATTRIBUTES = [("sex", "Sex"), ("age", "Age"), ("race_ethnicity", "Race/ethnicity"),
                       ("skin_tone", "Skin tone"), ("geography", "Geography")]


@dataclass(frozen=True)
class SynthesisView:
    """The synthesis analyses over the review a page shows."""

    view: ReviewView

    def overview(self) -> Overview:
        return overview(self.view.store, self.view.ontology)

    def meta_analysis(self, query: MetaAnalysisQuery) -> MetaAnalysis:
        return meta_analysis(self.view.store, self.view.ontology, query)

    def model_vs_clinicians(self, condition: str | None, cause: str | None) -> PairedData:
        return model_vs_clinicians(self.view.store, self.view.ontology, condition=condition, cause=cause)

    def prisma(self) -> PrismaFlow:
        return prisma_from_store(self.view.store)

    def characteristics(self, filters: StudyFilters) -> Characteristics:
        return characteristics(self.view.store, self.view.ontology, filters,
                               risk_of_bias=judged_risk_of_bias(self.view.settings.data_dir,
                                                                unfiltered(self.view.store)))

    def subgroups(self, attribute: str | None, include_unverified: bool = False) -> SubgroupReport:
        return subgroup_performance(self.view.store, self.view.ontology, attribute=attribute,
                                    include_unverified=include_unverified)


def get_synthesis(view: ViewDep) -> SynthesisView:
    return SynthesisView(view)


SynthesisDep = Annotated[SynthesisView, Depends(get_synthesis)]


def _condition_options(view: ReviewView) -> list[tuple[str, str]]:
    conditions = sorted((c for c in view.conditions() if c.mapped and c.study_count), key=lambda c: c.label.casefold())
    return [(c.id, c.label) for c in conditions]


@router.get("/synthesis")
def synthesis_home(request: Request, view: ViewDep, synthesis: SynthesisDep) -> Response:
    """Every condition- and cause-metric pair: what pooled (linked to its plot) and why the rest did not."""
    result = synthesis.overview()
    refused = [o for o in result.outcomes if o.status == "refused"]
    reasons = Counter(o.reason or "unknown" for o in refused)
    return render(request, view, "synthesis.html", overview=result, pooled=result.pooled, refused=refused,
                  reasons=sorted(reasons.items(), key=lambda item: (-item[1], item[0])))


@router.get("/synthesis/meta-analysis")
def meta_analysis_page(
    request: Request, view: ViewDep, synthesis: SynthesisDep, condition: OptionalText = None,
    cause: OptionalText = None, metric: str = "sensitivity", model: str = "univariate",
    test_set: OptionalText = None,
) -> Response:
    """One pooled estimate with its forest plot (univariate) or SROC plot (bivariate), or why it does not pool."""
    if (redirect := _redirect_if_untidy(request, "/synthesis/meta-analysis")) is not None:
        return redirect
    query = MetaAnalysisQuery.model_validate({"condition": condition or None, "cause": cause or None,
                                              "metric": metric, "model": model, "test_set": test_set or None})
    params = {k: v for k, v in request.query_params.items() if v}
    picture = url_with("/v1/synthesis/meta-analysis", params, format="svg")
    data_url = url_with("/v1/synthesis/meta-analysis", params)
    analysis: MetaAnalysis | None = None
    refusal: NotPoolable | None = None
    forest: ForestData | None = None
    sroc: SrocData | None = None
    if condition or cause:
        try:
            analysis = synthesis.meta_analysis(query)
        except NotPoolable as exc:
            refusal = exc
        if analysis is not None and query.model == "bivariate":
            sroc = sroc_data(analysis)
        elif analysis is not None:
            forest = forest_data(analysis)
    return render(request, view, "synthesis_meta.html", query=query, analysis=analysis, refusal=refusal,
                  forest=forest, sroc=sroc, picture=picture, data_url=data_url, params=params,
                  condition=condition or "", cause=cause or "", condition_options=_condition_options(view),
                  cause_options=_cause_options(view), metric_options=METRICS, model_options=MODELS)


@router.get("/synthesis/model-vs-clinicians")
def clinicians_page(request: Request, view: ViewDep, synthesis: SynthesisDep, condition: OptionalText = None,
                    cause: OptionalText = None) -> Response:
    """The model's and the clinicians' figures on the same metric, study by study, as a paired plot."""
    if (redirect := _redirect_if_untidy(request, "/synthesis/model-vs-clinicians")) is not None:
        return redirect
    data = synthesis.model_vs_clinicians(condition or None, cause or None)
    params = {k: v for k, v in request.query_params.items() if v}
    return render(request, view, "synthesis_clinicians.html", data=data, condition=condition or "",
                  cause=cause or "", condition_options=_condition_options(view), cause_options=_cause_options(view),
                  picture=url_with("/v1/synthesis/model-vs-clinicians", params, format="svg"),
                  data_url=url_with("/v1/synthesis/model-vs-clinicians", params))


@router.get("/synthesis/prisma")
def prisma_page(request: Request, view: ViewDep, synthesis: SynthesisDep, update: str = "cumulative") -> Response:
    """The PRISMA 2020 flow diagram of the whole review or of one update, with every count as a table."""
    flow = synthesis.prisma()
    chosen = flow.flow(update)
    options = [("cumulative", "All updates (cumulative)")] + [(u.id, u.label or u.id) for u in flow.updates]
    return render(request, view, "synthesis_prisma.html", flow=flow, chosen=chosen, update=update,
                  update_options=options, picture=url_with("/v1/synthesis/prisma", {"update": update, "format": "svg"}))


@router.get("/synthesis/characteristics")
def characteristics_page(
    request: Request, view: ViewDep, synthesis: SynthesisDep, condition: OptionalText = None,
    cause: OptionalText = None, deep_learning: bool = False, year_from: OptionalText = None,
    year_to: OptionalText = None, q: OptionalText = None,
) -> Response:
    """Study characteristics and the counts (percentages) of each category, with CSV and JSON downloads."""
    if (redirect := _redirect_if_untidy(request, "/synthesis/characteristics")) is not None:
        return redirect
    filters = StudyFilters(condition=condition or None, cause=cause or None, deep_learning_only=deep_learning,
                           year_from=_year("year_from", year_from), year_to=_year("year_to", year_to), text=q or None)
    result = synthesis.characteristics(filters)
    params = {k: v for k, v in request.query_params.items() if v}
    variables: dict[str, list] = defaultdict(list)
    for count in result.counts:
        variables[count.variable].append(count)
    return render(request, view, "synthesis_characteristics.html", result=result, variables=variables,
                  params=params, condition=condition or "", cause=cause or "", deep_learning=deep_learning,
                  year_from=year_from or "", year_to=year_to or "", q=q or "",
                  condition_options=_condition_options(view), cause_options=_cause_options(view))


@router.get("/synthesis/subgroups")
def subgroups_page(request: Request, view: ViewDep, synthesis: SynthesisDep,
                   attribute: OptionalText = None, include_unverified: OptionalText = None) -> Response:
    """Per condition, the performance gap between subgroups, and the conditions with no subgroup result at all.

    ``include_unverified`` adds the machine-read figures no reviewer has checked yet, marked unverified."""
    if (redirect := _redirect_if_untidy(request, "/synthesis/subgroups")) is not None:
        return redirect
    unverified = (include_unverified or "").casefold() in ("1", "true", "on", "yes")
    report = synthesis.subgroups(attribute or None, unverified)
    with_gaps = [c for c in report.conditions if c.gaps]
    flagged = [c for c in report.conditions if c.flag == "no-subgroup-results"]
    others = [c for c in report.conditions if not c.gaps and c.flag is None]
    return render(request, view, "synthesis_subgroups.html", report=report, with_gaps=with_gaps, flagged=flagged,
                  others=others, attribute=attribute or "", attribute_options=SUBGROUP_ATTRIBUTES,
                  include_unverified=unverified,
                  data_url=url_with("/v1/synthesis/subgroups", {"attribute": attribute or None,
                                                                "include_unverified": "true" if unverified else None}))
