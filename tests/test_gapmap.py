"""The evidence gap map: cells, families, grades and rendering, on the hand-built corpus."""

from __future__ import annotations

import pytest

from analysis.gapmap import GapMap, architecture_families, gap_map, metric_families, render_gap_map
from analysis.gaps import GapThresholds
from facekg.errors import InvalidQuery
from graph.sqlite_store import SqliteStore
from ontology import Ontology
from tests.gap_fixtures import DOWN, record, store_with

THRESHOLDS = GapThresholds(reference_year=2026)


@pytest.fixture(scope="module")
def store() -> SqliteStore:
    return store_with()


def cell(gmap: GapMap, row: str, col: str) -> tuple[list[str], str]:
    [found] = [c for c in gmap.cells if c.row == row and c.col == col]
    assert found.study_count == len(found.study_ids)
    return found.study_ids, found.grade


@pytest.mark.parametrize(("row", "col", "study_ids", "grade"), [
    pytest.param("DownSyndrome", "ConvolutionalNeuralNetwork", ["ds-good"], "single-study", id="cnn"),
    pytest.param("DownSyndrome", "Transformer", ["ds-second"], "single-study", id="transformer"),
    pytest.param("DownSyndrome", "RecurrentNeuralNetwork", [], "no-study", id="empty-cell"),
    pytest.param("NoonanSyndrome", "ClassicalMachineLearning", ["ns-classical"], "no-deep-learning",
                 id="classical-ml"),
    pytest.param("KabukiSyndrome", "RecurrentNeuralNetwork", ["kabuki-a"], "single-study",
                 id="descendant-condition"),
    pytest.param("KabukiSyndrome", "ConvolutionalNeuralNetwork", ["kabuki-b"], "single-study",
                 id="kabuki-cnn"),
])
def test_gapmap_condition_by_architecture_cells(store: SqliteStore, ontology: Ontology, row: str, col: str,
                                                study_ids: list[str], grade: str) -> None:
    gmap = gap_map(store, ontology, rows="condition", cols="architecture", thresholds=THRESHOLDS)
    assert cell(gmap, row, col) == (study_ids, grade)


@pytest.mark.parametrize(("col", "study_ids"), [
    pytest.param("Sensitivity", ["ds-good"], id="sensitivity"),
    pytest.param("AUC", ["ds-second", "kabuki-a"], id="auc"),
    pytest.param("Accuracy", ["cdls-one", "ns-classical"], id="accuracy"),
    pytest.param("Specificity", ["kabuki-b"], id="specificity"),
    pytest.param("TopKAccuracy", [], id="top-k-empty"),
])
def test_gapmap_cause_by_metric_cells(store: SqliteStore, ontology: Ontology, col: str,
                                      study_ids: list[str]) -> None:
    gmap = gap_map(store, ontology, rows="cause", cols="metric", thresholds=THRESHOLDS)
    assert cell(gmap, "GeneRelated", col)[0] == study_ids
    assert cell(gmap, "Neurological", col) == ([], "no-study")


def test_gapmap_is_complete_row_major(store: SqliteStore, ontology: Ontology) -> None:
    gmap = gap_map(store, ontology, rows="cause", cols="architecture")
    assert len(gmap.cells) == len(gmap.rows) * len(gmap.cols)
    assert [(c.row, c.col) for c in gmap.cells] == [(r.id, k.id) for r in gmap.rows for k in gmap.cols]
    table4 = ["GeneRelated", "MedicationInduced", "Neurological", "Psychiatric"]
    assert [r.id for r in gmap.rows[:4]] == table4


@pytest.mark.parametrize(("concept", "families"), [
    pytest.param("ResNet50", ["ConvolutionalNeuralNetwork"], id="resnet-is-a-cnn"),
    pytest.param("DeepGestalt", ["ConvolutionalNeuralNetwork", "FacialPhenotypingSystem"], id="two-families"),
    pytest.param("SupportVectorMachine", ["ClassicalMachineLearning"], id="classical"),
    pytest.param("DeepLearning", ["DeepLearning"], id="unspecified-deep-learning"),
])
def test_gapmap_architecture_families(ontology: Ontology, concept: str, families: list[str]) -> None:
    assert sorted(architecture_families(ontology, concept)) == families


def test_gapmap_metric_families(ontology: Ontology) -> None:
    assert metric_families(ontology, "Top10Accuracy") == ["TopKAccuracy"]


def test_gapmap_unmapped_architecture_gets_its_own_column(ontology: Ontology) -> None:
    store = store_with([record("odd", DOWN, architecture=("home-made net", None))])  # type: ignore[arg-type]
    gmap = gap_map(store, ontology)
    assert gmap.cols[-1].id == "unmapped"
    assert cell(gmap, "DownSyndrome", "unmapped")[0] == ["odd"]


@pytest.mark.parametrize(("kwargs", "parameter"), [
    pytest.param({"rows": "genes"}, "rows", id="rows"),
    pytest.param({"cols": "journals"}, "cols", id="cols"),
])
def test_gapmap_invalid_axes_are_named(store: SqliteStore, ontology: Ontology, kwargs: dict,
                                       parameter: str) -> None:
    with pytest.raises(InvalidQuery) as raised:
        gap_map(store, ontology, **kwargs)
    assert raised.value.parameter == parameter


@pytest.mark.parametrize(("fmt", "magic"), [
    pytest.param("svg", b"<?xml", id="svg"),
    pytest.param("png", b"\x89PNG", id="png"),
])
def test_gapmap_renders_every_condition_row_as_an_image(store: SqliteStore, ontology: Ontology, fmt: str,
                                                         magic: bytes) -> None:
    image = render_gap_map(gap_map(store, ontology, rows="condition"), fmt)
    assert image.startswith(magic)


def test_gapmap_svg_shows_labels_and_counts(store: SqliteStore, ontology: Ontology) -> None:
    svg = render_gap_map(gap_map(store, ontology, rows="cause", cols="metric"), "svg").decode()
    assert "gene-related" in svg and "sensitivity" in svg


def test_gapmap_render_rejects_json(store: SqliteStore, ontology: Ontology) -> None:
    with pytest.raises(InvalidQuery):
        render_gap_map(gap_map(store, ontology), "json")
