"""The protocol every contact store implements."""

from __future__ import annotations

from typing import Any, Protocol

from namecard.cards.model import Card, CardRef, SavedContact
from namecard.domain.health import Problem


class ContactStore(Protocol):
    """Saves contacts. `start` runs once at boot (schema discovery); `save` raises StoreError,
    TransientError or ConfigError from namecard.domain.errors, never an SDK exception."""

    name: str
    problem: Problem | None  # a configuration problem it reported (for /health), else None

    async def start(self) -> None: ...

    async def save(self, card: Card, ref: CardRef, *, user_hash: str) -> SavedContact: ...

    def stats(self) -> dict[str, Any]:
        """What its writer is doing, for /stats (empty when there is nothing to tell)."""

    async def aclose(self) -> None: ...
