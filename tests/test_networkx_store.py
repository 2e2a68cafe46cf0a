"""The embedded store's own promises: atomic persistence to one file, re-read when another process writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.networkx_store import FILE_NAME, NetworkxStore
from tests.data import study, update


def test_networkx_store_persists_and_reloads_from_its_file(tmp_path: Path) -> None:
    NetworkxStore(tmp_path).write([study("s1", doi="10.1/a")], update())
    reopened = NetworkxStore(tmp_path)
    assert reopened.get("s1").doi == "10.1/a"
    assert [u.id for u in reopened.review_updates()] == ["u1"]


def test_networkx_store_sees_writes_made_by_another_process(tmp_path: Path) -> None:
    server_side = NetworkxStore(tmp_path)
    assert server_side.stats().studies == 0
    NetworkxStore(tmp_path).write([study("s1")], update())
    assert server_side.stats().studies == 1


def test_networkx_store_failed_write_leaves_file_and_graph_unchanged(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store = NetworkxStore(tmp_path)
    store.write([study("s1")], update("u1"))
    before_file = (tmp_path / FILE_NAME).read_bytes()
    before_rows = store.export_rows().as_jsonable()

    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError):
        store.write([study("s2")], update("u2"))
    monkeypatch.undo()
    assert (tmp_path / FILE_NAME).read_bytes() == before_file
    assert store.export_rows().as_jsonable() == before_rows
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_networkx_store_rejects_a_file_of_another_format(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text('{"format": 99, "nodes": [], "edges": []}', encoding="utf-8")
    from facekg.errors import StoreError

    with pytest.raises(StoreError, match="format"):
        NetworkxStore(tmp_path)
