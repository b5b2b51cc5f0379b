"""Cache keys: the result of one extraction version on one image fingerprint."""

from __future__ import annotations

import re

from namecard.state.keys import CACHE_KEY_PREFIX

MAX_VERSION_LENGTH = 120
UNVERSIONED = "unversioned"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def cache_key(version: str, image_sha256: str) -> str:
    """`ai_result:<version>:<sha256>`. The version (model and prompt version, or the offline
    reader's) is reduced to [A-Za-z0-9._-] so it can never inject a separator. SHA-256, not MD5:
    a crafted MD5 collision could read another user's card out of a shared cache."""
    digest = image_sha256.lower()
    if not _SHA256_HEX.fullmatch(digest):
        raise ValueError("image_sha256 must be a hex SHA-256 digest")
    safe = _UNSAFE.sub("_", version)[:MAX_VERSION_LENGTH] or UNVERSIONED
    return f"{CACHE_KEY_PREFIX}{safe}:{digest}"
