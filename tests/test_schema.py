"""The graph schema: one closed set of labels and edge types, its keys, and its agreement with the ontology."""

from __future__ import annotations

import typing

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from facekg.errors import StoreError
from facekg.records import FACT_LISTS, FlagName, StudyRecord
from graph import schema
from graph.mapping import NodeRow, record_rows
from ontology import CONCEPT_KINDS, Ontology
from tests.store_fixtures import rich_study


@pytest.fixture(scope="module")
def turtle(ontology: Ontology) -> Graph:
    return ontology.graph


def test_schema_every_label_has_a_key_prefix_of_its_own() -> None:
    assert set(schema.KEY_PREFIX) == schema.NODE_LABELS
    assert len(set(schema.KEY_PREFIX.values())) == len(schema.KEY_PREFIX)


def test_schema_has_one_edge_per_fact_list_in_record_order() -> None:
    assert tuple(edge.fact_list for edge in schema.FACT_EDGES) == FACT_LISTS
    for edge in schema.FACT_EDGES:
        annotation = StudyRecord.model_fields[edge.fact_list].annotation
        assert typing.get_args(annotation) == (edge.fact_class,), edge.fact_list
        assert edge.target in schema.NODE_LABELS and edge.edge_type in schema.EDGE_TYPES


def test_schema_every_ontology_kind_has_a_label() -> None:
    assert set(schema.CONCEPT_LABEL) == set(CONCEPT_KINDS)


def test_schema_labels_stand_for_ontology_classes(turtle: Graph) -> None:
    assert set(schema.LABEL_CLASS) == schema.NODE_LABELS
    for label, cls in schema.LABEL_CLASS.items():
        if cls is not None:
            assert (cls, RDF.type, OWL.Class) in turtle, label


def test_schema_edge_types_stand_for_ontology_properties(turtle: Graph) -> None:
    assert set(schema.EDGE_PROPERTY) == schema.EDGE_TYPES
    for edge_type, prop in schema.EDGE_PROPERTY.items():
        if prop is None or prop == RDFS.subClassOf:
            continue
        kinds = set(turtle.objects(prop, RDF.type))
        assert kinds & {OWL.ObjectProperty, OWL.AnnotationProperty}, f"{edge_type}: {prop} is not declared"


def test_schema_flags_stand_for_datatype_properties(turtle: Graph) -> None:
    assert set(schema.FLAG_PROPERTY) == set(typing.get_args(FlagName))
    for prop in filter(None, schema.FLAG_PROPERTY.values()):
        assert (URIRef(prop), RDF.type, OWL.DatatypeProperty) in turtle


@pytest.mark.parametrize(("label", "concept_id", "name", "key"), [
    pytest.param("Condition", "DownSyndrome", "Down syndrome", "condition:DownSyndrome", id="mapped"),
    pytest.param("Condition", None, "Odd Facies!", "condition:unmapped:odd-facies", id="unmapped-slugged"),
    pytest.param("Architecture", None, "custom net", "architecture:unmapped:custom-net", id="architecture"),
    pytest.param("CauseCategory", "GeneRelated", "", "cause:GeneRelated", id="cause-prefix"),
])
def test_schema_concept_keys(label: str, concept_id: str | None, name: str, key: str) -> None:
    assert schema.concept_key(label, concept_id, name) == key
    assert schema.is_unmapped(key) is (concept_id is None)


def test_schema_unmapped_references_keep_the_name() -> None:
    ref = schema.concept_ref(None, "Zorblax facial syndrome")
    assert ref == "unmapped:Zorblax facial syndrome"
    assert schema.is_unmapped(ref) and schema.unmapped_name(ref) == "Zorblax facial syndrome"
    assert schema.concept_ref("RettSyndrome", "Rett") == "RettSyndrome"
    assert schema.mapped_concept_keys("Condition", frozenset({"RettSyndrome", ref})) == ["condition:RettSyndrome"]


def test_schema_merge_keeps_values_and_fills_gaps() -> None:
    stored = {"label": "Down syndrome", "name": None, "mapped": True}
    merged = schema.merge_props(stored, {"label": None, "name": "DS", "extra": None})
    assert merged == {"label": "Down syndrome", "name": "DS", "mapped": True, "extra": None}


def test_schema_owned_keys_only_for_owned_labels() -> None:
    assert schema.owned_key("Result", "s1", 2) == "result:s1:2"
    with pytest.raises(ValueError, match="not owned"):
        schema.owned_key("Condition", "s1", 0)


def test_schema_label_conflict_names_the_key_and_both_labels() -> None:
    error = schema.label_conflict("condition:x", "Condition", "Gene")
    assert isinstance(error, StoreError) and str(error) == "node 'condition:x' is a Condition, not a Gene"


def test_schema_rows_use_only_schema_labels_and_types() -> None:
    rows = record_rows(rich_study("s1"))
    assert {node.label for node in rows.nodes} <= schema.NODE_LABELS
    assert {edge.type for edge in rows.edges} <= schema.EDGE_TYPES
    owned = {node.key for node in rows.nodes if node.label in schema.OWNED_LABELS}
    assert owned and all(key.split(":")[1] == "s1" for key in owned)
    with pytest.raises(ValueError, match="unknown node label"):
        NodeRow("x:1", "Person")
