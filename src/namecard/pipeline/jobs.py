"""The job model: what the webhook hands to the workers, and the user identity it carries."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class JobKind(StrEnum):
    CARD_PHOTO = "card_photo"
    HELP = "help"
    WELCOME = "welcome"
    HINT = "hint"
    UNSUPPORTED_PHOTO = "unsupported_photo"
    BATCH_START = "batch_start"
    BATCH_END = "batch_end"
    STATUS = "status"
    CANCEL = "cancel"
    UNFOLLOW = "unfollow"
    NOTICE = "notice"  # a one-line notice decided at the webhook (waiting in line, paused)


@dataclass(frozen=True, slots=True)
class ImageSet:
    """LINE's grouping of photos sent in one go: `index` is 1-based and may be unknown."""

    id: str
    total: int
    index: int | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """One unit of work. `chat_id` is where a push goes (user, group or room);
    `user_id` is the sender, when LINE tells us."""

    kind: JobKind
    event_id: str
    chat_id: str
    user_id: str | None
    reply_token: str | None
    message_id: str | None = None
    received_at: float = field(default_factory=time.time)
    is_redelivery: bool = False
    deferrals: int = 0  # times this job waited (for a Gemini key, or its turn among the user's)
    batch_id: str | None = None  # the batch session this photo belongs to, stamped at the webhook
    image_set: ImageSet | None = None
    summary_batch_id: str | None = None  # a batch that ended (command or idle): summarise it
    detail: str | None = None  # kind-specific: "created"/"already" for BATCH_START, a notice
    paced: bool = False  # held back by per-user pacing; tells the pacer when it starts

    @property
    def user_hash(self) -> str:
        """A stable pseudonym for logs and stores: never log a LINE user id in clear."""
        return hash_user(self.user_id or self.chat_id)

    @property
    def retry_key(self) -> str:
        """The X-Line-Retry-Key of this job's push: the same for every attempt of the job."""
        return retry_key_for(self.event_id)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Job:
        data: dict[str, Any] = json.loads(raw)
        image_set = data.pop("image_set", None)
        known = {name for name in cls.__dataclass_fields__}
        fields = {k: v for k, v in data.items() if k in known}
        return cls(
            **{**fields, "kind": JobKind(data["kind"])},
            image_set=ImageSet(**image_set) if image_set else None,
        )


def hash_user(user_id: str) -> str:
    return hashlib.sha256(f"namecard:user:{user_id}".encode()).hexdigest()[:16]


def retry_key_for(event_id: str, purpose: str = "result") -> str:
    """A UUID-shaped key derived from the event, so a retried push is delivered once."""
    digest = hashlib.sha256(f"namecard:{purpose}:{event_id}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
