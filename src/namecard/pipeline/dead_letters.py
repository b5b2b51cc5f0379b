"""The jobs the workers gave up on (`{prefix}jobs:dead`): list them, or put them back in line."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from namecard.domain.jobs import Job
from namecard.pipeline.stream_queue import JOB_FIELD
from namecard.state.client import Redis
from namecard.state.faults import unavailable_on_fault
from namecard.state.keys import KeySpace
from namecard.state.replies import str_keys, text

RETRY_BATCH = 100  # dead entries put back per script call by retry_dead(..., None)
ENTRY_ID = re.compile(r"\d+-\d+")
UNKNOWN_KIND = "unknown"

# KEYS: dead stream, job stream. ARGV: dead entry ids. Each entry still there is added to the
# job stream as a fresh entry (attempts start again) and deleted from the dead letters, in one
# atomic step. Returns how many were put back.
RETRY_LUA = """
local moved = 0
for _, id in ipairs(ARGV) do
  local entry = redis.call('XRANGE', KEYS[1], id, id)
  if #entry == 1 then
    local fields = entry[1][2]
    for i = 1, #fields, 2 do
      if fields[i] == 'job' then
        redis.call('XADD', KEYS[2], '*', 'job', fields[i + 1])
        redis.call('XDEL', KEYS[1], id)
        moved = moved + 1
        break
      end
    end
  end
end
return moved
"""


@dataclass(frozen=True, slots=True)
class DeadJob:
    """One dead letter, as an operator sees it: never the raw LINE user id."""

    entry_id: str
    at: float
    reason: str
    attempts: int
    kind: str
    user_hash: str | None
    event_id: str | None


@unavailable_on_fault
async def list_dead(redis: Redis, keys: KeySpace, limit: int = 50) -> list[DeadJob]:
    """The `limit` most recent dead jobs, newest first."""
    entries: Any = await redis.xrevrange(keys.dead, count=limit)
    return [_dead_job(text(entry_id), str_keys(fields)) for entry_id, fields in entries or []]


@unavailable_on_fault
async def retry_dead(redis: Redis, keys: KeySpace, ids: Sequence[str] | None) -> int:
    """Puts the dead jobs `ids` (None: all of them) back in the queue; returns how many.
    Ids that are not (or no longer) dead letters are skipped; a malformed one is a ValueError."""
    script = redis.register_script(RETRY_LUA)
    names = [keys.dead, keys.stream]
    if ids is not None:
        malformed = [entry_id for entry_id in ids if not ENTRY_ID.fullmatch(entry_id)]
        if malformed:
            raise ValueError(f"not a dead job id: {', '.join(malformed)}")
        return int(await script(keys=names, args=list(ids))) if ids else 0
    moved, cursor = 0, "-"
    while True:
        batch: Any = await redis.xrange(names[0], min=cursor, count=RETRY_BATCH)
        if not batch:
            return moved
        batch_ids = [text(entry_id) for entry_id, _fields in batch]
        moved += int(await script(keys=names, args=batch_ids))
        cursor = "(" + batch_ids[-1]  # exclusive: an entry the script skipped is not read again


def _dead_job(entry_id: str, fields: Mapping[str, Any]) -> DeadJob:
    try:
        job: Job | None = Job.from_json(fields.get(JOB_FIELD, b""))
    except (TypeError, ValueError, KeyError, AttributeError):
        job = None
    return DeadJob(
        entry_id=entry_id,
        at=float(fields.get("at", 0)),
        reason=text(fields.get("reason", b"")),
        attempts=int(fields.get("attempts", 0)),
        kind=job.kind.value if job else UNKNOWN_KIND,
        user_hash=job.user_hash if job else None,
        event_id=job.event_id if job else None,
    )
