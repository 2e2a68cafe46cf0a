"""A data directory of the old JSON graph store is migrated to SQLite once, losslessly, or refused saying how."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from facekg.errors import StoreError
from facekg.runtime import open_embedded_store
from facekg.settings import load_settings
from graph.migrate import LEGACY_FILE, MIGRATED_SUFFIX, migrate_if_needed
from graph.networkx_store import NetworkxStore
from graph.sqlite_store import FILE_NAME, SqliteStore
from tests.store_fixtures import corpus, ontology_rows, review_update, rich_study

FACEKG = str(Path(sys.executable).parent / "facekg")


def legacy_dir(path: Path) -> NetworkxStore:
    """A data directory as the JSON store left it: ontology, two updates, a rewritten study."""
    old = NetworkxStore(path)
    old.write_ontology(ontology_rows())
    old.write(corpus(), review_update())
    old.write([rich_study("s-none", year=2020, metrics=1, review_update="u2")],
              review_update("u2", "2026-02-01T00:00:00+00:00", studies=1))
    return old


def test_migration_copies_every_node_edge_and_update_and_keeps_the_old_file_aside(tmp_path: Path) -> None:
    old = legacy_dir(tmp_path)
    expected = old.export_rows().as_jsonable()
    assert migrate_if_needed(tmp_path) == len(corpus())
    store = SqliteStore(tmp_path, create=False)
    assert store.export_rows().as_jsonable() == expected
    assert store.review_updates() == old.review_updates()
    assert list(store.studies()) == list(old.studies())
    assert not (tmp_path / LEGACY_FILE).exists()
    assert (tmp_path / f"{LEGACY_FILE}{MIGRATED_SUFFIX}").exists()
    assert migrate_if_needed(tmp_path) is None  # once only


def test_opening_the_embedded_store_migrates_with_a_message(tmp_path: Path) -> None:
    legacy_dir(tmp_path)
    env = {**os.environ, "FACEKG_DATA_DIR": str(tmp_path), "FACEKG_BACKEND": "memory"}
    result = subprocess.run([FACEKG, "stats"], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"migrated 6 studies from {LEGACY_FILE} to {FILE_NAME}" in result.stderr
    assert (tmp_path / FILE_NAME).exists()
    again = subprocess.run([FACEKG, "stats"], env=env, capture_output=True, text=True, timeout=300)
    assert "migrated" not in again.stderr and again.stdout == result.stdout


def test_migration_is_refused_when_the_directory_already_has_a_store_with_studies(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    SqliteStore(tmp_path).write([rich_study("kept")], review_update())
    legacy_dir(tmp_path)
    monkeypatch.setenv("FACEKG_DATA_DIR", str(tmp_path))
    with pytest.raises(StoreError, match=f"move {LEGACY_FILE} out of the data directory"):
        open_embedded_store(load_settings())
    assert [s.id for s in SqliteStore(tmp_path).studies()] == ["kept"]
    assert (tmp_path / LEGACY_FILE).exists()


def test_a_failed_migration_leaves_the_old_file_in_charge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    legacy_dir(tmp_path)
    import graph.sync

    def broken_copy(*_args: object, **_kwargs: object) -> int:
        raise StoreError("the copy differs from the source store")

    monkeypatch.setattr(graph.sync, "copy_store", broken_copy)
    with pytest.raises(StoreError, match="differs"):
        migrate_if_needed(tmp_path)
    assert (tmp_path / LEGACY_FILE).exists()
    assert not (tmp_path / FILE_NAME).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".facekg-migrating")] == []
