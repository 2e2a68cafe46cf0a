"""Narrative-synthesis tables and the model-vs-clinician pairs they summarise."""

from __future__ import annotations

import csv
import io

import pytest

from analysis.catalogue import StudyFilters
from analysis.synthesis.characteristics import characteristics, counts_csv, studies_csv
from analysis.synthesis.paired import model_vs_clinicians, render_paired
from facekg.records import ArchitectureFact, DemographicReport, MetricResult, StudyFlag
from graph.sqlite_store import SqliteStore
from ontology import Ontology
from tests.data import update
from tests.synthesis_fixtures import diagnostic_study


@pytest.fixture
def store() -> SqliteStore:
    store = SqliteStore(None)
    readers = [MetricResult(metric="accuracy", metric_id="Accuracy", value=80.0, unit="%", subject="clinicians")]
    first = diagnostic_study("alpha", 90, 10, 20, 80, year=2020, extra=readers)
    first.architectures = [ArchitectureFact(name="ResNet-50", concept_id="ResNet50", is_deep_learning=True)]
    first.demographics = [DemographicReport(attribute="sex", reported=True)]
    first.flags = [StudyFlag(name="clinician_comparison", value=True)]
    first.image_modality = "2D photo"
    second = diagnostic_study("beta", 45, 5, 12, 88, year=2021, conditions=("Williams-Beuren syndrome",))
    second.is_deep_learning = False
    third = diagnostic_study("gamma", 45, 5, 12, 88, year=2022, conditions=("stroke",))
    gone = diagnostic_study("delta", 45, 5, 12, 88, year=2023, retracted=True)
    store.write([first, second, third, gone], update("u1"))
    return store


def test_characteristics_count_studies_by_category_with_percentages(store: SqliteStore,
                                                                   ontology: Ontology) -> None:
    table = characteristics(store, ontology)
    assert [row.id for row in table.studies] == ["alpha", "beta", "gamma"]  # retracted left out, oldest first
    counts = {(c.variable, c.category): (c.count, c.percent) for c in table.counts}
    assert counts[("cause category", "gene-related")] == (2, 66.7)
    assert counts[("cause category", "neurological")] == (1, 33.3)
    assert counts[("deep learning", "yes")] == (1, 33.3)
    assert counts[("deep learning", "no")] == (1, 33.3)
    assert counts[("deep learning", "unclear")] == (1, 33.3)
    assert counts[("sex reported", "reported")] == (1, 33.3)
    assert counts[("sex reported", "not-mentioned")] == (2, 66.7)
    assert counts[("image modality", "not reported")] == (2, 66.7)
    assert counts[("risk of bias", "not assessed")] == (3, 100.0)
    assert table.summary.model_dump() == {"deep_learning": 1, "classical": 1, "unclear": 1,
                                          "with_clinician_comparison": 1, "paired_figures": 1, "model_higher": 1,
                                          "clinicians_higher": 0}
    assert table.review_update == "u1"


def test_characteristics_filter_like_the_study_list(store: SqliteStore, ontology: Ontology) -> None:
    table = characteristics(store, ontology, StudyFilters(cause="gene-related", year_from=2021))
    assert [row.id for row in table.studies] == ["beta"]
    assert {(c.variable, c.category): c.percent for c in table.counts}[("condition", "Williams-Beuren syndrome")] \
        == 100.0


def test_characteristics_csv_has_one_row_per_study_and_one_per_category(store: SqliteStore,
                                                                       ontology: Ontology) -> None:
    table = characteristics(store, ontology)
    rows = list(csv.DictReader(io.StringIO(studies_csv(table))))
    assert [r["id"] for r in rows] == ["alpha", "beta", "gamma"]
    assert rows[0]["metrics"] == "sensitivity; specificity; accuracy"
    assert rows[0]["sex_reported"] == "reported" and rows[0]["risk_of_bias"] == "not assessed"
    counted = list(csv.DictReader(io.StringIO(counts_csv(table))))
    assert len(counted) == len(table.counts)
    assert {"variable", "category", "count", "percent"} == set(counted[0])


def test_paired_model_vs_clinicians_pairs_figures_on_the_same_metric(store: SqliteStore,
                                                                             ontology: Ontology) -> None:
    data = model_vs_clinicians(store, ontology)
    assert [(p.study_id, p.metric_id) for p in data.pairs] == [("alpha", "Accuracy")]
    pair = data.pairs[0]
    assert pair.model == pytest.approx(170 / 200) and pair.clinicians == pytest.approx(0.80)
    assert pair.difference == pytest.approx(0.05)
    assert (data.model_higher, data.clinicians_higher, data.studies_with_clinician_figures) == (1, 0, 1)
    assert model_vs_clinicians(store, ontology, condition="stroke").pairs == []
    assert render_paired(data).lstrip().startswith(b"<?xml")
