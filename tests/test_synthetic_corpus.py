"""scripts/synthetic_corpus.py: the benchmark's corpus, run as ``make bench`` runs it, loaded as a user loads it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from facekg.records import StudyRecord
from ontology import load_ontology

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "synthetic_corpus.py"
FACEKG = str(Path(sys.executable).parent / "facekg")


def generate(out: Path, studies: int, seed: int) -> Path:
    subprocess.run([sys.executable, str(SCRIPT), "--studies", str(studies), "--seed", str(seed), "--out", str(out)],
                   check=True, capture_output=True, text=True, timeout=120)
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_synthetic_corpus_is_deterministic_per_seed(tmp_path: Path) -> None:
    first = generate(tmp_path / "a.jsonl", 40, seed=5)
    again = generate(tmp_path / "b.jsonl", 40, seed=5)
    other = generate(tmp_path / "c.jsonl", 40, seed=6)
    assert digest(first) == digest(again)
    assert digest(first) != digest(other)


def test_synthetic_corpus_records_are_valid_and_realistic(tmp_path: Path) -> None:
    path = generate(tmp_path / "corpus.jsonl", 200, seed=11)
    records = [StudyRecord.model_validate(json.loads(line)) for line in path.read_text().splitlines()]
    assert len(records) == 200
    assert len({r.id for r in records}) == 200
    ontology = load_ontology()
    mapped = [c.concept_id for r in records for c in r.conditions if c.concept_id]
    assert mapped and all(cid in ontology for cid in mapped)
    unmapped = [c for r in records for c in r.conditions if c.concept_id is None]
    assert 0 < len(unmapped) < len(mapped)
    for record in records:
        assert 1 <= len(record.conditions) <= 2 and 1 <= len(record.architectures) <= 4
        assert 2 <= len(record.metrics) <= 8 and len(record.demographics) == 5
        assert record.abstract is not None and 100 <= len(record.abstract.split()) <= 400
    assert 0.6 < sum(r.doi is not None for r in records) / len(records) < 0.95


def test_synthetic_corpus_loads_with_facekg_load(tmp_path: Path) -> None:
    path = generate(tmp_path / "corpus.jsonl", 30, seed=2)
    env = {**os.environ, "FACEKG_DATA_DIR": str(tmp_path / "data"), "FACEKG_BACKEND": "memory"}
    loaded = subprocess.run([FACEKG, "load", str(path), "--json"], env=env, capture_output=True, text=True,
                            timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    summary = json.loads(loaded.stdout)
    assert summary["records_read"] == 30 and summary["created"] == 30
    stats = subprocess.run([FACEKG, "stats"], env=env, capture_output=True, text=True, timeout=300)
    assert stats.returncode == 0 and "30" in stats.stdout
