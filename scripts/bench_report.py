"""The "Store" section of docs/benchmarks.md, written from scripts/bench.py's results (its own heading only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

HEADING = "## Store"
TARGET_P99_MS = 50
TARGET_RPS = 1000
TARGET_RSS_MB = 1024
TARGET_NEO4J_SHARE = 0.5
TARGET_COST = 11
TARGET_UPDATE_S = 30

CONTRACT = """### The synthetic corpus

`python scripts/synthetic_corpus.py --studies N --seed S --out FILE.jsonl` writes N study records, one
JSON object per line, each a valid `StudyRecord` that `facekg load FILE.jsonl` accepts:

- ids `syn-<seed>-<n>` (n with 7 digits), unique in a file; the same N and S give the same bytes;
- fact counts drawn like the curated corpus's: 1-2 conditions, 0-3 genes, 1-4 architectures, 2-8 metric
  results, 1-2 sample sizes, the five demographic attributes, two design flags; about one condition or
  architecture mention in ten is a name the ontology does not know (kept as unmapped);
- concepts, genes and metrics are the ontology's own; titles and abstracts (about 150-250 words) are
  built from the ontology's vocabulary (labels, synonyms, words of its definitions) and a fixed list of
  method words, so no text comes from a paper;
- about 80% of studies have a DOI (`10.5555/syn.<seed>.<n>`), 60% a PMID, 1% are retracted, about 90%
  use deep learning; years 2012-2026.
"""

METHOD = """### How it is measured

`make bench` (sizes from `BENCH_SIZES`, default `1000,10000,100000`) runs `scripts/bench.py` and rewrites
this section; nothing here is edited by hand. Every figure stands beside a floor measured in the same run:

- **Embedded load**: `facekg load` run as a user runs it, one process per {chunk}-study file (one review
  update each: resolve, merge, one transaction), beside a bare SQLite `executemany` of the same records'
  JSON into one table (one transaction, same disk). Peak RSS is the largest `facekg load` process's.
- **Neo4j load**: `Neo4jStore.write` in batches of {batch} studies (one transaction each: replace the
  subgraphs, MERGE shared concepts on their key constraint, CREATE the rest, history and revision), beside
  a raw `UNWIND $rows CREATE` of the same rows (nodes, edges and the per-update history records; one
  statement per label or edge type and batch, one index for the edges' ends, nothing else), in the same
  batches; interleaved, median of {runs} up to {repeat_max} studies.
- **Reads**: `facekg serve --workers {workers}` per store; each read driven for {seconds} s by 1, 8 and 50
  concurrent loopback clients (keep-alive connections, gzip accepted) spread over {generators} load-generator
  processes on the same machine (scripts/bench_load.py's asyncio generator), beside the same load on
  `/healthz` (the floor: the same app, server and clients, no work). "cold" is the first request after
  start-up, which computes the answer for the store's revision; the cells read kept answers. Start-up is
  launch to the first `200` from `/healthz`. Serving RSS is the peak (`VmHWM`) summed over the server's
  processes.
- **Update**: with the embedded store served and every read answered, `facekg load` of {update} new
  synthetic studies (another seed), then the first answer of each read (each recomputed for the new
  revision). The floor is the same update into a data directory that does not exist yet (loaded, then
  served): the update's own cost, with no review around it.
"""


def neo4j_version(store: Any) -> str:
    records, _summary, _keys = store._driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS v, edition",
        database_=store.database)
    row = records[0]
    return f"{row['name']} {row['v']} {row['edition']}"


def _rate(size: int, seconds: float) -> str:
    return f"{size / seconds:,.0f}"


def _cells(entry: dict[str, Any]) -> list[dict[str, Any]]:
    return list(entry["serve"]["cells"])


def store_section(results: dict[str, Any]) -> str:
    m = results["machine"]
    args = results["args"]
    sizes = sorted(int(s) for s in results["sizes"])
    lines = [HEADING, "", "<!-- written by `make bench` (scripts/bench.py); edit the script, not this section -->", ""]
    lines += [f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory_gb']} GB RAM, {m['system']}, Python "
              f"{m['python']}" + (f", {m['neo4j']} (heap 1 GB, page cache 512 MB)" if m.get("neo4j") else "")
              + f". The machine was shared with other agents' jobs (1-minute load average {m['load_start']:.1f} "
              f"at the start, {m.get('load_end', float('nan')):.1f} at the end, on {m['cpus']} CPUs): absolute "
              "figures are depressed and noisy; read the ratios to the floors, measured in the same run.", ""]
    lines += ["Sizes measured: " + ", ".join(f"{s:,}" for s in sizes) + ".", ""]

    lines += ["### Load rates", "", "| studies | store | seconds | studies/s | floor | floor s | floor studies/s | "
              "store / floor rate |", "|---:|---|---:|---:|---|---:|---:|---:|"]
    for size in sizes:
        entry = results["sizes"][str(size)]
        e = entry["embedded"]
        lines.append(f"| {size:,} | embedded (`facekg load`) | {e['load_s']:.1f} | {_rate(size, e['load_s'])} | "
                     f"SQLite insert | {e['floor_s']:.2f} | {_rate(size, e['floor_s'])} | "
                     f"{e['floor_s'] / e['load_s']:.1%} |")
        if "neo4j" in entry:
            n = entry["neo4j"]
            lines.append(f"| {size:,} | Neo4j (`Neo4jStore.write`) | {n['load_s']:.1f} | {_rate(size, n['load_s'])} "
                         f"| raw `UNWIND CREATE` ({n['rows']:,} rows) | {n['floor_s']:.1f} | "
                         f"{_rate(size, n['floor_s'])} | {n['floor_s'] / n['load_s']:.0%} (median of {n['runs']}) |")
    lines.append("")
    sweeps = [(size, results["sizes"][str(size)]["neo4j"]["batch_sweep"]) for size in sizes
              if "batch_sweep" in results["sizes"][str(size)].get("neo4j", {})]
    for size, sweep in sweeps:
        lines += [f"Neo4j batch size ({size:,} studies, one run each):", "",
                  "| studies per write | store studies/s | raw studies/s | store / raw |", "|---:|---:|---:|---:|"]
        lines += [f"| {row['batch']:,} | {_rate(size, row['load_s'])} | {_rate(size, row['floor_s'])} | "
                  f"{row['floor_s'] / row['load_s']:.0%} |" for row in sweep]
        lines.append("")

    lines += ["### Footprint and start-up", "", "| studies | corpus MB | embedded file MB | `facekg load` peak RSS MB "
              "| embedded serve peak RSS MB (largest process) | embedded start-up s | Neo4j serve peak RSS MB (largest "
              "process) | Neo4j start-up s |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in sizes:
        entry = results["sizes"][str(size)]
        e = entry["embedded"]
        n = entry.get("neo4j")
        neo = (f"{_rss(n['serve'])} | {n['serve']['startup_s']:.1f}" if n else "- | -")
        lines.append(f"| {size:,} | {entry['corpus_mb']:.0f} | {e['file_mb']:.0f} | {e['load_peak_rss_mb']:.0f} | "
                     f"{_rss(e['serve'])} | {e['serve']['startup_s']:.1f} | {neo} |")
    lines.append("")

    lines += ["### Reads", "", f"p50 / p99 in ms and requests/s; {args['seconds']:g} s of load per cell, "
              f"{args['workers']} server worker(s); the floor row is `/healthz` under the same load.", ""]
    for size in sizes:
        entry = results["sizes"][str(size)]
        for label in ("embedded", "neo4j"):
            if label not in entry:
                continue
            cells = _cells(entry[label])
            counts = sorted({c["clients"] for c in cells})
            cold = entry[label]["serve"]["cold_ms"]
            lines += [f"{size:,} studies, {label} store:", "",
                      "| read | cold ms | " + " | ".join(f"{c} client{'s' if c > 1 else ''}" for c in counts) + " |",
                      "|---|---:|" + "---:|" * len(counts)]
            order: list[str] = []
            for cell in cells:
                if cell["read"] not in order:
                    order.append(cell["read"])
            for read in order:
                by = {c["clients"]: c for c in cells if c["read"] == read}
                text = " | ".join(f"{by[c]['p50_ms']:.1f} / {by[c]['p99_ms']:.1f} ms, {by[c]['per_second']:,.0f}/s"
                                  + (f" ({by[c]['errors']} err)" if by[c]["errors"] else "") for c in counts)
                cold_text = f"{cold[read]:.0f}" if read in cold else "-"
                lines.append(f"| {read} | {cold_text} | {text} |")
            lines.append("")

    lines += update_lines(results, sizes)
    lines += cost_lines(results, sizes)
    lines += target_lines(results, sizes)
    method = METHOD.format(chunk=f"{args['chunk']:,}", batch=f"{args['batch']:,}", runs=args["runs"],
                           repeat_max=f"{args.get('repeat_max', 10_000):,}", seconds=f"{args['seconds']:g}",
                           workers=args["workers"], generators=args["generators"],
                           update=f"{args['update_studies']:,}")
    lines += [CONTRACT, method]
    return "\n".join(lines).rstrip() + "\n"


def _rss(serve: dict[str, Any]) -> str:
    total, largest = serve.get("peak_rss_mb"), serve.get("worker_peak_rss_mb")
    return f"{total or 0:.0f} ({largest or 0:.0f})"


def update_lines(results: dict[str, Any], sizes: list[int]) -> list[str]:
    rows = [(size, results["sizes"][str(size)]["embedded"].get("update")) for size in sizes]
    rows = [(size, row) for size, row in rows if row]
    if not rows:
        return []
    out = ["### An update into the review", "", "Embedded store, served while the update is written; seconds. "
           "The floor is the same update into a new data directory.", "",
           "| studies before | update | `facekg load` | analyses refreshed | update done | floor: load | "
           "floor: analyses | floor: done | done / floor |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, row in rows:
        into, empty = row["into"], row["empty"]
        done, floor = _done(into), _done(empty)
        out.append(f"| {size:,} | {row['studies']:,} | {into['load_s']:.1f} | {sum(into['answers_s'].values()):.1f} | "
                   f"{done:.1f} | {empty['load_s']:.1f} | {sum(empty['answers_s'].values()):.1f} | {floor:.1f} | "
                   f"{done / floor:.1f}x |")
    slowest = max(rows[-1][1]["into"]["answers_s"].items(), key=lambda kv: kv[1])
    out += ["", f"Slowest first answer after the update at {rows[-1][0]:,} studies: {slowest[0]} "
            f"({slowest[1]:.1f} s).", ""]
    return out


def _done(run: dict[str, Any]) -> float:
    return float(run["load_s"] + sum(run["answers_s"].values()))


def cost_lines(results: dict[str, Any], sizes: list[int]) -> list[str]:
    out = ["### Cost of 10x the studies", "", "Time at the larger size over time at the smaller one (linear is 10x).",
           "", "| from | to | embedded load | Neo4j load | embedded p50 (8 clients), median over reads | "
           "Neo4j p50 (8 clients), median over reads |", "|---:|---:|---:|---:|---:|---:|"]
    pairs = [(a, b) for a in sizes for b in sizes if b == 10 * a]
    if not pairs:
        return out[:3] + ["No pair of sizes 10x apart was measured.", ""]
    for a, b in pairs:
        ea, eb = results["sizes"][str(a)], results["sizes"][str(b)]

        def p50(entry: dict[str, Any]) -> float | None:
            values = sorted(c["p50_ms"] for c in entry["serve"]["cells"] if c["clients"] == 8 and
                            not c["read"].startswith("floor"))
            return values[len(values) // 2] if values else None

        def ratio(x: float | None, y: float | None) -> str:
            return f"{y / x:.1f}x" if x and y else "-"

        neo = ratio(ea["neo4j"]["load_s"], eb["neo4j"]["load_s"]) if "neo4j" in ea and "neo4j" in eb else "-"
        neo_p = ratio(p50(ea["neo4j"]), p50(eb["neo4j"])) if "neo4j" in ea and "neo4j" in eb else "-"
        out.append(f"| {a:,} | {b:,} | {ratio(ea['embedded']['load_s'], eb['embedded']['load_s'])} | {neo} | "
                   f"{ratio(p50(ea['embedded']), p50(eb['embedded']))} | {neo_p} |")
    return out + [""]


def target_lines(results: dict[str, Any], sizes: list[int]) -> list[str]:
    size = max(sizes)
    entry = results["sizes"][str(size)]
    out = ["### Targets (issue 9) at the largest size measured", "",
           f"At {size:,} studies" + ("" if size >= 100_000 else " (the targets are set at 100,000; not measured "
                                     "in this run)") + ":", ""]
    for label in ("embedded", "neo4j"):
        if label not in entry:
            continue
        cells = [c for c in _cells(entry[label]) if not c["read"].startswith("floor")]
        worst = max(cells, key=lambda c: c["p99_ms"])
        slow = sum(c["per_second"] < TARGET_RPS for c in cells)
        out.append(f"- {label}: worst p99 {worst['p99_ms']:.0f} ms ({worst['read']}, {worst['clients']} clients; "
                   f"target < {TARGET_P99_MS} ms); {len(cells) - slow} of {len(cells)} cells at >= {TARGET_RPS:,} "
                   f"req/s; serving peak RSS {entry[label]['serve']['peak_rss_mb'] or 0:.0f} MB"
                   + (f" (target < {TARGET_RSS_MB} MB)" if label == "embedded" else "") + ".")
    update = entry["embedded"].get("update")
    if update:
        out.append(f"- a {update['studies']:,}-study update into {size:,} studies, analyses refreshed: "
                   f"{_done(update['into']):.1f} s (target < {TARGET_UPDATE_S} s on the embedded store).")
    if "neo4j" in entry:
        n = entry["neo4j"]
        out.append(f"- Neo4j load at {n['floor_s'] / n['load_s']:.0%} of the raw insert (target >= "
                   f"{TARGET_NEO4J_SHARE:.0%}).")
    return out + [""]


def write_section(doc: Path, section: str) -> None:
    """Replace the Store section of ``doc`` (from its heading to the next ``## `` heading), or append it."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == HEADING), None)
    if start is None:
        body = text.rstrip("\n") + "\n\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        tail = "".join(lines[end:])
        body = "".join(lines[:start]) + section + ("\n" + tail if tail else "")
    doc.write_text(body, encoding="utf-8")
