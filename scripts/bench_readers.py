"""What the input rules cost the readers: records per second with and without them (not a test).

    python scripts/bench_readers.py --records 20000 --runs 5

Writes a synthetic RIS and CSV export (``--records`` records, realistic
abstracts) to a temporary folder and reads each ``--runs`` times two ways in the
same run, alternating: through the reader as shipped (strict parsing and the
input rules of ``ingest/readers/rules.py``), and through the same reader with
the rules wrapper taken off (``reader.__wrapped__``), the baseline. Prints the
medians and their ratio. Strict CSV row checks and RIS repeat checks are in both.
Times are the process's CPU time: reading is single-threaded and CPU-bound, and
CPU time is steadier than wall time on a machine shared with other work.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ingest.readers import read_csv, read_ris  # noqa: E402

ABSTRACT = ("Facial photographs of patients with rare genetic syndromes and matched controls were analysed by a "
            "convolutional neural network; sensitivity was 91.2% and specificity 88.4%. ") * 8


def write_exports(folder: Path, records: int) -> dict[str, Path]:
    ris, csv = folder / "bench.ris", folder / "bench.csv"
    with ris.open("w", encoding="utf-8") as out:
        for n in range(records):
            out.write(f"TY  - JOUR\nTI  - Deep learning facial analysis study {n}\nAU  - Doe, Jane\n"
                      f"AU  - Roe, Rick\nPY  - 2021\nJO  - Journal of Tests\nDO  - 10.1000/bench.{n}\n"
                      f"KW  - deep learning\nKW  - dysmorphology\nAB  - {ABSTRACT}\nER  - \n\n")
    with csv.open("w", encoding="utf-8") as out:
        out.write("Title,Abstract,Authors,Year,DOI,Keywords\n")
        for n in range(records):
            out.write(f'"Deep learning facial analysis study {n}","{ABSTRACT}","Doe, Jane; Roe, Rick",2021,'
                      f"10.1000/bench.{n},deep learning; dysmorphology\n")
    return {"ris": ris, "csv": csv}


def seconds(reader: Callable[..., Iterator[Any]], path: Path, expected: int) -> float:
    start = time.process_time()
    count = sum(1 for _ in reader(path))
    elapsed = time.process_time() - start
    if count != expected:
        raise SystemExit(f"{reader.__name__} read {count} records of {expected}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    readers: dict[str, Callable[..., Iterator[Any]]] = {"ris": read_ris, "csv": read_csv}
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_exports(Path(tmp), args.records)
        print(f"{args.records} records per file, median of {args.runs} alternating runs")
        print(f"{'format':<7} {'with rules rec/s':>17} {'baseline rec/s':>15} {'ratio':>6}")
        for fmt, reader in readers.items():
            shipped: list[float] = []
            baseline: list[float] = []
            for _ in range(args.runs):
                shipped.append(seconds(reader, paths[fmt], args.records))
                baseline.append(seconds(reader.__wrapped__, paths[fmt], args.records))  # type: ignore[attr-defined]
            with_rules, without = statistics.median(shipped), statistics.median(baseline)
            print(f"{fmt:<7} {args.records / with_rules:>17,.0f} {args.records / without:>15,.0f} "
                  f"{without / with_rules:>6.2f}")


if __name__ == "__main__":
    main()
