"""The emulators every API test module talks to, started once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.harness import Emulators, running_emulators


@pytest.fixture(scope="module")
def emulators() -> Iterator[Emulators]:
    with running_emulators() as running:
        yield running
