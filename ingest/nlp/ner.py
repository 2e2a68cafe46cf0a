"""A trained disease-mention NER beside the rulers: known names keep their ids, unknown ones are kept unmapped.

The dictionaries only find names they list, in the forms they list. ``models/disease_ner`` is a
small CNN NER (spaCy tok2vec + transition-based NER, label DISEASE) trained on the NCBI disease
corpus train split and selected on devel (``make train-ner``, ``scripts/train_ner.py``). The
``facekg_disease_ner`` component runs it on a token-for-token copy of the document, so the
rulers' entities are untouched, and then merges its spans with them:

* a predicted span over no entity becomes a CONDITION without concept id (reported unmapped),
  unless it overlaps an entity of another kind (an architecture, a metric, a gene);
* a predicted span that covers disease entities and reaches beyond them takes the model's
  boundaries and the id of the entity it ends on ("hereditary breast cancer" keeps breast
  cancer's id: the model knows where mentions start, the dictionary what they are);
* a predicted span inside a longer dictionary entity changes nothing.

Dictionary entities the model does not predict are kept: the model was trained on one corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from ingest.nlp.spans import replace_entities

MODEL_DIR = Path(__file__).with_name("models") / "disease_ner"
DISEASE_LABELS = {"CONDITION", "PHENOTYPE", "FINDING"}


def load_model(path: Path = MODEL_DIR) -> Language | None:
    """The shipped NER as a self-contained pipeline (its NER owns a copy of the tok2vec), or None."""
    if not (path / "meta.json").exists():
        return None
    model = spacy.load(path)
    if "tok2vec" in model.pipe_names:
        model.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
        model.remove_pipe("tok2vec")
    return model


class DiseaseNer:
    """Runs the trained model and merges its spans with the rulers' entities (see module doc)."""

    def __init__(self, nlp: Language, name: str, model: str, batch_size: int) -> None:
        self.name = name
        self.batch_size = batch_size
        self.model = load_model(Path(model) if model else MODEL_DIR)

    def predict(self, docs: Iterable[Doc]) -> Iterator[list[tuple[int, int]]]:
        """Token spans the model predicts, per document, computed on copies of the documents."""
        if self.model is None:
            for _doc in docs:
                yield []
            return
        vocab = self.model.vocab
        copies = (Doc(vocab, words=[t.text for t in d], spaces=[bool(t.whitespace_) for t in d]) for d in docs)
        for copy in self.model.pipe(copies, batch_size=self.batch_size):
            yield [(e.start, e.end) for e in copy.ents]

    @staticmethod
    def merge(doc: Doc, predicted: list[tuple[int, int]]) -> list[Span]:
        """The entities to add for the predicted spans (they replace what they overlap)."""
        add: list[Span] = []
        for start, end in predicted:
            inside = [e for e in doc.ents if e.start < end and start < e.end]
            if not inside:
                add.append(Span(doc, start, end, label="CONDITION"))
                continue
            if any(e.label_ not in DISEASE_LABELS for e in inside):
                continue
            if any(e.start <= start and end <= e.end for e in inside):
                continue  # the dictionary's entity is as long or longer
            if all(start <= e.start and e.end <= end for e in inside):
                last = max(inside, key=lambda e: e.end)
                add.append(Span(doc, start, end, label=last.label_, span_id=last.ent_id_))
        return add

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
                  default_config={"model": "", "batch_size": 64})
def make_disease_ner(nlp: Language, name: str, model: str, batch_size: int) -> DiseaseNer:
    return DiseaseNer(nlp, name, model, batch_size)
