"""The PRISMA flow's identification arm is real: records per source, as two ingests record them.

The fixture review is two updates of small exports. Update 1 ingests a RIS file
(3 PubMed records, 1 Embase record, one PubMed record the same paper as the
Embase one) and a BibTeX file (2 records, one the same paper as a RIS record);
update 2 ingests, through ``facekg ingest --source Scopus``, a RIS file of 3
records, one the same paper as a study of update 1. A reviewer then excludes one
study of update 1. Every expected count below is worked out by hand from that.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from cli.app import app as cli_app
from facekg.settings import Settings
from graph.sqlite_store import SqliteStore
from ingest.load import record_screening_decision
from ingest.pipeline import ingest_files
from ontology import load_ontology

SVG = "{http://www.w3.org/2000/svg}"


def _ris(*records: tuple[str, str, str, str]) -> str:
    """RIS text of (title, DOI, database, abstract) records."""
    return "".join(f"TY  - JOUR\nTI  - {title}\nAB  - {abstract}\nAU  - Doe, Jane\nPY  - 2022\nDO  - {doi}\n"
                   f"DB  - {database}\nER  - \n\n" for title, doi, database, abstract in records)


ABSTRACT = "We trained a convolutional neural network on facial photographs of {} patients. Accuracy was 90%."
FIRST_RIS = _ris(
    ("Deep learning detects acromegaly from facial photographs", "10.9999/prisma.1", "PubMed",
     ABSTRACT.format("acromegaly")),
    ("A CNN recognises Down syndrome in facial images", "10.9999/prisma.2", "PubMed", ABSTRACT.format("Down")),
    ("Facial palsy grading with deep learning", "10.9999/prisma.3", "PubMed", ABSTRACT.format("facial palsy")),
    ("A CNN recognises Down syndrome in facial images", "10.9999/prisma.2", "Embase", ABSTRACT.format("Down")),
)
FIRST_BIB = """@article{noonan2022,
  title = {Noonan syndrome recognised by a deep network from faces},
  author = {Roe, Richard},
  year = {2022},
  doi = {10.9999/prisma.4},
  abstract = {A ResNet classified facial photographs of Noonan syndrome patients with 88% accuracy.}
}

@article{palsy2022,
  title = {Facial palsy grading with deep learning},
  author = {Doe, Jane},
  year = {2022},
  doi = {10.9999/prisma.3},
  abstract = {We trained a convolutional neural network on facial photographs of facial palsy patients.}
}
"""
SECOND_RIS = _ris(
    ("Pain intensity from facial video with deep learning", "10.9999/prisma.5", "PubMed", ABSTRACT.format("pain")),
    ("Hypomimia in Parkinson's disease detected by a CNN", "10.9999/prisma.6", "PubMed",
     ABSTRACT.format("Parkinson's disease")),
    ("Deep learning detects acromegaly from facial photographs", "10.9999/prisma.1", "PubMed",
     ABSTRACT.format("acromegaly")),
)


@pytest.fixture(scope="module")
def review_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture review after both updates and the reviewer's exclusion."""
    data_dir = tmp_path_factory.mktemp("prisma-sources")
    exports = tmp_path_factory.mktemp("prisma-exports")
    (exports / "search-2022.ris").write_text(FIRST_RIS, encoding="utf-8")
    (exports / "hand-search.bib").write_text(FIRST_BIB, encoding="utf-8")
    (exports / "search-2023.ris").write_text(SECOND_RIS, encoding="utf-8")
    ingest_files(SqliteStore(data_dir), load_ontology(), [exports / "search-2022.ris",
                                                            exports / "hand-search.bib"])
    result = CliRunner().invoke(cli_app, ["ingest", str(exports / "search-2023.ris"), "--source", "Scopus",
                                          "--no-progress"],
                                env={"FACEKG_DATA_DIR": str(data_dir), "FACEKG_BACKEND": "memory"})
    assert result.exit_code == 0, result.output
    store = SqliteStore(data_dir)
    noonan = next(s for s in store.studies() if s.doi == "10.9999/prisma.4")
    record_screening_decision(store, noonan.id, "exclude", "ann", reason="no deep-learning result")
    return data_dir


@pytest.fixture(scope="module")
def flow(review_dir: Path) -> dict:
    with TestClient(create_app(Settings(data_dir=review_dir, backend="memory"))) as client:
        response = client.get("/v1/synthesis/prisma")
    assert response.status_code == 200, response.text
    return response.json()


def test_prisma_names_each_source_and_counts_its_records_per_update(flow: dict) -> None:
    first, second = flow["updates"]
    assert {s["source"]: s["records"] for s in first["databases"]} == {"PubMed": 3, "Embase": 1,
                                                                        "hand-search.bib": 2}
    assert {s["source"]: s["records"] for s in second["databases"]} == {"Scopus": 3}  # --source wins over DB
    assert not any("not recorded" in note for update in flow["updates"] for note in update["notes"])


def test_prisma_counts_duplicates_screening_and_the_previous_studies_arm(flow: dict) -> None:
    first, second = flow["updates"]
    # update 1: 6 identified, 2 duplicates inside the batch, 4 studies screened, the reviewer excluded 1
    assert (first["identified_databases"], first["duplicates_removed"], first["records_screened"]) == (6, 2, 4)
    assert (first["records_excluded"], first["new_studies"], first["previous_studies"]) == (1, 3, 0)
    # update 2: 3 identified, 1 already in the review, 2 new studies beside the 3 of update 1
    assert (second["identified_databases"], second["duplicates_removed"], second["records_screened"]) == (3, 1, 2)
    assert (second["previous_studies"], second["new_studies"], second["total_studies"]) == (3, 2, 5)


def test_prisma_cumulative_flow_adds_the_sources_of_both_updates(flow: dict) -> None:
    total = flow["cumulative"]
    assert {s["source"]: s["records"] for s in total["databases"]} == {"PubMed": 3, "Embase": 1,
                                                                        "hand-search.bib": 2, "Scopus": 3}
    assert (total["identified_databases"], total["duplicates_removed"], total["records_screened"]) == (9, 3, 6)
    assert (total["records_excluded"], total["total_studies"]) == (1, 5)
    assert [r["reason"] for r in total["screening_reasons"]] == ["no deep-learning result"]


def test_prisma_diagram_of_an_update_shows_its_sources(review_dir: Path, flow: dict) -> None:
    second = flow["updates"][1]["id"]
    with TestClient(create_app(Settings(data_dir=review_dir, backend="memory"))) as client:
        response = client.get("/v1/synthesis/prisma", params={"update": second, "format": "svg"})
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    text = " ".join(" ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text")).split())
    assert "Scopus (n = 3)" in text and "Studies included in previous version of review (n = 3)" in text
