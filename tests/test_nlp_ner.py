"""The trained disease NER (ingest/nlp/ner.py) inside the real pipeline, beside the rulers."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.tokens import Span

from ingest.nlp.ner import MODEL_DIR, DiseaseNer, candidate_windows, load_model
from ingest.nlp.pipeline import extract_record
from tests.nlp_support import pipeline


def _rulers_only(sentence: str) -> dict[str, Any]:
    nlp = pipeline()
    with nlp.select_pipes(disable=["facekg_disease_ner"]):
        return extract_record("t1", "A study", sentence, nlp=nlp)


def _full(sentence: str) -> dict[str, Any]:
    return extract_record("t1", "A study", sentence, nlp=pipeline())


def test_nlp_ner_shipped_model_loads_self_contained() -> None:
    model = load_model()
    assert model is not None, f"no model under {MODEL_DIR}"
    assert model.pipe_names == ["ner"]  # its tok2vec copied into the NER: nothing shared with the pipeline
    assert model.get_pipe("ner").labels == ("DISEASE",)
    assert "facekg_disease_ner" in pipeline().pipe_names


@pytest.mark.parametrize(("sentence", "mention"), [
    pytest.param("Deep learning detected facial signs of Morvanic cardiomyelopathy in 50 adults.",
                 "Morvanic cardiomyelopathy", id="invented-name-no-head-noun"),
    pytest.param("Children with Weddell-Marr hypoplasia were photographed.", "Weddell-Marr hypoplasia",
                 id="invented-eponym"),
])
def test_nlp_ner_finds_an_unseen_disease_and_keeps_it_unmapped(sentence: str, mention: str) -> None:
    assert mention not in [c["text"] for c in _rulers_only(sentence)["conditions"]]
    found = [c for c in _full(sentence)["conditions"] if c["text"] == mention]
    assert len(found) == 1, _full(sentence)["conditions"]
    assert found[0]["concept_id"] is None and found[0]["label"] == "CONDITION"
    assert mention in _full(sentence)["unmapped_conditions"]


@pytest.mark.parametrize("sentence", [
    pytest.param("Photographs of 60 children with Noonan syndrome and 40 with acromegaly were used.", id="known"),
    pytest.param("We trained DenseNet121 on photographs of 300 patients with Alzheimer's disease.", id="possessive"),
    pytest.param("Children with Noonan and Williams syndromes were photographed.", id="coordination"),
    pytest.param("Severe Noonan syndrome was rare.", id="qualifier-trimmed"),
])
def test_nlp_ner_keeps_the_rulers_ids_and_spans(sentence: str) -> None:
    def found(out: dict[str, Any]) -> list[tuple[str, str | None]]:
        return [(c["text"], c["concept_id"]) for c in out["conditions"]]

    with_ner, without = found(_full(sentence)), found(_rulers_only(sentence))
    assert without and all(cid for _, cid in without)
    assert with_ner == without


def test_nlp_ner_longer_span_takes_the_rulers_id() -> None:
    ruler = [(c["text"], c["concept_id"]) for c in _rulers_only("Children with Weddell encephalopathy were seen.")
             ["conditions"]]
    assert ruler and ruler[0][0] == "encephalopathy" and ruler[0][1]
    full = [(c["text"], c["concept_id"]) for c in _full("Children with Weddell encephalopathy were seen.")
            ["conditions"]]
    assert full == [("Weddell encephalopathy", ruler[0][1])]


def test_nlp_ner_stray_noun_is_not_a_disease() -> None:
    out = _full("We trained a network on 1,124 photographs from three hospitals in China.")
    assert out["conditions"] == []


def test_nlp_ner_unknown_merge_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="merge must be one of"):
        DiseaseNer(pipeline(), "facekg_disease_ner", "", 8, merge="union")


def _span(text: str) -> Any:
    doc = pipeline().make_doc(text)
    return doc[0:len(doc)]


@pytest.mark.parametrize(("phrase", "kept"), [
    pytest.param("Morvanic cardiomyelopathy", True, id="disease-word"),
    pytest.param("C5-deficient", True, id="deficient"),
    pytest.param("idiopathic neuropathies", True, id="plural"),
    pytest.param("ocular ALD", True, id="abbreviation-head"),
    pytest.param("A-T", True, id="hyphenated-abbreviation"),
    pytest.param("syndromic inherited conditions", True, id="specific-class"),
    pytest.param("thyroid eye", False, id="anatomy"),
    pytest.param("abnormal involuntary movement", False, id="symptom"),
    pytest.param("facial expression dataset", False, id="dataset"),
    pytest.param("gait, posture", False, id="list-with-comma"),
    pytest.param("±", False, id="symbol"),
    pytest.param("rare genetic disorders", False, id="class-term"),
    pytest.param("serious mental health disease", False, id="class-term-long"),
    pytest.param("wt-PTEN", False, id="gene-with-prefix"),
])
def test_nlp_ner_plausibility_of_an_unknown_span(phrase: str, kept: bool) -> None:
    assert DiseaseNer.plausible(_span(phrase)) is kept


def test_nlp_ner_does_not_extend_a_known_name_over_inheritance_words_alone() -> None:
    nlp = pipeline()
    with nlp.select_pipes(disable=["facekg_disease_ner"]):
        doc = nlp("A study\nIt is an autosomal-recessive Noonan syndrome variant.")
    known = next(e for e in doc.ents if e.text == "Noonan syndrome")
    ner = nlp.get_pipe("facekg_disease_ner")
    start = next(t.i for t in doc if t.text == "autosomal")
    assert ner.merge(doc, [(start, known.end)]) == []
    severe = Span(doc, start, known.end + 1, label="CONDITION")  # reaching past the name is taken
    assert [s.text for s in ner.merge(doc, [(severe.start, severe.end)])] == [severe.text]


def test_nlp_ner_windows_around_candidates_give_the_whole_document_result() -> None:
    abstract = ("We photographed 80 adults referred to a movement clinic over four years. Among them, patients "
                "with Morvanic cardiomyelopathy and with spinocerebellar ataxia type 3 (SCA3) were compared. "
                "The model was trained for forty epochs on a laptop. Hereditary breast cancer and Weddell-Marr "
                "hypoplasia were also seen in two families.")
    ner = pipeline().get_pipe("facekg_disease_ner")
    assert isinstance(ner, DiseaseNer) and ner.window > 0
    windowed = [(c["text"], c["start"]) for c in _full(abstract)["conditions"]]
    window, ner.window = ner.window, 0
    try:
        whole = [(c["text"], c["start"]) for c in _full(abstract)["conditions"]]
    finally:
        ner.window = window
    assert windowed == whole and any(text == "Morvanic cardiomyelopathy" for text, _ in whole)


def test_nlp_ner_candidate_windows_skip_sentences_without_candidates() -> None:
    doc = pipeline()("The images were resized and the network was trained for twenty epochs. "
                     "Children with Weddell-Marr hypoplasia were photographed.")
    windows = candidate_windows(doc, 3)
    first = min(t.i for t in doc if t.text in {"Weddell", "hypoplasia"} or t.ent_type_ == "CONDITION")
    hypoplasia = next(t.i for t in doc if t.text == "hypoplasia")
    assert windows == [(first - 3, min(len(doc), hypoplasia + 4))]  # nothing in the first sentence
    assert candidate_windows(doc, 0) == [(0, len(doc))]
