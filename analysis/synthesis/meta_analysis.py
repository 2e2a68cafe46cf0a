"""Meta-analysis from the graph: one condition (with its subtypes) or cause category, one metric.

The entry points read studies through :meth:`graph.store.GraphStore.studies` only,
so every backend answers alike. :func:`meta_analysis` runs one analysis or
raises :class:`facekg.errors.NotPoolable` with the reason; :func:`overview`
tries every condition- and cause-metric pair the evidence touches and lists
what pooled and what was refused, and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, cast

from pydantic import BaseModel, Field
from statsmodels.stats.proportion import proportion_confint

from analysis.evidence import condition_studies, studies_by_concept
from analysis.synthesis.bivariate import MIN_STUDIES as MIN_BIVARIATE
from analysis.synthesis.bivariate import BivariateFit, fit_reitsma
from analysis.synthesis.counts import PROPORTION_METRICS, ProportionMetric
from analysis.synthesis.eligibility import (
    ExcludedResult,
    Rules,
    StudyExclusion,
    StudyInput,
    Subject,
    TestSetClass,
    check_comparable,
    select_proportions,
    select_tables,
    test_set_class,
)
from analysis.synthesis.univariate import PooledProportion, TauMethod, pool_proportions
from facekg.errors import InvalidQuery, NotPoolable, UnknownName
from facekg.records import StudyRecord
from graph.store import GraphStore
from ontology import Ontology

MIN_UNIVARIATE = 2
Model = Literal["univariate", "bivariate"]


class Scope(BaseModel):
    """What an analysis is about: a condition with its subtypes, or a cause category."""

    kind: Literal["condition", "cause"]
    id: str
    label: str
    condition_ids: list[str]


class MetaAnalysisQuery(BaseModel):
    """One analysis as a user asks for it (names or ids, resolved against the ontology)."""

    condition: str | None = None
    cause: str | None = None
    metric: str = "sensitivity"
    model: Model = "univariate"
    subject: Subject = "model"
    test_set: TestSetClass | None = None
    allow_mixed_test_sets: bool = False
    include_unverified: bool = False
    method: TauMethod = "reml"
    hartung_knapp: bool = False
    exclude_studies: list[str] = Field(default_factory=list)
    min_studies: int | None = Field(default=None, ge=2)


class StudyRow(StudyInput):
    """A study in a univariate analysis: its proportion, 95 % Wilson interval and weight."""

    proportion: float
    ci_low: float
    ci_high: float
    weight: float


class BivariateStudy(StudyInput):
    sensitivity: float
    false_positive_rate: float


class MetaAnalysis(BaseModel):
    """The result of one analysis, with every study used and every result left out."""

    scope: Scope
    model: Model
    metric: str
    metric_id: str
    subject: Subject
    test_sets: list[str]
    method: str | None = None
    hartung_knapp: bool = False
    studies: list[StudyRow] = Field(default_factory=list)
    bivariate_studies: list[BivariateStudy] = Field(default_factory=list)
    excluded: list[ExcludedResult] = Field(default_factory=list)
    pooled: PooledProportion | None = None
    bivariate: BivariateFit | None = None
    auc: float | None = None
    notes: list[str] = Field(default_factory=list)
    review_update: str | None = Field(default=None, description="the latest review update the answer reflects")


def resolve_scope(ontology: Ontology, condition: str | None, cause: str | None) -> Scope:
    """A condition (with its subtypes) or a cause category; both: the condition's part inside the cause.

    Unknown names are :class:`UnknownName` (404); neither is an :class:`InvalidQuery`.
    """
    if not condition and not cause:
        raise InvalidQuery("condition", "give a condition or a cause (or both: the condition within the cause)")
    category = None
    if cause:
        category = ontology.lookup(cause, kind="cause_category")
        if category is None:
            raise UnknownName("cause", "cause category", cause, "/v1/causes")
        in_cause = sorted(ontology.conditions_in_category(category.id))
    if not condition:
        assert category is not None
        return Scope(kind="cause", id=category.id, label=category.label, condition_ids=in_cause)
    concept = ontology.lookup(condition, kind="condition")
    if concept is None:
        raise UnknownName("condition", "condition", condition, "/v1/conditions")
    ids = [concept.id, *sorted(d for d in ontology.descendants(concept.id) if d != concept.id)]
    if category is None:
        return Scope(kind="condition", id=concept.id, label=concept.label, condition_ids=ids)
    return Scope(kind="condition", id=concept.id, label=f"{concept.label} within {category.label}",
                 condition_ids=[i for i in ids if i in set(in_cause)])


def scope_studies(ontology: Ontology, scope: Scope, studies: Iterable[StudyRecord]) -> list[StudyRecord]:
    index = studies_by_concept(studies)
    found = {s.id: s for cid in scope.condition_ids for s in condition_studies(ontology, cid, index)}
    return [found[key] for key in sorted(found)]


def resolve_metric(ontology: Ontology, metric: str) -> ProportionMetric:
    concept = ontology.lookup(metric, kind="metric")
    if concept is None:
        raise UnknownName("metric", "metric", metric, "the pooled metrics are sensitivity, specificity and "
                          "accuracy")
    if concept.id not in PROPORTION_METRICS:
        raise NotPoolable("metric-not-poolable", f"{concept.label} is not pooled: only sensitivity, specificity "
                                                 "and accuracy are pooled, as proportions on the logit scale")
    return cast(ProportionMetric, concept.id)


def _exclusion(query: MetaAnalysisQuery, extra: StudyExclusion | None) -> StudyExclusion | None:
    chosen = set(query.exclude_studies)
    if not chosen and extra is None:
        return None

    def exclude(study: StudyRecord) -> str | None:
        if study.id in chosen:
            return "excluded on request"
        return extra(study) if extra is not None else None

    return exclude


def _which(ids: Sequence[str]) -> str:
    return ", ".join(ids) if len(ids) <= 5 else f"{len(ids)} studies"


def _notes(scope: Scope, inputs: Sequence[StudyInput]) -> list[str]:
    notes = []
    derived = [i.study_id for i in inputs if i.counts_source == "derived"]
    if derived:
        notes.append(f"counts rebuilt from printed rates and group sizes for {_which(derived)}")
    unknown = [i.study_id for i in inputs if i.test_set is None]
    if unknown:
        notes.append(f"test set not reported for {_which(unknown)}")
    unverified = [i.study_id for i in inputs if not i.verified]
    if unverified:
        notes.append(f"unverified (extracted) results used for {_which(unverified)}")
    if scope.kind == "condition" and len(scope.condition_ids) > 1:
        notes.append(f"{scope.label} includes its subtypes")
    return notes


def _refusal_details(excluded: Sequence[ExcludedResult]) -> list[str]:
    return [f"{e.study_id}" + (f" result {e.result_index}" if e.result_index is not None else "") + f": {e.reason}"
            for e in excluded]


def _check(inputs: list[StudyInput], excluded: list[ExcludedResult], *, min_studies: int,
           allow_mixed_test_sets: bool) -> None:
    """:func:`check_comparable`, with every result left out listed in the refusal's ``details``."""
    try:
        check_comparable(inputs, min_studies=min_studies, allow_mixed_test_sets=allow_mixed_test_sets)
    except NotPoolable as exc:
        raise NotPoolable(exc.reason, str(exc), exc.studies, _refusal_details(excluded)) from None


def analyse(ontology: Ontology, studies: Iterable[StudyRecord], query: MetaAnalysisQuery, *,
            review_update: str | None = None, exclude: StudyExclusion | None = None) -> MetaAnalysis:
    """Run ``query`` over ``studies`` (all stored studies; the scope picks its own).

    Raises :class:`NotPoolable` when the studies are too few or not comparable.
    """
    scope = resolve_scope(ontology, query.condition, query.cause)
    in_scope = scope_studies(ontology, scope, studies)
    exclusion = _exclusion(query, exclude)
    rules = Rules(condition_ids=frozenset(scope.condition_ids), subject=query.subject,
                  include_unverified=query.include_unverified, test_set=query.test_set, exclude=exclusion)
    if query.model == "bivariate":
        selection = select_tables(in_scope, rules)
        if not selection.inputs and not selection.excluded:
            raise NotPoolable("no-results", f"no study of {scope.label} reports sensitivity or specificity "
                                            f"for the {query.subject}")
        _check(selection.inputs, selection.excluded, min_studies=query.min_studies or MIN_BIVARIATE,
               allow_mixed_test_sets=query.allow_mixed_test_sets)
        inputs = selection.inputs
        fit = fit_reitsma([i.tp or 0 for i in inputs], [i.fn or 0 for i in inputs], [i.fp or 0 for i in inputs],
                          [i.tn or 0 for i in inputs], min_studies=query.min_studies or MIN_BIVARIATE)
        pairs = [BivariateStudy(**i.model_dump(), sensitivity=(i.tp or 0) / ((i.tp or 0) + (i.fn or 0)),
                               false_positive_rate=(i.fp or 0) / ((i.fp or 0) + (i.tn or 0))) for i in inputs]
        return MetaAnalysis(
            scope=scope, model="bivariate", metric="sensitivity and specificity", metric_id="Sensitivity+Specificity",
            subject=query.subject, test_sets=sorted({test_set_class(i.test_set) for i in inputs}),
            method="REML (Reitsma et al. 2005)", bivariate_studies=pairs, excluded=selection.excluded, bivariate=fit,
            auc=fit.auc(), notes=_notes(scope, inputs), review_update=review_update)
    metric = resolve_metric(ontology, query.metric)
    selection = select_proportions(in_scope, metric, rules)
    if not selection.inputs and not selection.excluded:
        raise NotPoolable("no-results", f"no study of {scope.label} reports {metric.lower()} for the "
                                        f"{query.subject}")
    _check(selection.inputs, selection.excluded, min_studies=query.min_studies or MIN_UNIVARIATE,
           allow_mixed_test_sets=query.allow_mixed_test_sets)
    inputs = selection.inputs
    events = [i.events or 0 for i in inputs]
    totals = [i.total or 0 for i in inputs]
    pooled = pool_proportions(events, totals, method=query.method, hartung_knapp=query.hartung_knapp)
    low, high = proportion_confint(events, totals, alpha=0.05, method="wilson")
    rows = [StudyRow(**i.model_dump(), proportion=x / n, ci_low=float(lo), ci_high=float(hi), weight=w)
            for i, x, n, lo, hi, w in zip(inputs, events, totals, low, high, pooled.logit.weights, strict=True)]
    return MetaAnalysis(
        scope=scope, model="univariate", metric=ontology.get(metric).label, metric_id=metric, subject=query.subject,
        test_sets=sorted({test_set_class(i.test_set) for i in inputs}), method=pooled.logit.method,
        hartung_knapp=query.hartung_knapp, studies=rows, excluded=selection.excluded, pooled=pooled,
        notes=_notes(scope, inputs), review_update=review_update)


def latest_update(store: GraphStore) -> str | None:
    updates = store.review_updates()
    return updates[-1].id if updates else None


def meta_analysis(store: GraphStore, ontology: Ontology, query: MetaAnalysisQuery, *,
                  exclude: StudyExclusion | None = None) -> MetaAnalysis:
    """One meta-analysis over what the store holds now."""
    return analyse(ontology, store.studies(), query, review_update=latest_update(store), exclude=exclude)


class PairOutcome(BaseModel):
    """One condition- or cause-metric pair: pooled (with the estimate) or refused (with the reason).

    For the bivariate model ``estimate`` is the pooled sensitivity and ``specificity`` its partner.
    """

    scope_kind: Literal["condition", "cause"]
    scope_id: str
    scope_label: str
    metric: str
    model: Model
    status: Literal["pooled", "refused"]
    k: int = 0
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    specificity: float | None = Field(default=None, description="bivariate model: pooled specificity")
    specificity_ci_low: float | None = None
    specificity_ci_high: float | None = None
    reason: str | None = None
    message: str | None = None
    study_ids: list[str] = Field(default_factory=list)
    details: list[str] = Field(default_factory=list, description="results left out, and why")


class Overview(BaseModel):
    review_update: str | None
    outcomes: list[PairOutcome]

    @property
    def pooled(self) -> list[PairOutcome]:
        return [o for o in self.outcomes if o.status == "pooled"]


def _metrics_reported(studies: Sequence[StudyRecord], subject: Subject) -> set[str]:
    return {r.metric_id for s in studies if not s.retracted for r in s.metrics
            if r.subject == subject and r.metric_id in PROPORTION_METRICS}


def _outcome(ontology: Ontology, studies: list[StudyRecord], query: MetaAnalysisQuery, scope: Scope,
             update: str | None) -> PairOutcome:
    metric = "sensitivity and specificity" if query.model == "bivariate" else ontology.get(query.metric).label
    base: dict[str, Any] = {"scope_kind": scope.kind, "scope_id": scope.id, "scope_label": scope.label,
                            "model": query.model, "metric": metric}
    try:
        result = analyse(ontology, studies, query, review_update=update)
    except NotPoolable as exc:
        return PairOutcome(**base, status="refused", reason=exc.reason, message=str(exc), study_ids=exc.studies,
                           details=exc.details)
    if result.pooled is not None:
        return PairOutcome(**base, status="pooled", k=len(result.studies), estimate=result.pooled.estimate,
                           ci_low=result.pooled.ci_low, ci_high=result.pooled.ci_high,
                           study_ids=[s.study_id for s in result.studies])
    assert result.bivariate is not None
    fit = result.bivariate
    return PairOutcome(**base, status="pooled", k=fit.k, estimate=fit.sensitivity, ci_low=fit.sensitivity_ci[0],
                       ci_high=fit.sensitivity_ci[1], specificity=fit.specificity,
                       specificity_ci_low=fit.specificity_ci[0], specificity_ci_high=fit.specificity_ci[1],
                       study_ids=[s.study_id for s in result.bivariate_studies])


def overview(store: GraphStore, ontology: Ontology, *, subject: Subject = "model", include_unverified: bool = False,
             test_set: TestSetClass | None = None) -> Overview:
    """Every condition- and cause-metric pair with a reported proportion: what pools and what does not."""
    studies = list(store.studies())
    update = latest_update(store)
    scopes = [resolve_scope(ontology, c.id, None) for c in ontology.conditions()]
    scopes += [resolve_scope(ontology, None, c.id) for c in ontology.cause_categories()]
    outcomes: list[PairOutcome] = []
    for scope in scopes:
        in_scope = scope_studies(ontology, scope, studies)
        metrics = _metrics_reported(in_scope, subject)
        common = {"subject": subject, "include_unverified": include_unverified, "test_set": test_set}
        key = {"condition": scope.id} if scope.kind == "condition" else {"cause": scope.id}
        for metric in sorted(metrics):
            query = MetaAnalysisQuery(**key, metric=metric, **common)  # type: ignore[arg-type]
            outcomes.append(_outcome(ontology, in_scope, query, scope, update))
        if metrics & {"Sensitivity", "Specificity"}:
            query = MetaAnalysisQuery(**key, model="bivariate", **common)  # type: ignore[arg-type]
            outcomes.append(_outcome(ontology, in_scope, query, scope, update))
    return Overview(review_update=update, outcomes=outcomes)
