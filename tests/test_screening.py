"""Screening suggestions: each protocol criterion on realistic abstracts, in the contract's format.

The abstracts below are written for these tests in the style of PubMed
abstracts; they describe no real study.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from facekg.records import StudyRecord
from ingest.readers import StudyDraft
from ingest.screening import CRITERIA, screen, screen_records, split_sentences

DEMO = Path(__file__).parents[1] / "ingest" / "demo" / "abstracts.jsonl"

CNN_FACE_STUDY: dict[str, Any] = {
    "title": "A deep convolutional neural network to recognise Noonan syndrome from facial photographs",
    "abstract": (
        "Background: Noonan syndrome is under-diagnosed because its facial gestalt is subtle. "
        "Methods: We collected 2D frontal facial photographs of 212 patients with molecularly confirmed "
        "Noonan syndrome and 420 age- and sex-matched controls from three hospitals. A ResNet-50 model "
        "pre-trained on ImageNet was fine-tuned with five-fold cross-validation and compared with five "
        "clinical geneticists. Typical features such as a thin upper lip and low-set ears were annotated. "
        "Results: The network reached an AUC of 0.93 (95% CI 0.90-0.96), a sensitivity of 87.3% and a "
        "specificity of 89.1%, outperforming the clinicians (accuracy 74.2%). "
        "Conclusions: Deep learning on facial photographs can support the diagnosis of Noonan syndrome."),
}


def study(title: str, abstract: str | None = None, **extra: object) -> dict[str, object]:
    return {"id": "t1", "title": title, "abstract": abstract, **extra}


def criteria(result: object) -> list[str]:
    return [reason.criterion for reason in result.reasons]  # type: ignore[attr-defined]


def test_screen_includes_a_cnn_diagnostic_study_on_facial_photographs() -> None:
    result = screen(CNN_FACE_STUDY)
    assert result.suggestion == "include"
    assert result.reasons == []


EXCLUDED = [
    pytest.param(study(
        "Automated recognition of post-operative pain in mice with a convolutional neural network",
        "The Mouse Grimace Scale is a validated tool for assessing pain in laboratory mice, but manual "
        "scoring is slow. We trained a convolutional neural network on 6,000 images of C57BL/6 mice "
        "before and after laparotomy. The network classified pain with an accuracy of 94%, agreeing with "
        "trained human scorers. Automated grimace scoring could improve animal welfare in research."),
        "non-human", "mice", id="mouse-grimace-study"),
    pytest.param(study(
        "Deep learning detection of inherited retinal disease from fundus photographs",
        "Inherited retinal degenerations are a leading cause of blindness in working-age adults. We "
        "trained an EfficientNet on 14,000 colour fundus photographs and fundus autofluorescence images "
        "of 1,800 patients with genetically confirmed disease. Accuracy for the gene-level diagnosis was "
        "72.3%, and the AUC for ABCA4 retinopathy was 0.95."),
        "not-full-face", "fundus photographs", id="retinal-fundus-photographs"),
    pytest.param(study(
        "Facial action recognition with a convolutional neural network",
        "Video frames of 40 subjects before and after a painful procedure were scored for facial action "
        "units by a CNN; agreement with manual coding was 0.88.",
        mesh_terms=["Animals", "Pain/diagnosis", "Neural Networks, Computer", "Facial Expression"]),
        "non-human", "MeSH: Animals", id="mesh-animals-without-humans"),
    pytest.param(study(
        "Caries detection on intraoral photographs with deep learning",
        "A YOLOv5 model was trained on 3,200 intraoral photographs from 640 patients at a dental school "
        "clinic; sensitivity for cavitated lesions was 92.4%."),
        "not-full-face", "intraoral photographs", id="intraoral-photographs"),
    pytest.param(study(
        "Tongue image classification with a convolutional neural network for gastritis screening",
        "Tongue images were collected from 1,200 patients with chronic gastritis and 800 healthy "
        "volunteers using a standardised device. A CNN segmented the tongue body and classified the "
        "coating; accuracy was 88.6%."),
        "not-full-face", "Tongue", id="tongue-images"),
    pytest.param(study(
        "Predicting criminality from face images with deep convolutional networks",
        "We examine whether a convolutional neural network can distinguish convicted criminals from "
        "non-criminals using identity photographs of 1,856 adult men. The network reached an accuracy "
        "of 89.5%. We discuss implications for law enforcement."),
        "non-medical", "criminality", id="criminality-from-faces"),
    pytest.param(study(
        "Editorial: Artificial intelligence and the face of clinical genetics",
        "Deep learning tools that analyse facial photographs are entering genetics clinics. In this "
        "editorial we consider what clinicians should ask of such tools before using them."),
        "non-empirical", "Editorial", id="editorial-title"),
    pytest.param(study(
        "Facial analysis in clinical genetics",
        "Convolutional neural networks applied to facial photographs of patients are discussed.",
        publication_types=["Journal Article", "Comment"]),
        "non-empirical", "publication type: Comment", id="comment-publication-type"),
    pytest.param(study(
        "Deep learning for facial phenotyping of genetic syndromes: a systematic review and meta-analysis",
        "We searched PubMed, Embase and IEEE Xplore up to March 2023 following PRISMA. Twenty-eight "
        "studies applying convolutional neural networks to facial photographs of patients were included; "
        "pooled sensitivity was 88%."),
        "non-empirical", "systematic review", id="systematic-review"),
    pytest.param(study(
        "Deep learning screening for acromegaly from facial photographs: protocol for a multicentre "
        "diagnostic accuracy study",
        "Patients with suspected acromegaly will be recruited at six endocrine clinics, and standardised "
        "facial photographs will be analysed by a convolutional neural network. Sensitivity and "
        "specificity will be compared with biochemical diagnosis."),
        "non-empirical", "protocol", id="protocol-without-results"),
    pytest.param(study(
        "Facial anthropometry of children with fetal alcohol spectrum disorder",
        "We measured palpebral fissure length, philtrum depth and upper lip thickness with callipers in "
        "148 children with fetal alcohol spectrum disorder and 151 controls. Palpebral fissures were "
        "shorter in affected children (mean difference 1.9 mm, p < 0.001)."),
        "not-deep-learning", "no deep-learning", id="no-machine-learning-at-all"),
    pytest.param(study(
        "Tiefe neuronale Netze zur Erkennung genetischer Syndrome anhand von Gesichtsfotos",
        "Wir haben ein tiefes neuronales Netz mit Gesichtsfotos von Patienten mit genetischen Syndromen "
        "trainiert. Die Genauigkeit lag bei 91 % und war damit höher als die der Ärzte, die an der Studie "
        "teilgenommen haben. Das Netz wurde in drei Kliniken getestet und die Ergebnisse sind "
        "vielversprechend."),
        "not-english", "Wir haben", id="german-abstract"),
    pytest.param(study(*CNN_FACE_STUDY.values(), language="ger"), "not-english", "language: ger",
                 id="language-field-german"),
    pytest.param(study("[Deep learning recognition of facial palsy from photographs].",
                       CNN_FACE_STUDY["abstract"], language=["eng", "chi"][1:]),
                 "not-english", "chi", id="medline-bracketed-title-chinese"),
    pytest.param(study(
        "Clinicians' views on deep learning facial analysis tools in genetics clinics: a qualitative study",
        "We conducted semi-structured interviews with clinical geneticists and genetic counsellors about "
        "their use of deep learning facial analysis applications. Interviews were analysed by thematic "
        "analysis. Participants valued the tools for rare syndromes but worried about bias and consent."),
        "not-quantitative", "qualitative", id="qualitative-interview-study"),
]


@pytest.mark.parametrize(("record", "criterion", "evidence"), EXCLUDED)
def test_screen_excludes_with_the_criterion_and_its_evidence(
        record: dict[str, object], criterion: str, evidence: str) -> None:
    result = screen(record)
    assert result.suggestion == "exclude"
    reason = next(reason for reason in result.reasons if reason.criterion == criterion)
    assert evidence.casefold() in reason.evidence.casefold()


UNSURE = [
    pytest.param(study(
        "Facial expression analysis of pain in patients with dementia using deep learning",
        "Unlike rodent models, in which grimace scales are established, pain in people with advanced "
        "dementia is hard to assess. We trained a convolutional neural network on video frames of 64 "
        "nursing-home residents; agreement with nurse ratings was 0.81."),
        "non-human", id="animal-and-human-cues"),
    pytest.param(study(
        "Support vector machine classification of Williams syndrome from facial landmarks",
        "Facial landmarks were placed on photographs of 90 patients with Williams syndrome and 90 controls, "
        "and a support vector machine classified them with an accuracy of 85%."),
        "not-deep-learning", id="classic-machine-learning-only"),
    pytest.param(study("Deep learning identifies Cornelia de Lange syndrome from facial photographs"),
                 "not-quantitative", id="title-only-record"),
    pytest.param(study(
        "Real-time facial expression recognition with a lightweight convolutional neural network",
        "We propose a lightweight CNN for facial expression recognition on embedded devices. On the "
        "FER-2013 and RAF-DB benchmarks the model reached accuracies of 71.2% and 86.4%."),
        "non-medical", id="no-clinical-context"),
    pytest.param(study(
        "Deep learning analysis of facial and fundus photographs in Alport syndrome",
        "Facial photographs and retinal fundus photographs of 80 patients with Alport syndrome were "
        "analysed with two convolutional neural networks; accuracies were 78% and 91%."),
        "not-full-face", id="face-and-partial-imaging"),
]


@pytest.mark.parametrize(("record", "criterion"), UNSURE)
def test_screen_is_unsure_when_evidence_is_mixed_or_missing(record: dict[str, object],
                                                            criterion: str) -> None:
    result = screen(record)
    assert result.suggestion == "unsure"
    assert criterion in criteria(result)


@pytest.mark.parametrize("abstract", [
    pytest.param(CNN_FACE_STUDY["abstract"].replace(
        "Background: Noonan syndrome", "Background: Face recognition is widely used in security and "
        "surveillance. Noonan syndrome"), id="security-mentioned-as-background"),
    pytest.param(CNN_FACE_STUDY["abstract"] + " We retrospectively reviewed the medical records of all "
                 "patients.", id="reviewed-records-is-not-a-review"),
    pytest.param(CNN_FACE_STUDY["abstract"].replace("patients", "individuals"), id="individuals"),
    pytest.param(CNN_FACE_STUDY["abstract"] + " Photographs were taken with consumer-grade smartphones and "
                 "stored under strict data security.", id="consumer-cameras-and-data-security"),
    pytest.param(CNN_FACE_STUDY["abstract"] + " The RAT score and the CAT scan were recorded.",
                 id="acronyms-that-spell-animals"),
])
def test_screen_does_not_exclude_included_studies_for_incidental_wording(abstract: str) -> None:
    assert screen(study(CNN_FACE_STUDY["title"], abstract)).suggestion == "include"


@pytest.mark.parametrize("title", [
    pytest.param("Re-evaluation of facial photographs in Noonan syndrome with a CNN", id="re-hyphen"),
    pytest.param("Response to treatment in acromegaly measured by a CNN on facial photographs",
                 id="response-to-treatment"),
    pytest.param("Facial gestalt of Turner syndrome: a survey of 30 families with a deep network",
                 id="survey-of-families"),
    pytest.param("Correction of facial asymmetry assessed by a convolutional neural network",
                 id="correction-of"),
])
def test_screen_does_not_read_study_titles_as_letters_or_reviews(title: str) -> None:
    assert "non-empirical" not in criteria(screen(study(title, CNN_FACE_STUDY["abstract"])))


@pytest.mark.parametrize("title", [
    pytest.param("Re: Identifying facial phenotypes of genetic disorders using deep learning", id="re-colon"),
    pytest.param("Response to the letter on DeepGestalt", id="response-to-letter"),
    pytest.param("Deep learning in dysmorphology: an overview", id="overview"),
    pytest.param("Comment on: facial analysis in clinical genetics", id="comment-on"),
])
def test_screen_reads_letters_and_overviews_from_the_title(title: str) -> None:
    assert "non-empirical" in criteria(screen(study(title, CNN_FACE_STUDY["abstract"])))


def test_screen_reads_a_conclusion_in_the_future_tense_as_no_protocol() -> None:
    abstract = ("We trained a convolutional neural network on facial photographs of patients with "
                "acromegaly and controls. The model will be used in endocrine clinics.")
    assert "non-empirical" not in criteria(screen(study("Acromegaly detection with deep learning", abstract)))


@pytest.mark.parametrize("phrase", [
    pytest.param("a novel attention network", id="attention-network"),
    pytest.param("a deep regression network", id="deep-regression-network"),
    pytest.param("a two-stream network (SFTNet)", id="named-net"),
    pytest.param("a vision transformer", id="transformer"),
])
def test_screen_recognises_deep_learning_named_without_the_words_deep_learning(phrase: str) -> None:
    abstract = (f"We propose {phrase} that grades facial palsy from photographs of 300 patients; "
                "accuracy was 91.2%.")
    assert screen(study("Facial palsy grading", abstract)).suggestion == "include"


def test_screen_excludes_deepfake_detection_as_non_medical() -> None:
    result = screen(study("Detecting deepfake face videos with a vision transformer",
                          "We train a ViT on 10,000 manipulated face videos; accuracy was 97.1%."))
    assert (result.suggestion, result.reasons[0].criterion) == ("exclude", "non-medical")


def test_screen_accepts_drafts_records_mappings_and_plain_text() -> None:
    draft = StudyDraft(**CNN_FACE_STUDY, source_file="x.ris", record_number=3, fmt="ris",
                       extra={"language": "English"})
    record = StudyRecord(id="noonan-cnn", **CNN_FACE_STUDY)
    text = CNN_FACE_STUDY["title"] + ". " + CNN_FACE_STUDY["abstract"]
    assert {screen(item).suggestion for item in (draft, record, CNN_FACE_STUDY, text)} == {"include"}


def test_screen_records_outputs_the_contract_format_for_every_record() -> None:
    draft = StudyDraft(title="Editorial: faces and genes", source_file="x.ris", record_number=3, fmt="ris")
    mouse: dict[str, Any] = {**EXCLUDED[0].values[0], "id": "b"}  # type: ignore[dict-item]
    records: list[StudyDraft | dict[str, Any]] = [{"id": "a", **CNN_FACE_STUDY}, mouse, draft]
    output = screen_records(records)
    assert [row["id"] for row in output] == ["a", "b", "anon-nd-editorial-faces-and-genes"]
    assert [row["suggestion"] for row in output] == ["include", "exclude", "exclude"]
    for row in output:
        assert set(row) == {"id", "suggestion", "reasons"}
        assert all(set(reason) == {"criterion", "evidence"} and reason["criterion"] in CRITERIA
                   and reason["evidence"] for reason in row["reasons"])
    json.dumps(output)


def test_screen_never_suggests_protocol_exclusions_for_the_demo_studies() -> None:
    # Every demo study is an included study of the review: none is on animals, partial faces,
    # non-medical uses or without empirical findings.
    records = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    output = screen_records(records)
    wrong = [(row["id"], reason) for row in output for reason in row["reasons"]
             if row["suggestion"] == "exclude"
             and reason["criterion"] in {"non-human", "not-full-face", "non-medical", "non-empirical"}]
    assert wrong == []
    assert sum(row["suggestion"] == "include" for row in output) >= len(records) // 2


def test_split_sentences_keeps_abbreviations_inside_sentences() -> None:
    assert split_sentences("Faces were used, e.g. frontal views. Accuracy was 91%. Smith et al. agreed.") == [
        "Faces were used, e.g. frontal views.", "Accuracy was 91%.", "Smith et al. agreed."]
