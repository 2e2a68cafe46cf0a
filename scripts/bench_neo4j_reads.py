"""Kept reads served from Neo4j, this checkout beside a baseline git ref, same data, same run (not a test).

    NEO4J_URI=bolt://... NEO4J_PASSWORD=... python scripts/bench_neo4j_reads.py --studies 1000 --baseline-ref main

Writes a synthetic corpus (scripts/synthetic_corpus.py), loads it into the Neo4j database that
``NEO4J_URI`` / ``NEO4J_DATABASE`` name with ``facekg load`` (WARNING: that database is cleared first),
then serves it with the baseline's code and with this checkout's (``--workers`` processes each) and drives
the reads of ``make bench`` (scripts/bench.py) and the ``/healthz`` floor with 1, 8 and 50 keep-alive
loopback clients (scripts/bench_serve.py). Prints req/s, p50 and p99 per read, client count and code.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_load
import bench_serve
from bench import reads_for

ROOT = Path(__file__).resolve().parent.parent
FACEKG = str(Path(sys.executable).parent / "facekg")


def load_into_neo4j(corpus: Path, env: dict[str, str], chunk: int) -> None:
    """Clear the database, then ``facekg load`` the corpus ``chunk`` studies at a time (one update each:
    one transaction of 10,000 studies outgrows a small server's transaction memory)."""
    clear = ("from facekg.runtime import open_store; from facekg.settings import load_settings; "
             "s = open_store(load_settings()); s.clear(); s.close()")
    subprocess.run([sys.executable, "-c", clear], env=env, check=True, cwd=ROOT)
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    for start in range(0, len(lines), chunk):
        part = corpus.with_suffix(f".{start // chunk}.jsonl")
        part.write_text("".join(lines[start:start + chunk]), encoding="utf-8")
        subprocess.run([FACEKG, "load", str(part)], env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-ref", default="main", help="git ref served first ('' for none)")
    parser.add_argument("--clients", default="1,8,50")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of load per cell")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=1000, help="studies per facekg load")
    parser.add_argument("--generators", type=int, default=2)
    parser.add_argument("--reads", default="", help="comma-separated read names (default: all)")
    args = parser.parse_args()
    if not os.environ.get("NEO4J_URI"):
        print("NEO4J_URI is not set (scripts/neo4j-local.sh start prints one)", file=sys.stderr)
        return 2
    clients = [int(n) for n in args.clients.split(",") if n.strip()]
    work = Path(tempfile.mkdtemp(prefix="facekg-bench-neo4j-reads-"))
    corpus = work / f"corpus-{args.studies}.jsonl"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "synthetic_corpus.py"), "--studies", str(args.studies),
                    "--seed", str(args.seed), "--out", str(corpus)], check=True, stdout=subprocess.DEVNULL)
    env = bench_serve.serve_env(dict(os.environ), FACEKG_BACKEND="neo4j", FACEKG_DATA_DIR=str(work / "data"))
    (work / "data").mkdir()
    load_into_neo4j(corpus, env, args.chunk)
    reads = reads_for(corpus, args.seed)
    if args.reads:
        reads = {name: paths for name, paths in reads.items() if name in args.reads.split(",")}
    runs: list[tuple[str, Path]] = []
    if args.baseline_ref:
        runs.append((f"baseline {args.baseline_ref}", bench_load.old_tree(args.baseline_ref, work / "baseline")))
    runs.append(("this checkout", ROOT))  # the same launcher as the baseline
    print(f"{args.studies} studies in Neo4j; {args.workers} worker(s); {os.cpu_count()} CPUs; "
          f"{args.seconds:.0f} s per cell; clients and server on the same machine", flush=True)
    try:
        for index, (title, tree) in enumerate(runs):
            print(f"== {title}", flush=True)
            with bench_load.server(args.workers, env, work / f"serve-{index}.log", tree) as base:
                port = int(base.rsplit(":", 1)[1])
                bench_serve.measure_reads(port, reads, clients, args.seconds, args.generators)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
