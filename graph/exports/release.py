"""Named releases: the current review update frozen under a version, with its export bundle and manifest.

``facekg release --version 1.0`` writes every whole-graph export (:data:`graph.exports.FORMATS`) to a
folder with ``manifest.json`` (the update it freezes, counts, each file's SHA-256, the ontology's and the
software's versions), and records the release in ``<data_dir>/releases.json``. A release names an update,
and every answer can be had as of an update (``?as_of=``), so a release stays reproducible after later
updates: pages cite it by its update.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError
from rdflib.namespace import OWL

from facekg import __version__
from facekg.errors import Conflict, InputError
from facekg.records import FACT_LISTS
from graph.exports import FORMATS
from graph.store import GraphStore
from ontology import Ontology

REGISTRY = "releases.json"
MANIFEST = "manifest.json"
VERSION_PATTERN = re.compile(r"\d+\.\d+(?:\.\d+)?")


class ExportFile(BaseModel):
    format: str
    file: str
    bytes: int
    sha256: str


class Release(BaseModel):
    """One release: its version, the review update it freezes and what its bundle holds."""

    version: str
    review_update: str
    update_created_at: str
    released_at: str
    software_version: str
    ontology_version: str | None
    counts: dict[str, int] = Field(description="studies, review_updates, nodes, edges and facts by kind")
    exports: list[ExportFile]


def ontology_version(ontology: Ontology) -> str | None:
    """The ontology's ``owl:versionInfo``, or None when it has none."""
    found = sorted(str(value) for value in ontology.graph.objects(None, OWL.versionInfo))
    return found[0] if found else None


def check_version(version: str) -> str:
    """``version`` when it is X.Y or X.Y.Z; else an :class:`InputError` naming ``--version``."""
    if not VERSION_PATTERN.fullmatch(version):
        raise InputError(f"{version!r} is not a release version such as 1.0 or 1.2.3", field="--version")
    return version


def releases(data_dir: Path) -> list[Release]:
    """The releases recorded under ``data_dir``, oldest first (none when nothing was released)."""
    path = Path(data_dir) / REGISTRY
    if not path.exists():
        return []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [Release.model_validate(item) for item in raw]
    except (OSError, ValueError, ValidationError) as exc:
        raise InputError(f"cannot read the release registry: {exc}", file=str(path)) from exc


def update_pinned_by(data_dir: Path, name: str) -> str:
    """The review update ``name`` pins: a release version's update (``as_of=1.0``), else ``name`` itself."""
    if VERSION_PATTERN.fullmatch(name):
        for release in releases(data_dir):
            if release.version == name:
                return release.review_update
    return name


def latest_release(data_dir: Path) -> Release | None:
    found = releases(data_dir)
    return found[-1] if found else None


def make_release(store: GraphStore, ontology: Ontology, version: str, out_dir: Path, data_dir: Path) -> Release:
    """Freeze the store's latest update as release ``version``: write the bundle to ``out_dir``, record it.

    Refuses (:class:`Conflict`) a version already released or a store without any update, and an
    ``out_dir`` that exists and is not empty (:class:`InputError`), so a bundle is never mixed with another.
    """
    check_version(version)
    known = releases(data_dir)
    if any(r.version == version for r in known):
        raise Conflict(f"release {version} exists already (of update "
                       f"{next(r.review_update for r in known if r.version == version)}); choose a new version")
    updates = store.review_updates()
    if not updates:
        raise Conflict("the store holds no review update yet: load or ingest studies before releasing")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise InputError("the release folder exists and is not empty; give a new --out folder", file=str(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for chosen in FORMATS.values():
        digest, size = hashlib.sha256(), 0
        with (out_dir / chosen.filename).open("wb") as handle:
            for chunk in chosen.stream(store, ontology):
                handle.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        files.append(ExportFile(format=chosen.name, file=chosen.filename, bytes=size, sha256=digest.hexdigest()))
    stats = store.stats()
    facts = {f"facts_{kind}": 0 for kind in FACT_LISTS}
    for study in store.studies():
        for kind, items in study.fact_lists().items():
            facts[f"facts_{kind}"] += len(items)
    latest = updates[-1]
    release = Release(
        version=version, review_update=latest.id, update_created_at=latest.created_at,
        released_at=datetime.now(UTC).isoformat(timespec="seconds"), software_version=__version__,
        ontology_version=ontology_version(ontology),
        counts={"studies": stats.studies, "review_updates": stats.review_updates,
                "nodes": sum(stats.nodes.values()), "edges": sum(stats.edges.values()), **facts},
        exports=files)
    (out_dir / MANIFEST).write_text(release.model_dump_json(indent=2) + "\n", encoding="utf-8")
    _write_registry(Path(data_dir), [*known, release])
    return release


def _write_registry(data_dir: Path, items: list[Release]) -> None:
    """Replace the registry atomically (a reader never sees half a file)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps([r.model_dump(mode="json") for r in items], indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".releases.", suffix=".tmp", dir=data_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, data_dir / REGISTRY)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
