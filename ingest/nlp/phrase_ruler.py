"""A phrase ruler that loads in well under a second: token tuples in a dict, not a PhraseMatcher.

spaCy's ``SpanRuler.add_patterns`` runs every phrase pattern through the pipeline before it
(tokenizer plus the rulers already added) and adds them to the ``PhraseMatcher`` one by one:
about 16 s for the ~65k vocabulary patterns, on every start, and again on ``from_disk``.
``facekg_phrase_ruler`` tokenizes its patterns once, stores the token strings, and on
``from_disk`` reads them back into a dict keyed by the first token. Matching a document is one
dict lookup per token plus one per candidate length.

Semantics are the span ruler's as the pipeline used it: ``attr`` LOWER (case-insensitive) or
ORTH; among overlapping matches the longest wins, then the earliest; ``mode`` ``overwrite``
(set ``doc.ents``), ``keep`` (add to ``doc.ents`` where nothing is) or ``spans`` (every match,
overlaps included, into ``doc.spans[spans_key]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import srsly
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ingest.nlp.spans import doc_words

Entry = tuple[tuple[str, ...], str, str]  # (tokens, label, id)


class PhraseRuler:
    """Token-tuple phrase matching with the span ruler's outputs (see module doc)."""

    def __init__(self, nlp: Language, name: str, attr: str, mode: str, spans_key: str) -> None:
        if attr not in ("LOWER", "ORTH") or mode not in ("overwrite", "keep", "spans"):
            raise ValueError(f"{name}: attr must be LOWER or ORTH and mode overwrite, keep or spans")
        self.nlp, self.name, self.attr, self.mode, self.spans_key = nlp, name, attr, mode, spans_key
        self.entries: list[Entry] = []
        self.table: dict[str, dict[tuple[str, ...], tuple[str, str]]] = {}
        self.lengths: dict[str, list[int]] = {}

    def add_patterns(self, patterns: Iterable[Mapping[str, Any]]) -> None:
        """Phrase patterns ``{"label", "pattern", "id"}``, tokenized by the pipeline's tokenizer only."""
        rows = [(str(p["pattern"]), str(p["label"]), str(p.get("id") or "")) for p in patterns]
        tokenizer = cast(Tokenizer, self.nlp.tokenizer)
        for doc, (_text, label, cid) in zip(tokenizer.pipe(r[0] for r in rows), rows, strict=True):
            tokens = tuple(t.lower_ if self.attr == "LOWER" else t.text for t in doc)
            if tokens:
                self._add((tokens, label, cid))

    def _add(self, entry: Entry) -> None:
        tokens, label, cid = entry
        first = self.table.setdefault(tokens[0], {})
        if tokens in first:
            return  # first pattern wins, as the vocabulary's precedence says
        first[tokens] = (label, cid)
        self.entries.append(entry)
        lengths = self.lengths.setdefault(tokens[0], [])
        if len(tokens) not in lengths:
            lengths.append(len(tokens))
            lengths.sort(reverse=True)

    def matches(self, doc: Doc) -> list[Span]:
        words = doc_words(doc, lower=self.attr == "LOWER")
        out: list[Span] = []
        n = len(words)
        for i, word in enumerate(words):
            lengths = self.lengths.get(word)
            if not lengths:
                continue
            table = self.table[word]
            for length in lengths:
                if i + length > n:
                    continue
                hit = table.get(tuple(words[i:i + length]))
                if hit:
                    out.append(Span(doc, i, i + length, label=hit[0], span_id=hit[1]))
                    if self.mode != "spans":
                        break  # the longest from here; shorter ones would lose to it anyway
        return out

    def __call__(self, doc: Doc) -> Doc:
        found = self.matches(doc)
        if self.mode == "spans":
            doc.spans[self.spans_key] = found
        elif self.mode == "overwrite":
            doc.ents = filter_spans(found)
        else:
            occupied = {i for e in doc.ents for i in range(e.start, e.end)}
            new = [s for s in filter_spans(found) if not any(i in occupied for i in range(s.start, s.end))]
            if new:
                doc.ents = sorted([*doc.ents, *new], key=lambda s: s.start)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_msgpack(path / "entries.msgpack", [[list(t), label, cid] for t, label, cid in self.entries])

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> PhraseRuler:
        # the entries were deduplicated when written: straight into the table, lengths sorted once
        lengths: dict[str, set[int]] = {}
        for tokens, label, cid in srsly.read_msgpack(Path(path) / "entries.msgpack"):
            key = tuple(tokens)
            first = self.table.setdefault(key[0], {})
            if key in first:
                continue
            first[key] = (label, cid)
            self.entries.append((key, label, cid))
            lengths.setdefault(key[0], set()).add(len(key))
        for word, sizes in lengths.items():
            self.lengths[word] = sorted(sizes | set(self.lengths.get(word, ())), reverse=True)
        return self


@Language.factory("facekg_phrase_ruler", default_config={"attr": "LOWER", "mode": "overwrite", "spans_key": ""})
def make_phrase_ruler(nlp: Language, name: str, attr: str, mode: str, spans_key: str) -> PhraseRuler:
    return PhraseRuler(nlp, name, attr, mode, spans_key)
