"""Fixtures shared across test modules: the demo corpus loaded into an embedded store, and the API on it.

``demo_data_dir`` holds the curated records only; ``demo_ingested_dir`` holds what
``make run`` serves (curated records, then the RIS and MEDLINE exports through the
full pipeline, so extracted facts carry evidence spans). Both are built once per
session and must not be written to.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from graph.sqlite_store import SqliteStore
from ingest.load import load_records
from ingest.pipeline import ingest_files
from ingest.structured import read_study_records
from ontology import Ontology, load_ontology
from tests.data import DEMO_MEDLINE, DEMO_RIS, DEMO_STUDIES


@pytest.fixture(scope="session")
def ontology() -> Ontology:
    """The project's ontology (loaded once; read-only)."""
    return load_ontology()


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the curated demo corpus, loaded once per session."""
    data_dir = tmp_path_factory.mktemp("demo-data")
    store = SqliteStore(data_dir)
    load_records(store, read_study_records(DEMO_STUDIES), load_ontology(), source=str(DEMO_STUDIES))
    return data_dir


@pytest.fixture(scope="session")
def demo_ingested_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory as ``make run`` leaves it: curated demo records, then both demo exports ingested."""
    data_dir = tmp_path_factory.mktemp("demo-ingested")
    store = SqliteStore(data_dir)
    ontology = load_ontology()
    load_records(store, read_study_records(DEMO_STUDIES), ontology, source="curated")
    ingest_files(store, ontology, [DEMO_RIS, DEMO_MEDLINE])
    return data_dir


@pytest.fixture
def demo_store(demo_data_dir: Path) -> SqliteStore:
    return SqliteStore(demo_data_dir)


@pytest.fixture
def client(demo_data_dir: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=demo_data_dir, backend="memory")
    with TestClient(create_app(settings)) as test_client:
        yield test_client
