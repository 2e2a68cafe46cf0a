"""Load test of ``facekg serve`` on the demo corpus, loopback only (not a test; ``make bench-load``).

    python scripts/bench_load.py [--workers N] [--clients 50] [--duration 60] [--baseline-ref main]

Builds a throwaway data directory as ``make demo`` does (curated records, then the
RIS and MEDLINE demo exports ingested), starts ``facekg serve --no-access-log`` on a free
127.0.0.1 port with ``--workers`` (default: one per CPU), and drives ``--clients``
concurrent keep-alive clients for ``--duration`` seconds over a fixed mix of every
read endpoint. Prints, per run, requests per second in all and per endpoint the
count, p50, p99 and errors (any status other than 200, or a transport failure).

Before measuring, every URL is asked a few times (each answer is built once per revision,
then kept; the first build of an export takes seconds) and ``--warmup`` seconds of load
are run unmeasured. Baselines in the same run: ``--floor`` first drives ``/healthz`` alone (what the
server and generator do per request at best), and ``--baseline-ref REF`` first
serves the same data with the code of git ref REF (``git archive``, run by uvicorn
with this venv). The load generator runs on the same machine in ``--generators``
processes (each with asyncio clients on plain keep-alive HTTP/1.1 streams: a client library
like httpx costs more CPU per request than the server does, see docs/benchmarks.md) and
prints the CPU it used: the figures are what one machine does for both. Rate limits
are switched off for the run (one loopback address would be limited to 30 pictures
a minute).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
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


def serve_command(workers: int, port: int, tree: Path | None) -> list[str]:
    """``facekg serve`` of this checkout, or uvicorn on the app of an older ``tree`` (same venv)."""
    if tree is None:
        return [str(FACEKG), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                "--no-access-log"]
    return [sys.executable, "-m", "uvicorn", "api.app:app_from_environment", "--factory", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--no-access-log"]


def old_tree(ref: str, into: Path) -> Path:
    """The files of git ref ``ref`` (to serve as the baseline), unpacked under ``into``."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


@contextmanager
def server(workers: int, env: dict[str, str], log: Path, tree: Path | None = None) -> Iterator[str]:
    port = free_port()
    run_env = env if tree is None else {**env, "PYTHONPATH": str(tree)}
    with log.open("w") as out:
        process = subprocess.Popen(serve_command(workers, port, tree), env=run_env, cwd=tree or ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
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


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: a GET, then the whole answer read.

    Deliberately small (no redirects, no decompression: ``Accept-Encoding: gzip`` bodies are counted,
    not inflated), so the generator spends its CPU on sending and reading, not on a client library.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\nAccept-Encoding: gzip\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        if headers.get("connection") == "close":
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def drive(
    base: str, urls: dict[str, str], clients: int, duration: float, seed: int
) -> tuple[float, dict[str, list[float]], dict[str, int]]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    names = list(urls)
    stop = time.monotonic() + duration
    host, port = base.removeprefix("http://").split(":")

    async def client(index: int) -> None:
        rng = random.Random(seed + index)
        connection = Connection(host, int(port))
        try:
            while time.monotonic() < stop:
                name = rng.choice(names)
                started = time.perf_counter()
                try:
                    ok = await asyncio.wait_for(connection.get(urls[name]), 30) == 200
                except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    ok = False
                    await connection.close()
                latencies[name].append(time.perf_counter() - started)
                if not ok:
                    errors[name] += 1
        finally:
            await connection.close()

    began = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return time.monotonic() - began, latencies, errors


def generate(base: str, urls: dict[str, str], clients: int, duration: float, seed: int
             ) -> tuple[float, dict[str, list[float]], dict[str, int], float]:
    """One generator process: ``clients`` asyncio clients; also returns the CPU seconds it used."""
    cpu = time.process_time()
    elapsed, latencies, errors = asyncio.run(drive(base, urls, clients, duration, seed))
    return elapsed, dict(latencies), dict(errors), time.process_time() - cpu


def load(base: str, urls: dict[str, str], clients: int, duration: float, seed: int, processes: int
         ) -> tuple[float, dict[str, list[float]], dict[str, int], float]:
    """``clients`` spread over ``processes`` generator processes; merged latencies, errors, and their CPU."""
    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    with concurrent.futures.ProcessPoolExecutor(processes) as pool:
        runs = list(pool.map(generate, [base] * processes, [urls] * processes, shares, [duration] * processes,
                             [seed + 1000 * i for i in range(processes)]))
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for _elapsed, run_latencies, run_errors, _cpu in runs:
        for name, values in run_latencies.items():
            latencies[name].extend(values)
        for name, count in run_errors.items():
            errors[name] += count
    return max(run[0] for run in runs), latencies, errors, sum(run[3] for run in runs)


def prime(base: str, urls: dict[str, str], workers: int) -> None:
    """Ask every URL a few times on fresh connections (so each worker likely sees each), unmeasured: the
    answers are built once per revision, and this run measures serving them, not building them."""
    with concurrent.futures.ThreadPoolExecutor(len(urls)) as pool:
        for _ in range(2 * workers):
            list(pool.map(lambda url: httpx.get(base + url, timeout=300), urls.values()))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def report(title: str, elapsed: float, latencies: dict[str, list[float]], errors: dict[str, int],
           generator_cpu: float) -> None:
    total = sum(len(v) for v in latencies.values())
    json_all = [x for name, v in latencies.items() if name not in JSON_EXCLUDED for x in v] or [0.0]
    print(f"\n### {title}: {total / elapsed:.0f} req/s ({total} requests in {elapsed:.0f} s), "
          f"{sum(errors.values())} errors, JSON reads p50 {percentile(json_all, 0.5):.0f} ms, "
          f"p99 {percentile(json_all, 0.99):.0f} ms; load generator CPU {generator_cpu / elapsed:.2f} cores\n")
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
    parser.add_argument("--generators", type=int, default=2, help="load generator processes (default 2)")
    parser.add_argument("--floor", action="store_true", help="first drive /healthz alone (the per-request floor)")
    parser.add_argument("--baseline-ref", metavar="REF", help="first serve the code of git ref REF (e.g. main)")
    args = parser.parse_args()
    if args.clients < 1 or args.clients > 500 or args.duration <= 0 or args.workers < 1 or \
            not 1 <= args.generators <= args.clients:
        sys.exit("error: --clients must be 1-500, --duration positive, --workers at least 1, "
                 "--generators 1 to --clients")
    work = Path(tempfile.mkdtemp(prefix="facekg-bench-load-"))
    try:
        env = {**os.environ, "FACEKG_DATA_DIR": str(work / "data"), "FACEKG_BACKEND": "memory",
               "FACEKG_CACHE_DIR": os.environ.get("FACEKG_CACHE_DIR", str(work / "cache")),
               "FACEKG_RATE_PICTURES": "0", "FACEKG_RATE_UNIVERSE": "0"}
        print(f"building the demo data directory in {work} ...", flush=True)
        build_demo(work / "data", env)
        runs: list[tuple[str, Path | None, bool]] = []
        if args.baseline_ref:
            runs.append((f"baseline: {args.baseline_ref}", old_tree(args.baseline_ref, work / "baseline"), False))
        if args.floor:
            runs.append(("floor: /healthz alone", None, True))
        runs.append(("this checkout", None, False))
        print(f"{args.clients} clients in {args.generators} generator processes, {args.duration:.0f} s per run, "
              f"{args.workers} server workers, {os.cpu_count()} CPUs; load generator on the same machine",
              flush=True)
        plural = "s" if args.workers > 1 else ""
        for index, (title, tree, floor) in enumerate(runs):
            with server(args.workers, env, work / f"serve-{index}.log", tree) as base:
                study = httpx.get(base + "/v1/studies?limit=1").json()["data"][0]["id"]
                condition = httpx.get(base + "/v1/conditions?limit=1").json()["data"][0]["id"]
                urls = {"healthz": "/healthz"} if floor else mix(study, condition)
                prime(base, urls, args.workers)
                if args.warmup > 0:
                    load(base, urls, args.clients, args.warmup, 1, args.generators)
                elapsed, latencies, errors, cpu = load(base, urls, args.clients, args.duration, 2, args.generators)
                report(f"{title}, {args.workers} worker{plural}", elapsed, latencies, errors, cpu)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
