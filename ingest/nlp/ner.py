"""A trained disease-mention NER beside the rulers: known names keep their ids, unknown ones are kept unmapped.

The dictionaries only find names they list, in the forms they list. ``models/disease_ner`` is a
small CNN NER (spaCy tok2vec + transition-based NER, label DISEASE) trained on the NCBI disease
corpus train split and selected on devel (``make train-ner``, ``scripts/train_ner.py``). The
``facekg_disease_ner`` component runs it on a token-for-token copy of the document, so the
rulers' entities are untouched, and then merges its spans with them (``merge`` policy):

* a predicted span over no entity becomes a CONDITION without concept id (reported unmapped),
  if it is plausible (:meth:`DiseaseNer.plausible`: a disease-like head word or an abbreviation,
  no stray symbols, not a bare class term such as "rare genetic disorders"); leading qualifiers
  ("severe") are trimmed;
* ``merge="ruler"``: a predicted span that overlaps any entity is dropped, so every
  name the rulers know keeps its id and its boundaries;
* ``merge="extend"`` (default, 3.5 points better on NCBI devel): a predicted span that covers
  disease entities and reaches beyond them takes the model's boundaries and the id of the
  entity it ends on ("hereditary breast cancer" keeps breast cancer's id); one overlapping
  another kind of entity is dropped.

Dictionary entities the model does not predict are kept: the model was trained on one corpus.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ingest.nlp.spans import replace_entities

MODEL_DIR = Path(__file__).with_name("models") / "disease_ner"
DISEASE_LABELS = {"CONDITION", "PHENOTYPE", "FINDING"}
MERGE_POLICIES = {"ruler", "extend"}
# Words that qualify a mention without naming the disease: trimmed from the front of a predicted
# span, as the rulers leave them out ("Severe Noonan syndrome" -> "Noonan syndrome").
QUALIFIERS = {"severe", "mild", "moderate", "untreated", "treated", "suspected", "probable", "possible",
              "undiagnosed", "diagnosed", "advanced", "active", "overt", "subclinical", "uncontrolled"}
# Inheritance words before a dictionary name: the model's extension over them alone is not taken
# (ingest.nlp.diseases decides which modifiers belong to a name).
INHERITANCE = {"autosomal", "recessive", "dominant", "x-linked", "-", "autosomal-recessive", "autosomal-dominant"}
# A predicted span the rulers do not know must contain a word that looks like a disease name: the
# model was trained on disease abstracts and, on other text, tags stray nouns ("hospitals"),
# anatomy ("thyroid eye"), symptoms ("abnormal involuntary movement") and datasets.
_DISEASE_WORD = re.compile(
    r"(?:omas?|omata|osis|oses|itis|emias?|aemias?|pathy|pathies|plasias?|trophy|trophies|ism|iasis|algia|"
    r"cele|ptosis|uria|penia|cytosis|megaly|lepsy|lepsies|deficient|degeneration|polyps|abnormalit(?:y|ies)|anomal(?:y|ies)|plegia|paresis|phobia|mania|tumou?rs?|cancers?|"
    r"syndromes?|diseases?|disorders?|conditions?|deficienc(?:y|ies)|dystonia|ataxia|palsy|asthma|autism|acne)$",
    re.IGNORECASE)
# Heads of class terms: with nothing but general modifiers before them ("rare genetic disorders",
# "serious mental health disease") they name a kind of disease, not the condition studied.
CLASS_HEADS = {"disease", "diseases", "disorder", "disorders", "condition", "conditions", "illness",
               "illnesses", "syndrome", "syndromes", "abnormality", "abnormalities", "anomaly", "anomalies"}
GENERAL_MODIFIERS = {"rare", "common", "genetic", "serious", "mental", "health", "heterogeneous", "chronic",
                     "various", "other", "several", "many", "human", "complex", "related", "similar",
                     "different", "multiple", "specific", "known", "unknown", "new", "novel", "major",
                     "neurological", "neurodevelopmental", "psychiatric", "systemic", "medical", "clinical"}
_ABBREVIATION = re.compile(r"^[A-Z](?:-?[A-Z])+$")
# Tokens a disease name may hold beside words and numbers ("Charcot-Marie-Tooth", "Alzheimer's").
_JOINERS = {"-", "'", "’", "/", "(", ")"}


def load_model(path: Path = MODEL_DIR) -> Language | None:
    """The shipped NER as a self-contained pipeline (its NER owns a copy of the tok2vec), or None."""
    if not (path / "meta.json").exists():
        return None
    # its own tokenizer is never used (documents come tokenized): not loading it saves ~0.3 s
    model = spacy.load(path, exclude=["tokenizer"])
    if "tok2vec" in model.pipe_names:
        model.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
        model.remove_pipe("tok2vec")
    return model


def is_candidate(token: Token) -> bool:
    """A token a kept span must hold: in a disease entity, a disease-like word, or capitals ("DMD", "A-T")."""
    text = token.text
    if token.ent_type_ in DISEASE_LABELS or _DISEASE_WORD.search(text):
        return True
    return text.isalpha() and text.isupper() and (len(text) > 1 or (token.i > 0 and token.nbor(-1).text == "-"))


def candidate_windows(doc: Doc, window: int) -> list[tuple[int, int]]:
    """Token ranges within ``window`` tokens of a candidate, merged and clipped to the document."""
    if window <= 0:
        return [(0, len(doc))] if len(doc) else []
    out: list[tuple[int, int]] = []
    for token in doc:
        if not is_candidate(token):
            continue
        a, b = max(0, token.i - window), min(len(doc), token.i + window + 1)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


class DiseaseNer:
    """Runs the trained model and merges its spans with the rulers' entities (see module doc)."""

    def __init__(self, nlp: Language, name: str, model: str, batch_size: int, merge: str = "extend",
                 window: int = 4) -> None:
        if merge not in MERGE_POLICIES:
            raise ValueError(f"facekg_disease_ner: merge must be one of {sorted(MERGE_POLICIES)}, not {merge!r}")
        self.name = name
        self.batch_size = batch_size
        self.window = window
        self.merge_policy = merge
        self.model = load_model(Path(model) if model else MODEL_DIR)

    def predict(self, docs: Iterable[Doc]) -> Iterator[list[tuple[int, int]]]:
        """Token spans the model predicts, per document, computed on a copy of its candidate windows.

        A span is only ever kept when it holds a candidate token (:func:`candidate_windows`), so the
        model reads just the windows around them (``window`` tokens either side; 0: the whole document),
        joined into one copy per document with a line break between windows; a predicted span
        across a joint is dropped.
        """
        if self.model is None:
            for _doc in docs:
                yield []
            return
        docs = list(docs)
        layouts = [self._layout(d) for d in docs]
        copies = (copy for copy, _offsets in layouts)
        for copy, (_copy, offsets) in zip(self.model.pipe(copies, batch_size=self.batch_size), layouts, strict=True):
            found: list[tuple[int, int]] = []
            for e in copy.ents:
                start, end = offsets[e.start], offsets[e.end - 1]
                if start >= 0 and end >= 0 and end - start == e.end - 1 - e.start:
                    found.append((start, end + 1))
            yield found

    def _layout(self, doc: Doc) -> tuple[Doc, list[int]]:
        """The copy the model reads and, per copy token, its index in ``doc`` (-1 for a joint)."""
        words: list[str] = []
        spaces: list[bool] = []
        offsets: list[int] = []
        for a, b in candidate_windows(doc, self.window):
            if words:
                words.append("\n")
                spaces.append(False)
                offsets.append(-1)
            for token in doc[a:b]:
                words.append(token.text)
                spaces.append(bool(token.whitespace_))
                offsets.append(token.i)
        return Doc(self.model.vocab if self.model is not None else doc.vocab, words=words, spaces=spaces), offsets

    def merge(self, doc: Doc, predicted: list[tuple[int, int]]) -> list[Span]:
        """The entities to add for the predicted spans (they replace what they overlap)."""
        add: list[Span] = []
        for start, end in predicted:
            while start < end - 1 and doc[start].lower_ in QUALIFIERS:
                start += 1
            inside = [e for e in doc.ents if e.start < end and start < e.end]
            if not inside:
                if self.plausible(doc[start:end]):
                    add.append(Span(doc, start, end, label="CONDITION"))
                continue
            if self.merge_policy == "ruler":
                continue
            if any(e.label_ not in DISEASE_LABELS for e in inside):
                continue
            if any(e.start <= start and end <= e.end for e in inside):
                continue  # the dictionary's entity is as long or longer
            if all(start <= e.start and e.end <= end for e in inside):
                first, last = min(inside, key=lambda e: e.start), max(inside, key=lambda e: e.end)
                if last.end == end and all(t.lower_ in INHERITANCE for t in doc[start:first.start]):
                    continue  # "autosomal-recessive <name>": the rulers' modifier rules decide
                add.append(Span(doc, start, end, label=last.label_, span_id=last.ent_id_))
        return add

    @staticmethod
    def plausible(span: Span) -> bool:
        """A predicted span kept without a dictionary entity (see module doc)."""
        words = [t.text for t in span]
        if any(not any(c.isalnum() for c in w) and w not in _JOINERS for w in words):
            return False  # "voice, movement", "±"
        if any(_DISEASE_WORD.search(w) for w in words):
            lowered = [w.lower() for w in words]
            return not (lowered[-1] in CLASS_HEADS and all(w in GENERAL_MODIFIERS for w in lowered[:-1]))
        # no disease-like word: an abbreviation of capitals ends it ("DMD", "A-T", "cerebral ALD")
        return bool(_ABBREVIATION.match(span.text.split()[-1]))

    def __call__(self, doc: Doc) -> Doc:
        for predicted in self.predict([doc]):
            replace_entities(doc, add=self.merge(doc, predicted))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        buffer: list[Doc] = []
        for doc in docs:
            buffer.append(doc)
            if len(buffer) >= batch_size:
                yield from self._flush(buffer)
                buffer = []
        yield from self._flush(buffer)

    def _flush(self, docs: list[Doc]) -> Iterator[Doc]:
        for doc, predicted in zip(docs, self.predict(docs), strict=True):
            replace_entities(doc, add=self.merge(doc, predicted))
            yield doc


@Language.factory("facekg_disease_ner", assigns=["doc.ents"], requires=["doc.ents"],
                  default_config={"model": "", "batch_size": 64, "merge": "extend", "window": 4})
def make_disease_ner(nlp: Language, name: str, model: str, batch_size: int, merge: str, window: int) -> DiseaseNer:
    return DiseaseNer(nlp, name, model, batch_size, merge, window)
