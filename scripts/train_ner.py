#!/usr/bin/env python
"""Train the shipped disease-mention NER (``ingest/nlp/models/disease_ner``) on the NCBI disease corpus.

    python scripts/train_ner.py                       # what `make train-ner` runs
    python scripts/train_ner.py --ncbi-dir DIR --output DIR --seed 0

Train split for the weights, devel split for model selection (spaCy keeps the best devel
checkpoint); the test split is never read here. Texts are ``title + "\\n" + abstract``, the
text facekg's pipeline sees, tokenised by ``spacy.blank("en")``. Gold spans that do not fall
on token boundaries are widened to the tokens they touch (a handful per split, printed).
The config, with its seed, is ``ingest/nlp/models/disease_ner.cfg``; the elapsed time is printed.

Reproducible on one host, not across hosts: two runs on one machine gave identical weights, but the
float kernels depend on the host. BLIS picks its sub-configuration from the CPU it detects (this 2-core
VM: "haswell", because it cannot count the FMA units of its AVX-512 CPU; another host may get "skx"),
and numpy dispatches its SIMD loops by CPU features too, so a retrain on another host drifts over
4,000 steps (the most likely reason the shipped model, devel 80.8, is not what a retrain here gives,
80.5; the data and config match). Threads are pinned to one
(``OMP/OPENBLAS/BLIS_NUM_THREADS``) so the thread count is not a further source. Each run writes
``training.json`` beside the model: seed, library versions, Python, the BLIS sub-configuration, CPU
model and SIMD flags, the sha256 of the train and devel files, steps, devel F1 and elapsed time, so
a retrain can be compared with what it should reproduce.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval_extraction import SPLIT_FILES, read_ncbi  # a sibling: Python puts a script's own folder first on its path

REPO = Path(__file__).resolve().parents[1]
MODEL_DIR = REPO / "ingest" / "nlp" / "models"
LABEL = "DISEASE"


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
# Run in a child process: which BLIS sub-configuration this host gets (printed on stderr).
_BLIS_PROBE = "import numpy, blis.py; blis.py.gemm(numpy.ones((2, 2), 'f'), numpy.ones((2, 2), 'f'))"


def blis_configuration() -> str:
    """The BLIS sub-configuration the host's CPU selects ("haswell", "skx", "zen"...), or "unknown"."""
    probe = subprocess.run([sys.executable, "-c", _BLIS_PROBE], capture_output=True, text=True,
                           env={**os.environ, "BLIS_ARCH_DEBUG": "1"}, check=False)
    for line in probe.stderr.splitlines():
        if "selecting sub-configuration" in line:
            return line.split("'")[1] if "'" in line else line.strip()
    return "unknown"


def cpu_description() -> dict[str, Any]:
    """CPU model name and the SIMD flags numpy and BLIS dispatch on (Linux /proc/cpuinfo; else the platform)."""
    info = Path("/proc/cpuinfo")
    model, flags = platform.processor(), set()
    if info.exists():
        for line in info.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value:
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    simd = sorted(f for f in flags if f.startswith(("avx", "fma", "sse4")))
    return {"model": model, "simd": simd, "cores": os.cpu_count()}


def environment(ncbi_dir: Path, seed: int) -> dict[str, Any]:
    """What a bit-for-bit retrain must share with this one."""
    from importlib.metadata import version

    files = {split: ncbi_dir / SPLIT_FILES[split] for split in ("train", "devel")}
    return {
        "seed": seed,
        "python": platform.python_version(),
        "packages": {name: version(name) for name in ("spacy", "thinc", "numpy", "blis")},
        "blis_configuration": blis_configuration(),
        "cpu": cpu_description(),
        "threads": {name: os.environ.get(name) for name in THREAD_VARIABLES},
        "data_sha256": {split: hashlib.sha256(path.read_bytes()).hexdigest() for split, path in files.items()},
    }


def to_docbin(path: Path, out: Path) -> tuple[int, int, int]:
    """Write one NCBI split as a DocBin; returns (documents, spans, widened spans)."""
    import spacy
    from spacy.tokens import DocBin, Span

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
    for name in THREAD_VARIABLES:  # before numpy is imported: one thread, so the thread count changes nothing
        os.environ.setdefault(name, "1")
    missing = [args.ncbi_dir / SPLIT_FILES[split] for split in ("train", "devel")
               if not (args.ncbi_dir / SPLIT_FILES[split]).exists()]
    if missing:
        print(f"train-ner: NCBI disease corpus file not found: {missing[0]}", file=sys.stderr)
        return 2

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
    elapsed = time.perf_counter() - started
    meta = json.loads((args.output / "meta.json").read_text(encoding="utf-8"))
    record = {**environment(args.ncbi_dir, args.seed), "elapsed_s": round(elapsed),
              "devel_ents_f": meta.get("performance", {}).get("ents_f")}
    (args.output / "training.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in args.output.rglob("*") if p.is_file())
    print(f"model written to {args.output} ({size / 1e6:.1f} MB) in {elapsed:.0f} s; "
          f"devel F1 {record['devel_ents_f']}, BLIS {record['blis_configuration']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
