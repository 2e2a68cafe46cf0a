"""Screening suggestions from the review protocol's criteria, each with the text that supports it.

The protocol (DESIGN.md section 1) excludes studies not on humans, not on full
facial features, not in a medical context and without empirical findings; it
includes only English, quantitative studies of deep-learning facial image
analysis. :func:`screen` checks title, abstract and metadata against each
criterion with word patterns written for how PubMed abstracts phrase things and
returns ``include``, ``exclude`` or ``unsure`` with reasons.

A rule that finds clear evidence suggests *exclude*; a rule that meets mixed or
missing evidence (an animal model mentioned next to patients, machine learning
but no deep-learning method named, no abstract) suggests *unsure*. These are
suggestions only: nothing is dropped, and reviewers decide (two of them,
independently, as the protocol asks).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from facekg.records import StudyRecord

from .readers.draft import StudyDraft

Criterion = Literal["non-human", "not-full-face", "non-medical", "non-empirical", "not-deep-learning",
                    "not-english", "not-quantitative"]
CRITERIA: tuple[Criterion, ...] = ("non-human", "not-full-face", "non-medical", "non-empirical",
                                   "not-deep-learning", "not-english", "not-quantitative")
Suggestion = Literal["include", "exclude", "unsure"]
EVIDENCE_CHARS = 300


def _words(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})\b", flags)


# --- vocabulary (acronyms are matched case-sensitively so "cat"/"CAT" or "inception" stay apart) ---
_ANIMAL = (_words(r"mice|(?<!computer )mouse|murine|rodents?|animal models?|animals?|canines?|felines?|"
                  r"piglets?|porcine|sheep|ovine|lambs?|horses?|equines?|cattle|bovine|calves|"
                  r"(?:non-human )?primates?|macaques?|monkeys?|rhesus|zebrafish|rabbits?|veterinary|"
                  r"livestock|grimace scale"),
           # Short names in lower case only, so the acronyms RAT, CAT, PIG or DOG do not count.
           _words(r"[Rr]ats?|[Cc]ats?|[Dd]ogs?|[Pp]igs?|[Cc]ows?", 0))
_HUMAN = _words(r"patients?|participants?|child(?:ren)?|infants?|neonates?|newborns?|adolescents?|adults?|"
                r"individuals|people|persons?|men|women|boys|girls|volunteers|healthy controls?|"
                # "human raters" score the images; they are not the participants.
                r"humans?(?! (?:scorers?|raters?|observers?|annotators?|experts?|operators?|readers?|"
                r"coders?|evaluators?|performance|level))|probands?|families|"
                r"outpatients|inpatients|years? old|mean age|aged \d+")
_FULL_FACE = _words(r"faces?|facial|facies|full[- ]face|whole[- ]face|portraits?|selfies?|craniofacial|"
                    r"dysmorph\w*|gestalt|face2gene|deepgestalt|gestaltmatcher|head and neck photographs?|"
                    r"expression recognition|action units?|micro-?expressions?|smil(?:e|es|ing)|grimac\w*")
_PART_REGION = (_words(r"retinal?|fundus|fundoscop\w*|funduscop\w*|optical coherence tomography|irises|iris|"
                       r"iridal|corneal?|scleral?|conjunctival?|eyelids?|periocular|periorbital|eyes?|ocular|"
                       r"pupils?|cleft lips?|cleft palates?|lips?|oral cavity|intraoral|oral mucosa|teeth|"
                       r"tooth|dental|dentition|orthodontic|panoramic radiographs?|"
                       r"cephalometric|cephalograms?|tongues?|ears?|auricles?|auricular|pinnae?|"
                       r"otoscop\w*|tympanic membranes?|nose|nasal endoscop\w*"), _words(r"OCT", 0))
_PART_IMAGING = _words(r"(?:retinal|fundus|iris|eye|ocular|dental|intraoral|tongue|ear|otoscopic|lip|oral)"
                       r" (?:images?|photographs?|photos?|scans?|pictures?|radiographs?)|fundus photography|"
                       r"optical coherence tomography")
_NON_MEDICAL = _words(r"criminolog\w*|criminals?|criminality|forensic\w*|law enforcement|police|policing|"
                      r"(?:video )?surveillance (?:cameras?|systems?|footage|videos?)|video surveillance|"
                      r"security (?:systems?|applications?|cameras?|checks?|screening)|public security|"
                      r"national security|biometric (?:identification|authentication|verification|"
                      r"recognition|systems?|security)|access control|identity verification|"
                      r"face (?:verification|authentication)|re-?identification|marketing|advertis\w*|"
                      r"consumer (?:behaviou?r|preferences?|research|satisfaction)|"
                      r"customer (?:satisfaction|experience|behaviou?r)|retail|shopping|"
                      r"deepfakes?|(?:anti-)?spoofing|"
                      r"liveness detection|attractiveness|beauty|human-computer interaction|"
                      r"driver (?:drowsiness|fatigue)|e-learning|lie detection|deception")
# A sentence that lists uses of face analysis in general is background, not the study's own context.
_BACKGROUND = _words(r"widely (?:used|applied|adopted)|applications? (?:in|such as|including)|"
                     r"ha(?:s|ve) been (?:used|applied)|various fields|such as|ranging from")
_MEDICAL = _words(r"patients?|clinical(?:ly)?|clinics?|clinicians?|physicians?|doctors?|nurses?|hospitals?|"
                  r"medical|medicine|health(?:care)?|diagnos\w*|prognos\w*|diseases?|disorders?|syndromes?|"
                  r"symptoms?|therap\w*|treatments?|surgery|surgical|screening|patholog\w*|genetic|genomic|"
                  r"mutations?|dysmorph\w*|pain|cancers?|tumou?rs?|carcinomas?|malignan\w*|depressi\w*|"
                  r"autis\w*|ADHD|schizophreni\w*|psychiatr\w*|psychosis|psychotic|dementia|alzheimer\w*|"
                  r"parkinson\w*|stroke|palsy|paralysis|dystonia|epilep\w*|acromegaly|diabet\w*|"
                  r"cardiovascular|coronary|hypertension|infect\w*|covid-19|dermatolog\w*|acne|rosacea|"
                  r"psoriasis|lesions?|neurolog\w*|endocrin\w*|an(?:a)?esthe\w*|intensive care|neonatal|"
                  r"p(?:a)?ediatric|rehabilitation|frailty|sleep apnea|trisomy|phenotyp\w*|impairments?|"
                  r"cognitive|biomarkers?|hearing loss|cataracts?|COPD|NCT\d+|"
                  r"\w{4,}(?:itis|osis|opathy|plasia|trophy|aemia|emia)")
_PUBLICATION_TYPES_OUT = {"editorial", "comment", "letter", "review", "systematic review", "meta-analysis",
                          "news", "published erratum", "retraction of publication", "guideline",
                          "practice guideline", "interview", "lecture", "biography", "historical article"}
_TITLE_NON_EMPIRICAL = (
    re.compile(r"^\W*(?:editorial|commentary|comment|viewpoint|perspective|opinion|"
               r"letter(?: to the editor)?|reply|in reply|erratum|corrigendum|correction|"
               r"retraction(?: note)?|retracted(?: article)?)\s*(?:[:.\-\u2013]|\b(?:to|on|regarding)\b)",
               re.IGNORECASE),
    # "Re: ..." and "Response to the letter ..." answer a paper; "Response to treatment" and
    # "Re-evaluation of" are studies.
    re.compile(r"^\W*(?:re|response)\s*:|^\W*response to (?:the |a )?(?:letters?|comments?|commentary|"
               r"editorial|editor|correspondence|reply|critique|article|paper)\b", re.IGNORECASE),
    _words(r"(?:systematic|scoping|narrative|literature|integrative|umbrella|rapid|critical|comprehensive|"
           r"state-of-the-art) review|meta-?analys[ie]s|review of the literature|study protocol|"
           r"protocol for an?"),
    # "...: an overview" is a review; "...: a survey of 30 kindreds" or "review of 50 cases" is a study.
    re.compile(r"(?:^|[:.?]\s*)(?:an? |the )?(?:\w+ ){0,2}(?:review|survey|overview|tutorial|primer)\b"
               r"(?! of (?:\d|\w+ (?:cases|patients|families|kindreds|children|adults)))", re.IGNORECASE),
)
_ABSTRACT_NON_EMPIRICAL = _words(
    r"(?:this|the present|the current|our) (?:\w+ ){0,2}(?:review|overview|editorial|commentary|"
    r"perspective article|viewpoint|tutorial|literature survey)(?! of (?:the |all )?(?:\d|medical|patient|"
    r"clinical|records|charts|files|images|photographs|cases|videos))|"
    r"we (?:systematically )?(?:review|summari[sz]e|overview)|"
    r"we (?:conducted|performed|carried out|undertook) an? (?:\w+ ){0,3}(?:review|meta-analysis)|"
    r"(?:systematic|scoping|narrative|literature|umbrella) review (?:was|is) (?:conducted|performed)|"
    r"PRISMA|PROSPERO|in this issue")
_DATABASE_SEARCH = _words(r"search(?:ed|es)? (?:of |in )?(?:the )?(?:PubMed|MEDLINE|Embase|Scopus|"
                          r"Web of Science|Google Scholar|IEEE Xplore|Cochrane)|"
                          r"(?:PubMed|MEDLINE|Embase|Scopus|Web of Science|Google Scholar|IEEE Xplore)"
                          r" (?:was|were) searched")
_PROTOCOL = _words(r"(?:study|trial|review) protocol|protocol for (?:a|an|the)|this protocol")
# Methods in the future tense: one "will be used" may be a conclusion, two describe a plan.
_FUTURE = _words(r"will be (?:recruited|enrolled|collected|analy[sz]ed|assessed|evaluated|conducted|"
                 r"performed|used|compared|trained|included|obtained)")
_RESULTS = re.compile(r"\d+(?:\.\d+)?\s?%|\bAUC\b|\bp\s?[<=>]\s?0|\baccuracy of\b|\bresults? (?:showed|show|"
                      r"indicated?|demonstrated?|revealed?)\b|\bachieved\b|\boutperform\w*", re.IGNORECASE)
# Generic deep-learning wording, names of systems the ontology does not hold, and architecture families
# written with a version suffix (ResNet152, VGG16-BN); the ontology's deep-learning architectures are
# added by name in _deep_learning_terms().
_DEEP = (_words(r"deep[- ]learning|deep[- ]neural|neural net(?:work)?s?|convolutional|"
                r"generative adversarial|recurrent neural|facenet|arcface|deepface|vggface\w*|openface|"
                r"retinaface|transfer learning|fine-tun\w*|pre-?trained (?:network|model)s?|"
                r"capsule networks?|diffusion models?|foundation models?|"
                r"self-supervised|contrastive learning|attention mechanism|"
                r"deep (?:\w+ )?(?:networks?|models?|architectures?|features?|regression|representations?)|"
                r"(?:attention|residual|siamese|capsule|pyramid|backbone|encoder|decoder|multi-?task|"
                r"\w+-stream|cascaded?) (?:\w+ )?networks?"),
         _words(r"ResNe(?:X|x)t?\w*|VGG\w*|Inception\w*|DenseNet\w*|EfficientNet\w*|"
                r"MobileNet\w*|AlexNet|SqueezeNet|ShuffleNet|YOLO\w*|GANs?|MTCNN|[A-Z][A-Za-z0-9-]*Net", 0))
# Machine-learning wording, curated rather than read from the ontology: its statistical models
# (logistic regression, GLM, LASSO) are no sign of machine learning in a clinical abstract.
_MACHINE = (_words(r"machine[- ]learning|support vector|random forests?|gradient boost\w*|xgboost|lightgbm|"
                   r"adaboost|k-nearest|nearest neighbou?r|decision trees?|naive bayes|linear discriminant|"
                   r"artificial intelligence|computer vision|computer-aided|computer-assisted|"
                   r"automated (?:facial|face|image)|classifiers?|pattern recognition|"
                   r"geometric morphometric\w*|active appearance models?|fac(?:e|ial) recognition|"
                   r"recognition software|(?:digital )?facial analysis "
                   r"(?:technology|software|tools?)|digital facial analysis|automated|automatic|"
                   r"computeri[sz]ed|algorithms?"),
            _words(r"AI|SVMs?|KNN|LDA|PCA", 0))
_QUALITATIVE = _words(r"qualitative (?:study|research|analysis|approach|design|interviews?|methods?|data)|"
                      r"semi-structured interviews?|in-depth interviews?|interview study|focus groups?|"
                      r"thematic(?:ally)? analy[sz]\w*|grounded theory|phenomenolog\w*|ethnograph\w*")
_MIXED = _words(r"mixed[- ]methods?")
_CASE_REPORT = _words(r"case report|we (?:report|present|describe) (?:a|the) case|\d+-year-old (?:man|woman|"
                      r"boy|girl|patient)")
_QUANTITY_WORDS = _words(r"accuracy|sensitivity|specificity|AUC|area under|precision|recall|F1|"
                         r"significant\w*|outperform\w*|correlat\w*|percent\w*|error|performance|evaluat\w*|benchmark\w*")
_ENGLISH = {"en", "eng", "english", "en-us", "en-gb", "en_us", "en_gb"}
_STOPWORDS = {language: frozenset(words.split()) for language, words in {
    "en": "the of and in to a is with for was were on by we that this as from are an be at or which these "
          "their using between than our not",
    "de": "der die und das ist nicht mit den von zu im eine ein des dem bei wurden wurde sich auf",
    "fr": "le la les des et est une dans pour que du un au par sur avec ont été nous",
    "es": "el los las y del que en con por para una es se un al fue fueron su como",
    "pt": "os as não com para uma do da dos das em que um foi foram ao pelo pela",
    "it": "il di che è per con una gli della delle dei nel sono stato stati alla",
}.items()}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[])")
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|et al|vs|Fig|Figs|approx|no|Dr)\.$", re.IGNORECASE)


class Reason(BaseModel):
    """One criterion and the text that supports applying it."""

    criterion: Criterion
    evidence: str


class ScreeningSuggestion(BaseModel):
    """A suggested screening decision with its reasons (empty for a plain include)."""

    suggestion: Suggestion
    reasons: list[Reason]

    def contract(self, record_id: str) -> dict[str, Any]:
        """The ``facekg screen`` output object for one record."""
        return {"id": record_id, "suggestion": self.suggestion,
                "reasons": [reason.model_dump() for reason in self.reasons]}


@dataclass(frozen=True)
class _Finding:
    criterion: Criterion
    evidence: str
    exclude: bool  # True: clear evidence for exclusion; False: only doubt (suggest unsure)


@dataclass(frozen=True)
class _Text:
    title: str
    abstract: str
    sentences: list[str]
    languages: list[str]
    publication_types: list[str]
    mesh_terms: list[str]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; a split after "e.g." or "et al." is undone."""
    sentences: list[str] = []
    for piece in _SENTENCE_END.split(text.strip()):
        if sentences and _ABBREVIATIONS.search(sentences[-1]):
            sentences[-1] += " " + piece
        elif piece:
            sentences.append(piece)
    return sentences


def _snippet(sentence: str, match: re.Match[str]) -> str:
    if len(sentence) <= EVIDENCE_CHARS:
        return sentence
    start = max(0, min(match.start() - EVIDENCE_CHARS // 2, len(sentence) - EVIDENCE_CHARS))
    text = sentence[start:start + EVIDENCE_CHARS]
    return ("..." if start else "") + text + ("..." if start + EVIDENCE_CHARS < len(sentence) else "")


def _hits(patterns: re.Pattern[str] | tuple[re.Pattern[str], ...], sentences: Iterable[str],
          skip: re.Pattern[str] | None = None) -> list[str]:
    """Evidence snippets: each sentence matching any pattern (and not ``skip``), once."""
    group = patterns if isinstance(patterns, tuple) else (patterns,)
    found: list[str] = []
    for sentence in sentences:
        if skip is not None and skip.search(sentence):
            continue
        for pattern in group:
            match = pattern.search(sentence)
            if match:
                found.append(_snippet(sentence, match))
                break
    return found


def _as_list(value: object) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[;,]", value) if part.strip()]
    if isinstance(value, Iterable):
        return [str(item).strip() for item in value if str(item).strip()]
    return [str(value)]


def _text_of(item: StudyDraft | StudyRecord | Mapping[str, Any] | str) -> _Text:
    keywords: list[str] = []
    if isinstance(item, str):
        title, abstract, extra = "", item, {}
    elif isinstance(item, StudyDraft | StudyRecord):
        title, abstract, keywords = item.title, item.abstract or "", item.keywords
        extra = item.extra if isinstance(item, StudyDraft) else {}
    else:
        title, abstract = str(item.get("title") or ""), str(item.get("abstract") or "")
        extra = {**(item.get("extra") or {}), **item}
        keywords = _as_list(item.get("keywords"))
    types = _as_list(extra.get("publication_types"))
    if isinstance(extra.get("type"), str):
        types.append(extra["type"])
    sentences = ([title] if title else []) + split_sentences(abstract)
    if keywords:
        sentences.append("Keywords: " + "; ".join(keywords))
    return _Text(title, abstract, sentences, _as_list(extra.get("language")), types,
                 [str(term) for term in extra.get("mesh_terms") or []])


def _non_human(text: _Text) -> list[_Finding]:
    # MEDLINE indexers tag every study with the check tags Humans and/or Animals.
    headings = {term.split("/")[0].strip("* ").casefold() for term in text.mesh_terms}
    animal = _hits(_ANIMAL, text.sentences)
    if "animals" in headings and "humans" not in headings:
        return [_Finding("non-human", animal[0] if animal else "MeSH: Animals, not Humans", exclude=True)]
    if not animal:
        return []
    human = "humans" in headings or bool(_hits(_HUMAN, text.sentences))
    # Animal and human cues together ("unlike mouse models, our patients...") need a reader.
    return [_Finding("non-human", animal[0], exclude=not human)]


def _not_full_face(text: _Text) -> list[_Finding]:
    face = _hits(_FULL_FACE, text.sentences)
    imaging = _hits(_PART_IMAGING, text.sentences)
    if not face:
        # Images of one region, or one region named in the title, is clear; region words elsewhere
        # ("tongue, lip and jaw movements" in a video study) leave doubt.
        clear = imaging or _hits(_PART_REGION, [text.title])
        if clear:
            return [_Finding("not-full-face", clear[0], exclude=True)]
        regions = _hits(_PART_REGION, text.sentences)
        if regions:
            return [_Finding("not-full-face", regions[0], exclude=False)]
        return [_Finding("not-full-face", "no mention of faces or facial images in the title or abstract",
                         exclude=False)]
    # Dysmorphic lips, ears or teeth are features of a face; retinal or dental *images* are another modality.
    return [_Finding("not-full-face", imaging[0], exclude=False)] if imaging else []


def _non_medical(text: _Text) -> list[_Finding]:
    medical = _hits(_MEDICAL, text.sentences)
    # "Facial biometrics of patients with Down syndrome" uses a non-medical word in a medical sense.
    own = [sentence for sentence in text.sentences if not _MEDICAL.search(sentence)]
    non_medical = _hits(_NON_MEDICAL, own, skip=_BACKGROUND)
    if non_medical:
        return [_Finding("non-medical", non_medical[0], exclude=not medical)]
    if not medical:
        return [_Finding("non-medical", "no clinical or health context mentioned in the title or abstract",
                         exclude=False)]
    return []


def _non_empirical(text: _Text) -> list[_Finding]:
    types = [kind for kind in text.publication_types if kind.strip().casefold() in _PUBLICATION_TYPES_OUT
             or kind.strip().upper() == "NEWS"]
    if types:
        return [_Finding("non-empirical", f"publication type: {', '.join(types)}", exclude=True)]
    title = _hits(_TITLE_NON_EMPIRICAL, [text.title]) if text.title else []
    stated = title or _hits(_ABSTRACT_NON_EMPIRICAL, text.sentences)
    has_results = bool(_RESULTS.search(text.abstract))
    protocol = _hits(_PROTOCOL, text.sentences)
    future = _hits(_FUTURE, text.sentences)
    if len(future) >= 2:
        protocol = protocol or future
    if protocol and not has_results:
        return [_Finding("non-empirical", protocol[0], exclude=True)]
    if stated:
        return [_Finding("non-empirical", stated[0], exclude=True)]
    search = _hits(_DATABASE_SEARCH, text.sentences)
    return [_Finding("non-empirical", search[0], exclude=False)] if search else []


@functools.cache
def _deep_learning_terms() -> tuple[re.Pattern[str], ...]:
    """:data:`_DEEP` plus every name of a deep-learning architecture in the ontology.

    Names and synonyms match in any case, abbreviations (CNN, ViT) only as written; both in the plural too.
    """
    from ontology import load_ontology

    ontology = load_ontology()
    deep = [c for c in ontology.architectures() if ontology.is_deep_learning(c.id)]

    def alternatives(forms: set[str]) -> str:
        longest_first = sorted(forms, key=lambda form: (-len(form), form))
        return "|".join(re.escape(form) + ("s?" if form[-1].isalpha() else "") for form in longest_first)

    names = alternatives({name for c in deep for name in (c.label, *c.synonyms)})
    abbreviations = alternatives({a for c in deep for a in c.abbreviations})
    return (*_DEEP, _words(names), _words(abbreviations, 0))


def _not_deep_learning(text: _Text) -> list[_Finding]:
    if _hits(_deep_learning_terms(), text.sentences):
        return []
    machine = _hits(_MACHINE, text.sentences)
    if machine:
        return [_Finding("not-deep-learning", machine[0], exclude=False)]
    return [_Finding("not-deep-learning",
                     "no deep-learning, machine-learning or AI term in the title or abstract",
                     exclude=bool(text.abstract.strip()))]


def _not_english(text: _Text) -> list[_Finding]:
    if text.languages and not any(lang.casefold() in _ENGLISH for lang in text.languages):
        return [_Finding("not-english", f"language: {', '.join(text.languages)}", exclude=True)]
    if text.title.startswith("[") and text.title.rstrip(".").endswith("]"):
        # MEDLINE brackets a title translated from another language.
        return [_Finding("not-english", f"title translated into English: {text.title}", exclude=True)]
    foreign = _foreign_text(text)
    return [foreign] if foreign is not None else []


def _foreign_text(text: _Text) -> _Finding | None:
    """A not-english finding when the abstract (or title) itself is written in another language."""
    sample = text.abstract or text.title
    letters = [char for char in sample if char.isalpha()]
    # Letters beyond Latin Extended-B: CJK, Cyrillic, Greek, Arabic and other scripts.
    if letters and sum(ord(char) > 0x24F for char in letters) > 0.3 * len(letters):
        return _Finding("not-english", sample[:EVIDENCE_CHARS], exclude=True)
    words = re.findall(r"[^\W\d_]+", sample.casefold())
    if len(words) < 15:
        return None
    share = {lang: sum(word in stop for word in words) / len(words) for lang, stop in _STOPWORDS.items()}
    other = max((lang for lang in share if lang != "en"), key=share.__getitem__)
    if share["en"] < 0.06 and share[other] > max(2 * share["en"], 0.08):
        first = split_sentences(sample)[0] if sample.strip() else sample
        return _Finding("not-english", first[:EVIDENCE_CHARS], exclude=True)
    return None


def _not_quantitative(text: _Text) -> list[_Finding]:
    if not text.abstract.strip():
        return [_Finding("not-quantitative", "no abstract: quantitative empirical findings cannot be checked",
                         exclude=False)]
    qualitative = _hits(_QUALITATIVE, text.sentences)
    has_numbers = bool(re.search(r"\d", text.abstract))
    if qualitative:
        mixed = bool(_hits(_MIXED, text.sentences)) or bool(_RESULTS.search(text.abstract))
        return [_Finding("not-quantitative", qualitative[0], exclude=not mixed)]
    case = _hits(_CASE_REPORT, text.sentences)
    if case or any(kind.casefold() == "case reports" for kind in text.publication_types):
        return [_Finding("not-quantitative", case[0] if case else "publication type: Case Reports",
                         exclude=False)]
    if not has_numbers and not _QUANTITY_WORDS.search(text.abstract) and len(text.abstract.split()) >= 30:
        return [_Finding("not-quantitative", "no numbers or performance measures in the abstract",
                         exclude=False)]
    return []


_RULES = (_non_human, _not_full_face, _non_medical, _non_empirical, _not_deep_learning, _not_english,
          _not_quantitative)


def screen(item: StudyDraft | StudyRecord | Mapping[str, Any] | str) -> ScreeningSuggestion:
    """Suggest include / exclude / unsure for one record with a reason per criterion that fired.

    ``item`` is a draft, a study record, a mapping with ``title`` and
    ``abstract`` (and optionally ``language``, ``publication_types``), or the
    text alone. Exclusion evidence comes first in ``reasons``.
    """
    text = _text_of(item)
    if _foreign_text(text) is not None:
        # The word rules read English; on another language they would only add noise.
        findings = _not_english(text)
    else:
        findings = [finding for rule in _RULES for finding in rule(text)]
    findings.sort(key=lambda finding: (not finding.exclude, CRITERIA.index(finding.criterion)))
    if any(finding.exclude for finding in findings):
        suggestion: Suggestion = "exclude"
    elif findings:
        suggestion = "unsure"
    else:
        suggestion = "include"
    return ScreeningSuggestion(suggestion=suggestion, reasons=[
        Reason(criterion=finding.criterion, evidence=finding.evidence) for finding in findings])


def record_id(item: StudyDraft | StudyRecord | Mapping[str, Any]) -> str:
    """The id a screening result is reported under: the study id ``facekg ingest`` gives the record."""
    if isinstance(item, StudyDraft):
        return item.study_id()
    if isinstance(item, StudyRecord):
        return item.id
    return str(item.get("id", ""))


def screen_records(records: Iterable[StudyDraft | StudyRecord | Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Screen every record, in input order.

    Each result is ``{"id", "suggestion", "reasons": [{"criterion", "evidence"}]}``, the
    ``facekg screen`` output contract (DESIGN.md section 3).
    """
    return [screen(record).contract(record_id(record)) for record in records]
