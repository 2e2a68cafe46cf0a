"""Serving figures for ``make bench`` (scripts/bench.py): ``facekg serve`` as a user runs it, loopback clients.

One server per store (``--workers``, default one per CPU), started as a child; start-up is the time from
launch to the first ``200`` from ``/healthz``. Every read is then driven for a few seconds by 1, 8 and 50
concurrent keep-alive clients (``Accept-Encoding: gzip``) spread over load-generator processes: the
asyncio generator of scripts/bench_load.py, because client threads in one Python process top out below
what the server does (their GIL, not the server, set the old floor of about 300 req/s). Beside each
read stands the floor: the same load on ``/healthz``, the cheapest route through the same app, server
and clients. The first request of each read is timed apart ("cold": the answer is computed for the
store's revision); the cells measure the kept answers. Peak RSS is ``VmHWM`` summed over the server's
processes (and the largest worker's), read after the run.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import bench_load

FACEKG = str(Path(sys.executable).parent / "facekg")
FLOOR = "floor: /healthz"


@dataclass
class Cell:
    read: str
    clients: int
    requests: int
    p50_ms: float
    p99_ms: float
    per_second: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``facekg serve`` in a child process on a free loopback port."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.workers = workers
        self._log = log.open("w")
        start = time.perf_counter()
        self.proc = subprocess.Popen([FACEKG, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--workers", str(workers), "--no-access-log"], env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        self.startup_s = self._wait_ready(start)

    def _wait_ready(self, start: float, timeout: float = 300.0) -> float:
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"facekg serve exited with {self.proc.returncode}; see {self._log.name}")
            try:
                status, _body = get(self.port, "/healthz")
                if status == 200:
                    return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"facekg serve did not answer /healthz within {timeout:.0f} s")

    def peak_rss_mb(self) -> tuple[float, float] | None:
        """(sum, largest) of the peak RSS in MB of the server and its worker processes, if still running."""
        pids = [self.proc.pid]
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            if children.exists():
                pids += [int(child) for child in children.read_text().split()]
            peaks = [_vm_hwm_mb(pid) for pid in pids]
        except OSError:
            return None
        return sum(peaks), max(peaks)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def _vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


def cold_ms(port: int, path: str) -> float:
    """One request's latency (the first after start-up computes the answer)."""
    start = time.perf_counter()
    status, _body = get(port, path)
    if status >= 500:
        raise RuntimeError(f"GET {path} answered {status}")
    return (time.perf_counter() - start) * 1000


def load_cell(port: int, read: str, paths: list[str], clients: int, seconds: float, generators: int) -> Cell:
    """``clients`` keep-alive clients asking ``paths`` (at random) for ``seconds``, from generator processes."""
    urls = {f"{read} #{n}": path for n, path in enumerate(paths)}
    elapsed, latencies, errors, _cpu = bench_load.load(f"http://127.0.0.1:{port}", urls, clients, seconds, 7,
                                                       max(1, min(generators, clients)))
    every = sorted(ms * 1000 for part in latencies.values() for ms in part)
    if not every:
        raise RuntimeError(f"no request to {read} finished in {seconds:.0f} s")
    p99 = every[min(len(every) - 1, int(round(0.99 * (len(every) - 1))))]
    return Cell(read, clients, len(every), statistics.median(every), p99, len(every) / elapsed,
                sum(errors.values()))


def warm(port: int, path: str, connections: int = 8, rounds: int = 30, settled_ms: float = 500.0) -> None:
    """Ask ``path`` on ``connections`` fresh connections at once, round after round, until every answer of a
    round comes within ``settled_ms``: concurrent connections land on every worker, and a worker that has
    not computed the answer for this revision yet is slow (unmeasured)."""
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        for _ in range(rounds):
            if max(pool.map(lambda _n: cold_ms(port, path), range(connections))) < settled_ms:
                return


def measure_reads(port: int, reads: dict[str, list[str]], clients: list[int], seconds: float,
                  generators: int = 2, progress: bool = True) -> tuple[dict[str, float], list[Cell]]:
    """The cold first request of each read, then every read (and the floor) at every client count.

    Each worker keeps its own answers, so after the cold request every read is warmed on every worker
    (:func:`warm`) before the cells measure kept answers.
    """
    cold = {read: cold_ms(port, paths[0]) for read, paths in reads.items()}
    for paths in reads.values():
        warm(port, paths[0])
    cells = []
    for read, paths in {FLOOR: ["/healthz"], **reads}.items():
        for count in clients:
            cell = load_cell(port, read, paths, count, seconds, generators)
            cells.append(cell)
            if progress:
                print(f"    {read:<24} {count:>3} clients  p50 {cell.p50_ms:8.1f} ms  p99 {cell.p99_ms:8.1f} ms  "
                      f"{cell.per_second:7.0f} req/s" + (f"  {cell.errors} errors" if cell.errors else ""),
                      flush=True)
    return cold, cells


def serve_env(base: dict[str, str], **values: str) -> dict[str, str]:
    env = {**base, **values, "FACEKG_RATE_PICTURES": "0", "FACEKG_RATE_UNIVERSE": "0"}  # one loopback client
    env.setdefault("FACEKG_CACHE_DIR", os.environ.get("FACEKG_CACHE_DIR", "/tmp/facekg-bench-cache"))
    return env
