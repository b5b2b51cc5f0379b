"""Job identity: pushes are retried with a stable key; users are pseudonymous in logs."""

from __future__ import annotations

import uuid

from namecard.domain.jobs import hash_user, retry_key_for


def test_retry_key_is_a_stable_uuid_per_event_and_purpose() -> None:
    key = retry_key_for("01JD0000000000000000000000")
    assert uuid.UUID(key).version == 4
    assert key == retry_key_for("01JD0000000000000000000000")
    assert key != retry_key_for("01JD0000000000000000000000", "failure")


def test_user_hash_does_not_contain_the_user_id() -> None:
    user = "U" + "a" * 32
    assert user not in hash_user(user)
    assert hash_user(user) == hash_user(user)
