"""The job model: what the webhook hands to the workers, and the user identity it carries."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import TypeAdapter


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
    SEARCH = "search"  # 查詢 王 (`text` is the query)
    RECENT = "recent"  # 最近
    NOTE = "note"  # 備註 … (`text` is the note)
    DELETE = "delete"  # 刪除 王小明 (`text` names whom)
    FORGET_ME = "forget_me"  # 刪除我的資料
    POSTBACK = "postback"  # a tapped button of the bot's (`postback` is its data)


class JobOutcome(StrEnum):
    """How a photo job ended, as logged and recorded; a NamecardError's class name overrides it."""

    FAILED = "failed"
    TIMEOUT = "timeout"
    DEFERRED = "deferred"  # waits for a Gemini key; runs again later
    NO_KEY = "no_key"
    CRASH = "crash"
    NO_CARD = "no_card"
    SAVING = "saving"  # answered; the saves still run
    SAVED = "saved"
    SAVE_FAILED = "save_failed"


class NoticeKind(StrEnum):
    WAITING = "waiting"  # photos wait their turn under per-user pacing
    PAUSED = "paused"  # pacing paused this user's photos until a given time


@dataclass(frozen=True, slots=True)
class Notice:
    """A one-line notice decided at the webhook; `waiting`/`minutes` or `until` by kind."""

    kind: NoticeKind
    waiting: int = 0
    minutes: int = 0
    until: float = 0.0  # epoch seconds, whole


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
    notice: Notice | None = None  # for NOTICE jobs
    batch_already_open: bool = False  # for BATCH_START: the batch was open before this command
    summary_idle: bool = False  # the batch to summarise ended by itself, idle too long
    paced: bool = False  # held back by per-user pacing; tells the pacer when it starts
    text: str | None = None  # what the user typed, for the jobs that need it (HINT, SEARCH, …)
    postback: str | None = None  # a POSTBACK job's data (domain/postbacks.py)

    @property
    def user_hash(self) -> str:
        """A stable pseudonym for logs and stores: never log a LINE user id in clear."""
        return hash_user(self.user_id or self.chat_id)

    @property
    def retry_key(self) -> str:
        """The X-Line-Retry-Key of this job's push: the same for every attempt of the job."""
        return retry_key_for(self.event_id)

    def to_json(self) -> str:
        return _JOB.dump_json(self).decode()

    @classmethod
    def from_json(cls, raw: str | bytes) -> Job:
        """Unknown fields (from an older or newer release) are ignored."""
        return _JOB.validate_json(raw)


_JOB = TypeAdapter(Job)


def hash_user(user_id: str) -> str:
    return hashlib.sha256(f"namecard:user:{user_id}".encode()).hexdigest()[:16]


def retry_key_for(event_id: str, purpose: str = "result") -> str:
    """A UUID-shaped key derived from the event, so a retried push is delivered once."""
    digest = hashlib.sha256(f"namecard:{purpose}:{event_id}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
