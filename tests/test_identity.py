"""Study ids and upsert keys: one scheme, whatever command reads the record."""

from __future__ import annotations

import pytest

from facekg.identity import slug, study_id, upsert_keys
from facekg.records import StudyRecord
from ingest.readers import StudyDraft


@pytest.mark.parametrize(("fields", "expected"), [
    pytest.param({"own_id": "kong-2020-acromegaly-severity", "pmid": "1"}, "kong-2020-acromegaly-severity",
                 id="own-slug-wins"),
    pytest.param({"own_id": "not an id", "pmid": "3001"}, "pmid-3001", id="invalid-own-id-falls-back"),
    pytest.param({"pmid": "3001", "doi": "10.1/x"}, "pmid-3001", id="pmid-before-doi"),
    pytest.param({"doi": "10.1038/S41591-018-0279-0"}, "doi-10-1038-s41591-018-0279-0", id="doi-slug"),
    pytest.param({"authors": ["Gurovich, Yaron"], "year": 2019,
                  "title": "Identifying facial phenotypes of genetic disorders using deep learning"},
                 "gurovich-2019-identifying-facial-phenotypes-of-genetic-disorders", id="author-year-title"),
    pytest.param({"title": "Faces"}, "anon-nd-faces", id="nothing-but-a-title"),
])
def test_identity_study_id_scheme(fields: dict[str, object], expected: str) -> None:
    assert study_id(**fields) == expected  # type: ignore[arg-type]


def test_identity_generated_ids_are_url_safe_study_ids() -> None:
    made = study_id(doi="10.1000/ABC(2019)<x>", title="t")
    assert made == "doi-" + slug("10.1000/ABC(2019)<x>")
    assert set(made) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert StudyRecord(id=made, title="t").id == made


def test_identity_a_draft_is_named_by_the_scheme() -> None:
    draft = StudyDraft(title="Faces", pmid="42", source_file="x.ris", record_number=1, fmt="ris")
    assert draft.study_id() == "pmid-42"


def test_identity_upsert_keys_strongest_first() -> None:
    assert upsert_keys(doi="10.1/x", pmid="7", study_id="s") == ["doi:10.1/x", "pmid:7", "id:s"]
    assert StudyRecord(id="s", title="t").upsert_keys() == ["id:s"]
