"""Every Redis key the service writes, in one registry.

Each name is placed after the deployment's `REDIS_KEY_PREFIX` (several deployments can share
one Redis). Two conventions exist for historical reasons, `namecard:<what>:` and bare
`<what>:`; the values are kept as they are so a running deployment keeps its state. The
owning module documents each key's fields and lifetime; docs/architecture.md lists them.

The prefix travels one way: bootstrap builds one `KeySpace` from the settings and hands it to
every Redis user, which asks it for its key names (no module joins prefix strings itself).
"""

from __future__ import annotations

from dataclasses import dataclass

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
# store/notion/person_index.py: hashed e-mail/mobile → Notion page, page → its hashed
# identities, the index's build state and watermark, and the one-refresher-at-a-time flag
PERSON_INDEX_PREFIX = "namecard:person-index:"
# ai/concurrency.py: the adaptive limit of Gemini calls in flight, shared by every worker
AI_CONCURRENCY_KEY = "namecard:ai-concurrency"
# state/ip_limit.py: requests per hashed client address
IP_LIMIT_KEY_PREFIX = "namecard:ip-limit:"
# store/user_contacts.py: the contacts each user saved, newest first (for 最近 and 備註)
USER_CONTACTS_KEY_PREFIX = "namecard:user-contacts:"
# metrics/history_redis.py: per-hour hashes of per-minute histograms and counters (8 days),
# lifetime totals per counter and instance, and one heartbeat per worker process
METRICS_KEY_PREFIX = "namecard:metrics:"  # then `hour:{epoch hour}`, `totals`, `workers`


@dataclass(frozen=True, slots=True)
class KeySpace:
    """The key names of one deployment: each registered name placed after `prefix`."""

    prefix: str = ""

    def dedupe(self, event_id: str) -> str:
        return f"{self.prefix}{DEDUPE_KEY_PREFIX}{event_id}"

    @property
    def stream(self) -> str:
        return self.prefix + STREAM_KEY

    @property
    def delayed(self) -> str:
        return self.prefix + DELAYED_KEY

    @property
    def dead(self) -> str:
        return self.prefix + DEAD_KEY

    def progress(self, event_id: str) -> str:
        return self.prefix + PROGRESS_KEY.format(event_id=event_id)

    def conversation(self, kind: str, name: str) -> str:
        return f"{self.prefix}{CONVERSATION_KEY_PREFIX}{kind}:{name}"

    def push_budget(self, month: str) -> str:
        return f"{self.prefix}{PUSH_BUDGET_KEY_PREFIX}{month}"

    def cache(self, key: str) -> str:
        """`key` is a whole cache key from cache/keys.py (it starts with CACHE_KEY_PREFIX)."""
        return self.prefix + key

    def key_pool(self, name: str) -> str:
        return f"{self.prefix}{KEY_POOL_PREFIX}{name}"

    def card_page(self, card_id: str) -> str:
        return f"{self.prefix}{CARD_PAGE_KEY_PREFIX}{card_id}"

    def person_lock(self, digest: str) -> str:
        return f"{self.prefix}{PERSON_LOCK_KEY_PREFIX}{digest}"

    @property
    def notion_rate(self) -> str:
        return self.prefix + NOTION_RATE_KEY

    def person_index(self, part: str) -> str:
        """`part`: ids (hash), pages (hash), meta (hash), refresh (string with a TTL)."""
        return f"{self.prefix}{PERSON_INDEX_PREFIX}{part}"

    @property
    def ai_concurrency(self) -> str:
        return self.prefix + AI_CONCURRENCY_KEY

    def ip_limit(self, hashed: str) -> str:
        return f"{self.prefix}{IP_LIMIT_KEY_PREFIX}{hashed}"

    def user_contacts(self, user: str) -> str:
        return f"{self.prefix}{USER_CONTACTS_KEY_PREFIX}{user}"

    def metrics_hour(self, hour: int) -> str:
        return f"{self.prefix}{METRICS_KEY_PREFIX}hour:{hour}"

    @property
    def metrics_totals(self) -> str:
        return f"{self.prefix}{METRICS_KEY_PREFIX}totals"

    @property
    def metrics_workers(self) -> str:
        return f"{self.prefix}{METRICS_KEY_PREFIX}workers"
