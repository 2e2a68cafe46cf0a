"""Unknown query parameters are refused (422 naming them), not ignored: a typo must not change an answer.

``refuse_unknown_parameters`` runs on every API operation; the names it accepts
are the ones the operation declares, so the rule cannot drift from the OpenAPI.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_dependant
from fastapi.routing import APIRoute

from api.deps import counting_parameters
from api.problems import clip
from facekg.errors import InvalidQuery


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


_DECLARED: dict[int, frozenset[str]] = {}
# Parameters every read takes through a router-level dependency (api/app.py), which the route's own dependant
# does not list: the counting rule and view.
_SHARED = frozenset(_query_names(get_dependant(path="", call=counting_parameters)))


def declared_parameters(route: APIRoute) -> frozenset[str]:
    """The query parameter names ``route`` declares, its dependencies' included (as clients spell them)."""
    names = _DECLARED.get(id(route))
    if names is None:
        names = _DECLARED[id(route)] = frozenset(_query_names(route.dependant) | _SHARED)
    return names


async def refuse_unknown_parameters(request: Request) -> None:
    """InvalidQuery naming every query parameter the operation does not declare."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed = declared_parameters(route)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in allowed]
    if unknown:
        names = ", ".join(repr(clip(name, 60)) for name in unknown[:10])
        takes = ", ".join(sorted(allowed)) or "no parameters"
        raise InvalidQuery(clip(unknown[0], 60), f"unknown parameter{'s' if len(unknown) > 1 else ''} {names}; "
                           f"this operation takes {takes}")
