"""Protection on every response: security headers, and request URL and body size limits.

One pure ASGI middleware, outermost, so pages, the API, static files and error
responses all carry the headers, and an oversized request is refused (414 or 413
as problem+json) before any handler reads it. The Content-Security-Policy is the
strict one the website is built to satisfy: no inline script or style, nothing
from another origin.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem

CONTENT_SECURITY_POLICY = ("default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; "
                           "form-action 'self'")
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_RAW_HEADERS = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()]


class BodyTooLarge(Exception):
    """The request body grew past the limit while it was read (a body sent without Content-Length)."""


class Protection:
    """Adds :data:`SECURITY_HEADERS` to every response; refuses URLs over ``max_url_bytes`` and bodies over
    ``max_body_bytes``."""

    def __init__(self, app: ASGIApp, *, max_url_bytes: int, max_body_bytes: int) -> None:
        self.app = app
        self.max_url_bytes = max_url_bytes
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(pair for pair in _RAW_HEADERS if pair[0] not in names)]
            await send(message)

        path = scope.get("raw_path") or scope["path"].encode("utf-8")
        url_bytes = len(path) + len(scope.get("query_string", b""))
        if url_bytes > self.max_url_bytes:
            await self._refuse(scope, receive, send_with_headers, 414, "URL too long",
                               f"the URL has {url_bytes} bytes; this server accepts at most {self.max_url_bytes}")
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._refuse(scope, receive, send_with_headers, 413, "Request body too large",
                               f"the body has {declared} bytes; this server accepts at most {self.max_body_bytes}")
            return
        received = 0

        async def receive_bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, receive_bounded, send_with_headers)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send_with_headers, 413, "Request body too large",
                               f"the body is over {self.max_body_bytes} bytes, the most this server accepts")

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, title: str, detail: str) -> None:
        response = problem(status, title, detail, kind="too-large", instance=scope["path"],
                           headers={"Connection": "close"})
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
