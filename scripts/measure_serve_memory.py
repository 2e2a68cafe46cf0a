"""What a serving process holds in memory after answering the analyses, broken down (not a test).

    python scripts/measure_serve_memory.py DATA_DIR [--tracemalloc] [--types 25]

Opens the app on ``DATA_DIR`` (a directory ``facekg load`` filled) in process through Starlette's
TestClient, asks the benchmark's reads and the analyses once each, then prints the resident set (now and
peak), the live objects by type (``gc.get_objects()`` after unfreezing, with ``sys.getsizeof`` sums) and,
with ``--tracemalloc``, the allocation sites holding the most memory. Asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from facekg.settings import Settings  # noqa: E402

READS = ["/v1/studies?limit=50", "/v1/conditions", "/v1/causes", "/v1/overview", "/v1/gaps/evidence",
         "/v1/gaps/bias-reporting", "/v1/gaps/bias-reporting/studies?limit=100", "/v1/gaps/map",
         "/v1/synthesis/meta-analysis", "/v1/synthesis/subgroups", "/v1/synthesis/characteristics",
         "/v1/synthesis/prisma", "/studies", "/gaps", "/"]


def rss_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def by_type(top: int) -> None:
    gc.unfreeze()  # frozen objects are not in get_objects()
    counts: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    for obj in gc.get_objects():
        name = type(obj).__name__
        counts[name] += 1
        sizes[name] += sys.getsizeof(obj)
    print(f"\ngc-tracked objects: {sum(counts.values()):,}, {sum(sizes.values()) / 1e6:.0f} MB by getsizeof "
          "(containers only: strings and numbers are not tracked)")
    print("| type | objects | MB (getsizeof) |\n|---|---:|---:|")
    for name, size in sizes.most_common(top):
        print(f"| {name} | {counts[name]:,} | {size / 1e6:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--types", type=int, default=25)
    args = parser.parse_args()
    if args.tracemalloc:
        tracemalloc.start(1)
    settings = Settings(data_dir=args.data_dir, backend="memory")
    app = create_app(settings)
    print(f"before serving: RSS {rss_mb()[0]:.0f} MB")
    with TestClient(app) as client:
        for path in READS:
            started = time.perf_counter()
            status = client.get(path).status_code
            print(f"{path}: {status} in {time.perf_counter() - started:.2f} s, RSS {rss_mb()[0]:.0f} MB")
        now, peak = rss_mb()
        print(f"\nafter the reads: RSS {now:.0f} MB, peak {peak:.0f} MB")
        if args.tracemalloc:
            snapshot = tracemalloc.take_snapshot()
            stats = snapshot.statistics("lineno")
            print(f"\ntracemalloc: {sum(s.size for s in stats) / 1e6:.0f} MB traced")
            print("| site | MB | blocks |\n|---|---:|---:|")
            for stat in stats[:args.types]:
                frame = stat.traceback[0]
                print(f"| {Path(frame.filename).name}:{frame.lineno} | {stat.size / 1e6:.1f} | {stat.count:,} |")
        by_type(args.types)


if __name__ == "__main__":
    main()
