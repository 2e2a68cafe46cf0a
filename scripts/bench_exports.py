"""Time each whole-graph export and its re-import on the demo corpus, beside the JSONL export as baseline.

Loads the demo corpus as ``make run`` does into a throwaway data directory, then
for each format prints the size, the median export and import time over
``--repeats`` runs, and the ratio to the JSONL export measured in the same run:

    .venv/bin/python scripts/bench_exports.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ontology = load_ontology()
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "data")
        load_records(store, read_study_records(DEMO / "studies.jsonl"), ontology, source="curated demo records")
        ingest_files(store, ontology, [DEMO / "demo.ris", DEMO / "demo.nbib"])
        studies = list(store.studies())
        facts = sum(len(f) for s in studies for f in s.fact_lists().values())
        print(f"demo corpus: {len(studies)} studies, {facts} facts, {len(store.review_updates())} review updates; "
              f"median of {args.repeats} runs")
        baseline, _ = median_seconds(lambda: FORMATS["jsonl"].write(store, ontology), args.repeats)
        print(f"baseline: the JSONL export takes {baseline:.3f} s")
        print(f"{'format':8} {'bytes':>10} {'export s':>9} {'x jsonl':>8} {'import s':>9} {'x jsonl':>8}")
        for name, chosen in FORMATS.items():
            seconds, data = median_seconds(lambda c=chosen: c.write(store, ontology), args.repeats)
            read = chosen.read
            imported = (median_seconds(lambda r=read, d=data, n=name: r(d, n), args.repeats)[0]  # type: ignore[misc]
                        if read is not None else None)
            print(f"{name:8} {len(data):>10,} {seconds:>9.2f} {seconds / baseline:>8.1f} "  # type: ignore[arg-type]
                  + (f"{imported:>9.2f} {imported / baseline:>8.1f}" if imported is not None else f"{'-':>9} {'-':>8}"))


if __name__ == "__main__":
    main()
