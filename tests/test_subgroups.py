"""Subgroup performance: the gap between groups with its uncertainty, and conditions without subgroup results."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from analysis.synthesis.subgroups import study_gaps, subgroup_performance
from facekg.errors import InvalidQuery
from facekg.records import MetricResult, Subgroup
from graph.sqlite_store import SqliteStore
from ontology import Ontology
from tests.data import update
from tests.synthesis_fixtures import diagnostic_study, table_result


def wilson(x: int, n: int) -> tuple[float, float]:
    z, p = stats.norm.isf(0.025), x / n
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half / (1 + z * z / n), centre + half / (1 + z * z / n)


def newcombe(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p1 - p2 (method 10 of Newcombe 1998), written out here."""
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = wilson(x1, n1), wilson(x2, n2)
    d = p1 - p2
    return (d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def by_sex(female: tuple[int, int], male: tuple[int, int]) -> list[MetricResult]:
    return [table_result("sensitivity", female[0], female[1] - female[0], None, None,
                         subgroup=Subgroup(attribute="sex", value="female")),
            table_result("sensitivity", male[0], male[1] - male[0], None, None,
                         subgroup=Subgroup(attribute="sex", value="male"))]


def test_subgroups_gap_is_female_minus_male_with_newcombes_interval_from_counts() -> None:
    record = diagnostic_study("alpha", 90, 10, 20, 80, extra=by_sex((40, 50), (45, 50)))
    gaps, alone = study_gaps(record)
    assert alone == [] and len(gaps) == 1
    gap = gaps[0]
    assert (gap.group, gap.reference, gap.uncertainty) == ("female", "male", "counts")
    assert gap.gap == pytest.approx(0.8 - 0.9)
    assert (gap.ci_low, gap.ci_high) == pytest.approx(newcombe(40, 50, 45, 50), abs=1e-9)


def test_subgroups_gap_uses_printed_intervals_when_there_are_no_counts() -> None:
    groups = [MetricResult(metric="accuracy", metric_id="Accuracy", value=v, unit="%", ci_low=lo, ci_high=hi,
                           subgroup=Subgroup(attribute="race_ethnicity", value=name))
              for name, v, lo, hi in (("European", 92.0, 88.0, 96.0), ("African", 84.0, 76.0, 92.0))]
    gap = study_gaps(diagnostic_study("alpha", 90, 10, 20, 80, extra=groups))[0][0]
    half = 1.96 * math.sqrt((8 / 100 / 3.92) ** 2 + (16 / 100 / 3.92) ** 2)
    assert (gap.group, gap.reference, gap.uncertainty) == ("African", "European", "reported-intervals")
    assert (gap.ci_low, gap.ci_high) == pytest.approx((-0.08 - half, -0.08 + half))


def test_subgroups_gap_without_sizes_or_intervals_is_not_computable_and_says_so() -> None:
    groups = [MetricResult(metric="accuracy", metric_id="Accuracy", value=v, unit="fraction",
                           subgroup=Subgroup(attribute="race_ethnicity", value=name))
              for name, v in (("Caucasian", 0.92), ("African", 0.96), ("Asian", 0.92))]
    gaps, _ = study_gaps(diagnostic_study("alpha", 90, 10, 20, 80, extra=groups))
    assert [(g.group, round(g.gap, 6), g.uncertainty) for g in gaps] == [
        ("African", 0.04, "not-computable"), ("Asian", 0.0, "not-computable")]
    assert gaps[0].ci_low is None and "neither" in (gaps[0].note or "")


def test_subgroups_report_flags_conditions_whose_evidence_has_no_subgroup_results(ontology: Ontology) -> None:
    store = SqliteStore(None)
    single = [MetricResult(metric="AUC", metric_id="AUC", value=0.8, unit="fraction",
                           subgroup=Subgroup(attribute="sex", value="female"))]
    store.write([diagnostic_study("alpha", 90, 10, 20, 80, extra=by_sex((40, 50), (45, 50))),
                 diagnostic_study("beta", 45, 5, 12, 88, conditions=("Williams-Beuren syndrome",)),
                 diagnostic_study("gamma", 45, 5, 12, 88, conditions=("stroke",), extra=single)], update("u1"))
    report = subgroup_performance(store, ontology)
    rows = {r.condition_id: r for r in report.conditions}
    assert rows["DownSyndrome"].flag is None and rows["DownSyndrome"].subgroup_study_ids == ["alpha"]
    assert rows["WilliamsBeurenSyndrome"].flag == "no-subgroup-results"
    assert rows["Stroke"].flag is None and rows["Stroke"].single_group_results  # one group, nothing to compare
    assert "RettSyndrome" not in rows  # conditions without studies are gaps, not subgroup questions
    assert report.review_update == "u1"
    only_race = subgroup_performance(store, ontology, attribute="race_ethnicity")
    assert {r.condition_id: r.flag for r in only_race.conditions}["DownSyndrome"] == "no-subgroup-results"
    with pytest.raises(InvalidQuery, match="attribute"):
        subgroup_performance(store, ontology, attribute="shoe size")


def test_subgroups_gap_with_counts_also_gives_the_log_odds_ratio_with_woolfs_interval() -> None:
    gap = study_gaps(diagnostic_study("alpha", 90, 10, 20, 80, extra=by_sex((40, 50), (45, 50))))[0][0]
    estimate = math.log((40 * 5) / (10 * 45))  # odds 40/10 in women against 45/5 in men
    half = 1.96 * math.sqrt(1 / 40 + 1 / 10 + 1 / 45 + 1 / 5)
    assert (gap.logit_gap, gap.logit_ci_low, gap.logit_ci_high) == pytest.approx(
        (estimate, estimate - half, estimate + half))
    assert gap.unverified is False and gap.sources == ["curated"]


def test_subgroups_machine_read_figures_count_only_when_asked_and_are_flagged_unverified() -> None:
    from facekg.records import Provenance

    groups = [MetricResult(metric="accuracy", metric_id="Accuracy", value=v, unit="%", denominator=n,
                           provenance=Provenance(source="extracted"), subgroup=Subgroup(attribute="sex", value=name))
              for name, v, n in (("female", 85.0, 120), ("male", 92.0, 80))]
    record = diagnostic_study("alpha", 90, 10, 20, 80, extra=groups)
    assert study_gaps(record) == ([], [])
    [gap] = study_gaps(record, include_unverified=True)[0]
    assert (gap.group, gap.uncertainty, gap.unverified, gap.sources) == ("female", "counts", True, ["extracted"])
    assert gap.gap == pytest.approx(102 / 120 - 74 / 80)  # counts rebuilt from the rates and group sizes


def test_subgroups_a_figure_for_one_group_is_not_the_same_claim_as_the_overall_figure() -> None:
    overall = MetricResult(metric="accuracy", value=92.0, unit="%")
    in_men = MetricResult(metric="accuracy", value=92.0, unit="%", subgroup=Subgroup(attribute="sex", value="male"))
    assert overall.claim() != in_men.claim()
    assert in_men.claim() == MetricResult(metric="accuracy", value=0.92, unit="fraction",
                                          subgroup=Subgroup(attribute="sex", value="Male")).claim()


def test_subgroups_sensitivity_per_group_with_only_its_n_rebuilds_the_counts() -> None:
    groups = [MetricResult(metric="sensitivity", metric_id="Sensitivity", value=v, unit="%", denominator=n,
                           subgroup=Subgroup(attribute="skin_tone", value=name, scale="Fitzpatrick"))
              for name, v, n in (("I-II", 93.0, 100), ("V-VI", 81.0, 42))]
    [gap] = study_gaps(diagnostic_study("alpha", 90, 10, 20, 80, extra=groups))[0]
    assert (gap.group, gap.reference, gap.uncertainty) == ("V-VI", "I-II", "counts")
    assert (gap.ci_low, gap.ci_high) == pytest.approx(newcombe(34, 42, 93, 100), abs=1e-9)  # 81% of 42 is 34
