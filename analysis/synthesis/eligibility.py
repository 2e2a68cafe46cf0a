"""Which results may be pooled together, and why the others may not.

A meta-analysis takes one result per study: the same metric (exact ontology
concept: accuracy is not balanced accuracy, top-1 is not top-10), the same
subject (the model's figures never pool with clinicians'), the whole sample
(subgroup figures go to :mod:`analysis.synthesis.subgroups`), and a test set of
one kind: internal (a held-out split or cross-validation) or external, never both
unless asked, because external validation answers a different question.
Unverified (extracted, not reviewed) results stay out unless asked; retracted
studies always do. Every result left out is listed with its reason, and
:func:`check_comparable` refuses a set that is too small or mixed with
:class:`facekg.errors.NotPoolable`.

A sensitivity analysis passes a :data:`StudyExclusion`, a function that returns
a reason to leave a study out (or None); risk of bias will be one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from analysis.synthesis.counts import ProportionMetric, proportion_counts
from facekg.errors import CountsInconsistent, NotPoolable
from facekg.records import MetricResult, StudyRecord, TestSet

Subject = Literal["model", "clinicians"]
TestSetClass = Literal["internal", "external", "not reported"]
StudyExclusion = Callable[[StudyRecord], str | None]


def test_set_class(test_set: TestSet | None) -> TestSetClass:
    if test_set is None:
        return "not reported"
    return "external" if test_set == "external" else "internal"


def deep_learning_status(study: StudyRecord) -> bool | None:
    """True or False where the study or one of its architectures says so; None when nothing does."""
    if study.is_deep_learning is not None:
        return study.is_deep_learning
    flags = [a.is_deep_learning for a in study.architectures if a.is_deep_learning is not None]
    return any(flags) if flags else None


def study_label(study: StudyRecord) -> str:
    """'Surname Year' for plots and tables, falling back to the study id."""
    author = (study.first_author or (study.authors[0] if study.authors else "")).split(",")[0].strip()
    return f"{author} {study.year}" if author and study.year else study.id


class StudyInput(BaseModel):
    """One study's contribution to an analysis: the result chosen and the counts behind it."""

    study_id: str
    label: str
    year: int | None
    result_index: int
    metric_id: str
    value: float | None
    unit: str | None
    context: str | None
    subject: Subject
    test_set: TestSet | None
    top_k: int | None
    verified: bool
    events: int | None = None
    total: int | None = None
    counts_source: str | None = None
    tp: int | None = None
    fn: int | None = None
    fp: int | None = None
    tn: int | None = None
    deep_learning: bool | None = None


class ExcludedResult(BaseModel):
    """A study or result left out of an analysis, and why."""

    study_id: str
    result_index: int | None = None
    reason: str


class Selection(BaseModel):
    """What an analysis may use and what it left out."""

    inputs: list[StudyInput]
    excluded: list[ExcludedResult]


@dataclass(frozen=True)
class Rules:
    """What an analysis admits: its conditions, whose figures, verified only or not, one test-set kind."""

    condition_ids: frozenset[str]
    subject: Subject = "model"
    include_unverified: bool = False
    test_set: TestSetClass | None = None
    exclude: StudyExclusion | None = None


def _base_input(study: StudyRecord, index: int, result: MetricResult) -> StudyInput:
    return StudyInput(
        study_id=study.id, label=study_label(study), year=study.year, result_index=index,
        metric_id=result.metric_id or result.metric, value=result.value, unit=result.unit, context=result.context,
        subject=result.subject, test_set=result.test_set, top_k=result.top_k,
        verified=result.provenance.source != "extracted", counts_source=result.counts_source,
        tp=result.tp, fn=result.fn, fp=result.fp, tn=result.tn, deep_learning=deep_learning_status(study))


def _excluded_study(study: StudyRecord, rules: Rules) -> ExcludedResult | None:
    """Why the whole study stays out (retracted, or left out by a sensitivity analysis), or None."""
    if study.retracted:
        return ExcludedResult(study_id=study.id, reason="retracted publication")
    reason = rules.exclude(study) if rules.exclude is not None else None
    return ExcludedResult(study_id=study.id, reason=f"sensitivity analysis: {reason}") if reason else None


def _screen(study: StudyRecord, result: MetricResult, rules: Rules) -> str | None:
    """Why this result cannot join, or None."""
    if result.subject != rules.subject:
        return (f"a {result.subject} figure: the analysis pools {rules.subject} figures (model and clinicians are "
                "compared side by side, never pooled together)")
    if result.subgroup is not None:
        return f"subgroup result ({result.subgroup.attribute} = {result.subgroup.value}): see subgroups"
    if result.provenance.source == "extracted" and not rules.include_unverified:
        return "unverified: extracted by the pipeline and not yet reviewed"
    if result.condition is None:
        outside = [c.name for c in study.conditions if (c.concept_id or "") not in rules.condition_ids]
        if outside:
            return f"the study also addresses {', '.join(outside)} and the result does not say which condition"
    if rules.test_set is not None and test_set_class(result.test_set) != rules.test_set:
        return f"test set is {test_set_class(result.test_set)}, the analysis asks for {rules.test_set}"
    return None


def _pick(candidates: list[StudyInput], wanted: TestSetClass | None) -> tuple[StudyInput, list[StudyInput]]:
    """One result per study: the wanted test-set kind first, internal before external, then the largest total."""
    order: dict[TestSetClass, int] = {"internal": 0, "not reported": 1, "external": 2}

    def rank(candidate: StudyInput) -> tuple[int, int, int, int]:
        kind = test_set_class(candidate.test_set)
        return (0 if wanted is None or kind == wanted else 1, order[kind], -(candidate.total or 0),
                candidate.result_index)

    ranked = sorted(candidates, key=rank)
    return ranked[0], ranked[1:]


def select_proportions(studies: Iterable[StudyRecord], metric: ProportionMetric, rules: Rules) -> Selection:
    """The studies' results for ``metric`` with the events and totals pooling needs."""
    inputs: list[StudyInput] = []
    excluded: list[ExcludedResult] = []
    for study in studies:
        if (out := _excluded_study(study, rules)) is not None:
            excluded.append(out)
            continue
        candidates: list[StudyInput] = []
        for index, result in enumerate(study.metrics):
            if result.metric_id != metric:
                continue
            why = _screen(study, result, rules)
            if why is None:
                try:
                    counts = proportion_counts(result, metric, record=study.id)
                except CountsInconsistent as exc:
                    why = f"no counts: {exc.detail}"
            if why is not None:
                excluded.append(ExcludedResult(study_id=study.id, result_index=index, reason=why))
                continue
            candidate = _base_input(study, index, result)
            candidate.events, candidate.total, candidate.counts_source = counts.events, counts.total, counts.source
            candidates.append(candidate)
        if candidates:
            chosen, others = _pick(candidates, rules.test_set)
            inputs.append(chosen)
            excluded.extend(ExcludedResult(study_id=study.id, result_index=other.result_index,
                                           reason=f"the study already contributes result {chosen.result_index}")
                            for other in others)
    return Selection(inputs=inputs, excluded=excluded)


def select_tables(studies: Iterable[StudyRecord], rules: Rules) -> Selection:
    """One complete 2x2 table per study (carried by its sensitivity, specificity or accuracy result)."""
    inputs: list[StudyInput] = []
    excluded: list[ExcludedResult] = []
    for study in studies:
        if (out := _excluded_study(study, rules)) is not None:
            excluded.append(out)
            continue
        candidates = []
        partial = False
        for index, result in enumerate(study.metrics):
            if result.metric_id not in ("Sensitivity", "Specificity", "Accuracy") or _screen(study, result, rules):
                continue
            if None in (result.tp, result.fn, result.fp, result.tn):
                partial = partial or result.tp is not None or result.tn is not None
                continue
            candidate = _base_input(study, index, result)
            candidate.total = sum(n for n in (result.tp, result.fn, result.fp, result.tn) if n is not None)
            candidates.append(candidate)
        if not candidates:
            if any(r.metric_id in ("Sensitivity", "Specificity") for r in study.metrics):
                excluded.append(ExcludedResult(study_id=study.id, reason=(
                    "only one half of the 2x2 table (positives or negatives) is known" if partial else
                    "no complete 2x2 table: counts not reported and not rebuildable from rates and group sizes")))
            continue
        keyed = {(c.tp, c.fn, c.fp, c.tn, c.test_set): c for c in candidates}
        chosen, others = _pick(list(keyed.values()), rules.test_set)
        inputs.append(chosen)
        excluded.extend(ExcludedResult(study_id=study.id, result_index=o.result_index,
                                       reason=f"the study already contributes the table of result "
                                              f"{chosen.result_index}") for o in others)
    return Selection(inputs=inputs, excluded=excluded)


def check_comparable(inputs: list[StudyInput], *, min_studies: int, allow_mixed_test_sets: bool = False) -> None:
    """Refuse a set of study results that is too small or mixes what must not be mixed."""
    ids = [i.study_id for i in inputs]
    subjects = sorted({i.subject for i in inputs})
    if len(subjects) > 1:
        raise NotPoolable("mixed-subjects", "model and clinician figures answer different questions; "
                                            "compare them side by side instead", ids)
    metrics = sorted({i.metric_id for i in inputs})
    if len(metrics) > 1:
        raise NotPoolable("mixed-metric-definitions", f"the results measure different things "
                                                      f"({', '.join(metrics)}); pool one metric at a time", ids)
    ks = sorted({i.top_k or 1 for i in inputs})
    if len(ks) > 1:
        raise NotPoolable("mixed-top-k", f"ranking results at different cut-offs (top-{', top-'.join(map(str, ks))})"
                                         " cannot be pooled", ids)
    kinds = {test_set_class(i.test_set) for i in inputs}
    if "external" in kinds and len(kinds) > 1 and not allow_mixed_test_sets:
        external = [i.study_id for i in inputs if i.test_set == "external"]
        raise NotPoolable("mixed-test-sets", f"external validation ({', '.join(external)}) and internal or "
                                             "unreported test sets answer different questions; ask for one "
                                             "(test_set=internal|external) or allow mixing", ids)
    if len(inputs) < min_studies:
        raise NotPoolable("too-few-studies", f"{len(inputs)} stud{'y has' if len(inputs) == 1 else 'ies have'} "
                                             f"usable counts; pooling needs at least {min_studies}", ids)
