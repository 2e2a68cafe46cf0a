#!/usr/bin/env python
"""Speed of ``extract_many`` against spaCy's tokenizer alone, on the same texts in the same run.

Texts: the demo abstracts (``ingest/demo/abstracts.jsonl``) and, when present, the
NCBI disease corpus abstracts, replicated with light perturbation (numbers shifted,
sentences rotated) up to ``--n`` abstracts. Prints abstracts/s for the full
extraction, the extraction without the NER, the NER alone and ``nlp.tokenizer.pipe``, all
in the same run: medians over ``--runs``, per second of wall time and per CPU-second of this
process (``time.process_time``), the figure that holds on a machine shared with other jobs.
Not a test.

    python scripts/bench_extract.py --n 3000 --runs 3
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from collections.abc import Callable
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
    cases: dict[str, Callable[[], int]] = {}
    if ner is not None:
        cases["NER alone (whole texts)"] = lambda: sum(1 for _ in ner.pipe(texts, batch_size=args.batch_size))
    cases["tokenizer only"] = lambda: sum(1 for _ in nlp.tokenizer.pipe(texts, batch_size=args.batch_size))
    cases["extract_many (full pipeline)"] = lambda: sum(
        1 for _ in extract_many(records, batch_size=args.batch_size, nlp=nlp))

    def without_ner() -> int:
        with nlp.select_pipes(disable=["facekg_disease_ner"]):
            return sum(1 for _ in extract_many(records, batch_size=args.batch_size, nlp=nlp))

    cases["without the NER"] = without_ner
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for run in range(args.runs):
        for name, case in cases.items():
            w0, c0 = time.perf_counter(), time.process_time()
            count = case()
            w1, c1 = time.perf_counter(), time.process_time()
            assert count == len(records), name
            wall[name].append(count / (w1 - w0))
            cpu[name].append(count / (c1 - c0))
        print(f"  run {run + 1}: " + "; ".join(f"{name} {wall[name][-1]:.1f}/s wall, {cpu[name][-1]:.1f}/CPU-s"
                                               for name in cases))
    print("median over runs, abstracts per second of wall time and per CPU-second of this process (one core;"
          " the CPU figure is the one that holds on a shared machine):")
    for name in cases:
        print(f"  {name:<30} {statistics.median(wall[name]):9.1f} /s wall   {statistics.median(cpu[name]):9.1f} /CPU-s")
    full, rules = statistics.median(cpu["extract_many (full pipeline)"]), statistics.median(cpu["without the NER"])
    tokenizer = statistics.median(cpu["tokenizer only"])
    if full < rules:
        print(f"  the NER inside the pipeline (candidate windows): {1 / (1 / full - 1 / rules):.1f} /CPU-s")
    print(f"  extraction runs at {full / tokenizer:.1%} of tokenizer speed ({tokenizer / full:.1f}x slower)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
