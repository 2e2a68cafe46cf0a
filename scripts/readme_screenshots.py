"""Retake the README's screenshots (``docs/img/home.png``, ``docs/img/study.png``) from the running website.

Loads the demo corpus as ``make run`` does into a throwaway data directory, starts
``facekg serve`` on a free port and photographs two pages with Debian's chromium:

    .venv/bin/python -m scripts.readme_screenshots [STUDY_ID]   # from the repository root (it uses tests/)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from playwright.sync_api import sync_playwright  # noqa: E402

from graph.sqlite_store import SqliteStore  # noqa: E402
from ingest.load import load_records  # noqa: E402
from ingest.pipeline import ingest_files  # noqa: E402
from ingest.structured import read_study_records  # noqa: E402
from ontology import load_ontology  # noqa: E402
from tests.browser_support import CHROMIUM_FLAGS, chromium_path, running_server  # noqa: E402

DEMO = ROOT / "ingest" / "demo"
OUT = ROOT / "docs" / "img"


def main() -> None:
    study_id = sys.argv[1] if len(sys.argv) > 1 else "gurovich-2019-deepgestalt"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        store = SqliteStore(data)
        ontology = load_ontology()
        load_records(store, read_study_records(DEMO / "studies.jsonl"), ontology, source="curated demo records")
        ingest_files(store, ontology, [DEMO / "demo.ris", DEMO / "demo.nbib"])
        with running_server(data, Path(tmp) / "serve.log") as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1200, "height": 1500})
            for name, path in (("home", "/"), ("study", f"/studies/{study_id}")):
                page.goto(base + path)
                page.screenshot(path=str(OUT / f"{name}.png"))
                print(f"wrote {OUT / f'{name}.png'}")
            browser.close()


if __name__ == "__main__":
    main()
