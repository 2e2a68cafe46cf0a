"""Load synthetic studies into the graph stores and report studies per second (not a test).

    NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=... python scripts/bench_store.py --sizes 10000,100000

For every size: Neo4j through ``Neo4jStore.write`` in batches, next to ONE raw
``UNWIND $rows CREATE (:BenchStudy {...})`` of the same number of flat rows in
the same run (the ratio says what the graph shape, MERGE on keys, edges and the
one-transaction replace semantics cost over a bare insert); then the embedded
store in memory only (``data_dir=None``) and persisted to a file. The embedded
store applies every write to a copy of the whole graph (and then rewrites the
whole file), so its figure falls as the graph grows; it is skipped above
``--memory-max``. Sizes up to
``--repeat-max`` are measured ``--runs`` times and the median is printed.

The generator draws realistic fact counts per study from a seeded RNG: 1-2
conditions, 0-3 genes, 1-4 architectures, 2-8 metric results, 1-2 samples,
5 demographic reports, 2 flags; about one mention in ten is unmapped.
WARNING: the Neo4j database named by NEO4J_DATABASE is cleared.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

from neo4j.exceptions import TransientError

from facekg.errors import ConfigError
from facekg.records import (
    DEMOGRAPHIC_ATTRIBUTES,
    ArchitectureFact,
    ConditionFact,
    DemographicReport,
    Evidence,
    GeneFact,
    MetricResult,
    Provenance,
    ReviewUpdate,
    SampleFact,
    StudyFlag,
    StudyRecord,
)
from facekg.settings import load_settings
from graph.neo4j_connect import connect
from graph.neo4j_store import Neo4jStore
from graph.networkx_store import NetworkxStore
from graph.store import GraphStore

CONDITIONS = [f"condition_{i}" for i in range(60)]
ARCHITECTURES = [f"architecture_{i}" for i in range(25)]
GENES = ["NIPBL", "SMC1A", "SMC3", "RAD21", "HDAC8", "BRD4", "ANKRD11", "DVL3", "MECP2", "GNAL", "PTPN11",
         "SOS1", "RAF1", "KRAS", "FGFR2", "TWIST1", "KMT2D", "KDM6A", "CHD7", "TCOF1"]
METRICS = [("accuracy", "accuracy"), ("sensitivity", "sensitivity"), ("specificity", "specificity"),
           ("AUC", "auc"), ("F1", "f1"), ("top-10 accuracy", "top_10_accuracy"), ("kappa", None)]
UNMAPPED_NAMES = ["odd facies", "facial asymmetry", "unusual gestalt", "craniofacial anomaly",
                  "rare syndrome"]

RAW_CREATE = """
UNWIND $rows AS row
CREATE (:BenchStudy {key: row.key, id: row.id, title: row.title, year: row.year, doi: row.doi,
                     pmid: row.pmid, retracted: row.retracted, is_deep_learning: row.is_deep_learning})
"""


def synthetic_study(rng: random.Random, index: int, update_id: str) -> StudyRecord:
    """One study with fact counts drawn like those of the real corpus."""
    def provenance() -> Provenance:
        if rng.random() < 0.7:
            start = rng.randrange(0, 400)
            return Provenance(source="extracted", extractor_version="bench-1",
                              evidence=Evidence(text="mention", start=start, end=start + 7))
        return Provenance(source="curated", reviewer="r1")

    def concept(pool: list[str]) -> tuple[str, str | None]:
        if rng.random() < 0.1:
            return rng.choice(UNMAPPED_NAMES), None
        concept_id = rng.choice(pool)
        return concept_id.replace("_", " "), concept_id

    study_id = f"bench-{index:07d}"
    year = rng.randrange(2015, 2026)
    conditions = dict(concept(CONDITIONS) for _ in range(rng.randint(1, 2)))
    architectures = dict(concept(ARCHITECTURES) for _ in range(rng.randint(1, 4)))
    return StudyRecord(
        id=study_id, title=f"Deep learning facial analysis study {index}", year=year,
        abstract=" ".join(rng.choice(["faces", "photographs", "syndrome", "network", "accuracy", "clinic"])
                          for _ in range(120)),
        doi=f"10.9999/bench.{index}" if rng.random() < 0.8 else None,
        pmid=str(30_000_000 + index) if rng.random() < 0.6 else None,
        authors=["Author A", "Author B"], journal="Bench J", retracted=rng.random() < 0.01,
        is_deep_learning=rng.random() < 0.9, review_update=update_id,
        conditions=[ConditionFact(name=name, concept_id=cid, provenance=provenance())
                    for name, cid in conditions.items()],
        genes=[GeneFact(symbol=symbol, provenance=provenance())
               for symbol in rng.sample(GENES, rng.randint(0, 3))],
        architectures=[ArchitectureFact(name=name, concept_id=cid, is_deep_learning=True,
                                        provenance=provenance()) for name, cid in architectures.items()],
        metrics=[MetricResult(metric=name, metric_id=mid, value=round(rng.uniform(60, 99), 1), unit="%",
                              ci_low=None, ci_high=None, provenance=provenance())
                 for name, mid in (rng.choice(METRICS) for _ in range(rng.randint(2, 8)))],
        samples=[SampleFact(value=rng.randint(20, 20_000), unit=rng.choice(["participants", "images"]),
                            provenance=provenance()) for _ in range(rng.randint(1, 2))],
        demographics=[DemographicReport(attribute=attribute, reported=rng.choice([True, False, None]),
                                        provenance=provenance()) for attribute in DEMOGRAPHIC_ATTRIBUTES],
        flags=[StudyFlag(name="external_validation", value=rng.choice([True, False, None])),
               StudyFlag(name="clinician_comparison", value=rng.choice([True, False]))],
    )


def corpus(size: int, seed: int) -> tuple[list[StudyRecord], ReviewUpdate]:
    rng = random.Random(seed)
    update = ReviewUpdate(id="bench", created_at="2026-01-01T00:00:00+00:00", source="bench_store.py")
    return [synthetic_study(rng, i, update.id) for i in range(size)], update


def load(store: GraphStore, records: list[StudyRecord], update: ReviewUpdate, batch: int) -> float:
    """Seconds to write every record, ``batch`` studies per write."""
    start = time.perf_counter()
    for offset in range(0, len(records), batch):
        store.write(records[offset:offset + batch], update)
    return time.perf_counter() - start


def raw_insert(store: Neo4jStore, records: list[StudyRecord], chunk: int | None = None) -> float:
    """Seconds for ONE ``UNWIND $rows CREATE`` of all rows, or one auto-committed statement per ``chunk``."""
    # The study's scalar properties without the abstract: 100k rows with abstracts exceed the
    # transaction memory limit (70% of the 512m heap) in one statement.
    rows = [{"key": f"bench:{r.id}", "id": r.id, "title": r.title, "year": r.year, "doi": r.doi,
             "pmid": r.pmid, "retracted": r.retracted, "is_deep_learning": r.is_deep_learning}
            for r in records]
    driver = store._driver  # the benchmark measures the same connection the store uses
    step = chunk or len(rows)
    start = time.perf_counter()
    for offset in range(0, len(rows), step):
        driver.execute_query(RAW_CREATE, {"rows": rows[offset:offset + step]}, database_=store.database)
    return time.perf_counter() - start


def median_of(runs: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    times = [measure() for _ in range(runs)]
    return statistics.median(times), times


def bench_size(size: int, args: argparse.Namespace, neo4j_store: Neo4jStore | None) -> None:
    """Measure every backend on ``size`` synthetic studies and print one line each."""
    gen_start = time.perf_counter()
    records, update = corpus(size, args.seed)
    facts = sum(len(items) for r in records for items in r.fact_lists().values())
    print(f"{size:>8}  generated in {time.perf_counter() - gen_start:.1f} s "
          f"({facts / size:.1f} facts per study)", flush=True)
    runs = args.runs if size <= args.repeat_max else 1
    note = f"median of {runs}" if runs > 1 else "1 run"

    def report(backend: str, seconds: float, extra: str = "") -> None:
        print(f"{size:>8}  {backend:<34} {seconds:>9.2f} {size / seconds:>10.0f}  {note}{extra}",
              flush=True)

    if neo4j_store is not None:
        store = neo4j_store

        def neo4j_run() -> float:
            store.clear()
            return load(store, records, update, args.batch)

        raw_chunk: list[int | None] = [None]

        def raw_run() -> float:
            store.clear()
            try:
                return raw_insert(store, records, raw_chunk[0])
            except TransientError:
                # One statement of this many rows exceeds the server's transaction memory (512m heap).
                raw_chunk[0] = 10_000
                store.clear()
                return raw_insert(store, records, raw_chunk[0])

        store_s, _ = median_of(runs, neo4j_run)
        stats = store.stats()
        report(f"neo4j Neo4jStore.write (batch {args.batch})", store_s,
               f"; {sum(stats.nodes.values())} nodes, {sum(stats.edges.values())} edges")
        raw_s, _ = median_of(runs, raw_run)
        store.clear()
        raw_label = ("neo4j raw UNWIND CREATE (flat rows)" if raw_chunk[0] is None
                     else f"neo4j raw UNWIND CREATE x{raw_chunk[0]} rows")
        report(raw_label, raw_s,
               f"; store.write is {store_s / raw_s:.1f}x slower than the raw insert")

    if size > args.memory_max:
        print(f"{size:>8}  networkx skipped (> --memory-max {args.memory_max}): every write copies the whole "
              "graph, so loading in batches costs O(size^2)", flush=True)
        return
    memory_s, _ = median_of(runs, lambda: load(NetworkxStore(None), records, update, args.batch))
    report(f"networkx in memory (batch {args.batch})", memory_s)
    if size <= args.file_max:
        def file_run() -> float:
            with tempfile.TemporaryDirectory(prefix="facekg-bench-") as tmp:
                return load(NetworkxStore(tmp), records, update, args.batch)

        file_s, _ = median_of(runs, file_run)
        report(f"networkx with file (batch {args.batch})", file_s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated study counts")
    parser.add_argument("--batch", type=int, default=1000, help="studies per store.write")
    parser.add_argument("--runs", type=int, default=3, help="runs per size up to --repeat-max (median shown)")
    parser.add_argument("--repeat-max", type=int, default=10_000)
    parser.add_argument("--memory-max", type=int, default=10_000,
                        help="largest size for the embedded store (it copies the graph on every write)")
    parser.add_argument("--file-max", type=int, default=10_000,
                        help="largest size for the file-backed embedded store (it rewrites the file per write)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--skip-neo4j", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.sizes.split(",") if part.strip()]

    neo4j_store: Neo4jStore | None = None
    if not args.skip_neo4j:
        if not os.environ.get("NEO4J_URI"):
            print("NEO4J_URI is not set: start a server with scripts/neo4j-local.sh start, "
                  "or pass --skip-neo4j", file=sys.stderr)
            return 2
        try:
            settings = load_settings()
            password = settings.neo4j_secret()
        except ConfigError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        driver = connect(settings.neo4j_uri, settings.neo4j_user, password, max_transaction_retry_time=2.0)
        neo4j_store = Neo4jStore(driver, settings.neo4j_database)

    print(f"{'size':>8}  {'backend':<34} {'seconds':>9} {'studies/s':>10}  notes", flush=True)
    for size in sizes:
        bench_size(size, args, neo4j_store)
    if neo4j_store is not None:
        neo4j_store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
