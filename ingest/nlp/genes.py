"""Gene mentions: HGNC symbols kept only when the text is talking about a gene.

The span ruler ``facekg_gene_candidates`` puts every case-sensitive symbol match in
``doc.spans["gene_candidates"]``. ``facekg_genes`` keeps a candidate as a ``GENE``
entity when

* the symbol is unambiguous (not on the vocabulary's stoplist: symbols that are English
  words, our abbreviations or metric names, listed acronyms, or short digit-less
  symbols such as ``KIT``/``CAD``), and no longer entity covers it; or
* the sentence gives gene context near it: gene, variant, mutation, pathogenic,
  de novo, "-related", heterozygous...; or the symbol is an associated gene of a
  condition found in the document; or it is coordinated ("NIPBL, SMC3 and RAD21")
  with an accepted gene.

Gene context is strong evidence: a candidate with it replaces an overlapping entity
("CAD gene variants"); a symbol the text defines as something else is never a gene.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ingest.nlp.spans import replace_entities
from ingest.nlp.vocabulary import Vocabulary
from ingest.nlp.vocabulary_cache import vocabulary_from_path

GENE_CONTEXT = {
    "gene", "genes", "variant", "variants", "mutation", "mutations", "mutated", "mutant", "pathogenic",
    "novo", "deletion", "deletions", "duplication", "duplications", "allele", "alleles", "heterozygous",
    "homozygous", "hemizygous", "missense", "nonsense", "frameshift", "truncating", "splice",
    "haploinsufficiency", "carriers", "carrier", "locus", "loci", "exon", "exons", "genotype",
    "genotypes", "knockout", "expression", "sequencing", "encoding", "encodes", "polymorphism",
}
_SUFFIX_CONTEXT = {"related", "associated", "positive", "negative", "deficient", "mutated", "linked"}
_COORDINATORS = {",", "and", "or", "/", ";"}


class GeneFilter:
    """Decides which gene-symbol candidates are genes (see module doc)."""

    def __init__(self, nlp: Language, name: str, vocabulary: str, window: int) -> None:
        self.name = name
        self.window = window
        self.vocab: Vocabulary = vocabulary_from_path(vocabulary) if vocabulary else Vocabulary()

    def _context(self, span: Span) -> bool:
        doc = span.doc
        sent = span.sent
        lo, hi = max(sent.start, span.start - self.window), min(sent.end, span.end + self.window)
        if any(t.lower_ in GENE_CONTEXT for t in doc[lo:hi]):
            return True
        nxt = doc[span.end: span.end + 2]
        return len(nxt) == 2 and nxt[0].text in {"-", "–"} and nxt[1].lower_ in _SUFFIX_CONTEXT

    def match(self, doc: Doc) -> list[tuple[Span, bool]]:
        """(gene span, strong) for each accepted candidate."""
        candidates = list(doc.spans.get("gene_candidates", []))
        if not candidates:
            return []
        defined_as_other = {
            a.short.text for a in getattr(doc._, "abbreviations", []) or [] if a.label != "GENE"
        }
        associated = {g for e in doc.ents if e.label_ == "CONDITION"
                      for g in self.vocab.condition_genes.get(e.ent_id_, [])}
        ent_at = {i: e for e in doc.ents for i in range(e.start, e.end)}
        accepted: dict[int, tuple[Span, bool]] = {}
        pending: list[Span] = []
        for cand in candidates:
            symbol = cand.text
            if symbol in defined_as_other:
                continue
            covering = ent_at.get(cand.start)
            covered = covering is not None and (len(covering) > len(cand) or covering.label_ != "GENE")
            if self._context(cand) or symbol in associated:
                accepted[cand.start] = (cand, True)
            elif symbol not in self.vocab.gene_stoplist and not covered:
                accepted[cand.start] = (cand, False)
            else:
                pending.append(cand)
        changed = True
        while changed and pending:  # coordination: "NIPBL, SMC3 and RAD21"
            changed = False
            for cand in list(pending):
                neighbours = [cand.start - 2, cand.start + 2, cand.start - 3, cand.start + 3]
                linked = any(
                    n in accepted and all(t.text in _COORDINATORS for t in doc[min(n, cand.start) + 1:
                                                                               max(n, cand.start)])
                    for n in neighbours
                )
                if linked:
                    accepted[cand.start] = (cand, True)
                    pending.remove(cand)
                    changed = True
        return sorted(accepted.values(), key=lambda sc: sc[0].start)

    def set_annotations(self, doc: Doc, matches: list[tuple[Span, bool]]) -> None:
        strong = [Span(doc, s.start, s.end, label="GENE", span_id=s.text)
                  for s, is_strong in matches if is_strong]
        occupied = {i for e in doc.ents for i in range(e.start, e.end)}
        weak = [Span(doc, s.start, s.end, label="GENE", span_id=s.text) for s, is_strong in matches
                if not is_strong and not any(i in occupied for i in range(s.start, s.end))]
        replace_entities(doc, add=[*strong, *weak])

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


@Language.factory(
    "facekg_genes",
    assigns=["doc.ents"],
    requires=["doc.spans"],
    default_config={"vocabulary": "", "window": 3},
)
def make_gene_filter(nlp: Language, name: str, vocabulary: str, window: int) -> GeneFilter:
    return GeneFilter(nlp, name, vocabulary, window)
