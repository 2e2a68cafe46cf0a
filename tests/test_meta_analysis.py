"""Meta-analysis from study records: what pools, what is refused and why, and one result per study."""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import proportion_confint

from analysis.synthesis.bivariate import fit_reitsma
from analysis.synthesis.eligibility import StudyInput, check_comparable
from analysis.synthesis.meta_analysis import MetaAnalysisQuery, analyse, overview
from analysis.synthesis.univariate import pool_proportions
from facekg.errors import InvalidQuery, NotPoolable, UnknownName
from facekg.records import Subgroup
from graph.sqlite_store import SqliteStore
from ontology import Ontology
from tests.data import update
from tests.synthesis_data import AUDITC_FN, AUDITC_FP, AUDITC_TN, AUDITC_TP
from tests.synthesis_fixtures import auditc_studies, diagnostic_study, table_result

DOWN = MetaAnalysisQuery(condition="Down syndrome", metric="sensitivity")


def three_studies() -> list:
    return [diagnostic_study("alpha", 90, 10, 20, 80), diagnostic_study("beta", 45, 5, 12, 88),
            diagnostic_study("gamma", 180, 40, 30, 170)]


def test_meta_analysis_pools_the_studies_counts_as_the_univariate_model_does(ontology: Ontology) -> None:
    result = analyse(ontology, three_studies(), DOWN, review_update="u7")
    expected = pool_proportions([90, 45, 180], [100, 50, 220])
    assert result.pooled is not None
    assert result.pooled.estimate == pytest.approx(expected.estimate)
    assert result.pooled.logit.tau2 == pytest.approx(expected.logit.tau2)
    assert [s.study_id for s in result.studies] == ["alpha", "beta", "gamma"]
    low, high = proportion_confint(45, 50, method="wilson")
    assert (result.studies[1].ci_low, result.studies[1].ci_high) == pytest.approx((low, high))
    assert sum(s.weight for s in result.studies) == pytest.approx(1.0)
    assert result.review_update == "u7" and result.test_sets == ["not reported"]


def test_meta_analysis_refuses_too_few_studies_and_lists_what_it_left_out(ontology: Ontology) -> None:
    studies = [diagnostic_study("alpha", 90, 10, 20, 80), diagnostic_study("old", 9, 1, 2, 8, retracted=True)]
    with pytest.raises(NotPoolable, match="1 study has usable counts") as caught:
        analyse(ontology, studies, DOWN)
    assert caught.value.reason == "too-few-studies"
    assert caught.value.studies == ["alpha"]
    assert "old: retracted publication" in caught.value.details


def test_meta_analysis_refuses_to_mix_internal_and_external_test_sets_unless_asked(ontology: Ontology) -> None:
    studies = [diagnostic_study("alpha", 90, 10, 20, 80, test_set="cross-validation"),
               diagnostic_study("beta", 45, 5, 12, 88, test_set="internal-split"),
               diagnostic_study("gamma", 180, 40, 30, 170, test_set="external")]
    with pytest.raises(NotPoolable, match="external validation \\(gamma\\)") as caught:
        analyse(ontology, studies, DOWN)
    assert caught.value.reason == "mixed-test-sets"
    mixed = analyse(ontology, studies, DOWN.model_copy(update={"allow_mixed_test_sets": True}))
    assert len(mixed.studies) == 3 and mixed.test_sets == ["external", "internal"]
    internal = analyse(ontology, studies, DOWN.model_copy(update={"test_set": "internal"}))
    assert [s.study_id for s in internal.studies] == ["alpha", "beta"]
    assert any(e.study_id == "gamma" and "asks for internal" in e.reason for e in internal.excluded)


def test_meta_analysis_never_pools_clinician_figures_with_the_models(ontology: Ontology) -> None:
    readers = [table_result("sensitivity", 70, 30, None, None, subject="clinicians")]
    studies = [diagnostic_study("alpha", 90, 10, 20, 80, extra=readers),
               diagnostic_study("beta", 45, 5, 12, 88, extra=readers)]
    model = analyse(ontology, studies, DOWN)
    assert {s.events for s in model.studies} == {90, 45}
    assert any("clinicians figure" in e.reason for e in model.excluded)
    clinicians = analyse(ontology, studies, DOWN.model_copy(update={"subject": "clinicians"}))
    assert [s.events for s in clinicians.studies] == [70, 70] and clinicians.subject == "clinicians"


def _input(study_id: str, **fields: object) -> StudyInput:
    base = {"study_id": study_id, "label": study_id, "year": 2020, "result_index": 0, "metric_id": "Sensitivity",
            "value": 0.9, "unit": "fraction", "context": None, "subject": "model", "test_set": None,
            "top_k": None, "verified": True, "events": 9, "total": 10}
    return StudyInput.model_validate({**base, **fields})


@pytest.mark.parametrize(("inputs", "reason"), [
    pytest.param([_input("a"), _input("b", subject="clinicians")], "mixed-subjects", id="model-vs-clinicians"),
    pytest.param([_input("a"), _input("b", metric_id="BalancedAccuracy")], "mixed-metric-definitions",
                 id="different-metric-definitions"),
    pytest.param([_input("a", metric_id="TopKAccuracy", top_k=1), _input("b", metric_id="TopKAccuracy", top_k=10)],
                 "mixed-top-k", id="top-1-vs-top-10"),
    pytest.param([_input("a", test_set="internal-split"), _input("b", test_set="external")], "mixed-test-sets",
                 id="internal-vs-external"),
    pytest.param([_input("a")], "too-few-studies", id="one-study"),
])
def test_meta_analysis_check_comparable_refuses_what_must_not_be_mixed(inputs: list[StudyInput],
                                                                      reason: str) -> None:
    with pytest.raises(NotPoolable) as caught:
        check_comparable(inputs, min_studies=2)
    assert caught.value.reason == reason
    assert caught.value.studies == [i.study_id for i in inputs]


def test_meta_analysis_leaves_unverified_results_out_unless_asked(ontology: Ontology) -> None:
    studies = [*three_studies(), diagnostic_study("delta", 30, 20, 5, 45, source="extracted")]
    verified = analyse(ontology, studies, DOWN)
    assert "delta" not in [s.study_id for s in verified.studies]
    assert any(e.study_id == "delta" and e.reason.startswith("unverified") for e in verified.excluded)
    everything = analyse(ontology, studies, DOWN.model_copy(update={"include_unverified": True}))
    assert {s.study_id: s.verified for s in everything.studies} == {"alpha": True, "beta": True, "gamma": True,
                                                                    "delta": False}
    assert any("unverified (extracted) results used for delta" in note for note in everything.notes)


def test_meta_analysis_keeps_subgroup_results_for_the_subgroup_table(ontology: Ontology) -> None:
    female = table_result("sensitivity", 40, 2, None, None, subgroup=Subgroup(attribute="sex", value="female"))
    studies = [diagnostic_study("alpha", 90, 10, 20, 80, extra=[female]), diagnostic_study("beta", 45, 5, 12, 88)]
    result = analyse(ontology, studies, DOWN)
    assert [s.result_index for s in result.studies] == [0, 0]
    assert any("subgroup result (sex = female)" in e.reason for e in result.excluded)


def test_meta_analysis_attributes_a_multi_condition_result_only_where_it_can(ontology: Ontology) -> None:
    both = diagnostic_study("both", 80, 20, 10, 90, conditions=("Down syndrome", "Williams-Beuren syndrome"))
    studies = [*three_studies(), both]
    narrow = analyse(ontology, studies, DOWN)
    assert "both" not in [s.study_id for s in narrow.studies]
    assert any(e.study_id == "both" and "does not say which condition" in e.reason for e in narrow.excluded)
    wide = analyse(ontology, studies, MetaAnalysisQuery(cause="gene-related", metric="sensitivity"))
    assert "both" in [s.study_id for s in wide.studies]


def test_meta_analysis_sensitivity_analysis_excludes_studies_by_a_predicate(ontology: Ontology) -> None:
    studies = three_studies()
    result = analyse(ontology, studies, DOWN, exclude=lambda s: "high risk of bias" if s.id == "gamma" else None)
    assert [s.study_id for s in result.studies] == ["alpha", "beta"]
    assert any(e.study_id == "gamma" and e.reason == "sensitivity analysis: high risk of bias"
               for e in result.excluded)
    by_id = analyse(ontology, studies, DOWN.model_copy(update={"exclude_studies": ["alpha"]}))
    assert [s.study_id for s in by_id.studies] == ["beta", "gamma"]


def test_meta_analysis_takes_one_result_per_study_internal_first(ontology: Ontology) -> None:
    external = table_result("sensitivity", 30, 10, None, None, test_set="external")
    larger = table_result("sensitivity", 400, 100, None, None, test_set="cross-validation")
    studies = [diagnostic_study("alpha", 90, 10, 20, 80, test_set="internal-split", extra=[external, larger]),
               diagnostic_study("beta", 45, 5, 12, 88, test_set="internal-split")]
    result = analyse(ontology, studies, DOWN)
    alpha = next(s for s in result.studies if s.study_id == "alpha")
    assert (alpha.events, alpha.total) == (400, 500)  # internal kinds first, then the largest
    assert sum(1 for e in result.excluded if e.study_id == "alpha" and "already contributes" in e.reason) == 2


def test_meta_analysis_pools_only_proportions(ontology: Ontology) -> None:
    with pytest.raises(NotPoolable, match="AUC is not pooled") as caught:
        analyse(ontology, three_studies(), DOWN.model_copy(update={"metric": "AUROC"}))
    assert caught.value.reason == "metric-not-poolable"
    with pytest.raises(UnknownName, match="no metric named 'happiness'"):
        analyse(ontology, three_studies(), DOWN.model_copy(update={"metric": "happiness"}))
    with pytest.raises(InvalidQuery, match="give a condition or a cause"):
        analyse(ontology, three_studies(), MetaAnalysisQuery(metric="sensitivity"))


def test_meta_analysis_bivariate_model_through_the_graph_equals_the_direct_fit(ontology: Ontology) -> None:
    half = diagnostic_study("half", 10, 2, 3, 30)
    half.metrics = [table_result("sensitivity", 10, 2, None, None)]
    result = analyse(ontology, [*auditc_studies(), half], MetaAnalysisQuery(condition="Down syndrome",
                                                                            model="bivariate"))
    direct = fit_reitsma(AUDITC_TP, AUDITC_FN, AUDITC_FP, AUDITC_TN)
    assert result.bivariate is not None
    assert result.bivariate.sensitivity == pytest.approx(direct.sensitivity, abs=1e-6)
    assert result.bivariate.rho == pytest.approx(direct.rho, abs=1e-5)
    assert len(result.bivariate_studies) == 14
    assert any(e.study_id == "half" and "one half of the 2x2 table" in e.reason for e in result.excluded)


def test_meta_analysis_overview_lists_pooled_and_refused_pairs(ontology: Ontology) -> None:
    store = SqliteStore(None)
    store.write([*three_studies(), diagnostic_study("wbs", 50, 5, 5, 50, conditions=("Williams-Beuren syndrome",))],
                update("u1"))
    result = overview(store, ontology)
    by_key = {(o.scope_id, o.metric, o.model): o for o in result.outcomes}
    assert by_key[("DownSyndrome", "sensitivity", "univariate")].status == "pooled"
    assert by_key[("DownSyndrome", "sensitivity", "univariate")].k == 3
    assert by_key[("DownSyndrome", "sensitivity and specificity", "bivariate")].reason == "too-few-studies"
    assert by_key[("WilliamsBeurenSyndrome", "accuracy", "univariate")].status == "refused"
    assert by_key[("GeneRelated", "accuracy", "univariate")].k == 4
    assert result.review_update == "u1"
