"""API keys: generated with :mod:`secrets`, kept only as an Argon2id hash, checked in constant time.

A key reads ``fkg_<key id>.<secret>``. The key id is public and stored beside
the hash so the reviewer is found without trying every hash; the secret is 32
random bytes and is shown once, when the key is made (:class:`NewKey`).
Hashing uses argon2-cffi's :class:`~argon2.PasswordHasher` (its RFC 9106
defaults, a per-key random salt inside the hash), whose verification compares
in constant time.
"""

from __future__ import annotations

import secrets
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


def verify_key(key: str, key_hash: str) -> bool:
    """Whether ``key`` matches the stored hash (constant-time comparison inside argon2)."""
    try:
        return _HASHER.verify(key_hash, key)
    except (VerificationError, InvalidHashError):
        return False


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
