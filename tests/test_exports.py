"""Whole-graph exports: each keeps evidence spans and provenance, and re-imports into a fresh store losslessly."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef

from api.app import create_app
from facekg.errors import InputError, StoreError
from facekg.records import StudyRecord
from facekg.settings import Settings
from graph.exports import FORMATS, export_format
from graph.exports.history import restore
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from ontology import FKG, Ontology
from tests.store_fixtures import corpus, review_update

REIMPORTABLE = [pytest.param(name, id=name) for name, f in FORMATS.items() if f.read is not None]


def _dump(store: GraphStore) -> list[dict]:
    return [s.model_dump() for s in store.studies()]


def _round_trip(source: GraphStore, ontology: Ontology, name: str, target: GraphStore) -> None:
    chosen = export_format(name)
    assert chosen.read is not None
    updates, studies = chosen.read(chosen.write(source, ontology), f"export.{name}")
    restore(target, updates, studies, file=f"export.{name}")


@pytest.mark.parametrize("name", REIMPORTABLE)
def test_exports_round_trip_the_ingested_demo_corpus(name: str, demo_ingested_dir: Path, ontology: Ontology,
                                                     tmp_path: Path) -> None:
    source = SqliteStore(demo_ingested_dir)
    target = SqliteStore(tmp_path / "fresh")
    _round_trip(source, ontology, name, target)
    assert target.review_updates() == source.review_updates()
    assert _dump(target) == _dump(source)
    extracted = [f for s in target.studies() for f in s.conditions if f.provenance.evidence is not None]
    assert extracted, "the ingested corpus has extracted facts with evidence spans, and they survived"


@pytest.mark.parametrize("name", REIMPORTABLE)
def test_exports_round_trip_nulls_mixed_provenance_and_retraction(name: str, ontology: Ontology,
                                                                  tmp_path: Path) -> None:
    source = SqliteStore(tmp_path / "source")
    source.write(corpus(), review_update("u1", created_at="2026-01-01T00:00:00.123456+00:00", studies=6))
    target = SqliteStore(tmp_path / "target")
    _round_trip(source, ontology, name, target)
    assert _dump(target) == _dump(source)
    assert target.review_updates() == source.review_updates()


def test_exports_turtle_states_evidence_and_provenance_as_triples(demo_ingested_dir: Path, ontology: Ontology) -> None:
    store = SqliteStore(demo_ingested_dir)
    study = next(s for s in store.studies() if any(c.provenance.evidence for c in s.conditions))
    fact = next(c for c in study.conditions if c.provenance.evidence)
    assert fact.provenance.evidence is not None
    graph = Graph().parse(data=export_format("ttl").write(store, ontology), format="turtle")
    ordinal = study.conditions.index(fact)
    node = URIRef(f"https://w3id.org/facekg/study/{study.id}/conditions/{ordinal}")
    provenance = graph.value(node, FKG.provenance)
    evidence = graph.value(provenance, FKG.evidence)
    assert graph.value(provenance, FKG.factSource) == Literal("extracted")
    assert str(graph.value(evidence, FKG.evidenceText)) == fact.provenance.evidence.text
    assert graph.value(evidence, FKG.startOffset).toPython() == fact.provenance.evidence.start  # type: ignore[union-attr]
    assert (URIRef(f"https://w3id.org/facekg/study/{study.id}"), FKG.hasFact, node) in graph
    assert (None, None, FKG.Condition) in graph, "the ontology rides along"


def test_exports_csv_tables_are_long_format_with_provenance_columns(demo_ingested_dir: Path,
                                                                    ontology: Ontology) -> None:
    store = SqliteStore(demo_ingested_dir)
    bundle = zipfile.ZipFile(io.BytesIO(export_format("csv").write(store, ontology)))
    assert sorted(bundle.namelist()) == ["facts.csv", "results.csv", "studies.csv", "updates.csv"]
    results = list(csv.DictReader(io.StringIO(bundle.read("results.csv").decode())))
    facts = list(csv.DictReader(io.StringIO(bundle.read("facts.csv").decode())))
    studies = list(store.studies())
    assert len(results) == sum(len(s.metrics) for s in studies)
    assert len(facts) == sum(len(f) for s in studies for k, f in s.fact_lists().items() if k != "metrics")
    expected = {"study_id", "ordinal", "metric", "value", "provenance.source", "provenance.evidence.start"}
    assert expected <= set(results[0])
    assert {r["provenance.source"] for r in results} <= {"curated", "extracted", "consensus"}
    assert any(r["provenance.evidence.text"] for r in facts)


def test_exports_import_refuses_a_store_that_holds_a_graph(demo_data_dir: Path, tmp_path: Path,
                                                           ontology: Ontology) -> None:
    source = SqliteStore(demo_data_dir)
    target = SqliteStore(tmp_path / "busy")
    target.write(corpus()[:1], review_update("u1"))
    before = _dump(target)
    with pytest.raises(StoreError, match="already holds a graph"):
        _round_trip(source, ontology, "graphml", target)
    assert _dump(target) == before


@pytest.mark.parametrize(("name", "data", "message"), [
    pytest.param("ttl", b"@prefix fkg: <https://w3id.org/facekg/> .\nfkg:x fkg:y", "not valid Turtle",
                 id="ttl-syntax"),
    pytest.param("jsonld", b'{"@id": ', "not valid JSON at line 1", id="jsonld-syntax"),
    pytest.param("graphml", b"<graphml><node", "not valid GraphML", id="graphml-syntax"),
    pytest.param("csv", b"PK not a zip", "not a zip", id="csv-not-zip"),
    pytest.param("ttl", b"\xff\xfe", "not UTF-8", id="binary"),
])
def test_exports_bad_files_fail_naming_the_file(name: str, data: bytes, message: str) -> None:
    reader = export_format(name).read
    assert reader is not None
    with pytest.raises(InputError, match=message) as failure:
        reader(data, "broken.file")
    assert failure.value.file == "broken.file"


def _csv_bundle(tables: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, text in tables.items():
            bundle.writestr(name, text)
    return buffer.getvalue()


def test_exports_bad_csv_cell_names_table_line_and_column(tmp_path: Path, ontology: Ontology) -> None:
    source = SqliteStore(tmp_path / "source")
    source.write(corpus(), review_update("u1"))
    bundle = zipfile.ZipFile(io.BytesIO(export_format("csv").write(source, ontology)))
    tables = {name: bundle.read(name).decode() for name in bundle.namelist()}
    rows = list(csv.DictReader(io.StringIO(tables["results.csv"])))
    rows[1]["value"] = "ninety"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    tables["results.csv"] = out.getvalue()
    with pytest.raises(InputError) as failure:
        export_format("csv").read(_csv_bundle(tables), "tables.zip")  # type: ignore[misc]
    assert failure.value.file == "tables.zip:results.csv"
    assert failure.value.record == "line 3" and failure.value.field == "value"


def test_exports_rdf_fact_without_ordinal_names_the_node(tmp_path: Path, ontology: Ontology) -> None:
    source = SqliteStore(tmp_path / "source")
    source.write(corpus()[:1], review_update("u1"))
    graph = Graph().parse(data=export_format("ttl").write(source, ontology), format="turtle")
    fact = next(graph.subjects(FKG.factKind, Literal("conditions")))
    graph.remove((fact, FKG.ordinal, None))
    with pytest.raises(InputError) as failure:
        export_format("ttl").read(graph.serialize(format="turtle").encode(), "x.ttl")  # type: ignore[misc]
    assert failure.value.record == str(fact) and failure.value.field == "ordinal"


def test_exports_api_serves_each_format_as_a_download(demo_data_dir: Path) -> None:
    with TestClient(create_app(Settings(data_dir=demo_data_dir))) as client:
        listed = client.get("/v1/exports").json()
        assert {e["format"] for e in listed["data"]} == set(FORMATS)
        for entry in listed["data"]:
            response = client.get(entry["url"])
            assert response.status_code == 200
            assert response.headers["content-type"].startswith(entry["media_type"])
            assert "attachment" in response.headers["content-disposition"]
        records = [json.loads(line) for line in client.get("/v1/exports/jsonl").text.splitlines()]
        assert [StudyRecord.model_validate(r).id for r in records] == sorted(r["id"] for r in records)
        assert client.get("/v1/exports/xlsx").json()["parameter"] == "format"


def _facekg(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, on ``data_dir``."""
    return subprocess.run([str(Path(sys.executable).parent / "facekg"), *args], capture_output=True, text=True,
                          env={**os.environ, "FACEKG_DATA_DIR": str(data_dir)}, timeout=300)


def test_exports_cli_export_then_import_gives_identical_studies(demo_data_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "graph.zip"
    exported = _facekg("export", "--format", "csv", "--out", str(bundle), data_dir=demo_data_dir)
    assert exported.returncode == 0, exported.stderr
    fresh = tmp_path / "fresh"
    imported = _facekg("import", str(bundle), data_dir=fresh)
    assert imported.returncode == 0, imported.stderr
    assert "imported" in imported.stdout
    assert _dump(SqliteStore(fresh)) == _dump(SqliteStore(demo_data_dir))
    again = _facekg("import", str(bundle), data_dir=fresh)
    assert again.returncode == 1 and "already holds a graph" in again.stderr


def test_rdf_mapping_names_a_predicate_for_every_field_of_every_model() -> None:
    """A field added to a record model must get its RDF predicate, or the Turtle export would fail on it."""
    from facekg import records
    from graph.exports import rdf_mapping

    models = [records.StudyRecord, records.ReviewUpdate, records.Subgroup, *rdf_mapping.FACT_CLASSES.values(),
              *rdf_mapping.NESTED]
    missing = {model.__name__: name for model in models for name in model.model_fields
               if name not in rdf_mapping.FACT_CLASSES and name not in rdf_mapping._fields(model)}
    assert missing == {}
