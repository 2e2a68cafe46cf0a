"""Feature commands: each module here exposes ``register(app: typer.Typer) -> None``."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def registered_modules() -> list[ModuleType]:
    """Every command module in this package, in name order."""
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)]
