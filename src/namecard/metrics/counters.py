"""Every counter name in one enum: a typo is a type error, not a new counter."""

from __future__ import annotations

from enum import StrEnum


class Count(StrEnum):
    # webhook (api/callback.py, line/webhook.py, api/limits.py)
    WEBHOOK_REQUESTS = "webhook_requests"
    WEBHOOK_ACCEPTED = "webhook_accepted"
    WEBHOOK_REJECTED_SIGNATURE = "webhook_rejected_signature"
    WEBHOOK_REJECTED_TOO_LARGE = "webhook_rejected_too_large"
    WEBHOOK_REJECTED_MALFORMED = "webhook_rejected_malformed"
    WEBHOOK_REJECTED_BUSY = "webhook_rejected_busy"
    WEBHOOK_EVENTS = "webhook_events"
    WEBHOOK_EVENTS_UNPARSED = "webhook_events_unparsed"
    WEBHOOK_EVENTS_OTHER_BOT = "webhook_events_other_bot"
    WEBHOOK_EVENTS_IGNORED = "webhook_events_ignored"
    WEBHOOK_EVENTS_DUPLICATE = "webhook_events_duplicate"
    REQUESTS_IP_LIMITED = "requests_ip_limited"
    # jobs (pipeline/)
    JOBS_SUCCEEDED = "jobs_succeeded"
    JOBS_FAILED = "jobs_failed"
    JOBS_DEFERRED = "jobs_deferred"
    JOBS_RESUMED = "jobs_resumed"
    JOBS_DEAD = "jobs_dead"
    PHOTOS_REJECTED = "photos_rejected"
    CARDS_READ = "cards_read"
    CACHE_HITS_MEMORY = "cache_hits_memory"
    CACHE_HITS_REDIS = "cache_hits_redis"
    CACHE_HITS_DISK = "cache_hits_disk"
    CONTACTS_SAVED = "contacts_saved"
    CONTACT_SAVE_ERRORS = "contact_save_errors"
    # readers (ai/)
    AI_CALLS = "ai_calls"
    AI_ERRORS = "ai_errors"
    OFFLINE_FALLBACKS = "offline_fallbacks"
    # answers (line/delivery.py)
    LINE_REPLIES = "line_replies"
    LINE_PUSHES = "line_pushes"
    LINE_PUSHES_SKIPPED = "line_pushes_skipped"
    LINE_PUSHES_REFUSED_CAP = "line_pushes_refused_cap"
    LINE_ANSWERS_ALREADY_SENT = "line_answers_already_sent"
    LINE_DELIVERY_ERRORS = "line_delivery_errors"


def cache_hits(tier: str) -> Count:
    """The counter of hits answered by the cache tier named `tier` (memory, redis or disk)."""
    return Count(f"cache_hits_{tier}")
