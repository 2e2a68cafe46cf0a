"""Rebuilding a study's 2x2 table from its printed rates and group sizes.

Pooling needs counts, and most studies print only rates. A count is rebuilt as
``round_half_up(rate x group size)`` and then checked: the rebuilt rate
``count / group size`` must reproduce the printed rate to the precision it was
printed with (half a unit in its last decimal; ``96.1`` % allows 0.05 points).
When it does not, or when a printed accuracy disagrees with the rebuilt table,
the figures cannot come from one 2x2 table on those groups (a mean over
cross-validation folds, a different denominator) and the table is refused with
:class:`facekg.errors.CountsInconsistent` rather than guessed. Every rebuilt
count is marked ``counts_source="derived"``.

The same rule gives the events behind a proportion at pooling time
(:func:`proportion_counts`), so a result with only a denominator pools too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel

from facekg.errors import CountsInconsistent
from facekg.records import CountsSource, MetricResult

PROPORTION_METRICS = ("Sensitivity", "Specificity", "Accuracy")
ProportionMetric = Literal["Sensitivity", "Specificity", "Accuracy"]
_EPSILON = 1e-9


class TwoByTwo(BaseModel):
    """A study's 2x2 table; a pair is None when its group was not reported."""

    tp: int | None = None
    fn: int | None = None
    fp: int | None = None
    tn: int | None = None
    source: CountsSource = "derived"

    @property
    def complete(self) -> bool:
        return None not in (self.tp, self.fn, self.fp, self.tn)


class ProportionCounts(BaseModel):
    """Events out of a total for one proportion (sensitivity: TP of TP + FN), and where they came from."""

    events: int
    total: int
    source: CountsSource


def as_fraction(value: float, unit: str | None, *, record: str, field: str) -> float:
    """A rate as a fraction of 1 (``%`` is divided by 100); anything else is not a rate."""
    if unit == "%":
        fraction = value / 100
    elif unit in ("fraction", None):
        fraction = value
    else:
        raise CountsInconsistent(f"a rate is needed, got unit {unit!r}", record=record, field=field)
    if not 0 <= fraction <= 1:
        raise CountsInconsistent(f"rate {value} {unit or ''} is outside 0-1", record=record, field=field)
    return fraction


def printed_decimals(value: float) -> int:
    """Decimals the value was printed with, trailing zeros dropped (``90.0`` -> 0, ``0.961`` -> 3)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5 + _EPSILON)


def _shown(value: float, unit: str | None) -> str:
    return f"{value:g}%" if unit == "%" else f"{value:g}"


def reproduces(events: int, group_size: int, value: float, unit: str | None, decimals: int | None = None) -> bool:
    """Whether ``events / group_size`` prints as ``value`` (half a unit in the last decimal, boundary included)."""
    scale = 100 if unit == "%" else 1
    places = printed_decimals(value) if decimals is None else decimals
    return abs(events / group_size * scale - value) <= 0.5 * 10 ** -places + _EPSILON


def count_from_rate(value: float, unit: str | None, group_size: int, *, record: str, field: str,
                    decimals: int | None = None) -> int:
    """The count behind a printed rate in a group of ``group_size``, or refuse when none reproduces it.

    ``decimals`` is the precision the rate was printed with when the caller knows
    it (``80.0`` has one); otherwise it is read off the value, trailing zeros dropped.
    """
    if group_size <= 0:
        raise CountsInconsistent(f"group size must be positive, got {group_size}", record=record, field=field)
    fraction = as_fraction(value, unit, record=record, field=field)
    count = round_half_up(fraction * group_size)
    if not reproduces(count, group_size, value, unit, decimals):
        scale = 100 if unit == "%" else 1
        raise CountsInconsistent(
            f"{_shown(value, unit)} of {group_size} is {fraction * group_size:.2f}; the nearest count {count} "
            f"gives {_shown(round(count / group_size * scale, 4), unit)}, not the printed figure (a mean over "
            "folds or another denominator?)", record=record, field=field)
    return count


def rebuild_table(*, record: str, positives: int | None, negatives: int | None,
                  sensitivity: MetricResult | None = None, specificity: MetricResult | None = None,
                  accuracy: MetricResult | None = None, decimals: Mapping[str, int] | None = None) -> TwoByTwo:
    """The 2x2 table behind a study's sensitivity and specificity on groups of the given sizes.

    Either pair may be missing (a validation set of patients only has no TN);
    a printed accuracy, when given with both pairs, must be reproduced by the
    rebuilt table. ``decimals`` maps ``sensitivity``, ``specificity`` and
    ``accuracy`` to the precision each was printed with, where known.
    """
    places = dict(decimals or {})
    table = TwoByTwo()
    if sensitivity is not None and sensitivity.value is not None:
        if positives is None:
            raise CountsInconsistent("sensitivity needs the number of positives", record=record,
                                     field="positives")
        table.tp = count_from_rate(sensitivity.value, sensitivity.unit, positives, record=record,
                                   field=sensitivity.metric, decimals=places.get("sensitivity"))
        table.fn = positives - table.tp
    if specificity is not None and specificity.value is not None:
        if negatives is None:
            raise CountsInconsistent("specificity needs the number of negatives", record=record,
                                     field="negatives")
        table.tn = count_from_rate(specificity.value, specificity.unit, negatives, record=record,
                                   field=specificity.metric, decimals=places.get("specificity"))
        table.fp = negatives - table.tn
    if table.tp is None and table.tn is None:
        raise CountsInconsistent("neither sensitivity nor specificity has a value", record=record, field="metrics")
    if accuracy is not None and accuracy.value is not None and table.complete:
        assert table.tp is not None and table.tn is not None and positives is not None and negatives is not None
        correct, total = table.tp + table.tn, positives + negatives
        if not reproduces(correct, total, accuracy.value, accuracy.unit, places.get("accuracy")):
            raise CountsInconsistent(
                f"the rebuilt table has TP + TN = {correct} of {total}, which does not print as the stated "
                f"accuracy {_shown(accuracy.value, accuracy.unit)}", record=record, field=accuracy.metric)
    return table


def with_counts(result: MetricResult, table: TwoByTwo, positives: int | None,
                negatives: int | None) -> MetricResult:
    """A copy of ``result`` carrying the table and group sizes (only the pairs the table has)."""
    update: dict[str, object] = {"counts_source": table.source}
    if table.tp is not None:
        update.update(tp=table.tp, fn=table.fn, positives=positives)
    if table.fp is not None:
        update.update(fp=table.fp, tn=table.tn, negatives=negatives)
    if table.complete and positives is not None and negatives is not None:
        update["denominator"] = positives + negatives
    return MetricResult.model_validate({**result.model_dump(), **update})


def proportion_counts(result: MetricResult, metric: ProportionMetric, *, record: str) -> ProportionCounts:
    """Events and total behind a sensitivity, specificity or accuracy result.

    Counts the result carries come first; otherwise the printed rate and its
    group size (positives, negatives, or the denominator for accuracy) give them
    by the rounding rule above. Raises :class:`CountsInconsistent` when neither works.
    """
    source: CountsSource = result.counts_source or "derived"
    if metric == "Sensitivity" and result.tp is not None and result.fn is not None:
        return ProportionCounts(events=result.tp, total=result.tp + result.fn, source=source)
    if metric == "Specificity" and result.tn is not None and result.fp is not None:
        return ProportionCounts(events=result.tn, total=result.tn + result.fp, source=source)
    if metric == "Accuracy" and None not in (result.tp, result.fn, result.fp, result.tn):
        assert result.tp is not None and result.tn is not None and result.fp is not None and result.fn is not None
        return ProportionCounts(events=result.tp + result.tn, total=result.tp + result.tn + result.fp + result.fn,
                                source=source)
    group = {"Sensitivity": result.positives, "Specificity": result.negatives}.get(metric)
    if metric == "Accuracy":
        both = (result.positives + result.negatives if result.positives is not None
                and result.negatives is not None else None)
        group = result.denominator or both
    if group is None:
        raise CountsInconsistent(f"no counts and no group size for this {metric.lower()}", record=record,
                                 field=result.metric)
    if result.value is None:
        raise CountsInconsistent(f"no numeric value (printed as {result.value_text!r})", record=record,
                                 field=result.metric)
    events = count_from_rate(result.value, result.unit, group, record=record, field=result.metric)
    return ProportionCounts(events=events, total=group, source="derived")
