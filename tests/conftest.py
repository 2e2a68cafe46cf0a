"""Fixtures shared across test modules: the demo corpus loaded into an embedded store, and the API on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from graph.networkx_store import NetworkxStore
from ingest.load import load_records
from ingest.structured import read_study_records
from ontology import Ontology, load_ontology
from tests.data import DEMO_STUDIES


@pytest.fixture(scope="session")
def ontology() -> Ontology:
    """The project's ontology (loaded once; read-only)."""
    return load_ontology()


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the curated demo corpus, loaded once per session."""
    data_dir = tmp_path_factory.mktemp("demo-data")
    store = NetworkxStore(data_dir)
    load_records(store, read_study_records(DEMO_STUDIES), load_ontology(), source=str(DEMO_STUDIES))
    return data_dir


@pytest.fixture
def demo_store(demo_data_dir: Path) -> NetworkxStore:
    return NetworkxStore(demo_data_dir)


@pytest.fixture
def client(demo_data_dir: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=demo_data_dir, backend="memory")
    with TestClient(create_app(settings)) as test_client:
        yield test_client
