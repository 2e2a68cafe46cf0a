"""What the first request after a write costs, and the memory serving holds, on a synthetic review (not a test).

``make bench-first-answers`` (``BENCH_FIRST_ARGS="--studies 10000 --baseline-ref main"``) writes a synthetic
corpus (scripts/synthetic_corpus.py), loads it with ``facekg load`` into a throwaway data directory, starts
one server worker, and asks every read of the load mix (scripts/bench_load.py) once, in order: each answer is
computed then, because the store has just been written. It prints each request's time and the worker's peak
RSS. With ``--baseline-ref REF`` the code of REF serves the same data first, in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from bench_load import FACEKG, mix, old_tree, server
from synthetic_corpus import write_corpus


def server_pid(port: str) -> int:
    """The process whose command line serves ``port`` (one worker: the server itself)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--port" in argv and argv[argv.index(b"--port") + 1:][:1] == [port.encode()]:
            return int(proc.name)
    raise SystemExit(f"error: no process serves port {port}")


def peak_rss_mb(pid: int) -> float:
    """The largest resident set of ``pid`` and its children so far (VmHWM), in MB."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    peaks = []
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks)


def first_answers(base: str, pid: int) -> tuple[list[tuple[str, int, float]], float]:
    study = httpx.get(base + "/v1/studies?limit=1", timeout=600).json()["data"][0]["id"]
    condition = httpx.get(base + "/v1/conditions?limit=1", timeout=600).json()["data"][0]["id"]
    rows = []
    for name, url in mix(study, condition).items():
        started = time.perf_counter()
        status = httpx.get(base + url, timeout=600).status_code
        rows.append((name, status, time.perf_counter() - started))
    return rows, peak_rss_mb(pid)


def run(title: str, env: dict[str, str], log: Path, tree: Path | None) -> dict[str, float]:
    shutil.rmtree(Path(env["FACEKG_DATA_DIR"]) / "cache", ignore_errors=True)  # no export built by a run before
    with server(1, env, log, tree) as base:
        pid = server_pid(base.rsplit(":", 1)[1])
        rows, peak = first_answers(base, pid)
    total = sum(seconds for _name, _status, seconds in rows)
    bad = [name for name, status, _seconds in rows if status != 200]
    print(f"\n### {title}: every first answer in {total:.1f} s, serving peak RSS {peak:.0f} MB"
          + (f", non-200: {', '.join(bad)}" if bad else "") + "\n")
    print("| request | s |\n|---|---:|")
    for name, _status, seconds in rows:
        print(f"| {name} | {seconds:.2f} |")
    return {name: seconds for name, _status, seconds in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=10_000, help="synthetic studies (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-ref", metavar="REF", help="first serve the code of git ref REF")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="facekg-bench-first-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        write_corpus(corpus, studies=args.studies, seed=args.seed)
        env = {**os.environ, "FACEKG_DATA_DIR": str(work / "data"), "FACEKG_RATE_PICTURES": "0",
               "FACEKG_RATE_UNIVERSE": "0"}
        (work / "data").mkdir()
        started = time.perf_counter()
        subprocess.run([str(FACEKG), "load", str(corpus)], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"{args.studies} synthetic studies (seed {args.seed}) loaded in {time.perf_counter() - started:.1f} s;"
              " one server worker; each request below is the first after the write")
        before = None
        if args.baseline_ref:
            tree = old_tree(args.baseline_ref, work / "baseline")
            before = run(f"baseline: {args.baseline_ref}", env, work / "baseline.log", tree)
        after = run("this checkout", env, work / "serve.log", None)
        if before:
            ratios = sorted(before[name] / max(after[name], 1e-3) for name in after)
            print(f"\nbaseline / this checkout, per request: median {ratios[len(ratios) // 2]:.1f}x")


if __name__ == "__main__":
    main()
