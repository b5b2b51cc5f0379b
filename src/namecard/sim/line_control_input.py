"""What the LINE simulator's `/_sim` control routes accept; anything else is answered 400."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_NOT_READY = 100  # 202 answers before a photo is ready
MAX_QUEUED_TIMES = 1000  # one fault or delay queued this many times at most
MAX_DELAY_SECONDS = 120.0
MIN_STATUS, MAX_STATUS = 200, 599


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class ContentQuery(_Input):
    not_ready: int = Field(0, alias="notReady", ge=0, le=MAX_NOT_READY)
    chunked: bool = False


class DeliveriesQuery(_Input):
    user_id: str | None = Field(None, alias="userId")
    after: int = Field(0, ge=0)


class ReplyTokenRequest(_Input):
    user_id: str = Field(alias="userId", min_length=1)


class FaultRequest(_Input):
    endpoint: str
    status: int = Field(500, ge=MIN_STATUS, le=MAX_STATUS)
    body: dict[str, Any] | None = None
    times: int = Field(1, ge=1, le=MAX_QUEUED_TIMES)


class DelayRequest(_Input):
    endpoint: str
    seconds: float = Field(0.0, ge=0, le=MAX_DELAY_SECONDS)
    times: int = Field(1, ge=1, le=MAX_QUEUED_TIMES)


def describe(exc: ValidationError) -> str:
    """Which field was wrong and why, without echoing what was sent."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or "body"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
