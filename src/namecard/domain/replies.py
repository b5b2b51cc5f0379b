"""One answer to a user, as the rest of the bot carries it: what to say, never how LINE types it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Reply:
    """At most five LINE message objects as plain JSON, built (and sent) by `line/`; the other
    rooms only pass it along. An empty reply says nothing."""

    payloads: tuple[dict[str, Any], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.payloads)

    def __len__(self) -> int:
        return len(self.payloads)
