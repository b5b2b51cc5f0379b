"""The job a log line belongs to: set by the worker, read by the log format (every line a job
writes, in any module, carries its job id and hashed user id, so grep follows one photo)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from namecard.domain.jobs import Job


@dataclass(frozen=True, slots=True)
class JobContext:
    job_id: str
    user_hash: str


NO_JOB = JobContext("-", "-")
current_job: ContextVar[JobContext] = ContextVar("current_job", default=NO_JOB)


def enter_job(job: Job) -> None:
    """Bind `job` to the running task (tasks it creates inherit it)."""
    current_job.set(JobContext(job.event_id, job.user_hash))
