"""What the bot waits for from a user between two messages: a field to correct, its new value,
a note for a chosen card, or a delete to confirm. One at a time per user, for a few minutes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import TypeAdapter, ValidationError

from namecard.cards.edits import CardField

PENDING_TTL_SECONDS = 600  # a question left unanswered this long is forgotten


class PendingKind(StrEnum):
    FIELD = "field"  # asked which field to correct (quick replies)
    VALUE = "value"  # asked for the new value of `field`: the next text is it
    NOTE = "note"  # 加備註 tapped: the next text is the note
    DELETE = "delete"  # asked to confirm deleting the contact


@dataclass(frozen=True, slots=True)
class Pending:
    kind: PendingKind
    contact_id: str
    label: str  # whom it is about, as the user saw it ("王小明（宏碩科技）")
    field: CardField | None = None

    def to_json(self) -> str:
        return _PENDING.dump_json(self).decode()

    @classmethod
    def from_json(cls, raw: str | bytes | None) -> Pending | None:
        if not raw:
            return None
        try:
            return _PENDING.validate_json(raw)
        except ValidationError:
            return None


_PENDING = TypeAdapter(Pending)
