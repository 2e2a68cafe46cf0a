"""HTTP caching by store revision: ``ETag``, ``If-None-Match`` -> 304, and ``X-Facekg-Update`` on every answer.

``X-Facekg-Update`` names the update the answer reflects: the one ``?as_of=`` names, else the latest.

An answer of the review's read endpoints depends only on the store's revision, the code's version and
what the client asked for (its ``Accept``, and who it is), so the entity tag is a digest of exactly those:
a client that sends it back before the next write gets ``304 Not Modified`` with no body. The 304
replaces a 200 only: the request is validated and answered as usual first (answers are kept per
revision, so this is cheap), so an invalid request still gets its 422 and an unknown id its 404. The
tag is weak because gzip may re-encode the same answer. A pure ASGI middleware, so it adds no
buffering and streams what it passes on.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from analysis.as_of import AS_OF, AsOfAnswers
from analysis.counted import counting_variant
from facekg import __version__
from facekg.errors import FacekgError, InvalidQuery
from graph.exports.release import latest_release

UPDATE_HEADER = "X-Facekg-Update"
NO_UPDATE = "none"
# The read endpoints whose answers follow the store revision: the API's reads and the website's pages.
REVISIONED_PREFIXES = ("/v1/studies", "/v1/conditions", "/v1/causes", "/v1/gaps", "/v1/overview", "/v1/updates",
                       "/v1/exports", "/v1/synthesis", "/v1/ontology", "/v1/changes", "/v1/releases", "/feeds")
REVISIONED_PAGES = ("/", "/studies", "/conditions", "/gaps", "/gap-map", "/bias", "/updates", "/open-data",
                    "/synthesis", "/facekg")
# Request headers that change the answer; Vary names them so shared caches keep the variants apart.
VARYING = ("accept", "hx-request", "authorization", "cookie")


def revisioned(path: str) -> bool:
    """Whether the answer at ``path`` is a function of the store revision (and so may be tagged)."""
    if path.startswith(REVISIONED_PREFIXES):
        return True
    return path == "/" or any(path == page or path.startswith(page + "/") for page in REVISIONED_PAGES[1:])


def entity_tag(revision: str, headers: Headers) -> str:
    """The weak ETag of an answer: revision, code version, the year (gap rules age evidence) and the variant.

    ``revision`` is the graph's and the review workspace's (:meth:`analysis.counted.CountedStore.revision`);
    the variant includes the counting rule and view in force (the query's or the server's default).
    """
    parts = [revision, __version__, str(datetime.now(UTC).year), *counting_variant(),
             *(headers.get(name, "") for name in VARYING)]
    return 'W/"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` against the current tag (``*`` matches any)."""
    if not if_none_match:
        return False
    opaque = tag.removeprefix("W/")
    return any(candidate.strip() == "*" or candidate.strip().removeprefix("W/") == opaque
               for candidate in if_none_match.split(","))


def _state(kept: AsOfAnswers, as_of: str | None, data_dir: Path | None) -> tuple[str, str]:
    """What the answer's tag covers (store revision, latest release) and the update it reflects: the one
    ``as_of`` names, else the latest."""
    answers = kept.live
    # pages cite the latest release, which `facekg release` records beside the store, not in it
    release = latest_release(data_dir) if data_dir is not None else None
    revision = f"{answers.revision()}|{release.version if release is not None else ''}"
    if as_of is not None:
        try:
            return revision, kept.update(as_of).id
        except InvalidQuery:
            return revision, NO_UPDATE  # the route answers 422 naming the parameter
    update = answers.reflects()
    return revision, update.id if update is not None else NO_UPDATE


class RevisionCaching:
    """Tag revisioned GET answers, answer a matching ``If-None-Match`` with 304, say which update they reflect."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not revisioned(scope["path"]):
            await self.app(scope, receive, send)
            return
        kept: AsOfAnswers | None = getattr(scope["app"].state, "as_of", None)
        if kept is None:
            await self.app(scope, receive, send)
            return
        try:  # the store may block (Neo4j) or be down: ask in a thread, and let the route report failures
            as_of = QueryParams(scope.get("query_string", b"").decode("latin-1")).get(AS_OF)
            settings = getattr(scope["app"].state, "settings", None)
            data_dir = settings.data_dir if settings is not None else None
            revision, update = await run_in_threadpool(_state, kept, as_of, data_dir)
        except FacekgError:
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        tag = entity_tag(revision, request_headers)
        revalidating = matches(request_headers.get("if-none-match"), tag)
        not_modified = False

        async def tagged(message: Message) -> None:
            nonlocal not_modified
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers[UPDATE_HEADER] = update
                if message["status"] == 200:
                    headers["ETag"] = tag
                    headers["Cache-Control"] = "no-cache"
                    headers.add_vary_header(", ".join(name.title() for name in VARYING))
                    if revalidating:  # the client holds this very answer: 304, headers only
                        not_modified = True
                        await send({"type": "http.response.start", "status": 304,
                                    "headers": [(k, v) for k, v in headers.raw
                                                if k not in (b"content-length", b"content-type")]})
                        return
            elif message["type"] == "http.response.body" and not_modified:
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app(scope, receive, tagged)
