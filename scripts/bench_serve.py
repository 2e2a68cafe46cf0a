"""Serving figures for ``make bench`` (scripts/bench.py): ``facekg serve`` as a user runs it, loopback clients.

One server process per store (``--workers 1``), started as a child; start-up is the time from launch to
the first ``200`` from ``/healthz``. Every read is then measured with 1, 8 and 50 concurrent clients
(threads, each with its own keep-alive connection, ``Accept-Encoding: gzip``), beside the floor: the
same load on ``/healthz``, the cheapest route through the same app, server and clients. The first
request of each read is timed apart ("cold": the answer is computed for the store's revision); the
cells measure the kept answers. The server's peak RSS is its ``VmHWM`` after the run.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

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

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self._log = log.open("w")
        start = time.perf_counter()
        self.proc = subprocess.Popen([FACEKG, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--workers", "1"], env=env, stdout=self._log, stderr=subprocess.STDOUT)
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

    def peak_rss_mb(self) -> float | None:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


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


def load_cell(port: int, read: str, paths: list[str], clients: int, requests: int) -> Cell:
    """``requests`` GETs (cycling through ``paths``) from ``clients`` threads at once."""
    per_client = max(1, -(-requests // clients))
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    barrier = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        for i in range(per_client):
            path = paths[(number * per_client + i) % len(paths)]
            start = time.perf_counter()
            try:
                status, _body = get(port, path, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status = 599
            latencies[number].append((time.perf_counter() - start) * 1000)
            if status != 200:
                errors[number] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    every = sorted(ms for part in latencies for ms in part)
    p99 = every[min(len(every) - 1, int(round(0.99 * (len(every) - 1))))]
    return Cell(read, clients, len(every), statistics.median(every), p99, len(every) / wall, sum(errors))


def measure_reads(port: int, reads: dict[str, list[str]], clients: list[int], requests: int,
                  progress: bool = True) -> tuple[dict[str, float], list[Cell]]:
    """The cold first request of each read, then every read (and the floor) at every client count."""
    cold = {read: cold_ms(port, paths[0]) for read, paths in reads.items()}
    cells = []
    for read, paths in {FLOOR: ["/healthz"], **reads}.items():
        for count in clients:
            cell = load_cell(port, read, paths, count, requests)
            cells.append(cell)
            if progress:
                print(f"    {read:<24} {count:>3} clients  p50 {cell.p50_ms:8.1f} ms  p99 {cell.p99_ms:8.1f} ms  "
                      f"{cell.per_second:7.0f} req/s" + (f"  {cell.errors} errors" if cell.errors else ""),
                      flush=True)
    return cold, cells


def serve_env(base: dict[str, str], **values: str) -> dict[str, str]:
    env = {**base, **values}
    env.setdefault("FACEKG_CACHE_DIR", os.environ.get("FACEKG_CACHE_DIR", "/tmp/facekg-bench-cache"))
    return env
