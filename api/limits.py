"""Per-client rate limits on the expensive requests: pictures and the facial-phenotype universe.

A picture costs a second or two of CPU, and the facial-phenotype universe reads
every OMIM/Orphanet disorder, so a few clients could starve the service. Each
kind has a token bucket per client address (``FACEKG_RATE_PICTURES`` and
``FACEKG_RATE_UNIVERSE`` requests per minute, 0 for no limit); a refused request
is a 429 problem with ``Retry-After``. The buckets live in the process, so with
several workers each worker counts on its own.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends, Request
from starlette.datastructures import QueryParams
from starlette.types import Scope

from api.deps import SettingsDep
from facekg.settings import Settings

PICTURE_FORMATS = ("svg", "png")
MAX_CLIENTS = 10_000  # buckets kept; the least recently seen client is forgotten first


class RateLimited(Exception):
    """This client asked for ``kind`` too often; it may again in ``retry_after`` seconds."""

    def __init__(self, kind: str, per_minute: int, retry_after: int) -> None:
        self.kind = kind
        self.per_minute = per_minute
        self.retry_after = retry_after
        super().__init__(f"at most {per_minute} {kind} requests a minute per client; retry in {retry_after} s")


class TokenBucket:
    """``per_minute`` requests a minute per client, in bursts of up to ``per_minute``."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> int:
        """Spend one token for ``client``: 0 when allowed, else the whole seconds until one is back."""
        now = self._clock()
        with self._lock:
            tokens, stamp = self._buckets.pop(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - stamp) * self._rate)
            wait = 0 if tokens >= 1 else max(1, math.ceil((1 - tokens) / self._rate))
            self._buckets[client] = (tokens - 1 if wait == 0 else tokens, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        return wait


@dataclass(frozen=True)
class RateLimits:
    """The buckets of one app, built from its settings (``None``: that kind is not limited)."""

    pictures: TokenBucket | None
    universe: TokenBucket | None

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        return cls(pictures=TokenBucket(settings.rate_pictures) if settings.rate_pictures else None,
                   universe=TokenBucket(settings.rate_universe) if settings.rate_universe else None)


def limited(scope: Scope) -> bool:
    """Whether a rate limit of the app counts this request (so it must reach the routes, never a kept answer)."""
    limits: RateLimits | None = getattr(scope["app"].state, "rate_limits", None)
    if limits is None:
        return False
    query = QueryParams(scope.get("query_string", b"").decode("latin-1"))
    return ((limits.pictures is not None and query.get("format") in PICTURE_FORMATS)
            or (limits.universe is not None and query.get("universe") == "facial-phenotype"))


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _check(request: Request, kind: str, bucket: TokenBucket | None) -> None:
    if bucket is not None and (wait := bucket.take(_client(request))):
        raise RateLimited(kind, bucket.per_minute, wait)


def app_limits(request: Request, settings: Settings) -> RateLimits:
    """The app's buckets, made from its settings on first use (``create_app`` makes them at start)."""
    limits: RateLimits | None = getattr(request.app.state, "rate_limits", None)
    if limits is None:
        limits = request.app.state.rate_limits = RateLimits.from_settings(settings)
    return limits


async def limit_pictures(request: Request, settings: SettingsDep) -> None:
    """Counts a request for an SVG or PNG picture (``format=svg`` or ``png``) against the client's bucket."""
    if request.query_params.get("format") in PICTURE_FORMATS:
        _check(request, "picture", app_limits(request, settings).pictures)


async def limit_universe(request: Request, settings: SettingsDep) -> None:
    """Counts a request over the facial-phenotype universe against the client's bucket."""
    if request.query_params.get("universe") == "facial-phenotype":
        _check(request, "facial-phenotype universe", app_limits(request, settings).universe)


PictureLimit = Depends(limit_pictures)
UniverseLimit = Depends(limit_universe)
