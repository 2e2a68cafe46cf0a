"""Time each whole-graph export and its re-import on the demo corpus, beside the JSONL export as baseline.

Loads the demo corpus as ``make run`` does into a throwaway data directory, then
for each format prints the size, the median export and import time over
``--repeats`` runs, and the ratio to the JSONL export measured in the same run:

    .venv/bin/python scripts/bench_exports.py [--repeats 3]

``--studies N`` measures a synthetic review of N studies instead (scripts/synthetic_corpus.py, loaded with
``facekg load``'s loader), and ``--no-import`` leaves the re-imports out (rdflib parses a large export slowly).
The Turtle and JSON-LD exports are streamed one study at a time; each row also gives the process's peak RSS
so far (VmHWM), which a whole-review build would raise.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from synthetic_corpus import write_corpus  # noqa: E402

from graph.exports import FORMATS  # noqa: E402
from graph.sqlite_store import SqliteStore  # noqa: E402
from ingest.load import load_records  # noqa: E402
from ingest.pipeline import ingest_files  # noqa: E402
from ingest.structured import read_study_records  # noqa: E402
from ontology import load_ontology  # noqa: E402

DEMO = ROOT / "ingest" / "demo"


def median_seconds(action: object, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--studies", type=int, help="a synthetic review of this many studies, not the demo corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-import", action="store_true", help="time the exports only")
    args = parser.parse_args()
    ontology = load_ontology()
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "data")
        if args.studies:
            corpus = Path(tmp) / "corpus.jsonl"
            write_corpus(corpus, studies=args.studies, seed=args.seed)
            load_records(store, read_study_records(corpus), ontology, source="synthetic corpus")
            name = f"synthetic corpus (seed {args.seed})"
        else:
            load_records(store, read_study_records(DEMO / "studies.jsonl"), ontology, source="curated demo records")
            ingest_files(store, ontology, [DEMO / "demo.ris", DEMO / "demo.nbib"])
            name = "demo corpus"
        studies = facts = 0
        for study in store.studies():
            studies += 1
            facts += sum(len(f) for f in study.fact_lists().values())
        print(
            f"{name}: {studies} studies, {facts} facts, {len(store.review_updates())} review updates; "
            f"median of {args.repeats} runs; peak RSS after loading {peak_rss_mb():.0f} MB"
        )
        baseline, _ = median_seconds(lambda: FORMATS["jsonl"].write(store, ontology), args.repeats)
        print(f"baseline: the JSONL export takes {baseline:.3f} s")
        print(
            f"{'format':8} {'bytes':>12} {'export s':>9} {'x jsonl':>8} {'ms/study':>9} {'import s':>9} "
            f"{'x jsonl':>8} {'peak MB':>8}"
        )
        for name, chosen in FORMATS.items():
            seconds, data = median_seconds(lambda c=chosen: c.write(store, ontology), args.repeats)
            read = chosen.read
            imported = (
                median_seconds(lambda r=read, d=data, n=name: r(d, n), args.repeats)[0]  # type: ignore[misc]
                if read is not None and not args.no_import
                else None
            )
            print(
                f"{name:8} {len(data):>12,} {seconds:>9.2f} {seconds / baseline:>8.1f} "  # type: ignore[arg-type]
                f"{1000 * seconds / max(studies, 1):>9.2f} "
                + (f"{imported:>9.2f} {imported / baseline:>8.1f}" if imported is not None else f"{'-':>9} {'-':>8}")
                + f" {peak_rss_mb():>8.0f}"
            )


if __name__ == "__main__":
    main()
