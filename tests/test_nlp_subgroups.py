"""Subgroup results in the forms abstracts report them: per sex, ancestry, skin tone and age band.

Every sentence here is written for the test (none is taken from an abstract).
"""

from __future__ import annotations

import pytest

from facekg.records import DemographicReport, MetricResult, StudyFlag
from ingest.nlp.subgroups import subgroup_mentions
from tests.nlp_support import extract

KEYS = ("attribute", "group", "scale", "metric", "value", "unit", "ci_low", "ci_high", "n")


def rows(text: str) -> list[tuple[object, ...]]:
    return [tuple(getattr(m, k) for k in KEYS) for m in subgroup_mentions(text) if m.kind == "result"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("Accuracy was 92% in men and 85% in women.",
                     [("sex", "male", None, "accuracy", 92.0, "%", None, None, None),
                      ("sex", "female", None, "accuracy", 85.0, "%", None, None, None)], id="sex-value-in-group"),
        pytest.param("The model had a sensitivity of 0.81 for Fitzpatrick V-VI versus 0.93 for I-II.",
                     [("skin_tone", "V-VI", "Fitzpatrick", "sensitivity", 0.81, "fraction", None, None, None),
                      ("skin_tone", "I-II", "Fitzpatrick", "sensitivity", 0.93, "fraction", None, None, None)],
                     id="fitzpatrick-named-once"),
        pytest.param("The AUC was 0.91 for Fitzpatrick skin types I to III and 0.84 for types IV-VI.",
                     [("skin_tone", "I-III", "Fitzpatrick", "AUC", 0.91, "fraction", None, None, None),
                      ("skin_tone", "IV-VI", "Fitzpatrick", "AUC", 0.84, "fraction", None, None, None)],
                     id="fitzpatrick-skin-types"),
        pytest.param("AUC 0.88 in East Asian and 0.79 in European participants.",
                     [("race_ethnicity", "East Asian", None, "AUC", 0.88, "fraction", None, None, None),
                      ("race_ethnicity", "European", None, "AUC", 0.79, "fraction", None, None, None)],
                     id="ancestry"),
        pytest.param("Top-1 accuracy was 0.72 among patients of African ancestry compared with 0.80 among "
                     "patients of European ancestry.",
                     [("race_ethnicity", "African", None, "top-1 accuracy", 0.72, "fraction", None, None, None),
                      ("race_ethnicity", "European", None, "top-1 accuracy", 0.80, "fraction", None, None, None)],
                     id="ancestry-of-patients"),
        pytest.param("Accuracy was 90.1% (95% CI 87.0-93.2) for children aged 0-5 years and 84.0% (95% CI "
                     "80.1-87.9) for those aged 6-17 years.",
                     [("age", "0-5 years", "years", "accuracy", 90.1, "%", 87.0, 93.2, None),
                      ("age", "6-17 years", "years", "accuracy", 84.0, "%", 80.1, 87.9, None)],
                     id="age-bands-with-intervals"),
        pytest.param("Accuracy was 92% and 85% in men and women, respectively.",
                     [("sex", "male", None, "accuracy", 92.0, "%", None, None, None),
                      ("sex", "female", None, "accuracy", 85.0, "%", None, None, None)], id="respectively"),
        pytest.param("Accuracies for the Caucasian, African and Latin American groups were 0.91, 0.95 and 0.90, "
                     "respectively (p < 0.001).",
                     [("race_ethnicity", "Caucasian", None, "accuracy", 0.91, "fraction", None, None, None),
                      ("race_ethnicity", "African", None, "accuracy", 0.95, "fraction", None, None, None),
                      ("race_ethnicity", "Latin American", None, "accuracy", 0.90, "fraction", None, None, None)],
                     id="groups-then-figures-respectively"),
        pytest.param("In women (n = 120), accuracy was 85%, whereas in men (n = 80) it was 92%.",
                     [("sex", "female", None, "accuracy", 85.0, "%", None, None, 120),
                      ("sex", "male", None, "accuracy", 92.0, "%", None, None, 80)], id="group-first-with-sizes"),
        pytest.param("In boys, the detector gave an AUROC of 0.77 and the landmark model 0.70, whereas in girls "
                     "neither exceeded chance.",
                     [("sex", "male", None, "AUC", 0.77, "fraction", None, None, None),
                      ("sex", "male", None, "AUC", 0.70, "fraction", None, None, None)],
                     id="clause-opened-by-its-group"),
        pytest.param("The classifier recognised the syndrome in a Chinese cohort with an accuracy of 94%.", [],
                     id="one-group-is-the-sample-not-a-breakdown"),
        pytest.param("We enrolled 120 women and 80 men, and the overall accuracy was 91%.", [],
                     id="counts-of-people-are-not-figures"),
        pytest.param("Sensitivity and specificity were 88% and 75% in women and men, respectively.", [],
                     id="two-metrics-respectively-is-ambiguous"),
    ],
)
def test_nlp_subgroups_reads_each_figure_with_its_group(sentence: str, expected: list[tuple[object, ...]]) -> None:
    assert rows(sentence) == expected


def test_nlp_subgroups_contrast_may_come_from_another_sentence_and_a_range_keeps_its_text() -> None:
    text = ("Models were fitted separately by sex. In women, the combined models reached AUCs of 0.79 to 0.81. "
            "In men, no model did better than chance.")
    [mention] = subgroup_mentions(text)
    assert (mention.attribute, mention.group, mention.metric, mention.value, mention.value_text) == (
        "sex", "female", "AUC", 0.79, "0.79-0.81")
    assert subgroup_mentions("In women, the combined models reached AUCs of 0.79 to 0.81.") == []


def test_nlp_subgroups_no_difference_statement_keeps_attribute_and_p_value() -> None:
    text = "Overall accuracy was 91%. Performance did not differ by sex (p = 0.4)."
    [mention] = subgroup_mentions(text)
    assert (mention.kind, mention.attribute, mention.group, mention.value, mention.p_value) == (
        "no-difference", "sex", None, None, 0.4)
    assert text[mention.start:mention.end] == "did not differ by sex (p = 0.4)"
    [age] = subgroup_mentions("There was no significant difference in accuracy between age groups (p = 0.21).")
    assert (age.attribute, age.p_value) == ("age", 0.21)


def test_nlp_subgroups_reach_the_study_facts_with_evidence_and_replace_the_plain_figure() -> None:
    from ingest.nlp.pipeline import facts_from_extraction

    title = "A study"
    abstract = "The network detected the syndrome from photographs. Accuracy was 92% in men and 85% in women."
    out = extract(abstract, title=title)
    assert [(r["group"], r["value"]) for r in out["subgroup_results"]] == [("male", 92.0), ("female", 85.0)]
    facts = facts_from_extraction(out)
    metrics = [m for m in facts["metrics"] if isinstance(m, MetricResult)]
    assert [(m.metric, m.value, m.subgroup.value if m.subgroup else None) for m in metrics] == [
        ("accuracy", 92.0, "male"), ("accuracy", 85.0, "female")]  # no whole-sample 92% beside them
    evidence = metrics[1].provenance.evidence
    assert evidence is not None and f"{title}\n{abstract}"[evidence.start:evidence.end] == "85% in women"
    assert metrics[1].provenance.source == "extracted"
    sex = next(d for d in facts["demographics"] if isinstance(d, DemographicReport) and d.attribute == "sex")
    assert sex.subgroup_performance is True
    assert any(isinstance(f, StudyFlag) and f.name == "subgroup_performance" and f.value for f in facts["flags"])


def test_nlp_subgroups_leave_a_study_without_breakdown_alone() -> None:
    from ingest.nlp.pipeline import facts_from_extraction

    out = extract("We enrolled 120 women and 80 men. The accuracy was 91%.")
    assert out["subgroup_results"] == []
    facts = facts_from_extraction(out)
    assert [m.subgroup for m in facts["metrics"] if isinstance(m, MetricResult)] == [None]
    assert not any(isinstance(f, StudyFlag) and f.name == "subgroup_performance" for f in facts["flags"])
