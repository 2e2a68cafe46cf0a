"""HTTP caching by store revision: ``ETag``, ``If-None-Match`` -> 304, and ``X-Facekg-Update`` on every answer.

``X-Facekg-Update`` names the update the answer reflects: the one ``?as_of=`` names, else the latest.

An answer of the review's read endpoints depends only on the store's revision, the code's version and
what the client asked for (its ``Accept``, and who it is), so the entity tag is a digest of exactly those:
a client that sends it back before the next write gets ``304 Not Modified`` with no body. The 304
replaces a 200 only: the request is validated and answered as usual first (answers are kept per
revision, so this is cheap), so an invalid request still gets its 422 and an unknown id its 404. The
tag is weak because gzip may re-encode the same answer. A pure ASGI middleware.

Answers are also kept as bytes (:class:`StoredAnswers`): a 200 to a public GET (no ``Authorization``, no
``Cookie``) is stored under its entity tag, path and query, with a gzip copy made once, and the next
identical request is answered from it without entering the routes. Requests that a rate limit counts
(:func:`api.limits.limited`) always go to the routes. The store is per process (``serve --workers`` builds
an answer once per worker; exports are also kept on disk, see :mod:`api.routers.exports`); its entries
die with the revision they were made for, because the revision is part of every key.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from analysis.as_of import AS_OF, AsOfAnswers
from analysis.counted import counting_variant, note_provisional, provisional_seen
from api.limits import limited
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
STORED_BYTES = 256 * 1024 * 1024  # what the kept answers of one process may hold in all
LARGEST_STORED = 64 * 1024 * 1024  # an answer larger than this is passed on and not kept
GZIP_MINIMUM = 1024  # as the GZipMiddleware in api/app.py
BUILDS_HEADER = "X-Facekg-Builds"


@dataclass(frozen=True)
class StoredAnswer:
    """A 200 as the routes sent it (headers before tagging), and its gzip copy when it is worth one."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    gzipped: bytes | None
    provisional: frozenset[str] = frozenset()  # the provisional studies it counted (its label, api/auth.py)

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")

    def messages(self, accepts_gzip: bool, head: bool) -> tuple[Message, Message]:
        body, headers = self.body, [(k, v) for k, v in self.headers if k != b"content-length"]
        if accepts_gzip and self.gzipped is not None:
            body = self.gzipped
            headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
        headers.append((b"content-length", str(len(body)).encode()))
        return ({"type": "http.response.start", "status": 200, "headers": headers},
                {"type": "http.response.body", "body": b"" if head else body})


class StoredAnswers:
    """The kept answers of one app: an LRU bounded by bytes, and one build per key at a time."""

    def __init__(self, max_bytes: int = STORED_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, ...], StoredAnswer] = OrderedDict()
        self._bytes = 0
        self._building: dict[tuple[str, ...], asyncio.Event] = {}
        self.hits = 0

    def get(self, key: tuple[str, ...]) -> StoredAnswer | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            self.hits += 1
        return found

    def put(self, key: tuple[str, ...], answer: StoredAnswer) -> None:
        if answer.size > LARGEST_STORED:
            return
        old = self._entries.pop(key, None)
        self._bytes += answer.size - (old.size if old is not None else 0)
        self._entries[key] = answer
        while self._bytes > self.max_bytes and self._entries:
            self._bytes -= self._entries.popitem(last=False)[1].size

    async def wait_for_builder(self, key: tuple[str, ...]) -> bool:
        """Wait while another request builds ``key``; True when this request is now the builder."""
        while (event := self._building.get(key)) is not None:
            await event.wait()
            if key in self._entries:
                return False
        self._building[key] = asyncio.Event()
        return True

    def built(self, key: tuple[str, ...]) -> None:
        event = self._building.pop(key, None)
        if event is not None:
            event.set()


def stored_answers(app: object) -> StoredAnswers:
    state = app.state  # type: ignore[attr-defined]
    kept: StoredAnswers | None = getattr(state, "stored_answers", None)
    if kept is None:
        kept = state.stored_answers = StoredAnswers()
    return kept


def _gzipped(headers: list[tuple[bytes, bytes]], body: bytes) -> bytes | None:
    names = dict(headers)
    if len(body) < GZIP_MINIMUM or b"content-encoding" in names or names.get(b"content-type", b"").startswith(
            b"text/event-stream"):
        return None
    return gzip.compress(body, compresslevel=6, mtime=0)


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
            if kept.live.revision_cheap and as_of is None:  # a stat and a pragma, or kept: no thread needed
                revision, update = _state(kept, as_of, data_dir)
            else:
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

        if "authorization" in request_headers or "cookie" in request_headers or limited(scope):
            await self.app(scope, receive, tagged)  # per-user or counted answers are never kept
            return
        accepts_gzip = "gzip" in request_headers.get("accept-encoding", "")
        # Origin too: the CORS middleware (inside this one) answers each origin with its own headers
        key = (tag, update, scope["path"], scope.get("query_string", b"").decode("latin-1"),
               request_headers.get("origin", ""))
        store = stored_answers(scope["app"])
        if (found := store.get(key)) is None and await store.wait_for_builder(key):
            try:
                await self._build(scope, receive, tagged, store, key)
            finally:
                store.built(key)
            return
        found = found or store.get(key)
        if found is None:  # the build was not kept (an error, or too large): answer this one afresh
            await self.app(scope, receive, tagged)
            return
        note_provisional(found.provisional)
        for message in found.messages(accepts_gzip, head=scope["method"] == "HEAD"):
            await tagged(message)

    async def _build(self, scope: Scope, receive: Receive, send: Send, store: StoredAnswers,
                     key: tuple[str, ...]) -> None:
        """Answer through the routes, and keep the answer when it is a whole 200 worth keeping."""
        keep = scope["method"] == "GET"
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal keep, headers, size
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                keep = keep and message["status"] == 200 and not any(k == b"set-cookie" for k, _ in headers)
            elif message["type"] == "http.response.body" and keep:
                size += len(message.get("body", b""))
                keep = size <= LARGEST_STORED
                chunks.append(message.get("body", b""))
            await send(message)

        before = provisional_seen()
        await self.app(scope, receive, capture)
        if keep:
            body = b"".join(chunks)
            gzipped = await run_in_threadpool(_gzipped, headers, body) if len(body) > 256 * 1024 \
                else _gzipped(headers, body)
            store.put(key, StoredAnswer(headers, body, gzipped, provisional_seen() - before))
