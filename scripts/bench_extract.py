#!/usr/bin/env python
"""Speed of ``extract_many`` against spaCy's tokenizer alone, on the same texts in the same run.

Texts: the demo abstracts (``ingest/demo/abstracts.jsonl``) and, when present, the
NCBI disease corpus abstracts, replicated with light perturbation (numbers shifted,
sentences rotated) up to ``--n`` abstracts. Prints abstracts/s for the full
extraction, the extraction without the NER, the NER alone and ``nlp.tokenizer.pipe``, all
in the same run: medians over ``--runs``.
Not a test.

    python scripts/bench_extract.py --n 3000 --runs 3
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from pathlib import Path
from typing import Any

from ingest.readers.jsonl import iter_json_lines

REPO = Path(__file__).resolve().parents[1]


def seed_records(demo: Path, ncbi_dir: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    if demo.exists():
        records += [item for _line, item in iter_json_lines(demo)]
    for name in ("NCBItrainset_corpus.txt", "NCBIdevelopset_corpus.txt"):
        path = ncbi_dir / name
        if not path.exists():
            continue
        title = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if "|t|" in line[:20]:
                title = line.split("|", 2)[2]
            elif "|a|" in line[:20]:
                pmid, _, abstract = line.split("|", 2)
                records.append({"id": pmid, "title": title, "abstract": abstract})
    if not records:
        raise SystemExit("no seed abstracts found (demo corpus or NCBI corpus)")
    return records


def perturb(record: dict[str, Any], i: int, rng: random.Random) -> dict[str, Any]:
    sentences = re.split(r"(?<=[.!?])\s+", record.get("abstract") or "")
    if len(sentences) > 2:
        k = rng.randrange(1, len(sentences))
        sentences = sentences[k:] + sentences[:k]
    shift = rng.randint(1, 9)
    abstract = re.sub(r"\b(\d{2,3})\b", lambda m: str(int(m.group(1)) + shift), " ".join(sentences))
    return {"id": f"{record['id']}-{i}", "title": record.get("title") or "", "abstract": abstract}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3000, help="abstracts per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--demo", type=Path, default=REPO / "ingest" / "demo" / "abstracts.jsonl")
    parser.add_argument("--ncbi-dir", type=Path, default=REPO.parent / "shared" / "benchmarks" / "ncbi-disease")
    args = parser.parse_args(argv)

    from ingest.nlp.pipeline import build_pipeline, document_text, extract_many

    started = time.perf_counter()
    nlp = build_pipeline()
    print(f"pipeline built in {time.perf_counter() - started:.1f} s: {', '.join(nlp.pipe_names)}")
    rng = random.Random(13)
    seeds = seed_records(args.demo, args.ncbi_dir)
    records = [perturb(seeds[i % len(seeds)], i, rng) for i in range(args.n)]
    texts = [document_text(r["title"], r["abstract"]) for r in records]
    chars = sum(len(t) for t in texts)
    print(f"{len(records)} abstracts ({chars / len(records):.0f} characters on average), {args.runs} runs")

    from ingest.nlp.ner import load_model

    ner = load_model()
    full, tok, alone, rulers = [], [], [], []
    for run in range(args.runs):
        if ner is not None:
            t = time.perf_counter()
            for _ in ner.pipe(texts, batch_size=args.batch_size):
                pass
            alone.append(len(texts) / (time.perf_counter() - t))
            print(f"  run {run + 1}: NER alone {alone[-1]:8.1f} abstracts/s")
        t0 = time.perf_counter()
        for _ in nlp.tokenizer.pipe(texts, batch_size=args.batch_size):
            pass
        t1 = time.perf_counter()
        count = sum(1 for _ in extract_many(records, batch_size=args.batch_size, nlp=nlp))
        t2 = time.perf_counter()
        assert count == len(records)
        with nlp.select_pipes(disable=["facekg_disease_ner"]):
            sum(1 for _ in extract_many(records, batch_size=args.batch_size, nlp=nlp))
        t3 = time.perf_counter()
        tok.append(len(texts) / (t1 - t0))
        full.append(len(records) / (t2 - t1))
        rulers.append(len(records) / (t3 - t2))
        print(f"  run {run + 1}: extract_many {full[-1]:8.1f} abstracts/s   without the NER {rulers[-1]:8.1f}   "
              f"tokenizer only {tok[-1]:9.1f} abstracts/s")
    f, t = statistics.median(full), statistics.median(tok)
    print(f"median: extract_many {f:.1f} abstracts/s; without the NER {statistics.median(rulers):.1f}; "
          f"tokenizer only {t:.1f} abstracts/s; "
          f"tokenizer/extract ratio {t / f:.1f}x (extraction takes {f / t:.1%} of tokenizer speed)"
          + (f"; NER alone {statistics.median(alone):.1f} abstracts/s" if alone else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
