"""Small diagnostic-accuracy studies built in code for the synthesis tests."""

from __future__ import annotations

from facekg.records import ConditionFact, MetricResult, Provenance, StudyRecord, Subgroup, TestSet
from tests.synthesis_data import AUDITC_FN, AUDITC_FP, AUDITC_TN, AUDITC_TP

CONDITION_IDS = {"Down syndrome": "DownSyndrome", "Williams-Beuren syndrome": "WilliamsBeurenSyndrome",
                 "thyroid eye disease": "ThyroidEyeDisease", "stroke": "Stroke"}


def table_result(metric: str, tp: int | None, fn: int | None, fp: int | None, tn: int | None, *,
                 subject: str = "model", test_set: TestSet | None = None, source: str = "curated",
                 subgroup: Subgroup | None = None, top_k: int | None = None, context: str | None = None,
                 condition: str | None = None) -> MetricResult:
    """A sensitivity / specificity / accuracy result carrying (part of) a 2x2 table, value included."""
    metric_id = {"sensitivity": "Sensitivity", "specificity": "Specificity", "accuracy": "Accuracy",
                 "AUC": "AUC", "top-10 accuracy": "Top10Accuracy"}[metric]
    value = None
    if metric == "sensitivity" and tp is not None and fn is not None:
        value = tp / (tp + fn)
    elif metric == "specificity" and tn is not None and fp is not None:
        value = tn / (tn + fp)
    elif metric == "accuracy" and None not in (tp, fn, fp, tn):
        value = (tp + tn) / (tp + fn + fp + tn)  # type: ignore[operator]
    has_counts = tp is not None or tn is not None
    return MetricResult(
        metric=metric, metric_id=metric_id, value=value if value is not None else 0.9, unit="fraction",
        tp=tp, fn=fn, fp=fp, tn=tn, counts_source="reported" if has_counts else None, subject=subject,  # type: ignore[arg-type]
        test_set=test_set, subgroup=subgroup, top_k=top_k, context=context, condition=condition,
        provenance=Provenance(source=source))  # type: ignore[arg-type]


def diagnostic_study(study_id: str, tp: int, fn: int, fp: int, tn: int, *, conditions: tuple[str, ...] = (
        "Down syndrome",), year: int = 2021, test_set: TestSet | None = None, subject: str = "model",
        source: str = "curated", retracted: bool = False, extra: list[MetricResult] | None = None) -> StudyRecord:
    """A study reporting sensitivity, specificity and accuracy, each carrying the full table."""
    metrics = [table_result(m, tp, fn, fp, tn, subject=subject, test_set=test_set, source=source)
               for m in ("sensitivity", "specificity", "accuracy")]
    return StudyRecord(
        id=study_id, title=f"Study {study_id}", year=year, first_author=f"{study_id.title()}, A.",
        retracted=retracted, conditions=[ConditionFact(name=c, concept_id=CONDITION_IDS[c]) for c in conditions],
        metrics=metrics + list(extra or []))


def auditc_studies(condition: str = "Down syndrome") -> list[StudyRecord]:
    """The 14 AuditC tables as studies of one condition (for the bivariate model through the graph)."""
    return [diagnostic_study(f"auditc-{i + 1:02d}", tp, fn, fp, tn, conditions=(condition,), year=2000 + i)
            for i, (tp, fn, fp, tn) in enumerate(zip(AUDITC_TP, AUDITC_FN, AUDITC_FP, AUDITC_TN, strict=True))]
