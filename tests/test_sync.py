"""graph.sync.copy_store and ``facekg sync``: lossless copies between the embedded store and Neo4j."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.sync import register
from facekg.errors import StoreError
from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import FILE_NAME, SqliteStore
from graph.sync import copy_store
from tests.store_fixtures import (  # noqa: F401  (the *_fixture names register fixtures)
    corpus,
    memory_store_fixture,
    neo4j_driver_fixture,
    neo4j_settings,
    neo4j_store_fixture,
    ontology_rows,
    review_update,
    rich_study,
)


def _fill(store: SqliteStore | Neo4jStore) -> None:
    store.write_ontology(ontology_rows())
    store.write(corpus(), review_update("u1", "2026-01-01T00:00:00+00:00", studies=6))
    store.write([rich_study("s-2019", year=2018, metrics=3, review_update="u2"),
                 rich_study("s-new", review_update="u2", conditions=(("rare facies", None),))],
                review_update("u2", "2026-02-01T00:00:00+00:00", studies=2))
    store.write([], review_update("u3-empty", "2026-03-01T00:00:00+00:00"))


def test_sync_copy_between_embedded_stores_is_lossless(tmp_path: Path) -> None:
    src, dst = SqliteStore(tmp_path / "a"), SqliteStore(tmp_path / "b")
    _fill(src)
    dst.write([rich_study("stale", review_update="old")], review_update("old"))
    assert copy_store(src, dst, batch_size=2) == 7
    assert dst.export_rows().as_jsonable() == src.export_rows().as_jsonable()


def test_sync_refuses_a_study_whose_update_is_missing(tmp_path: Path) -> None:
    src = SqliteStore(tmp_path / "a")
    src.write([rich_study("s1", review_update="u1")], review_update("u1"))
    # A study whose update is gone (the file edited by hand, say) cannot be copied faithfully.
    with sqlite3.connect(tmp_path / "a" / FILE_NAME) as by_hand:
        by_hand.execute("DELETE FROM updates WHERE id = 'u1'")
    with pytest.raises(StoreError, match="u1"):
        copy_store(src, SqliteStore(None))


@pytest.mark.neo4j
def test_sync_round_trip_through_neo4j_is_lossless(memory_store: SqliteStore, neo4j_store: Neo4jStore,
                                                   tmp_path: Path) -> None:
    _fill(memory_store)
    assert copy_store(memory_store, neo4j_store, batch_size=3) == 7
    back = SqliteStore(tmp_path / "back")
    copy_store(neo4j_store, back)
    assert back.export_rows().as_jsonable() == memory_store.export_rows().as_jsonable()
    assert neo4j_store.export_rows().as_jsonable() == memory_store.export_rows().as_jsonable()


@pytest.mark.neo4j
def test_sync_command_copies_to_neo4j_and_back(memory_store: SqliteStore, neo4j_store: Neo4jStore,
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    uri, user, password, database = neo4j_settings()
    data_dir = tmp_path / "data"
    _fill(SqliteStore(data_dir))
    for name, value in {"FACEKG_DATA_DIR": str(data_dir), "NEO4J_URI": uri, "NEO4J_USER": user,
                        "NEO4J_PASSWORD": password, "NEO4J_DATABASE": database}.items():
        monkeypatch.setenv(name, value)
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """Group so that "sync" is a subcommand, as in the real CLI."""

    result = CliRunner().invoke(app, ["sync", "--to", "neo4j"])
    assert result.exit_code == 0, result.output
    assert "copied 7 studies" in result.output
    assert neo4j_store.stats().studies == 7

    SqliteStore(data_dir).clear()
    result = CliRunner().invoke(app, ["sync", "--to", "memory"])
    assert result.exit_code == 0, result.output
    expected = SqliteStore(tmp_path / "expected")
    _fill(expected)
    assert SqliteStore(data_dir).export_rows().as_jsonable() == expected.export_rows().as_jsonable()
