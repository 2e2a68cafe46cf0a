"""Drawing synthesis figures: one way to check the format and to write SVG or PNG.

Figures are bare matplotlib ``Figure`` objects (no pyplot, no GUI state), so
drawing is safe in a server thread. SVG keeps text as text (searchable, small)
and carries no date, so the same numbers always give the same file.
"""

from __future__ import annotations

import io
from typing import Literal

from matplotlib.figure import Figure

from facekg.errors import InvalidQuery

PictureFormat = Literal["svg", "png"]
MEDIA_TYPES: dict[str, str] = {"svg": "image/svg+xml", "png": "image/png"}


def check_format(fmt: str) -> PictureFormat:
    if fmt not in MEDIA_TYPES:
        raise InvalidQuery("format", f"cannot draw format {fmt!r}; use svg or png (or json for the numbers)")
    return "svg" if fmt == "svg" else "png"


def save(fig: Figure, fmt: str) -> bytes:
    """The figure as SVG or PNG bytes."""
    import matplotlib

    picture = check_format(fmt)
    buffer = io.BytesIO()
    metadata = {"Date": None} if picture == "svg" else None
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "facekg"}):
        fig.savefig(buffer, format=picture, metadata=metadata, dpi=110)
    return buffer.getvalue()
