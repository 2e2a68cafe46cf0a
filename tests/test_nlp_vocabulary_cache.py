"""The vocabulary cache: JSON Lines as the record, a pickled snapshot beside it for fast starts."""

from __future__ import annotations

from pathlib import Path

from ingest.nlp import vocabulary_cache
from ingest.nlp.vocabulary import Vocabulary


def _vocab() -> Vocabulary:
    return Vocabulary(
        patterns=[{"label": "CONDITION", "pattern": "Weddell syndrome", "id": "X:1", "attr": "LOWER"}],
        names={"X:1": "Weddell syndrome", "A:1": "DeepNet"},
        categories={"X:1": ["genetic"]},
        deep_learning={"A:1": True},
        gene_symbols={"ABC1"},
        mapped_ids={"X:1"},
        ancestors={"A:1": ["A:0"]},
        meta={"version": "t"},
    )


def _read(path: Path) -> Vocabulary:
    vocabulary_cache._read_cached.cache_clear()
    return vocabulary_cache.vocabulary_from_path(str(path))


def test_nlp_vocabulary_cache_snapshot_reads_back_what_was_saved(tmp_path: Path) -> None:
    path = tmp_path / "patterns-t.jsonl"
    vocabulary_cache.save_vocabulary(_vocab(), path)
    assert path.exists() and path.with_suffix(".pickle").exists()
    assert _read(path) == _vocab() == vocabulary_cache.read_vocabulary(path)


def test_nlp_vocabulary_cache_damaged_snapshot_falls_back_to_the_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "patterns-t.jsonl"
    vocabulary_cache.save_vocabulary(_vocab(), path)
    path.with_suffix(".pickle").write_bytes(b"not a pickle")
    assert _read(path) == _vocab()


def test_nlp_vocabulary_cache_missing_snapshot_is_written_on_first_read(tmp_path: Path) -> None:
    path = tmp_path / "patterns-t.jsonl"
    vocabulary_cache.save_vocabulary(_vocab(), path)
    path.with_suffix(".pickle").unlink()
    assert _read(path) == _vocab()
    assert path.with_suffix(".pickle").exists()
    assert vocabulary_cache._read_snapshot(path) == _vocab()
