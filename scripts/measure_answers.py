"""Request latency with answers recomputed on every request (as before) beside kept answers (not a test).

    python scripts/measure_answers.py                 # the curated demo corpus
    python scripts/measure_answers.py --studies 10000 # a synthetic corpus (scripts/synthetic_corpus.py)

Through the real app in process (Starlette's TestClient: no sockets), on a throwaway data directory. For
each endpoint, in the same run: the median latency when every request recomputes (the answers are
forgotten before each request: what every request cost before answers were kept), the median when the
answer is kept, and the median of a revalidation that answers 304. Prints medians and ratios; asserts
nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]

from api.app import create_app  # noqa: E402
from facekg.runtime import open_store  # noqa: E402
from facekg.settings import Settings  # noqa: E402
from ingest.load import load_records  # noqa: E402
from ingest.structured import read_study_records  # noqa: E402
from ontology import load_ontology  # noqa: E402

ENDPOINTS = ["/v1/studies?limit=50", "/v1/conditions", "/v1/causes", "/v1/overview", "/v1/gaps/evidence",
             "/v1/gaps/bias-reporting", "/v1/gaps/bias-reporting/studies?limit=100", "/v1/gaps/map",
             "/v1/gaps/map?rows=cause&format=svg", "/conditions", "/gaps"]
HTML_PAGES = ("/conditions", "/gaps")


def fill(data_dir: Path, studies: int, seed: int) -> str:
    """Load the demo corpus (``studies`` 0) or a synthetic one; what was loaded."""
    store = open_store(Settings(data_dir=data_dir, backend="memory"), create=True)
    try:
        if studies == 0:
            demo = ROOT / "ingest" / "demo" / "studies.jsonl"
            load_records(store, read_study_records(demo), load_ontology(), source="curated")
            return f"demo corpus ({store.stats().studies} studies)"
        from synthetic_corpus import synthetic_records  # a sibling script (its folder is first on the path)

        ontology = load_ontology()
        load_records(store, synthetic_records(studies, seed, ontology), ontology, source="synthetic")
        return f"synthetic corpus ({store.stats().studies} studies, seed {seed})"
    finally:
        store.close()


def median_ms(runs: int, request: Callable[[], object], before: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        request()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=0, help="synthetic studies (0: the demo corpus)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=15, help="requests per measurement (recomputed: a third)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="facekg-answers-") as tmp:
        what = fill(Path(tmp), args.studies, args.seed)
        with TestClient(create_app(Settings(data_dir=Path(tmp), backend="memory"))) as client:
            answers = client.app.state.answers  # type: ignore[attr-defined]
            print(f"{what}; medians in ms; 'recomputed' forgets every answer before each request")
            print(f"{'endpoint':46} {'recomputed':>11} {'kept':>9} {'304':>9} {'ratio':>8}")
            for path in ENDPOINTS:
                headers = {"Accept": "text/html"} if path in HTML_PAGES else {}
                def get(path: str = path, headers: dict[str, str] = headers) -> object:
                    response = client.get(path, headers=headers)
                    response.raise_for_status()
                    return response
                cold = median_ms(max(3, args.runs // 3), get, answers.forget)
                get()
                warm = median_ms(args.runs, get)
                tag = client.get(path, headers=headers).headers["ETag"]
                revalidated = median_ms(args.runs, lambda path=path, tag=tag, headers=headers: client.get(
                    path, headers={**headers, "If-None-Match": tag}))
                print(f"{path:46} {cold:11.1f} {warm:9.1f} {revalidated:9.1f} {cold / warm:7.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
