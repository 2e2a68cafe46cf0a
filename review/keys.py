"""API keys: generated with :mod:`secrets`, kept only as an Argon2id hash, checked in constant time.

A key reads ``fkg_<key id>.<secret>``. The key id is public and stored beside
the hash so the reviewer is found without trying every hash; the secret is 32
random bytes and is shown once, when the key is made (:class:`NewKey`).
Hashing uses argon2-cffi's :class:`~argon2.PasswordHasher` (its RFC 9106
defaults, a per-key random salt inside the hash), whose verification compares
in constant time.

Argon2 is slow on purpose (tenths of a second and 64 MiB per check), too slow to pay on every request of
a session: a key that verified once is remembered, in this process only, as the SHA-256 digest of the key
together with the stored hash it matched (:class:`VerifiedKeys`). A new or revoked key changes the stored
record, so nothing remembered outlives the key it was for; the key itself is never kept.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from facekg.errors import Unauthenticated
from review.models import Reviewer

PREFIX = "fkg_"
_HASHER = PasswordHasher()


@dataclass(frozen=True)
class NewKey:
    """A freshly made key: ``key`` is for the person (shown once), the rest is what is stored."""

    key: str
    key_id: str
    key_hash: str


def new_key() -> NewKey:
    """A new random key and the hash to store for it."""
    key_id = secrets.token_hex(6)
    key = f"{PREFIX}{key_id}.{secrets.token_urlsafe(32)}"
    return NewKey(key=key, key_id=key_id, key_hash=_HASHER.hash(key))


def key_id_of(key: str) -> str:
    """The public key id inside ``key``; raises :class:`Unauthenticated` for anything not shaped like a key."""
    if not key.startswith(PREFIX) or "." not in key:
        raise Unauthenticated("not a facekg API key")
    key_id, _, secret = key[len(PREFIX):].partition(".")
    if not key_id or not secret:
        raise Unauthenticated("not a facekg API key")
    return key_id


class VerifiedKeys:
    """Keys that verified against a stored hash, remembered by digest (bounded, least recently used dropped)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _entry(key: str, key_hash: str) -> tuple[str, str]:
        return hashlib.sha256(key.encode()).hexdigest(), key_hash

    def knows(self, key: str, key_hash: str) -> bool:
        entry = self._entry(key, key_hash)
        with self._lock:
            if entry in self._seen:
                self._seen.move_to_end(entry)
                return True
        return False

    def remember(self, key: str, key_hash: str) -> None:
        with self._lock:
            self._seen[self._entry(key, key_hash)] = None
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)


_VERIFIED = VerifiedKeys()


def verify_key(key: str, key_hash: str) -> bool:
    """Whether ``key`` matches the stored hash (constant-time comparison inside argon2; remembered once true)."""
    if _VERIFIED.knows(key, key_hash):
        return True
    try:
        valid = _HASHER.verify(key_hash, key)
    except (VerificationError, InvalidHashError):
        return False
    if valid:
        _VERIFIED.remember(key, key_hash)
    return valid


def authenticate(key: str | None, reviewers: Iterable[Reviewer]) -> Reviewer:
    """The reviewer a key belongs to; an absent, unknown, wrong or revoked key raises :class:`Unauthenticated`."""
    if not key:
        raise Unauthenticated("this request needs an API key: send 'Authorization: Bearer <key>'")
    key_id = key_id_of(key)
    reviewer = next((item for item in reviewers if secrets.compare_digest(item.key_id, key_id)), None)
    if reviewer is None or not verify_key(key, reviewer.key_hash):
        raise Unauthenticated("the API key is not valid")
    if reviewer.revoked:
        raise Unauthenticated(f"the API key of reviewer {reviewer.id!r} was revoked")
    return reviewer
