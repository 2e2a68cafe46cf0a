"""Performance by subgroup: the gap between, say, female and male sensitivity, per condition.

Reporting *that* a sample had women and men (``analysis.bias``) is not the same
as reporting *how well the model did* for each; this module reads the subgroup
results (``MetricResult.subgroup``) and, per condition, lists each study's gap
between every subgroup and a reference group on the same metric: ``male`` for
sex (so the gap is female - male), otherwise the first group the study lists.

The gap's 95 % interval comes from the counts when both groups have them or
their rates and sizes give them (Newcombe's hybrid score interval for a difference of independent proportions,
statsmodels ``confint_proportions_2indep``), else from the groups' printed
intervals (normal approximation, SE = width / 3.92 each), else it is stated as
stated as not computable ("no uncertainty available"). With counts the gap is
also given on the logit scale (the log odds ratio, Woolf's interval, 0.5 added
to every cell when one is zero). Each gap names the sources of its two figures
(curated, consensus, extracted); one read from the machine extraction only is
``unverified`` and is left out unless asked for. A condition whose studies
report no subgroup result at all is flagged ``no-subgroup-results``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Literal

from pydantic import BaseModel, Field
from statsmodels.stats.proportion import confint_proportions_2indep

from analysis.evidence import condition_studies, studies_by_concept
from analysis.synthesis.counts import (
    PROPORTION_METRICS,
    ProportionCounts,
    ProportionMetric,
    count_from_rate,
    proportion_counts,
)
from analysis.synthesis.eligibility import study_label
from analysis.synthesis.meta_analysis import latest_update
from facekg.errors import CountsInconsistent, InvalidQuery, UnknownName
from facekg.records import DEMOGRAPHIC_ATTRIBUTES, MetricResult, StudyRecord
from graph.store import GraphStore
from ontology import Ontology

Uncertainty = Literal["counts", "reported-intervals", "not-computable"]
REFERENCE_GROUPS: dict[str, str] = {"sex": "male"}


class SubgroupGap(BaseModel):
    """One study's gap between a subgroup and the reference group on one metric (as fractions)."""

    study_id: str
    label: str
    metric: str
    attribute: str
    group: str
    reference: str
    group_value: float
    reference_value: float
    gap: float = Field(description="group minus reference")
    ci_low: float | None = None
    ci_high: float | None = None
    uncertainty: Uncertainty
    logit_gap: float | None = Field(default=None, description="log odds ratio, group vs reference (with counts)")
    logit_ci_low: float | None = None
    logit_ci_high: float | None = None
    sources: list[str] = Field(default_factory=list, description="provenance of the group's and the reference's figure")
    unverified: bool = Field(default=False, description="a figure comes from machine extraction not yet reviewed")
    note: str | None = None


class ConditionSubgroups(BaseModel):
    condition_id: str
    label: str
    study_count: int
    subgroup_study_ids: list[str]
    single_group_results: list[str] = Field(default_factory=list,
                                            description="subgroup figures with no other group to compare")
    flagged_but_missing: list[str] = Field(default_factory=list, description=(
        "studies marked as reporting subgroup performance whose subgroup figures are not in the graph"))
    gaps: list[SubgroupGap] = Field(default_factory=list)
    flag: Literal["no-subgroup-results"] | None = None


class SubgroupReport(BaseModel):
    attribute: str | None
    conditions: list[ConditionSubgroups]
    review_update: str | None = None


def _fraction(result: MetricResult) -> float | None:
    if result.value is None or result.unit not in ("%", "fraction"):
        return None
    return result.value / 100 if result.unit == "%" else result.value


def _interval_se(result: MetricResult) -> float | None:
    if result.ci_low is None or result.ci_high is None:
        return None
    scale = 100 if result.unit == "%" else 1
    return (result.ci_high - result.ci_low) / scale / 3.92


def _gap(study: StudyRecord, group: MetricResult, reference: MetricResult) -> SubgroupGap:
    assert group.subgroup is not None and reference.subgroup is not None
    ours, theirs = _fraction(group), _fraction(reference)
    assert ours is not None and theirs is not None
    row: dict[str, Any] = {"study_id": study.id, "label": study_label(study), "metric": group.metric,
           "attribute": group.subgroup.attribute, "group": group.subgroup.value,
           "reference": reference.subgroup.value, "group_value": ours, "reference_value": theirs,
           "gap": ours - theirs,
           "sources": list(dict.fromkeys((group.provenance.source, reference.provenance.source))),
           "unverified": "extracted" in (group.provenance.source, reference.provenance.source)}
    metric = group.metric_id
    if metric in PROPORTION_METRICS:
        try:
            a = _group_counts(group, _as_metric(metric), study.id)
            b = _group_counts(reference, _as_metric(metric), study.id)
        except CountsInconsistent:
            pass
        else:
            low, high = confint_proportions_2indep(a.events, a.total, b.events, b.total, method="newcomb",
                                                   compare="diff")
            row.update(group_value=a.events / a.total, reference_value=b.events / b.total,
                       gap=a.events / a.total - b.events / b.total)
            row.update(_log_odds_ratio(a.events, a.total, b.events, b.total))
            return SubgroupGap(**row, ci_low=float(low), ci_high=float(high), uncertainty="counts")
    se_a, se_b = _interval_se(group), _interval_se(reference)
    if se_a is not None and se_b is not None:
        half = 1.96 * (se_a ** 2 + se_b ** 2) ** 0.5
        return SubgroupGap(**row, ci_low=ours - theirs - half, ci_high=ours - theirs + half,
                           uncertainty="reported-intervals")
    return SubgroupGap(**row, uncertainty="not-computable",
                       note="no uncertainty available: the study reports neither the subgroups' sizes nor their "
                            "intervals")


def _log_odds_ratio(x1: int, n1: int, x2: int, n2: int) -> dict[str, float]:
    """log OR of group vs reference with Woolf's 95 % interval (0.5 added to every cell when one is zero)."""
    cells = [float(x1), float(n1 - x1), float(x2), float(n2 - x2)]
    if 0 in cells:
        cells = [c + 0.5 for c in cells]
    a, b, c, d = cells
    estimate, half = math.log(a * d / (b * c)), 1.96 * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return {"logit_gap": estimate, "logit_ci_low": estimate - half, "logit_ci_high": estimate + half}


def _group_counts(result: MetricResult, metric: ProportionMetric, record: str) -> ProportionCounts:
    """The group's events and total: its own counts or rate and group sizes, else its rate out of its ``n``.

    A subgroup row's ``n`` (``denominator``) is the number the figure was computed on, so
    for a subgroup's sensitivity it stands for the group's positives."""
    try:
        return proportion_counts(result, metric, record=record)
    except CountsInconsistent:
        if result.denominator is None or result.value is None:
            raise
        events = count_from_rate(result.value, result.unit, result.denominator, record=record, field=result.metric)
        return ProportionCounts(events=events, total=result.denominator, source="derived")


def _as_metric(metric_id: str | None) -> ProportionMetric:
    assert metric_id in PROPORTION_METRICS
    return metric_id  # type: ignore[return-value]


def study_gaps(study: StudyRecord, *, attribute: str | None = None,
               include_unverified: bool = False) -> tuple[list[SubgroupGap], list[str]]:
    """The study's subgroup gaps, and the subgroup figures that have no group to compare with."""
    groups: dict[tuple[str, str], list[MetricResult]] = defaultdict(list)
    for result in study.metrics:
        if result.subgroup is None or result.subject != "model" or _fraction(result) is None:
            continue
        if attribute and result.subgroup.attribute != attribute:
            continue
        if result.provenance.source == "extracted" and not include_unverified:
            continue
        groups[(result.metric_id or result.metric, result.subgroup.attribute)].append(result)
    gaps: list[SubgroupGap] = []
    alone: list[str] = []
    for (_metric, attr), results in groups.items():
        values = list(dict.fromkeys(r.subgroup.value for r in results if r.subgroup))
        if len(values) < 2:
            alone.append(f"{study.id}: {results[0].metric} for {attr} = {values[0]} only")
            continue
        wanted = REFERENCE_GROUPS.get(attr, values[0])
        reference = next((r for r in results if r.subgroup and r.subgroup.value == wanted), results[0])
        for result in results:
            if result is not reference and result.subgroup and reference.subgroup \
                    and result.subgroup.value != reference.subgroup.value:
                gaps.append(_gap(study, result, reference))
    return gaps, alone


def subgroup_performance(store: GraphStore, ontology: Ontology, *, condition: str | None = None,
                         attribute: str | None = None, include_unverified: bool = False) -> SubgroupReport:
    """Per condition with studies: the subgroup gaps, or the flag that there are no subgroup results."""
    if attribute is not None and attribute not in DEMOGRAPHIC_ATTRIBUTES:
        raise InvalidQuery("attribute", f"unknown attribute {attribute!r}; use one of "
                                        f"{', '.join(DEMOGRAPHIC_ATTRIBUTES)}")
    studies = [s for s in store.studies() if not s.retracted]
    index = studies_by_concept(studies)
    if condition:
        concept = ontology.lookup(condition, kind="condition")
        if concept is None:
            raise UnknownName("condition", "condition", condition, "/v1/conditions")
        concepts = [concept]
    else:
        concepts = ontology.conditions()
    rows = []
    for concept in concepts:
        members = condition_studies(ontology, concept.id, index)
        if not members:
            continue
        gaps, alone, with_subgroups, flagged = [], [], [], []
        for study in members:
            found, single = study_gaps(study, attribute=attribute, include_unverified=include_unverified)
            gaps.extend(found)
            alone.extend(single)
            if found or single:
                with_subgroups.append(study.id)
            elif any(d.subgroup_performance and (attribute is None or d.attribute == attribute)
                     for d in study.demographics):
                flagged.append(study.id)
        rows.append(ConditionSubgroups(
            condition_id=concept.id, label=concept.label, study_count=len(members),
            subgroup_study_ids=with_subgroups, single_group_results=alone, flagged_but_missing=flagged, gaps=gaps,
            flag=None if with_subgroups else "no-subgroup-results"))
    return SubgroupReport(attribute=attribute, conditions=rows, review_update=latest_update(store))
