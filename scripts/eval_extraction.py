#!/usr/bin/env python
"""Quality of ``facekg extract``: (a) demo corpus, (b) NCBI disease corpus, (c) real abstracts.

(a) ``ingest/demo/abstracts.jsonl`` ({id, title, abstract}) is extracted and compared
    with the curated facts of ``ingest/demo/studies.jsonl`` per fact type:
    conditions and architectures by concept id, genes by symbol, metrics by
    (metric name, value, subject) with % and fractions on one scale, samples by value,
    demographics and flags by their true/false value where the curators recorded one
    (null means "not verified" and is skipped), subgroup results by (metric name, value,
    attribute, group). Micro precision/recall/F1.
    Curated facts come from the full papers, extraction reads abstracts only: recall
    is bounded by what an abstract says.
(b) Disease mentions (CONDITION entities, optionally PHENOTYPE) on the NCBI disease
    corpus, mention-level exact-span P/R/F1. The corpus offsets index
    ``title + " " + abstract``; ours index ``title + "\\n" + abstract``: the joiner is one
    character either way, so offsets compare directly. Tune on train/devel only;
    report ``--split test`` once.

(c) ``../shared/benchmarks/facial-dl-abstracts/abstracts.jsonl``: real published abstracts
    annotated field by field (its README has the guidelines), read from ``../shared`` at
    evaluation time and never copied. The records are split by a fixed rule
    (:func:`benchmark_part`): the first hex digit of sha256(study id) below 0xB is the
    *tuning* part (~2/3), the rest the *held-back* part, scored for reporting only.
    Conditions and architectures are matched by surface form against the annotated alias
    lists (case-insensitive); each predicted concept (id, or text when unmapped) that
    matches no alias is a false positive, each alias list no mention matches a false negative.
    Subgroup results are not annotated there: their count is printed, to be checked by hand.

    ``--baseline REV`` scores the extractor of git revision REV on the same parts in the same
    run (its code is exported with ``git archive`` into a temporary directory and run there in
    a subprocess), printed beside the working tree's figures: before and after.

    python scripts/eval_extraction.py                 # demo + NCBI devel + real abstracts
    python scripts/eval_extraction.py --skip-demo --skip-ncbi --baseline int   # before/after
    python scripts/eval_extraction.py --split test    # NCBI test (reporting only)
    python scripts/eval_extraction.py --ncbi-dir ../shared/benchmarks/ncbi-disease --errors 20
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ingest.readers.jsonl import iter_json_lines

REPO = Path(__file__).resolve().parents[1]

BENCHMARK = REPO.parent / "shared" / "benchmarks" / "facial-dl-abstracts" / "abstracts.jsonl"
# Metric names as the benchmark writes them (lower case; recall is sensitivity).
_METRIC_NAMES = {"area under the curve": "auc", "auroc": "auc", "roc auc": "auc", "recall": "sensitivity",
                 "f1 score": "f1", "f1-score": "f1", "cohen's kappa": "kappa", "weighted kappa": "kappa",
                 "mean absolute error": "mae", "pearson r": "correlation", "spearman correlation": "correlation",
                 "positive predictive value": "ppv", "negative predictive value": "npv"}
SPLIT_FILES = {"train": "NCBItrainset_corpus.txt", "devel": "NCBIdevelopset_corpus.txt",
               "test": "NCBItestset_corpus.txt"}


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, predicted: set[Any], gold: set[Any]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def count(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def row(self, name: str) -> str:
        p, r, f = self.prf()
        return f"{name:<22} P {p:6.1%}  R {r:6.1%}  F1 {f:6.1%}   (tp {self.tp}, fp {self.fp}, fn {self.fn})"


def _scale(value: float | None, unit: str | None) -> float | None:
    if value is None:
        return None
    return round(value / 100.0, 4) if unit == "%" else round(value, 4)


def demo_scores(abstracts: Path, studies: Path) -> dict[str, Score]:
    from ingest.nlp.pipeline import extract_many

    curated = {s["id"]: s for _line, s in iter_json_lines(studies)}
    records = [r for _line, r in iter_json_lines(abstracts) if r["id"] in curated]
    scores: dict[str, Score] = {k: Score() for k in (
        "conditions", "genes", "architectures", "metrics", "samples", "demographics", "flags", "subgroups")}
    for out in extract_many(records):
        study = curated[out["id"]]
        scores["conditions"].add(
            {c["concept_id"] for c in out["conditions"] if c.get("mapped") and c.get("label") == "CONDITION"},
            {c["concept_id"] for c in study["conditions"] if c.get("concept_id")})
        scores["genes"].add({g["symbol"] for g in out["genes"]}, {g["symbol"] for g in study["genes"]})
        scores["architectures"].add({a["concept_id"] for a in out["architectures"] if a["concept_id"]},
                                    {a["concept_id"] for a in study["architectures"] if a.get("concept_id")})
        scores["metrics"].add(
            {(m["name"], _scale(m["value"], m["unit"]), m.get("subject", "model")) for m in out["metrics"]},
            {(m["metric"], _scale(m["value"], m["unit"]), m.get("subject", "model")) for m in study["metrics"]
             if m.get("value") is not None})
        scores["samples"].add({s["value"] for s in out["sample_sizes"]},
                              {s["value"] for s in study["samples"] if s.get("value") is not None})
        for d in study["demographics"]:
            if d.get("reported") is None:
                continue
            predicted = out["demographics_reported"].get(d["attribute"])
            scores["demographics"].add({d["attribute"]} if predicted else set(),
                                       {d["attribute"]} if d["reported"] else set())
        for f in study["flags"]:
            if f.get("value") is None or f["name"] not in out:
                continue
            scores["flags"].add({f["name"]} if out[f["name"]] else set(), {f["name"]} if f["value"] else set())
        scores["subgroups"].add(
            {(_metric_name(r["metric"]), _scale(r["value"], r["unit"]), r["attribute"], r["group"].casefold())
             for r in out.get("subgroup_results") or [] if r["kind"] == "result"},
            {(_metric_name(m["metric"]), _scale(m["value"], m["unit"]), m["subgroup"]["attribute"],
              m["subgroup"]["value"].casefold()) for m in study["metrics"] if m.get("subgroup")})
    return scores


def benchmark_subgroup_counts(path: Path, part: str) -> str:
    """How many subgroup figures and no-difference statements the extractor finds (not annotated: check by hand)."""
    from ingest.nlp.subgroups import subgroup_mentions

    figures = statements = records = 0
    for _line, r in iter_json_lines(path, input_rules=False):
        if part != "all" and benchmark_part(r["id"]) != part:
            continue
        found = subgroup_mentions(f"{r.get('title') or ''}\n{r.get('abstract') or ''}")
        records += bool(found)
        figures += sum(m.kind == "result" for m in found)
        statements += sum(m.kind == "no-difference" for m in found)
    return (f"subgroups (not annotated) {figures} figures and {statements} no-difference statements "
            f"in {records} records")


def benchmark_part(study_id: str) -> str:
    """The fixed split of the real-abstract benchmark: ``tuning`` or ``held-back`` by hashed study id."""
    digit = int(hashlib.sha256(study_id.encode("utf-8")).hexdigest()[0], 16)
    return "tuning" if digit < 0xB else "held-back"


def _metric_name(name: str) -> str:
    low = name.strip().lower()
    return _METRIC_NAMES.get(low, low)


def _match_aliases(mentions: dict[str, set[str]], gold: list[list[str]]) -> tuple[int, int, int]:
    """(tp, fp, fn) of predicted concepts (key -> surface forms) against gold alias lists."""
    gold_sets = [{a.lower() for a in aliases} for aliases in gold]
    matched: set[int] = set()
    fp = 0
    for forms in mentions.values():
        hits = {i for i, aliases in enumerate(gold_sets) if forms & aliases}
        if hits:
            matched |= hits
        else:
            fp += 1
    return len(matched), fp, len(gold_sets) - len(matched)


def _surface_forms(items: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """Predicted concepts: key (concept id, else text) -> lower-case surface forms."""
    out: dict[str, set[str]] = {}
    for item in items:
        text = item["text"].lower()
        out.setdefault(item.get("concept_id") or text, set()).add(text)
    return out


# Run inside an exported older revision: extract the benchmark records, one JSON object per line.
_BASELINE_EXTRACT = """
import json, sys
from ingest.nlp.pipeline import extract_many
records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for result in extract_many(records):
        out.write(json.dumps(result) + "\\n")
"""


def baseline_extractions(path: Path, revision: str) -> dict[str, dict[str, Any]]:
    """The extraction outputs of git ``revision``'s extractor on every benchmark record, by id."""
    with tempfile.TemporaryDirectory(prefix="facekg-baseline-") as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", revision], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        out = Path(tmp) / "out.jsonl"
        env = {**os.environ, "PYTHONPATH": str(tree)}
        subprocess.run([sys.executable, "-c", _BASELINE_EXTRACT, str(path), str(out)], cwd=tree, env=env, check=True)
        results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["id"]: r for r in results}


def benchmark_scores(path: Path, part: str,
                     extractions: dict[str, dict[str, Any]] | None = None) -> dict[str, Score]:
    """Per-field scores on one part (``tuning``/``held-back``/``all``) of the real-abstract benchmark.

    ``extractions`` (by record id) are scored instead of running the working tree's extractor.
    """
    from ingest.nlp.pipeline import extract_many

    records = [r for _line, r in iter_json_lines(path, input_rules=False)
               if part == "all" or benchmark_part(r["id"]) == part]
    scores: dict[str, Score] = {k: Score() for k in (
        "conditions", "genes", "architectures", "metrics", "samples", "demographics", "flags")}
    by_id = {r["id"]: r for r in records}
    outputs = [extractions[r["id"]] for r in records] if extractions is not None else extract_many(records)
    for out in outputs:
        gold = by_id[out["id"]]
        conditions = [c for c in out["conditions"] if c.get("label") == "CONDITION"]
        tp, fp, fn = _match_aliases(_surface_forms(conditions), gold["conditions"])
        scores["conditions"].count(tp, fp, fn)
        tp, fp, fn = _match_aliases(_surface_forms(out["architectures"]),
                                    [a["aliases"] for a in gold["architectures"]])
        scores["architectures"].count(tp, fp, fn)
        scores["genes"].add({g["symbol"] for g in out["genes"]}, set(gold["genes"]))
        scores["metrics"].add(
            {(_metric_name(m["name"]), _scale(m["value"], m["unit"]), m.get("subject") or "model")
             for m in out["metrics"]},
            {(_metric_name(m["name"]), _scale(m["value"], m["unit"]), m.get("comparator") or "model")
             for m in gold["metrics"]})
        scores["samples"].add({s["value"] for s in out["sample_sizes"]}, {s["value"] for s in gold["sample_sizes"]})
        for attribute, reported in gold["demographics_reported"].items():
            predicted = out["demographics_reported"].get(attribute)
            scores["demographics"].add({attribute} if predicted else set(), {attribute} if reported else set())
        for flag in ("external_validation", "clinician_comparison"):
            scores["flags"].add({flag} if out.get(flag) else set(), {flag} if gold.get(flag) else set())
    return scores


def read_ncbi(path: Path) -> Iterator[tuple[str, str, str, set[tuple[int, int]], dict[tuple[int, int], str]]]:
    """(pmid, title, abstract, gold spans, span -> text) per abstract."""
    title = abstract = pmid = ""
    spans: set[tuple[int, int]] = set()
    texts: dict[tuple[int, int], str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if pmid:
                    yield pmid, title, abstract, spans, texts
                title = abstract = pmid = ""
                spans, texts = set(), {}
                continue
            if "|t|" in line[:20]:
                pmid, _, title = line.split("|", 2)
            elif "|a|" in line[:20]:
                abstract = line.split("|", 2)[2]
            else:
                parts = line.split("\t")
                if len(parts) >= 4:
                    span = (int(parts[1]), int(parts[2]))
                    spans.add(span)
                    texts[span] = parts[3]
    if pmid:
        yield pmid, title, abstract, spans, texts


def ncbi_scores(path: Path, labels: Iterable[str], errors: int = 0) -> Score:
    from ingest.nlp.pipeline import build_pipeline

    nlp = build_pipeline()
    wanted = set(labels)
    score = Score()
    fps: Counter[str] = Counter()
    fns: Counter[str] = Counter()
    docs = list(read_ncbi(path))
    texts = (f"{title}\n{abstract}" for _, title, abstract, _, _ in docs)
    for (_, _, _, gold, gold_text), doc in zip(docs, nlp.pipe(texts, batch_size=64), strict=True):
        predicted = {(e.start_char, e.end_char) for e in doc.ents if e.label_ in wanted}
        score.add(predicted, gold)
        for s in predicted - gold:
            fps[doc.text[s[0]:s[1]]] += 1
        for s in gold - predicted:
            fns[gold_text[s]] += 1
    if errors:
        print(f"  most frequent false positives: {fps.most_common(errors)}")
        print(f"  most frequent false negatives: {fns.most_common(errors)}")
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo-dir", type=Path, default=REPO / "ingest" / "demo")
    parser.add_argument("--ncbi-dir", type=Path, default=REPO.parent / "shared" / "benchmarks" / "ncbi-disease")
    parser.add_argument("--split", choices=sorted(SPLIT_FILES), default="devel",
                        help="NCBI split (tune on train/devel; test is for reporting once)")
    parser.add_argument("--labels", default="CONDITION,PHENOTYPE,FINDING",
                        help="entity labels counted as disease mentions, comma-separated")
    parser.add_argument("--errors", type=int, default=0, help="print the N most frequent FP/FN strings")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-ncbi", action="store_true")
    parser.add_argument("--benchmark", type=Path, default=BENCHMARK,
                        help="annotated real abstracts (facial-dl-abstracts/abstracts.jsonl)")
    parser.add_argument("--parts", default="tuning,held-back",
                        help="benchmark parts to score: tuning, held-back, all (comma-separated)")
    parser.add_argument("--skip-benchmark", action="store_true")
    parser.add_argument("--baseline", metavar="REV",
                        help="also score git revision REV's extractor on the benchmark (before/after, same run)")
    args = parser.parse_args(argv)

    if not args.skip_demo:
        abstracts, studies = args.demo_dir / "abstracts.jsonl", args.demo_dir / "studies.jsonl"
        if abstracts.exists() and studies.exists():
            print(f"(a) demo corpus: {abstracts} vs {studies}")
            for name, score in demo_scores(abstracts, studies).items():
                print("  " + score.row(name))
        else:
            print(f"(a) demo corpus not found under {args.demo_dir}: skipped")
    from ingest.nlp.pipeline import build_pipeline

    nlp = build_pipeline()
    for variant in ("with the NER", "rulers only (baseline, same run)"):
        print(f"== {variant} ==")
        disabled = ["facekg_disease_ner"] if variant.startswith("rulers") else []
        with nlp.select_pipes(disable=disabled):  # build_pipeline() hands out this same object
            _score_ncbi_and_benchmark(args)
    return 0


def _score_ncbi_and_benchmark(args: argparse.Namespace) -> None:
    if not args.skip_ncbi:
        path = args.ncbi_dir / SPLIT_FILES[args.split]
        if not path.exists():
            print(f"(b) NCBI disease corpus not found at {path}: skipped")
        else:
            print(f"(b) NCBI disease corpus, {args.split} split, labels {args.labels}: mention-level exact span")
            score = ncbi_scores(path, args.labels.split(","), errors=args.errors)
            print("  " + score.row("disease mentions"))
    if not args.skip_benchmark:
        if not args.benchmark.exists():
            print(f"(c) real-abstract benchmark not found at {args.benchmark}: skipped")
        else:
            before = baseline_extractions(args.benchmark, args.baseline) if args.baseline else None
            for part in args.parts.split(","):
                n = sum(1 for _l, r in iter_json_lines(args.benchmark, input_rules=False)
                        if part == "all" or benchmark_part(r["id"]) == part)
                print(f"(c) real abstracts, {part} part ({n} records): {args.benchmark}")
                after = benchmark_scores(args.benchmark, part)
                old = benchmark_scores(args.benchmark, part, before) if before is not None else {}
                for name, score in after.items():
                    if name in old:
                        print("  " + old[name].row(f"{name} ({args.baseline})"))
                    print("  " + score.row(name))
                print("  " + benchmark_subgroup_counts(args.benchmark, part))


if __name__ == "__main__":
    raise SystemExit(main())
