"""Simulated screening: how much work the active-learning order saves over random order.

The labelled pool is built from what the project has, read at run time:
relevant records are the demo corpus's own-words abstracts (``ingest/demo/
abstracts.jsonl``, 85 deep-learning facial-analysis studies), irrelevant ones
the NCBI disease corpus's train abstracts (``../shared/benchmarks/ncbi-disease``,
593 PubMed abstracts about diseases, none about deep-learning face analysis).
Every order screens the whole pool; the script prints WSS@95 (work saved over
sampling at 95% recall), records screened to 95% recall, recall after 10% and
25% of the pool, and where the stopping rule stops with the recall it reached,
for random order (median over seeds, the baseline, measured in the same run),
the protocol rules alone, and active learning with naive Bayes and with
logistic regression. ``--relevant K`` also runs pools with only K relevant
records (drawn at random, repeated), nearer the prevalence of a real search.

What it can show: that the ranker learns from decisions and that the stopping
rule's recall is measured, not assumed. What it cannot: the two sources differ
in topic and in style (one written by this project from facts, one by many
authors decades ago), so the pool is far easier to separate than a real search
export, where excluded records are near misses (deep learning on retinal
images, face recognition for security). Read the figures as an upper bound.

    python scripts/simulate_screening.py [--ncbi-dir DIR] [--relevant 20 --repeats 5] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from review.prioritise import (
    Classifier,
    PoolRecord,
    ScreeningRanker,
    StoppingRule,
    at_stop,
    recall_curve,
    screened_to_recall,
    simulate,
    wss,
)

REPO = Path(__file__).resolve().parent.parent
DEMO_ABSTRACTS = REPO / "ingest" / "demo" / "abstracts.jsonl"
NCBI_TRAIN = "NCBItrainset_corpus.txt"


def read_demo(path: Path) -> Iterator[PoolRecord]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                item = json.loads(line)
                yield PoolRecord.of(f"demo:{item['id']}", item["title"], item.get("abstract") or "")


def read_ncbi_abstracts(path: Path) -> Iterator[PoolRecord]:
    """Title and abstract of each document in a PubTator-format NCBI disease file (a repeated PMID once)."""
    titles: dict[str, str] = {}
    seen: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            pmid, kind, text = (line.rstrip("\n").split("|", 2) + ["", ""])[:3]
            if kind == "t":
                titles[pmid] = text
            elif kind == "a" and pmid not in seen:
                seen.add(pmid)
                yield PoolRecord.of(f"ncbi:{pmid}", titles.pop(pmid, ""), text)


def measure(name: str, orders: Sequence[list[bool]], rule: StoppingRule, seconds: float) -> dict[str, object]:
    """Median figures over one or more screening orders."""
    def median(values: list[float]) -> float:
        return float(statistics.median(values))

    n = len(orders[0])
    stops = [at_stop(order, rule) for order in orders]
    curves = [recall_curve(order) for order in orders]
    return {
        "order": name, "runs": len(orders),
        "wss95": median([wss(order) for order in orders]),
        "screened_to_95": median([float(screened_to_recall(order)) for order in orders]),
        "recall_at_10pct": median([curve[max(0, round(0.10 * n) - 1)] for curve in curves]),
        "recall_at_25pct": median([curve[max(0, round(0.25 * n) - 1)] for curve in curves]),
        "stop_screened": median([float(screened) for screened, _recall in stops]),
        "stop_recall": median([recall for _screened, recall in stops]),
        "seconds": seconds,
        "curve": curves[0] if len(orders) == 1 else [median([c[i] for c in curves]) for i in range(n)],
    }


def run(pool: list[PoolRecord], relevant: set[str], rule: StoppingRule, seeds: int, batch: int,
        classifiers: Sequence[Classifier]) -> list[dict[str, object]]:
    results = []
    started = time.perf_counter()
    randoms = [simulate(None, pool, relevant, seed=seed) for seed in range(seeds)]
    results.append(measure(f"random (median of {seeds})", randoms, rule, time.perf_counter() - started))
    started = time.perf_counter()
    rules_only = ScreeningRanker(pool).rank({})
    results.append(measure("protocol rules only", [[rid in relevant for rid in rules_only]], rule,
                           time.perf_counter() - started))
    for classifier in classifiers:
        started = time.perf_counter()
        order = simulate(ScreeningRanker(pool, classifier), pool, relevant, batch=batch)
        results.append(measure(f"active learning, {classifier}", [order], rule, time.perf_counter() - started))
    # The model on its own: a shuffled cold start instead of the rules, over several seeds.
    started = time.perf_counter()
    orders = [simulate(ScreeningRanker(pool, classifiers[0], cold_start="random", seed=seed), pool, relevant,
                       batch=batch) for seed in range(min(seeds, 5))]
    results.append(measure(f"{classifiers[0]}, random cold start ({len(orders)})", orders, rule,
                           time.perf_counter() - started))
    return results


def print_table(title: str, results: list[dict[str, object]]) -> None:
    print(f"\n{title}", flush=True)
    print(f"{'order':<34} {'WSS@95':>7} {'n@95%':>6} {'rec@10%':>8} {'rec@25%':>8} {'stop at':>8} "
          f"{'rec@stop':>9} {'s':>6}")
    for item in results:
        print(f"{item['order']:<34} {item['wss95']:>7.3f} {item['screened_to_95']:>6.0f} "
              f"{item['recall_at_10pct']:>8.3f} {item['recall_at_25pct']:>8.3f} {item['stop_screened']:>8.0f} "
              f"{item['stop_recall']:>9.3f} {item['seconds']:>6.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ncbi-dir", type=Path, default=REPO.parent / "shared" / "benchmarks" / "ncbi-disease")
    parser.add_argument("--seeds", type=int, default=25, help="random orders for the baseline")
    parser.add_argument("--batch", type=int, default=1, help="records screened between retrainings")
    parser.add_argument("--stop-after", type=int, default=50, help="stopping rule: irrelevant records in a row")
    parser.add_argument("--relevant", type=int, default=0, help="also run pools with only this many relevant")
    parser.add_argument("--repeats", type=int, default=5, help="pools drawn for --relevant")
    parser.add_argument("--out", type=Path, help="write the figures and recall curves (JSON) here")
    args = parser.parse_args()
    ncbi = args.ncbi_dir / NCBI_TRAIN
    if not ncbi.exists():
        print(f"NCBI disease corpus not found at {ncbi}: pass --ncbi-dir", file=sys.stderr)
        return 2
    relevant_pool = list(read_demo(DEMO_ABSTRACTS))
    irrelevant_pool = list(read_ncbi_abstracts(ncbi))
    rule = StoppingRule(consecutive_irrelevant=args.stop_after)
    pool = relevant_pool + irrelevant_pool
    relevant = {record.id for record in relevant_pool}
    print(f"pool: {len(pool)} records, {len(relevant)} relevant (demo corpus, own words), "
          f"{len(irrelevant_pool)} irrelevant (NCBI disease train); prevalence {len(relevant) / len(pool):.1%}")
    print(f"stopping rule: {rule.consecutive_irrelevant} irrelevant in a row; retrain every {args.batch} record(s)")
    suggested = {s: sum(r.suggestion == s for r in pool if r.id in relevant) for s in ("include", "unsure", "exclude")}
    print(f"rules on the relevant records: {suggested}")
    report: dict[str, object] = {"full": run(pool, relevant, rule, args.seeds, args.batch,
                                             ("naive-bayes", "logistic"))}
    print_table(f"full pool (N={len(pool)})", report["full"])  # type: ignore[arg-type]
    if args.relevant:
        drawn: list[list[dict[str, object]]] = []
        for repeat in range(args.repeats):
            chosen = random.Random(1000 + repeat).sample(relevant_pool, args.relevant)
            sub_pool = chosen + irrelevant_pool
            drawn.append(run(sub_pool, {r.id for r in chosen}, rule, args.seeds, args.batch, ("naive-bayes",)))
        summary = []
        for index, first in enumerate(drawn[0]):
            runs = [results[index] for results in drawn]
            summary.append({key: (statistics.median([float(r[key]) for r in runs])  # type: ignore[arg-type]
                                  if isinstance(first[key], float) else first[key])
                            for key in first if key != "curve"})
        report["subsampled"] = summary
        print_table(f"{args.repeats} pools with {args.relevant} relevant of {args.relevant + len(irrelevant_pool)} "
                    f"(prevalence {args.relevant / (args.relevant + len(irrelevant_pool)):.1%}; medians)", summary)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "simulate_screening.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
        print(f"\nwrote {args.out / 'simulate_screening.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
