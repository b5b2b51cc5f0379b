"""What a conversation remembers about a photo: its outcome, as a batch summary or an image set
reply needs it. Serialised to JSON for the shared state store."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from namecard.cards.model import Card, Extraction, SavedContact
from namecard.domain.catalogue import Sentence
from namecard.domain.codec import extraction_from_json, extraction_to_json
from namecard.domain.jobs import Job


class PhotoStatus(StrEnum):
    PENDING = "pending"  # accepted, not finished yet
    SAVED = "saved"  # read, answered for and every card saved
    NO_CARD = "no_card"  # read, no card in it
    FAILED = "failed"  # could not be read or saved; `reason` says why, for the user


Reason = Sentence  # why a photo failed, in the user's words (see `namecard.domain.catalogue`)


@dataclass(frozen=True, slots=True)
class PhotoOutcome:
    """One photo of a batch or an image set. `seq` orders photos by arrival (1-based)."""

    event_id: str
    seq: int
    status: PhotoStatus = PhotoStatus.PENDING
    extraction: Extraction | None = None
    saved: tuple[SavedContact | None, ...] = ()
    reason: Reason | None = None
    received_at: float = 0.0
    reply_token: str | None = None  # still unused while individual replies are held back
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def cards(self) -> tuple[Card, ...]:
        return self.extraction.cards if self.extraction is not None else ()

    def to_json(self) -> str:
        return json.dumps(
            {
                "event_id": self.event_id,
                "seq": self.seq,
                "status": self.status.value,
                "extraction": extraction_to_json(self.extraction) if self.extraction else None,
                "saved": [_saved_to_json(s) for s in self.saved],
                "reason": [self.reason.zh, self.reason.en] if self.reason else None,
                "received_at": self.received_at,
                "reply_token": self.reply_token,
                "extra": self.extra,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> PhotoOutcome:
        data: dict[str, Any] = json.loads(raw)
        reason = data.get("reason")
        extraction = data.get("extraction")
        return cls(
            event_id=str(data["event_id"]),
            seq=int(data["seq"]),
            status=PhotoStatus(data["status"]),
            extraction=extraction_from_json(extraction) if extraction else None,
            saved=tuple(_saved_from_json(s) for s in data.get("saved", [])),
            reason=Reason(*reason) if reason else None,
            received_at=float(data.get("received_at", 0.0)),
            reply_token=data.get("reply_token"),
            extra=dict(data.get("extra") or {}),
        )


def _saved_to_json(saved: SavedContact | None) -> dict[str, Any] | None:
    if saved is None:
        return None
    return {
        "contact_id": saved.contact_id,
        "url": saved.url,
        "created": saved.created,
        "updated": saved.updated,
    }


def _saved_from_json(data: Any) -> SavedContact | None:
    if not isinstance(data, dict):
        return None
    return SavedContact(
        str(data["contact_id"]),
        data.get("url"),
        bool(data.get("created", True)),
        bool(data.get("updated", False)),
    )


@dataclass(frozen=True, slots=True)
class BatchSession:
    """A user's batch: photos are read and saved as they come, and answered in one summary."""

    batch_id: str
    started_at: float
    last_activity: float

    def idle_for(self, now: float) -> float:
        return now - self.last_activity


def photo_outcome(
    job: Job,
    status: PhotoStatus,
    extraction: Extraction | None,
    saved: tuple[SavedContact | None, ...],
) -> PhotoOutcome:
    """The record of `job`'s photo that a batch summary or an image set's reply is built from."""
    index = job.image_set.index if job.image_set else None
    return PhotoOutcome(
        event_id=job.event_id,
        seq=0,
        status=status,
        extraction=extraction,
        saved=saved,
        received_at=job.received_at,
        reply_token=job.reply_token,
        extra={"index": index} if index else {},
    )


def failed_outcome(job: Job, reason: Sentence) -> PhotoOutcome:
    return replace(photo_outcome(job, PhotoStatus.FAILED, None, ()), reason=reason)
