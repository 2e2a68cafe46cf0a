"""Store fixtures shared by the contract suite, the sync tests and the fault tests, plus rich sample records.

The Neo4j fixtures connect to the server named by ``NEO4J_URI`` (started by
``scripts/neo4j-local.sh start``); user and password come from ``NEO4J_USER`` /
``NEO4J_PASSWORD`` (``make test`` sets both the server's and the tests' password;
there is no default). Without ``NEO4J_URI`` or ``NEO4J_PASSWORD`` the Neo4j cases
fail with a message saying how to start a server: deselecting them (``-m "not neo4j"``)
is a choice made on the command line, never a silent skip.

Import the ``*_fixture`` functions into a test module to use them; the fixture
names are ``store``, ``memory_store``, ``neo4j_store`` and ``neo4j_driver``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from facekg.records import (
    ArchitectureFact,
    ConditionFact,
    DemographicReport,
    Evidence,
    GeneFact,
    MetricResult,
    Provenance,
    ReviewUpdate,
    SampleFact,
    ScreeningDecision,
    StudyFlag,
    StudyRecord,
)
from graph.mapping import EdgeRow, GraphRows, NodeRow
from graph.neo4j_connect import connect
from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore

NO_SERVER = ("{missing} is not set, so the Neo4j store cannot be tested. Start a throwaway server with\n"
             "    export NEO4J_PASSWORD=facekg-test-pw; scripts/neo4j-local.sh fetch && "
             "export \"$(scripts/neo4j-local.sh start)\"\n"
             "(stop it with scripts/neo4j-local.sh stop), or deselect these cases with -m \"not neo4j\".")


def neo4j_settings() -> tuple[str, str, str, str]:
    """URI, user, password and database of the suite's Neo4j, from the environment ``make test`` sets."""
    for name in ("NEO4J_URI", "NEO4J_PASSWORD"):
        if not os.environ.get(name):
            pytest.fail(NO_SERVER.format(missing=name), pytrace=False)
    return (os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"],
            os.environ.get("NEO4J_DATABASE", "neo4j"))


@pytest.fixture(scope="session", name="neo4j_driver")
def neo4j_driver_fixture() -> Iterator[neo4j.Driver]:
    uri, user, password, _database = neo4j_settings()
    driver = connect(uri, user, password)
    try:
        driver.verify_connectivity()
    except Exception as exc:  # any failure here means the suite cannot run: say why, once
        driver.close()
        pytest.fail(f"cannot reach Neo4j at NEO4J_URI={uri} as {user!r}: {exc}", pytrace=False)
    yield driver
    driver.close()


@pytest.fixture(name="neo4j_store")
def neo4j_store_fixture(neo4j_driver: neo4j.Driver) -> Neo4jStore:
    """A Neo4j store on an empty database (cleared before each test, so a failed test leaves no trace)."""
    store = Neo4jStore(neo4j_driver, neo4j_settings()[3])
    store.clear()
    return store


@pytest.fixture(name="memory_store")
def memory_store_fixture(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "memory-store")


STORE_PARAMS = [
    pytest.param("memory", id="memory"),
    pytest.param("neo4j", id="neo4j", marks=pytest.mark.neo4j),
]


@pytest.fixture(params=STORE_PARAMS, name="store")
def store_fixture(request: pytest.FixtureRequest) -> GraphStore:
    """Each backend in turn: the contract suite runs every test against both."""
    store: GraphStore = request.getfixturevalue(f"{request.param}_store")
    return store


# -- sample data ---------------------------------------------------------------
def review_update(update_id: str = "u1", created_at: str = "2026-01-01T00:00:00+00:00",
                  **counts: int) -> ReviewUpdate:
    return ReviewUpdate(id=update_id, created_at=created_at, source="tests", description=None,
                        counts=counts)


def _extracted(text: str, start: int) -> Provenance:
    return Provenance(source="extracted", extractor_version="test-1",
                      evidence=Evidence(text=text, start=start, end=start + len(text),
                                        sentence=f"... {text} ..."))


def rich_study(study_id: str, *, year: int | None = 2021, doi: str | None = None, pmid: str | None = None,
               title: str | None = None, abstract: str | None = "Faces photographed in clinic.",
               conditions: tuple[tuple[str, str | None], ...] = (("Down syndrome", "down_syndrome"),),
               architectures: tuple[tuple[str, str | None, bool | None], ...] = (
                   ("ResNet-50", "resnet", True),),
               deep_learning: bool | None = True, retracted: bool = False, review_update: str | None = "u1",
               metrics: int = 2, samples: int = 1) -> StudyRecord:
    """A study with every kind of fact, mixed provenance and plenty of None values (Neo4j stores no nulls)."""
    return StudyRecord(
        id=study_id, title=title or f"Deep learning on facial photographs: study {study_id}",
        abstract=abstract, authors=["Doe J", "Roe R"], first_author="Doe J", year=year,
        journal="J Test Med", doi=doi, pmid=pmid, keywords=["face", "deep learning"],
        source_urls=[f"https://example.org/{study_id}"], notes=None, retracted=retracted,
        image_modality="2D photograph", is_deep_learning=deep_learning, sample_description=None,
        conditions=[ConditionFact(name=name, concept_id=cid, provenance=_extracted(name, 10))
                    for name, cid in conditions],
        genes=[GeneFact(symbol="nipbl", provenance=Provenance(source="curated", reviewer="r1"))],
        architectures=[ArchitectureFact(name=name, concept_id=cid, is_deep_learning=dl)
                       for name, cid, dl in architectures],
        metrics=[MetricResult(metric="accuracy" if i % 2 == 0 else "top-10 accuracy",
                              metric_id="accuracy" if i % 2 == 0 else None,
                              value=90.0 + i, unit="%", ci_low=None if i else 85.5, ci_high=None,
                              value_text=None if i else "90", subject="model" if i < 2 else "clinicians")
                 for i in range(metrics)],
        samples=[SampleFact(value=100 + i, unit="participants", description=None if i else "patients")
                 for i in range(samples)],
        demographics=[DemographicReport(attribute="sex", reported=True, subgroup_performance=None),
                      DemographicReport(attribute="race_ethnicity", reported=False),
                      DemographicReport(attribute="skin_tone", reported=None)],
        flags=[StudyFlag(name="external_validation", value=None),
               StudyFlag(name="clinician_comparison", value=True)],
        screening=ScreeningDecision(suggestion="include", reasons=[{"criterion": "x", "evidence": "y"}]),
        review_update=review_update,
    )


def corpus() -> list[StudyRecord]:
    """Six studies that separate every query filter, in no particular order."""
    return [
        rich_study("s-2019", year=2019, doi="10.1000/ABC.2019", conditions=(("Noonan syndrome", "noonan"),)),
        rich_study("s-2021a", year=2021, pmid="3001", title="Acromegaly detection from Straße photographs",
                   conditions=(("acromegaly", "acromegaly"), ("Down syndrome", "down_syndrome"))),
        rich_study("s-2021b", year=2021, conditions=(("facial pain", None),),
                   architectures=(("support vector machine", "svm", False),), deep_learning=False),
        rich_study("s-none", year=None, abstract=None, conditions=(("odd facies", None),),
                   architectures=(("custom net", None, None),), deep_learning=None),
        rich_study("s-2023", year=2023, doi="10.1000/xyz", pmid="3002",
                   architectures=(("VGG-16", "vgg", True), ("ResNet-50", "resnet", True))),
        rich_study("s-retracted", year=2022, retracted=True, conditions=(("Noonan syndrome", "noonan"),)),
    ]


def ontology_rows() -> GraphRows:
    """A small concept hierarchy in the shape :mod:`graph.ontology_rows` produces."""
    nodes = [
        NodeRow("cause:gene_related", "CauseCategory", {"concept_id": "gene_related", "label": "Gene-related",
                                                        "in_framework": True, "mapped": True, "iri": None}),
        NodeRow("condition:down_syndrome", "Condition", {
            "concept_id": "down_syndrome", "label": "Down syndrome", "iri": "https://example.org/ds",
            "mapped": True}),
        NodeRow("condition:genetic_syndrome", "Condition", {"concept_id": "genetic_syndrome",
                                                            "label": "Genetic syndrome", "mapped": True}),
        NodeRow("gene:NIPBL", "Gene", {"symbol": "NIPBL"}),
        NodeRow("architecture:resnet", "Architecture", {"concept_id": "resnet", "label": "ResNet",
                                                        "is_deep_learning": True, "mapped": True}),
    ]
    edges = [
        EdgeRow("condition:down_syndrome", "SUBCLASS_OF", "condition:genetic_syndrome", {}),
        EdgeRow("condition:down_syndrome", "IN_CATEGORY", "cause:gene_related", {}),
        EdgeRow("condition:genetic_syndrome", "ASSOCIATED_GENE", "gene:NIPBL", {"weight": 1.5, "note": None}),
    ]
    return GraphRows(nodes, edges)
