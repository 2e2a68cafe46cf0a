"""Importing a maintenance script from ``scripts/`` in a test, as running it would.

``python scripts/x.py`` can import the modules beside it; :func:`load_script` loads those
siblings first, under their own names, so the script's imports find them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec and spec.loader, name
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_script(name: str, *, siblings: tuple[str, ...] = ()) -> ModuleType:
    """``scripts/<name>.py`` as a module, after the ``siblings`` it imports."""
    for sibling in siblings:
        if sibling not in sys.modules:
            _load(sibling)
    return _load(name)
