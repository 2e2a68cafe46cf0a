"""``make bench``: load and serve synthetic reviews of 1k, 10k and 100k studies on both stores (not a test).

    BENCH_SIZES=1000,10000 make bench          # a quicker run
    python scripts/bench.py --sizes 1000 --skip-neo4j

For each size: a corpus from scripts/synthetic_corpus.py; the embedded store loaded with ``facekg load``
beside a bare SQLite insert; Neo4j loaded with ``Neo4jStore.write`` beside a raw ``UNWIND ... CREATE`` of
the same rows (scripts/bench_store_rates.py); then ``facekg serve`` on each store with 1, 8 and 50 loopback
clients beside the ``/healthz`` floor (scripts/bench_serve.py). Prints every figure beside its floor and
rewrites the "Store" section of docs/benchmarks.md (other sections are left alone). Asserts nothing.
WARNING: the Neo4j database named by NEO4J_DATABASE is cleared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

import bench_report  # noqa: E402
import bench_serve  # noqa: E402
import bench_store_rates as rates  # noqa: E402
from synthetic_corpus import write_corpus  # noqa: E402

from facekg.records import ReviewUpdate  # noqa: E402

DEFAULT_SIZES = "1000,10000,100000"


def reads_for(records_path: Path, seed: int) -> dict[str, list[str]]:
    """The measured reads, with study ids and DOIs drawn from the corpus."""
    rng = random.Random(seed)
    ids, dois = [], []
    with records_path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            ids.append(row["id"])
            if row.get("doi"):
                dois.append(row["doi"])
    return {
        "studies list": ["/v1/studies?limit=50"],
        "study detail": [f"/v1/studies/{i}" for i in rng.sample(ids, min(50, len(ids)))],
        "DOI lookup": [f"/v1/studies/doi/{d}" for d in rng.sample(dois, min(50, len(dois)))],
        "evidence gaps": ["/v1/gaps/evidence"],
        "bias ledger": ["/v1/gaps/bias-reporting/studies?limit=100"],
        "gap map": ["/v1/gaps/map"],
        "conditions": ["/v1/conditions"],
    }


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}",
            "load_start": os.getloadavg()[0]}


def bench_embedded(size: int, corpus: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    parts = rates.split_corpus(corpus, min(size, args.chunk), work / f"parts-{size}")
    data_dir = work / f"data-{size}"
    seconds, peak, each = rates.facekg_load(parts, data_dir)
    floor = statistics.median(rates.sqlite_floor(corpus, work / f"floor-{size}-{n}.sqlite3")
                              for n in range(args.runs if size <= args.repeat_max else 1))
    result = {"load_s": seconds, "floor_s": floor, "load_peak_rss_mb": peak, "file_mb":
              rates.store_size_mb(data_dir), "parts": len(parts), "last_part_s": each[-1]}
    print(f"  embedded: facekg load {seconds:.1f} s ({size / seconds:.0f} studies/s, {len(parts)} updates, "
          f"peak RSS {peak:.0f} MB, file {result['file_mb']:.0f} MB) | floor SQLite insert {floor:.2f} s "
          f"({size / floor:.0f} studies/s)", flush=True)
    return result


def bench_neo4j(size: int, corpus: Path, args: argparse.Namespace, store: Any) -> dict[str, Any]:
    from graph.ontology_rows import ontology_rows
    from ontology import load_ontology

    records = rates.read_records(corpus)
    update = ReviewUpdate(id="bench", created_at="2026-01-01T00:00:00+00:00", source="scripts/bench.py")
    batches, rows = rates.raw_rows(records, update, args.batch)
    runs = args.runs if size <= args.repeat_max else 1
    store_s, raw_s = [], []
    for _ in range(runs):  # interleaved, so a busy spell of the shared machine hits both
        raw_s.append(rates.neo4j_raw(store, batches))
        store_s.append(rates.neo4j_write(store, records, update, args.batch))
    result: dict[str, Any] = {"load_s": statistics.median(store_s), "floor_s": statistics.median(raw_s),
                              "rows": rows, "runs": runs, "batch": args.batch}
    print(f"  neo4j: Neo4jStore.write {result['load_s']:.1f} s ({size / result['load_s']:.0f} studies/s) | "
          f"floor raw UNWIND CREATE {result['floor_s']:.1f} s ({size / result['floor_s']:.0f} studies/s, "
          f"{rows / result['floor_s']:.0f} rows/s) | {result['floor_s'] / result['load_s']:.0%} of raw "
          f"(median of {runs})", flush=True)
    if size == min(args.sizes) and args.batches:
        sweep = []
        for batch in args.batches:
            sweep_batches, _rows = rates.raw_rows(records, update, batch)
            raw = rates.neo4j_raw(store, sweep_batches)
            written = rates.neo4j_write(store, records, update, batch)
            sweep.append({"batch": batch, "load_s": written, "floor_s": raw})
            print(f"    batch {batch}: store {size / written:.0f} studies/s, raw {size / raw:.0f} studies/s, "
                  f"{raw / written:.0%}", flush=True)
        result["batch_sweep"] = sweep
        rates.neo4j_write(store, records, update, args.batch)
    store.write_ontology(ontology_rows(load_ontology()))
    return result


def bench_serving(label: str, env: dict[str, str], reads: dict[str, list[str]], work: Path,
                  args: argparse.Namespace) -> dict[str, Any]:
    server = bench_serve.Server(env, work / f"serve-{label}.log", args.workers)
    try:
        print(f"  {label} serve: start-up {server.startup_s:.1f} s, {args.workers} worker(s)", flush=True)
        cold, cells = bench_serve.measure_reads(server.port, reads, args.clients, args.seconds, args.generators)
        rss = server.peak_rss_mb()
    finally:
        server.stop()
    total, largest = rss or (None, None)
    print(f"  {label} serve: peak RSS {total or 0:.0f} MB in all, {largest or 0:.0f} MB the largest process",
          flush=True)
    return {"startup_s": server.startup_s, "peak_rss_mb": total, "worker_peak_rss_mb": largest, "cold_ms": cold,
            "cells": [cell.__dict__ for cell in cells]}


def first_answers_s(port: int, reads: dict[str, list[str]]) -> dict[str, float]:
    """Seconds for the first answer of each read (computed then, for the store's new revision)."""
    return {read: bench_serve.cold_ms(port, paths[0]) / 1000 for read, paths in reads.items()}


def update_into(data_dir: Path, update: Path, reads: dict[str, list[str]], work: Path, label: str,
                workers: int) -> dict[str, Any]:
    """A review update while the API serves: ``facekg load`` of ``update``, then the first answer of each read.

    The server has answered every read before the write (answers kept for the old revision), as a living
    review's site has; the write makes them stale, and the update is done when every read answers again.
    A data directory that does not exist yet (the floor) is loaded first and served after.
    """
    env = bench_serve.serve_env(dict(os.environ), FACEKG_DATA_DIR=str(data_dir), FACEKG_BACKEND="memory")
    log = work / f"serve-update-{data_dir.name}.log"
    server = bench_serve.Server(env, log, workers) if data_dir.exists() else None
    try:
        if server is not None:
            first_answers_s(server.port, reads)
        timed = rates.run_measured([rates.FACEKG, "load", str(update)], env)
        server = server or bench_serve.Server(env, log, workers)
        answers = first_answers_s(server.port, reads)
    finally:
        if server is not None:
            server.stop()
    result = {"load_s": timed.seconds, "load_peak_rss_mb": timed.peak_rss_mb, "answers_s": answers}
    print(f"  update into {label}: facekg load {timed.seconds:.1f} s, analyses refreshed in "
          f"{sum(answers.values()):.1f} s ({', '.join(f'{k} {v:.1f}' for k, v in answers.items())})", flush=True)
    return result


def bench_update(size: int, work: Path, reads: dict[str, list[str]], args: argparse.Namespace) -> dict[str, Any]:
    """An update of ``--update-studies`` new studies into the size-``size`` graph, beside the same update into
    an empty data directory (the floor: the update's own work, with no review around it), same run."""
    update = work / f"update-{args.update_studies}.jsonl"
    if not update.exists():
        write_corpus(update, args.update_studies, args.seed + 1)  # another seed: new ids and DOIs
    empty = update_into(work / f"data-empty-{size}", update, reads, work, "an empty store", args.workers)
    into = update_into(work / f"data-{size}", update, reads, work, f"{size:,} studies", args.workers)
    return {"studies": args.update_studies, "into": into, "empty": empty}


def open_neo4j() -> Any:
    from facekg.settings import load_settings
    from graph.neo4j_connect import connect
    from graph.neo4j_store import Neo4jStore

    settings = load_settings()
    driver = connect(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_secret(), max_transaction_retry_time=30)
    return Neo4jStore(driver, settings.neo4j_database)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES") or DEFAULT_SIZES,
                        help="comma-separated study counts (default BENCH_SIZES, else 1000,10000,100000)")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--chunk", type=int, default=10_000, help="studies per facekg load (one update each)")
    parser.add_argument("--batch", type=int, default=1000, help="studies per Neo4jStore.write")
    parser.add_argument("--batches", default="250,1000,4000", help="batch sizes tried at the smallest size")
    parser.add_argument("--runs", type=int, default=3, help="runs of each load up to 10k (median shown)")
    parser.add_argument("--repeat-max", type=int, default=10_000, help="largest size measured --runs times")
    parser.add_argument("--clients", default="1,8,50")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of load per read and client count")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: CPUs)")
    parser.add_argument("--generators", type=int, default=2, help="load generator processes (default 2)")
    parser.add_argument("--update-studies", type=int, default=1000,
                        help="studies in the update written into each embedded graph after its reads")
    parser.add_argument("--skip-neo4j", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None, help="keep corpora and stores here")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    args.batches = [int(s) for s in str(args.batches).split(",") if s.strip()]
    args.clients = [int(s) for s in str(args.clients).split(",") if s.strip()]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    neo4j_store = None
    if not args.skip_neo4j:
        if not os.environ.get("NEO4J_URI"):
            print("NEO4J_URI is not set: `make bench` starts a server; or pass --skip-neo4j", file=sys.stderr)
            return 2
        neo4j_store = open_neo4j()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="facekg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "sizes": {}, "args": {
        "seed": args.seed, "chunk": args.chunk, "batch": args.batch, "seconds": args.seconds,
        "workers": args.workers, "generators": args.generators, "update_studies": args.update_studies,
        "clients": args.clients, "runs": args.runs,
        "repeat_max": args.repeat_max}}
    if neo4j_store is not None:
        results["machine"]["neo4j"] = bench_report.neo4j_version(neo4j_store)
    print(f"work directory {work}", flush=True)
    for size in args.sizes:
        corpus = work / f"corpus-{size}.jsonl"
        start = time.perf_counter()
        write_corpus(corpus, size, args.seed)
        print(f"{size} studies: corpus {corpus.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - start:.1f} s",
              flush=True)
        entry: dict[str, Any] = {"corpus_mb": corpus.stat().st_size / 1e6}
        reads = reads_for(corpus, args.seed)
        entry["embedded"] = bench_embedded(size, corpus, work, args)
        entry["embedded"]["serve"] = bench_serving(
            "embedded", bench_serve.serve_env(dict(os.environ), FACEKG_DATA_DIR=str(work / f"data-{size}"),
                                              FACEKG_BACKEND="memory"), reads, work, args)
        if args.update_studies:
            entry["embedded"]["update"] = bench_update(size, work, reads, args)
        if neo4j_store is not None:
            entry["neo4j"] = bench_neo4j(size, corpus, args, neo4j_store)
            entry["neo4j"]["serve"] = bench_serving(
                "neo4j", bench_serve.serve_env(dict(os.environ), FACEKG_BACKEND="neo4j"), reads, work, args)
        results["sizes"][str(size)] = entry
        (work / "results.json").write_text(json.dumps(results, indent=2))
    results["machine"]["load_end"] = os.getloadavg()[0]
    (work / "results.json").write_text(json.dumps(results, indent=2))
    if neo4j_store is not None:
        neo4j_store.close()
    section = bench_report.store_section(results)
    print(section)
    bench_report.write_section(args.doc, section)
    print(f"results in {work / 'results.json'}; the Store section of {args.doc} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
