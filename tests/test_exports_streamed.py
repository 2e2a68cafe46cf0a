"""The Turtle and JSON-LD exports are written one study at a time, say the same triples as one rdflib graph
of the review would, and are served streamed from the data dir's export cache."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

from api.app import create_app
from api.routers.exports import EXPORTS_CACHE
from facekg.records import MetricResult, StudyRecord
from facekg.settings import Settings
from graph.exports import FORMATS, export_format
from graph.exports.history import restore
from graph.exports.jsonld import jsonld_texts
from graph.exports.rdf_mapping import review_graph
from graph.exports.turtle import turtle_texts
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from ontology import NAMESPACE, Ontology
from tests.store_fixtures import (  # noqa: F401  (the *_fixture names register fixtures)
    corpus,
    memory_store_fixture,
    neo4j_driver_fixture,
    neo4j_store_fixture,
    review_update,
    rich_study,
    store_fixture,
)

WRITERS = {"ttl": (turtle_texts, "turtle"), "jsonld": (jsonld_texts, "json-ld")}
LABELLED = {"ttl": 'rdfs:label "rare syndrome X"', "jsonld": '"rdfs:label": "rare syndrome X"'}
AWKWARD = 'He said "deep" \\ learning,\nthen\r\ttabs; Straße, 顔, emoji \U0001f600, <a href="x">{y}|^`</a>'


def _studies() -> list[StudyRecord]:
    """The fixture corpus, two studies sharing one unmapped condition, and one with awkward text and figures."""
    shared = [rich_study(f"s-shared-{n}", conditions=(("rare syndrome X", None),)) for n in (1, 2)]
    awkward = rich_study("s-awkward", title=AWKWARD, abstract=AWKWARD, conditions=((AWKWARD, None),))
    awkward = awkward.model_copy(
        update={
            "metrics": [
                MetricResult(metric="sensitivity", metric_id="sensitivity", value=0.0, ci_low=-0.0, ci_high=1e-7),
                MetricResult(metric="AUC", metric_id="auc", value=0.1 + 0.2, value_text="0.30000000000000004"),
            ]
        }
    )
    return [*corpus(), *shared, awkward]


@pytest.mark.parametrize("name", list(WRITERS))
def test_exports_streamed_rdf_is_the_graph_of_the_review(name: str, ontology: Ontology) -> None:
    texts, syntax = WRITERS[name]
    update = review_update("u1", created_at="2026-01-01T00:00:00.123456+00:00", studies=9)
    expected = review_graph([update], _studies(), ontology)
    written = "".join(texts([update], iter(_studies()), ontology))
    parsed = Graph().parse(data=written, format=syntax)
    assert len(parsed) == len(expected)
    assert isomorphic(parsed, expected)


@pytest.mark.parametrize("name", list(WRITERS))
def test_exports_streamed_rdf_writes_a_shared_unmapped_concept_once(name: str) -> None:
    texts, _syntax = WRITERS[name]
    written = "".join(texts([review_update("u1")], iter(_studies()), None))
    assert written.count(LABELLED[name]) == 1, "two studies name the concept; its label is written once"
    parsed = Graph().parse(data=written, format=WRITERS[name][1])
    concept = URIRef(f"{NAMESPACE}unmapped/condition/rare-syndrome-x")
    assert list(parsed.objects(concept, RDFS.label)) == [Literal("rare syndrome X")]


@pytest.mark.parametrize("name", list(WRITERS))
def test_exports_streamed_rdf_reads_one_study_before_writing_it(name: str, ontology: Ontology) -> None:
    texts, _syntax = WRITERS[name]
    read: list[str] = []

    def studies() -> Iterator[StudyRecord]:
        for study in corpus():
            read.append(study.id)
            yield study

    first = corpus()[0].id
    for text in texts([review_update("u1")], studies(), ontology):
        if f"study/{first}" in text:
            break
    assert read == [first], "the first study is written before the second is read"


@pytest.mark.parametrize("name", list(WRITERS))
def test_exports_streamed_rdf_round_trips_awkward_text_and_figures(
    name: str, ontology: Ontology, tmp_path: Path
) -> None:
    source = SqliteStore(tmp_path / "source")
    source.write(_studies(), review_update("u1", studies=9))
    chosen = export_format(name)
    assert chosen.read is not None
    updates, studies = chosen.read(chosen.write(source, ontology), f"export.{name}")
    target = SqliteStore(tmp_path / "target")
    restore(target, updates, studies, file=f"export.{name}")
    assert [s.model_dump() for s in target.studies()] == [s.model_dump() for s in source.studies()]
    awkward = target.get("s-awkward")
    assert awkward.title == AWKWARD
    assert [repr(m.ci_low) for m in awkward.metrics] == ["-0.0", "None"]


def test_exports_jsonld_is_a_flattened_document_with_the_context(ontology: Ontology, tmp_path: Path) -> None:
    source = SqliteStore(tmp_path / "source")
    source.write(corpus(), review_update("u1"))
    document = json.loads(export_format("jsonld").write(source, ontology))
    assert document["@context"]["fkg"] == NAMESPACE
    nodes = {node["@id"]: node for node in document["@graph"]}
    assert len(nodes) == len(document["@graph"]), "one node object per subject"
    study = nodes["fkg:study/s-2019"]
    assert study["@type"] == "fkg:Study" and study["fkg:year"] == 2019
    assert study["dcterms:creator"] == {"@list": ["Doe J", "Roe R"]}


def test_exports_api_streams_the_kept_file_and_survives_its_removal(tmp_path: Path, ontology: Ontology) -> None:
    data_dir = tmp_path / "data"
    store = SqliteStore(data_dir)
    store.write(_studies(), review_update("u1", studies=9))
    expected = {name: FORMATS[name].write(store, ontology) for name in ("ttl", "jsonld", "jsonl")}
    with TestClient(create_app(Settings(data_dir=data_dir))) as client:
        for name, body in expected.items():
            response = client.get(f"/v1/exports/{name}", headers={"Accept-Encoding": "identity"})
            assert response.status_code == 200
            assert response.content == body
            assert response.headers["content-length"] == str(len(body))
        kept = sorted(path.suffix for path in (data_dir / EXPORTS_CACHE).iterdir() if path.name != "lock")
        assert kept == [".jsonl", ".jsonld", ".ttl"]
        for path in (data_dir / EXPORTS_CACHE).iterdir():
            if path.suffix == ".ttl":
                path.unlink()  # as a newer revision's build in another worker would
        again = client.get("/v1/exports/ttl", headers={"Cookie": "not-kept=1"})  # past the kept answers
        assert again.status_code == 200 and again.content == expected["ttl"]


@pytest.mark.parametrize("name", [name for name, chosen in FORMATS.items() if chosen.read is not None])
def test_exports_streamed_from_either_store_import_into_a_fresh_one(
    name: str, store: GraphStore, ontology: Ontology, tmp_path: Path
) -> None:
    store.write(_studies(), review_update("u1", studies=9))
    chosen = export_format(name)
    assert chosen.read is not None
    updates, studies = chosen.read(b"".join(chosen.stream(store, ontology)), f"export.{name}")
    target = SqliteStore(tmp_path / "fresh")
    restore(target, updates, studies, file=f"export.{name}")
    assert target.review_updates() == store.review_updates()
    assert [s.model_dump() for s in target.studies()] == [s.model_dump() for s in store.studies()]
