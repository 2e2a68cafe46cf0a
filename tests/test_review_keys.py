"""API keys: random, shown once, stored as an Argon2 hash, checked in constant time; revoked keys fail."""

from __future__ import annotations

import pytest

from facekg.errors import Unauthenticated
from review.keys import authenticate, new_key, verify_key
from review.models import Reviewer


def _reviewer(reviewer_id: str, revoked: bool = False) -> tuple[Reviewer, str]:
    made = new_key()
    return Reviewer(id=reviewer_id, name=reviewer_id, key_id=made.key_id, key_hash=made.key_hash,
                    revoked=revoked), made.key


def test_keys_are_random_and_only_their_hash_is_stored() -> None:
    first, second = new_key(), new_key()
    assert first.key != second.key and first.key_id != second.key_id
    assert first.key not in first.key_hash and first.key_hash.startswith("$argon2id$")
    assert verify_key(first.key, first.key_hash)
    assert not verify_key(second.key, first.key_hash)
    assert not verify_key(first.key, "not a hash")


def test_keys_authenticate_finds_the_reviewer() -> None:
    (ab, ab_key), (cd, cd_key) = _reviewer("AB"), _reviewer("CD")
    assert authenticate(cd_key, [ab, cd]).id == "CD"
    assert authenticate(ab_key, [ab, cd]).id == "AB"


@pytest.mark.parametrize(("key", "message"), [
    pytest.param(None, "needs an API key", id="missing"),
    pytest.param("", "needs an API key", id="empty"),
    pytest.param("Bearer something", "not a facekg API key", id="malformed"),
    pytest.param("fkg_000000000000.guess", "not valid", id="unknown-key-id"),
])
def test_keys_authenticate_rejects_bad_keys(key: str | None, message: str) -> None:
    reviewer, _key = _reviewer("AB")
    with pytest.raises(Unauthenticated, match=message):
        authenticate(key, [reviewer])


def test_keys_a_right_key_id_with_a_wrong_secret_fails() -> None:
    reviewer, key = _reviewer("AB")
    with pytest.raises(Unauthenticated, match="not valid"):
        authenticate(key[:-4] + "abcd", [reviewer])


def test_keys_a_revoked_key_fails() -> None:
    reviewer, key = _reviewer("AB", revoked=True)
    with pytest.raises(Unauthenticated, match="revoked"):
        authenticate(key, [reviewer])


def test_keys_a_key_remembered_as_verified_still_fails_after_revocation_or_a_new_key() -> None:
    reviewer, key = _reviewer("AB")
    assert authenticate(key, [reviewer]).id == "AB"
    assert authenticate(key, [reviewer]).id == "AB"  # the second check is answered from memory
    with pytest.raises(Unauthenticated, match="revoked"):
        authenticate(key, [reviewer.model_copy(update={"revoked": True})])
    renewed = new_key()
    rekeyed = reviewer.model_copy(update={"key_id": key[4:].partition(".")[0], "key_hash": renewed.key_hash})
    with pytest.raises(Unauthenticated, match="not valid"):
        authenticate(key, [rekeyed])
