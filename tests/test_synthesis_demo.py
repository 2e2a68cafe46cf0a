"""Synthesis on the shipped demo corpus: which condition- and cause-metric pairs the data allow to pool."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from analysis.synthesis.meta_analysis import MetaAnalysisQuery, meta_analysis, overview
from graph.sqlite_store import SqliteStore
from ontology import Ontology
from tests.meta_by_hand import by_hand, reml_by_hand

pytestmark = pytest.mark.demo_corpus

# Pairs with at least two studies whose counts are printed or rebuildable, of one test-set kind.
POOLED = {
    ("GeneticSyndrome", "accuracy"), ("GeneRelated", "accuracy"),
    ("ThyroidEyeDisease", "sensitivity"), ("ThyroidEyeDisease", "specificity"),
    ("Ophthalmology", "sensitivity"), ("Ophthalmology", "specificity"), ("Endocrine", "sensitivity"),
}


def test_synthesis_demo_pools_exactly_the_pairs_the_data_allow(demo_store: SqliteStore, ontology: Ontology) -> None:
    result = overview(demo_store, ontology)
    assert {(o.scope_id, o.metric) for o in result.pooled} == POOLED
    refused = [o for o in result.outcomes if o.status == "refused"]
    assert {o.reason for o in refused} == {"too-few-studies", "mixed-test-sets"}
    mixed = [o for o in refused if o.reason == "mixed-test-sets"]
    assert [(o.scope_id, o.metric) for o in mixed] == [("Endocrine", "specificity")]


def test_synthesis_demo_gene_related_accuracy_equals_the_sum_by_hand(demo_store: SqliteStore,
                                                                    ontology: Ontology) -> None:
    analysis = meta_analysis(demo_store, ontology, MetaAnalysisQuery(cause="gene-related", metric="accuracy"))
    rows = {s.study_id: (s.events, s.total) for s in analysis.studies}
    # 0.943 of 129 + 132 (Kruszka 2017, Down syndrome) and 0.90 of 286 + 286 (Kruszka 2018, WBS).
    assert rows == {"kruszka-2017-down-diverse": (246, 261), "kruszka-2018-williams-beuren-diverse": (515, 572)}
    x, n = np.array([246, 515]), np.array([261, 572])
    y, v = np.log(x / (n - x)), 1 / x + 1 / (n - x)
    mu, _ = by_hand(y, v, reml_by_hand(y, v))
    assert analysis.pooled is not None
    assert analysis.pooled.estimate == pytest.approx(float(special.expit(mu)), abs=1e-6)


def test_synthesis_demo_leaves_out_fold_means_and_unsized_test_sets_with_reasons(demo_store: SqliteStore,
                                                                                ontology: Ontology) -> None:
    analysis = meta_analysis(demo_store, ontology, MetaAnalysisQuery(cause="gene-related", metric="accuracy"))
    reasons = {(e.study_id, e.result_index): e.reason for e in analysis.excluded}
    assert reasons[("qin-2020-down-dcnn", 0)].startswith("no counts")  # a 70/30 split: test sizes not stated
    assert reasons[("orphanet-2021-gs-vgg16", 0)].startswith("no counts")  # five-fold means
    assert "subgroup result" in reasons[("kruszka-2018-williams-beuren-diverse", 1)]
