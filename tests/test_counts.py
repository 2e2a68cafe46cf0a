"""Rebuilding 2x2 tables from printed rates and group sizes, and refusing when no table fits."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from analysis.synthesis.counts import (
    count_from_rate,
    printed_decimals,
    proportion_counts,
    rebuild_table,
    round_half_up,
    with_counts,
)
from facekg.errors import CountsInconsistent
from facekg.records import MetricResult


def rate(metric: str, value: float, unit: str = "fraction", **extra: object) -> MetricResult:
    return MetricResult(metric=metric.lower(), metric_id=metric, value=value, unit=unit, **extra)  # type: ignore[arg-type]


def test_counts_rebuild_the_table_from_sensitivity_specificity_and_group_sizes() -> None:
    # Kruszka 2017 (Down syndrome): 0.961 of 129 cases, 0.924 of 132 controls, accuracy 0.943.
    table = rebuild_table(record="s", positives=129, negatives=132, sensitivity=rate("Sensitivity", 0.961),
                          specificity=rate("Specificity", 0.924), accuracy=rate("Accuracy", 0.943))
    assert (table.tp, table.fn, table.fp, table.tn) == (124, 5, 10, 122)
    assert table.complete and table.source == "derived"


@pytest.mark.parametrize(("value", "unit", "size", "expected"), [
    pytest.param(90.3, "%", 93, 84, id="percent"),
    pytest.param(0.961, "fraction", 129, 124, id="fraction"),
    pytest.param(100, "%", 13, 13, id="all"),
    pytest.param(0, "fraction", 40, 0, id="none"),
])
def test_counts_take_the_nearest_count_that_prints_as_the_rate(value: float, unit: str, size: int,
                                                              expected: int) -> None:
    assert count_from_rate(value, unit, size, record="s", field="f") == expected


def test_counts_round_halves_up_not_to_even() -> None:
    assert [round_half_up(x) for x in (0.5, 1.5, 2.5, 2.4999)] == [1, 2, 3, 2]


def test_counts_refuse_a_rate_no_count_reproduces_such_as_a_mean_over_folds() -> None:
    # 0.8597 of 228 is 196.01; 196/228 prints as 0.8596.
    with pytest.raises(CountsInconsistent, match=r"0.8597 of 228") as caught:
        count_from_rate(0.8597, "fraction", 228, record="orphanet", field="recall")
    assert caught.value.record == "orphanet" and caught.value.field == "recall"


def test_counts_use_the_printed_precision_when_the_caller_knows_it() -> None:
    # 71/89 = 79.78 %: "80" (0 decimals) allows it, "80.0" (1 decimal) does not.
    assert count_from_rate(80.0, "%", 89, record="s", field="f") == 71
    with pytest.raises(CountsInconsistent):
        count_from_rate(80.0, "%", 89, record="s", field="f", decimals=1)


def test_counts_refuse_a_table_the_printed_accuracy_contradicts() -> None:
    # ResNet-50 in Aghajani 2025: sensitivity 0.64 and specificity 0.92 of 80 + 80 give 0.78, not 0.88.
    with pytest.raises(CountsInconsistent, match="TP \\+ TN = 125 of 160"):
        rebuild_table(record="s", positives=80, negatives=80, sensitivity=rate("Sensitivity", 0.64),
                      specificity=rate("Specificity", 0.92), accuracy=rate("Accuracy", 0.88))


def test_counts_rebuild_half_a_table_when_only_one_group_is_known() -> None:
    table = rebuild_table(record="s", positives=100, negatives=None, sensitivity=rate("Sensitivity", 92, "%"))
    assert (table.tp, table.fn, table.fp, table.tn) == (92, 8, None, None)
    assert not table.complete
    with pytest.raises(CountsInconsistent, match="negatives"):
        rebuild_table(record="s", positives=100, negatives=None, specificity=rate("Specificity", 0.9))


def test_counts_refuse_what_is_not_a_rate() -> None:
    with pytest.raises(CountsInconsistent, match="unit"):
        count_from_rate(3.5, "PHQ-8 points", 10, record="s", field="MAE")
    with pytest.raises(CountsInconsistent, match="outside"):
        count_from_rate(120, "%", 10, record="s", field="f")


def test_counts_printed_decimals_ignore_trailing_zeros() -> None:
    assert [printed_decimals(v) for v in (90.0, 0.961, 97.4, 80, 0.9124)] == [0, 3, 1, 0, 4]


def test_counts_attach_the_table_and_mark_it_derived() -> None:
    table = rebuild_table(record="s", positives=93, negatives=96, sensitivity=rate("Sensitivity", 90.3, "%"),
                          specificity=rate("Specificity", 87.5, "%"))
    result = with_counts(rate("Accuracy", 88.9, "%"), table, 93, 96)
    assert (result.tp, result.fn, result.fp, result.tn) == (84, 9, 12, 84)
    assert result.counts_source == "derived" and result.denominator == 189
    assert proportion_counts(result, "Accuracy", record="s").events == 168


def test_counts_give_events_from_a_denominator_when_no_table_exists() -> None:
    result = rate("Accuracy", 0.9, denominator=572)
    counts = proportion_counts(result, "Accuracy", record="kruszka")
    assert (counts.events, counts.total, counts.source) == (515, 572, "derived")
    with pytest.raises(CountsInconsistent, match="no counts and no group size"):
        proportion_counts(rate("Sensitivity", 0.9), "Sensitivity", record="s")


def test_counts_metric_result_validates_its_table() -> None:
    with pytest.raises(ValidationError, match="tp and fn go together"):
        MetricResult(metric="sensitivity", tp=5, counts_source="reported")
    with pytest.raises(ValidationError, match="counts_source is required"):
        MetricResult(metric="sensitivity", tp=5, fn=1)
    with pytest.raises(ValidationError, match="positives = 7"):
        MetricResult(metric="sensitivity", tp=5, fn=1, positives=7, counts_source="reported")
    with pytest.raises(ValidationError, match="without any 2x2 counts"):
        MetricResult(metric="sensitivity", counts_source="derived")
    assert MetricResult(metric="accuracy", value=0.9).tp is None  # every existing record stays valid
