"""Website sessions and CSRF tokens: a reviewer signs in once with their API key and gets a signed cookie.

- The session cookie holds the reviewer's id, the public ``key_id`` of the key
  they signed in with, and a random CSRF token, signed and timestamped with
  :mod:`itsdangerous` (no hand-rolled crypto). It is ``HttpOnly``,
  ``SameSite=Strict``, ``Secure`` over https, and expires after
  :data:`SESSION_MAX_AGE`. Each request re-reads the reviewer: a revoked key,
  or a new key for the reviewer, ends the session at once.
- The server secret is ``session-secret`` in the data dir, generated on first
  use (mode 0600), so every ``facekg serve`` worker on one data dir shares it.
- CSRF: every form POST carries ``csrf_token``. Signed in, it must equal the
  session's token (synchroniser token); the sign-in form itself uses a signed
  double-submit token (a random cookie and its signature in the form). A POST
  without a matching token is refused with 403 (:class:`CsrfRefused`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel, ValidationError

from facekg.errors import ConfigError, Forbidden
from review.models import Reviewer

SESSION_COOKIE = "facekg_session"
SIGNIN_COOKIE = "facekg_signin"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = 8 * 3600
SIGNIN_MAX_AGE = 3600
SECRET_FILE = "session-secret"


class CsrfRefused(Forbidden):
    """A form POST without the session's CSRF token, or with a wrong one (HTTP 403)."""


class Session(BaseModel):
    """What the session cookie carries (signed, never encrypted: nothing in it is secret but the token's use)."""

    reviewer: str
    key_id: str
    csrf: str


def server_secret(data_dir: Path) -> str:
    """The data dir's session secret, created on first use; readable by the server's user only."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        # Written in full to a private file, then published with link(): a worker reads a whole secret or none.
        fd, draft = tempfile.mkstemp(dir=data_dir, prefix=".session-secret-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(secrets.token_urlsafe(48))
            with contextlib.suppress(FileExistsError):  # another worker published one first: use theirs
                os.link(draft, path)
        finally:
            os.unlink(draft)
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < 32:
        raise ConfigError(SECRET_FILE, f"{path} is shorter than 32 characters; delete it to have a new one made")
    return secret


class Sessions:
    """Signs and reads session cookies and sign-in tokens with one server secret."""

    def __init__(self, secret: str) -> None:
        self._sessions = URLSafeTimedSerializer(secret, salt="facekg-session")
        self._signin = URLSafeTimedSerializer(secret, salt="facekg-signin")

    def issue(self, reviewer: Reviewer) -> tuple[str, Session]:
        session = Session(reviewer=reviewer.id, key_id=reviewer.key_id, csrf=secrets.token_urlsafe(32))
        return self._sessions.dumps(session.model_dump()), session

    def read(self, cookie: str | None) -> Session | None:
        """The session a cookie holds, or None when it is missing, forged, expired or malformed."""
        if not cookie:
            return None
        try:
            return Session.model_validate(self._sessions.loads(cookie, max_age=SESSION_MAX_AGE))
        except (BadSignature, ValidationError):
            return None

    def signin_token(self, nonce: str) -> str:
        return self._signin.dumps(nonce)

    def signin_token_fits(self, token: str | None, nonce: str | None) -> bool:
        if not token or not nonce:
            return False
        try:
            signed = self._signin.loads(token, max_age=SIGNIN_MAX_AGE)
        except BadSignature:
            return False
        return isinstance(signed, str) and secrets.compare_digest(signed, nonce)


def sessions_of(request: Request) -> Sessions:
    """The app's :class:`Sessions`, made once from the data dir's secret."""
    found: Sessions | None = getattr(request.app.state, "sessions", None)
    if found is None:
        found = Sessions(server_secret(request.app.state.settings.data_dir))
        request.app.state.sessions = found
    return found


def session_reviewer(request: Request, reviewers: list[Reviewer]) -> tuple[Reviewer, Session] | None:
    """The signed-in reviewer and their session; None if not signed in, or the key was revoked or replaced."""
    session = sessions_of(request).read(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return None
    reviewer = next((r for r in reviewers if r.id == session.reviewer), None)
    if reviewer is None or reviewer.revoked or not secrets.compare_digest(reviewer.key_id, session.key_id):
        return None
    return reviewer, session


def _cookie_options(request: Request) -> dict[str, Any]:
    return {"httponly": True, "samesite": "strict", "secure": request.url.scheme == "https", "path": "/"}


def set_session(request: Request, response: Response, cookie: str) -> None:
    response.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_MAX_AGE, **_cookie_options(request))
    response.delete_cookie(SIGNIN_COOKIE, **_cookie_options(request))


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, **_cookie_options(request))


def signin_token(request: Request) -> tuple[str, str]:
    """The sign-in form's nonce (for its cookie) and signed token (for the form): a signed double-submit."""
    nonce = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(24)
    return nonce, sessions_of(request).signin_token(nonce)


def set_signin_cookie(request: Request, response: Response, nonce: str) -> None:
    response.set_cookie(SIGNIN_COOKIE, nonce, max_age=SIGNIN_MAX_AGE, **_cookie_options(request))


async def form_data(request: Request) -> dict[str, list[str]]:
    """An ``application/x-www-form-urlencoded`` body (every value kept: checkboxes and repeated fields)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return parse_qs(body, keep_blank_values=True)


def require_csrf(session: Session, form: dict[str, list[str]]) -> None:
    """The form must carry the session's token."""
    sent = (form.get(CSRF_FIELD) or [""])[0]
    if not sent or not secrets.compare_digest(sent, session.csrf):
        raise CsrfRefused("the form's CSRF token is missing or does not match your session; reload the page "
                          "and submit it again")


def require_signin_csrf(request: Request, form: dict[str, list[str]]) -> None:
    """The sign-in form must carry the token signed for this browser's sign-in cookie."""
    if not sessions_of(request).signin_token_fits((form.get(CSRF_FIELD) or [""])[0],
                                                  request.cookies.get(SIGNIN_COOKIE)):
        raise CsrfRefused("the sign-in form's CSRF token is missing, expired or not this browser's; "
                          "reload the sign-in page and try again")
