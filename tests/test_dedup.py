"""De-duplication: one study per DOI, PMID or same-year near-identical title, every merge explained."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ingest.dedup import ExistingStudy, deduplicate, normalise_title
from ingest.readers import StudyDraft, read_any

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
TITLE = "Identifying facial phenotypes of genetic disorders using deep learning"


def draft(title: str = TITLE, year: int | None = 2019, number: int = 1, source: str = "a.ris",
          **fields: Any) -> StudyDraft:
    return StudyDraft(title=title, year=year, source_file=source, record_number=number, fmt="ris",
                      **fields)


def test_dedup_merges_same_study_from_ris_and_bibtex_despite_doi_case() -> None:
    ris = list(read_any(EXPORTS / "rayyan.ris"))
    bib = list(read_any(EXPORTS / "zotero.bib"))
    result = deduplicate([*ris, *bib])
    assert len(result.unique) == len(ris) + len(bib) - 1
    [merge] = result.merges
    assert merge.reason == "doi" and merge.score == 100
    assert isinstance(merge.kept, StudyDraft)
    assert {merge.kept.source_file, merge.dropped.source_file} == {str(EXPORTS / "rayyan.ris"),
                                                                    str(EXPORTS / "zotero.bib")}
    gurovich = next(d for d in result.unique if d.doi == "10.1038/s41591-018-0279-0")
    assert gurovich.abstract is not None  # the RIS record has the abstract, so it is kept
    assert gurovich.extra["merged_from"] == [merge.kept.origin, merge.dropped.origin]


def test_dedup_merges_all_five_fixture_exports_into_one_study_per_paper() -> None:
    drafts = [d for name in ("rayyan.ris", "pubmed.nbib", "zotero.bib", "rayyan.csv", "screen.jsonl")
              for d in read_any(EXPORTS / name)]
    result = deduplicate(drafts)
    gurovich = [d for d in result.unique if normalise_title(d.title) == normalise_title(TITLE)]
    assert len(gurovich) == 1
    assert gurovich[0].pmid == "30617323"  # filled in from the MEDLINE record
    assert len(result.unique) == len(drafts) - 2


def test_dedup_merges_pmid_matches_without_doi() -> None:
    result = deduplicate([draft(pmid="30617323"), draft(title="Another title entirely", pmid="30617323",
                                                        number=2)])
    assert len(result.unique) == 1
    assert result.merges[0].reason == "pmid"


@pytest.mark.parametrize(("other", "merged"), [
    pytest.param(draft(TITLE.replace("phenotypes", "phenotpyes"), number=2), True, id="typo"),
    pytest.param(draft(TITLE.upper() + ".", number=2), True, id="case-and-punctuation"),
    pytest.param(draft("Identifying facial phénotypes of genetic disorders using deep learning", number=2),
                 True, id="diacritics"),
    pytest.param(draft(TITLE.replace("Identifying", "Identfying"), number=2), True, id="typo-in-first-word"),
    pytest.param(draft(TITLE, year=2020, number=2), False, id="different-year"),
    pytest.param(draft(TITLE, year=None, number=2), True, id="identical-title-year-missing"),
    pytest.param(draft(TITLE.replace("deep", "dep"), year=None, number=2), False,
                 id="similar-title-year-missing"),
    pytest.param(draft("Identifying facial phenotypes of metabolic disorders using deep learning", number=2),
                 False, id="different-disease"),
    pytest.param(draft(TITLE, number=2, doi="10.1/other"), False, id="conflicting-doi"),
])
def test_dedup_title_year_rule(other: StudyDraft, merged: bool) -> None:
    result = deduplicate([draft(doi="10.1038/s41591-018-0279-0"), other])
    assert (len(result.unique) == 1) is merged
    if merged:
        [merge] = result.merges
        assert merge.reason == "title-year" and 95 <= merge.score <= 100


def test_dedup_threshold_is_configurable() -> None:
    loose = draft("Identifying facial phenotype of genetic disorder with deep learning", number=2)
    assert len(deduplicate([draft(), loose]).unique) == 2
    assert len(deduplicate([draft(), loose], threshold=85).unique) == 1


def test_dedup_merged_draft_keeps_non_empty_fields_and_prefers_the_one_with_abstract() -> None:
    bare = draft(journal="Nat Med", keywords=["dysmorphology"])
    rich = draft(TITLE + ".", number=7, source="b.nbib", abstract="A network read faces.",
                 pmid="30617323", keywords=["deep learning"])
    [merged] = deduplicate([bare, rich]).unique
    assert merged.origin == "b.nbib#7"
    assert (merged.abstract, merged.journal, merged.pmid) == ("A network read faces.", "Nat Med", "30617323")
    assert merged.keywords == ["deep learning", "dysmorphology"]


def test_dedup_against_existing_studies_reports_the_stored_id() -> None:
    stored = [ExistingStudy("gurovich-2019", "10.1038/S41591-018-0279-0", "30617323", TITLE, 2019),
              ("hsieh-2022", None, None, "GestaltMatcher facilitates rare disease matching", 2022)]
    new = [draft(doi="https://doi.org/10.1038/s41591-018-0279-0"),
           draft("GestaltMatcher facilitates rare-disease matching", year=2022, number=2),
           draft("A genuinely new study of facial palsy", year=2024, number=3)]
    result = deduplicate(new, existing=stored)
    assert [d.title for d in result.unique] == ["A genuinely new study of facial palsy"]
    report: list[dict[str, Any]] = result.report()
    assert [(entry["kept"]["id"], entry["reason"]) for entry in report] == [
        ("gurovich-2019", "doi"), ("hsieh-2022", "title-year")]
    assert report[0]["dropped"]["origin"] == "a.ris#1"
    assert "same DOI" in str(report[0]["message"])


def test_dedup_report_states_every_merge_and_why() -> None:
    result = deduplicate([draft(doi="10.1/x"), draft(number=2, doi="10.1/X"), draft(number=3, pmid="1"),
                          draft(TITLE.replace("deep", "dep"), number=4)])
    assert [entry["reason"] for entry in result.report()] == ["doi", "title-year", "title-year"]
    assert all({"kept", "dropped", "reason", "score", "message"} <= set(entry) for entry in result.report())


def test_normalise_title_strips_markup_diacritics_and_punctuation() -> None:
    assert normalise_title("  <i>Café</i>-au-lait spots &amp; NF1:  a CNN study. ") == \
        "cafe au lait spots and amp nf1 a cnn study"


def test_dedup_finds_exactly_the_repeats_among_many_distinct_titles() -> None:
    words = ["facial", "deep", "network", "syndrome", "photograph", "diagnosis", "children", "adult",
             "accuracy", "phenotype", "genetic", "convolutional", "pain", "stroke", "palsy", "autism"]
    drafts = [draft(" ".join(words[(i * 7 + k) % 16] for k in range(8)) + f" cohort {i}", year=2000 + i % 25,
                    number=i + 1) for i in range(20000)]
    result = deduplicate(drafts + drafts[:100])
    assert len(result.merges) == 100
    assert all(merge.reason == "title-year" for merge in result.merges)


def test_dedup_never_merges_short_generic_titles_without_years() -> None:
    result = deduplicate([draft("Erratum", year=None), draft("Erratum", year=None, number=2)])
    assert len(result.unique) == 2


def test_dedup_demo_exports_yield_one_study_each() -> None:
    demo = Path(__file__).parents[1] / "ingest" / "demo"
    drafts = [*read_any(demo / "demo.ris"), *read_any(demo / "demo.nbib")]
    result = deduplicate(drafts)
    assert len(result.unique) == 85
    assert {merge.reason for merge in result.merges} == {"doi", "pmid", "title-year"}


def test_dedup_keeps_numbered_parts_of_a_series_apart() -> None:
    result = deduplicate([draft(TITLE + ": part 1"), draft(TITLE + ": part 2", number=2)])
    assert len(result.unique) == 2
