"""Load test of ``facekg serve`` on the demo corpus, loopback only (not a test; ``make bench-load``).

    python scripts/bench_load.py [--workers N] [--clients 50] [--duration 60]

Builds a throwaway data directory as ``make demo`` does (curated records, then the
RIS and MEDLINE demo exports ingested), starts ``facekg serve`` on a free
127.0.0.1 port, first with ONE worker (the baseline) and then with ``--workers``
(default: one per CPU), and drives ``--clients`` concurrent keep-alive clients for
``--duration`` seconds each over a fixed mix of every read endpoint. Prints, per
run, requests per second in all and per endpoint the count, p50, p99 and errors
(any status other than 200, or a transport failure). The load generator runs on
the same machine and takes CPU from the server: the figures are what one machine
does for both. Rate limits are switched off for the run (one loopback address
would be limited to 30 pictures a minute); pictures are drawn once per revision
and kept, so after the first request they cost what a cache hit costs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "ingest" / "demo"
FACEKG = Path(sys.executable).parent / "facekg"


def mix(study: str, condition: str) -> dict[str, str]:
    """Endpoint name -> URL: every read operation of the API once, and three website pages."""
    return {
        "healthz": "/healthz",
        "studies": "/v1/studies",
        "studies?filter": "/v1/studies?cause=GeneRelated&deep_learning=true",
        "study": f"/v1/studies/{study}",
        "conditions": "/v1/conditions",
        "condition": f"/v1/conditions/{condition}",
        "causes": "/v1/causes",
        "updates": "/v1/updates",
        "ontology": "/v1/ontology",
        "gaps/evidence": "/v1/gaps/evidence",
        "gaps/bias-reporting": "/v1/gaps/bias-reporting",
        "gaps/bias-ledger": "/v1/gaps/bias-reporting/studies",
        "gaps/map": "/v1/gaps/map",
        "gaps/map.svg": "/v1/gaps/map?format=svg",
        "synthesis/meta-analysis": "/v1/synthesis/meta-analysis",
        "synthesis/clinicians": "/v1/synthesis/model-vs-clinicians",
        "synthesis/subgroups": "/v1/synthesis/subgroups",
        "synthesis/prisma": "/v1/synthesis/prisma",
        "synthesis/characteristics": "/v1/synthesis/characteristics",
        "exports": "/v1/exports",
        "exports/jsonld": "/v1/exports/jsonld",
        "overview": "/v1/overview",
        "page /": "/",
        "page /studies": "/studies",
        "page /gaps": "/gaps",
    }


JSON_EXCLUDED = {"gaps/map.svg", "ontology", "exports/jsonld", "page /", "page /studies", "page /gaps"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_demo(data_dir: Path, env: dict[str, str]) -> None:
    for args in (["load", str(DEMO / "studies.jsonl")], ["ingest", str(DEMO / "demo.ris"), str(DEMO / "demo.nbib")]):
        subprocess.run([str(FACEKG), *args], env=env, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def server(workers: int, env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen([str(FACEKG), "serve", "--host", "127.0.0.1", "--port", str(port),
                                    "--workers", str(workers)], env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                sys.exit(f"error: facekg serve exited with {process.returncode}; see {log}")
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                sys.exit("error: facekg serve did not answer /healthz within 120 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


async def drive(base: str, urls: dict[str, str], clients: int, duration: float, seed: int
                ) -> tuple[float, dict[str, list[float]], dict[str, int]]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    names = list(urls)
    stop = time.monotonic() + duration

    async def client(index: int) -> None:
        rng = random.Random(seed + index)
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
            while time.monotonic() < stop:
                name = rng.choice(names)
                started = time.perf_counter()
                try:
                    response = await http.get(urls[name])
                    await response.aread()
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies[name].append(time.perf_counter() - started)
                if not ok:
                    errors[name] += 1

    began = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return time.monotonic() - began, latencies, errors


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def report(title: str, elapsed: float, latencies: dict[str, list[float]], errors: dict[str, int]) -> None:
    total = sum(len(v) for v in latencies.values())
    json_all = [x for name, v in latencies.items() if name not in JSON_EXCLUDED for x in v]
    print(f"\n### {title}: {total / elapsed:.0f} req/s ({total} requests in {elapsed:.0f} s), "
          f"{sum(errors.values())} errors, JSON reads p50 {percentile(json_all, 0.5):.0f} ms, "
          f"p99 {percentile(json_all, 0.99):.0f} ms\n")
    print("| endpoint | requests | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for name in sorted(latencies):
        values = latencies[name]
        print(f"| {name} | {len(values)} | {percentile(values, 0.5):.1f} | {percentile(values, 0.99):.1f} | "
              f"{errors.get(name, 0)} |")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: CPUs)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per run (default 60)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before measuring (default 5)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the single-worker run")
    args = parser.parse_args()
    if args.clients < 1 or args.clients > 500 or args.duration <= 0 or args.workers < 1:
        sys.exit("error: --clients must be 1-500, --duration positive, --workers at least 1")
    work = Path(tempfile.mkdtemp(prefix="facekg-bench-load-"))
    try:
        env = {**os.environ, "FACEKG_DATA_DIR": str(work / "data"), "FACEKG_BACKEND": "memory",
               "FACEKG_CACHE_DIR": os.environ.get("FACEKG_CACHE_DIR", str(work / "cache")),
               "FACEKG_RATE_PICTURES": "0", "FACEKG_RATE_UNIVERSE": "0"}
        print(f"building the demo data directory in {work} ...", flush=True)
        build_demo(work / "data", env)
        runs = ([] if args.no_baseline or args.workers == 1 else [1]) + [args.workers]
        print(f"{args.clients} clients, {args.duration:.0f} s per run, {os.cpu_count()} CPUs; "
              f"load generator on the same machine", flush=True)
        for workers in runs:
            with server(workers, env, work / f"serve-{workers}.log") as base:
                study = httpx.get(base + "/v1/studies?limit=1").json()["data"][0]["id"]
                condition = httpx.get(base + "/v1/conditions?limit=1").json()["data"][0]["id"]
                urls = mix(study, condition)
                if args.warmup > 0:
                    asyncio.run(drive(base, urls, args.clients, args.warmup, seed=1))
                elapsed, latencies, errors = asyncio.run(drive(base, urls, args.clients, args.duration, seed=2))
                report(f"{workers} worker{'s' if workers > 1 else ''}", elapsed, latencies, errors)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
