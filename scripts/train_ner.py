#!/usr/bin/env python
"""Train the shipped disease-mention NER (``ingest/nlp/models/disease_ner``) on the NCBI disease corpus.

    python scripts/train_ner.py                       # what `make train-ner` runs
    python scripts/train_ner.py --ncbi-dir DIR --output DIR --seed 0

Train split for the weights, devel split for model selection (spaCy keeps the best devel
checkpoint); the test split is never read here. Texts are ``title + "\\n" + abstract``, the
text facekg's pipeline sees, tokenised by ``spacy.blank("en")``. Gold spans that do not fall
on token boundaries are widened to the tokens they touch (a handful per split, printed).
The config, with its seed, is ``ingest/nlp/models/disease_ner.cfg``; the elapsed time is printed.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import spacy
from eval_extraction import SPLIT_FILES, read_ncbi  # a sibling: Python puts a script's own folder first on its path
from spacy.tokens import DocBin, Span

REPO = Path(__file__).resolve().parents[1]
MODEL_DIR = REPO / "ingest" / "nlp" / "models"
LABEL = "DISEASE"


def to_docbin(path: Path, out: Path) -> tuple[int, int, int]:
    """Write one NCBI split as a DocBin; returns (documents, spans, widened spans)."""
    nlp = spacy.blank("en")
    db = DocBin()
    n_docs = n_spans = widened = 0
    for _pmid, title, abstract, gold, _texts in read_ncbi(path):
        doc = nlp.make_doc(f"{title}\n{abstract}")
        spans: list[Span] = []
        for start, end in sorted(gold):
            span = doc.char_span(start, end, label=LABEL)
            if span is None:
                span = doc.char_span(start, end, label=LABEL, alignment_mode="expand")
                widened += 1
            if span is not None and not any(s.start < span.end and span.start < s.end for s in spans):
                spans.append(span)
        doc.ents = spans
        db.add(doc)
        n_docs += 1
        n_spans += len(spans)
    db.to_disk(out)
    return n_docs, n_spans, widened


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ncbi-dir", type=Path, default=REPO.parent / "shared" / "benchmarks" / "ncbi-disease")
    parser.add_argument("--config", type=Path, default=MODEL_DIR / "disease_ner.cfg")
    parser.add_argument("--output", type=Path, default=MODEL_DIR / "disease_ner")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from spacy.cli.train import train

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="facekg-ner-") as tmp:
        work = Path(tmp)
        corpora = {}
        for split in ("train", "devel"):
            out = work / f"{split}.spacy"
            docs, spans, widened = to_docbin(args.ncbi_dir / SPLIT_FILES[split], out)
            print(f"{split}: {docs} abstracts, {spans} disease spans ({widened} widened to token boundaries)")
            corpora[split] = out
        train(args.config, work / "out", overrides={
            "paths.train": str(corpora["train"]), "paths.dev": str(corpora["devel"]), "system.seed": args.seed})
        best = work / "out" / "model-best"
        if args.output.exists():
            shutil.rmtree(args.output)
        shutil.copytree(best, args.output)
    size = sum(p.stat().st_size for p in args.output.rglob("*") if p.is_file())
    print(f"model written to {args.output} ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
