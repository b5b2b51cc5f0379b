"""Every Redis key the service writes, in one registry.

Each name is placed after the deployment's `REDIS_KEY_PREFIX` (several deployments can share
one Redis). Two conventions exist for historical reasons, `namecard:<what>:` and bare
`<what>:`; the values are kept as they are so a running deployment keeps its state. The
owning module documents each key's fields and lifetime; docs/architecture.md lists them.
"""

from __future__ import annotations

# pipeline/dedupe.py: one string per webhook event id, "pending" then "done", for the dedupe TTL
DEDUPE_KEY_PREFIX = "namecard:webhook-event:"
# pipeline/stream_queue.py: the job stream, its consumer group, delayed jobs and dead letters
STREAM_KEY = "jobs:stream"
DELAYED_KEY = "jobs:delayed"  # sorted set: job JSON scored by when it is due
DEAD_KEY = "jobs:dead"  # stream of jobs that failed too often
# state/progress.py: one hash per job, `sent:{purpose}` fields
PROGRESS_KEY = "job:{event_id}"
# conversation/state_redis.py: batch sessions, photos of a batch or image set, pacing
CONVERSATION_KEY_PREFIX = "conv:"  # then `{kind}:{name}`
# line/push_budget.py: pushes counted per month and per user
PUSH_BUDGET_KEY_PREFIX = "push:"
# cache/redis_tier.py (keys from cache/keys.py): one extraction per image and reader version
CACHE_KEY_PREFIX = "ai_result:"
# ai/gemini/key_pool_redis.py: per-key state and per-minute/per-day request counts
KEY_POOL_PREFIX = "namecard:gemini-keys:"
# store/card_pages.py: Card ID → Notion page id
CARD_PAGE_KEY_PREFIX = "namecard:card-page:"
# store/person_locks.py: one lock per person while their page is written
PERSON_LOCK_KEY_PREFIX = "namecard:person-lock:"
# store/rate_limit_redis.py: the shared Notion request rate
NOTION_RATE_KEY = "namecard:notion-rate"
# state/ip_limit.py: requests per hashed client address
IP_LIMIT_KEY_PREFIX = "namecard:ip-limit:"
