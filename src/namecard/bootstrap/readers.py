"""Assembles the card reader: configured, bounded, cached, with its fallback, normalised."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from pydantic import SecretStr

from namecard.ai.base import Extractor, NormalisingExtractor, UnconfiguredExtractor
from namecard.ai.caching import CachingExtractor, LimitedExtractor
from namecard.ai.concurrency import AdaptiveLimit, Aimd, RedisLimitState
from namecard.ai.fallback import FallbackExtractor
from namecard.ai.gemini.key_pool import KeyPool, KeyPoolProtocol
from namecard.bootstrap.settings import Settings
from namecard.cache.base import ResultCache
from namecard.cache.disk import DiskCache
from namecard.cache.memory import MemoryCache
from namecard.cache.redis_tier import RedisCache
from namecard.cache.tiered import TieredCache
from namecard.metrics.stats import Metrics
from namecard.state.client import SharedRedis

logger = logging.getLogger(__name__)

MB = 1024 * 1024
CACHE_DIRECTORY = "cache"


@dataclass(frozen=True)
class Readers:
    extractor: Extractor
    key_pool: KeyPoolProtocol | None = None
    concurrency: AdaptiveLimit | None = None


def build_readers(
    settings: Settings,
    *,
    cache: TieredCache | None = None,
    metrics: Metrics | None = None,
    redis: SharedRedis | None = None,
) -> Readers:
    """Normalised(Fallback(Cached(Limited(gemini)), Cached(offline))): a cache hit never waits
    for an AI slot, each reader caches under its own version, and every card comes out
    normalised whichever reader (or cache entry) produced it."""
    metrics = metrics or Metrics()
    slots = _adaptive_limit(settings, redis)
    if settings.reader_name != "gemini":
        only: Extractor = (
            _offline(settings) if settings.reader_name == "offline" else UnconfiguredExtractor()
        )
        limited = LimitedExtractor(only, slots, metrics)
        return Readers(_normalised(settings, _cached(settings, limited, cache)), None, slots)
    keys = {key_id(key): key for key in settings.gemini_keys}
    pool = _key_pool(settings, keys, redis)
    gemini = _gemini(settings, keys, _counted(pool, keys, metrics))
    reader: Extractor = _cached(settings, LimitedExtractor(gemini, slots, metrics), cache)
    if settings.offline_reader:
        reader = FallbackExtractor(reader, _cached(settings, _offline(settings), cache), metrics)
    return Readers(_normalised(settings, reader), pool, slots)


def _adaptive_limit(settings: Settings, redis: SharedRedis | None) -> AdaptiveLimit:
    """MAX_CONCURRENT_AI is the ceiling; the limit in force adapts to what Gemini accepts."""
    ceiling = settings.max_concurrent_ai
    if redis is None:
        return AdaptiveLimit(ceiling)
    state = RedisLimitState(redis.client, Aimd(float(ceiling)), keys=redis.keys)
    return AdaptiveLimit(ceiling, state)


def key_id(key: SecretStr) -> str:
    """A stable, one-way id for a key: state shared in Redis follows the key itself, not its
    position in the list (a new key in a revoked key's slot starts fresh)."""
    return "k" + hashlib.sha256(key.get_secret_value().encode()).hexdigest()[:12]


def build_extractor(settings: Settings) -> Extractor:
    """The configured reader alone (no cache, no shared state): for `namecard scan`."""
    return build_readers(settings).extractor


def build_result_cache(settings: Settings, redis: SharedRedis | None) -> TieredCache:
    """L1 memory, L2 Redis (when configured), L3 disk under DATA_DIR; size 0 turns a tier off."""
    tiers: list[ResultCache] = []
    if settings.cache_memory_mb and settings.cache_memory_entries:
        tiers.append(
            MemoryCache(
                max_entries=settings.cache_memory_entries,
                max_bytes=settings.cache_memory_mb * MB,
                ttl_seconds=settings.cache_memory_ttl_seconds,
            )
        )
    if redis is not None:
        tiers.append(
            RedisCache(
                redis.client,
                ttl_seconds=settings.cache_redis_ttl_seconds,
                keys=redis.keys,
            )
        )
    if settings.cache_disk_mb:
        tiers.append(
            DiskCache(
                settings.data_dir / CACHE_DIRECTORY,
                max_bytes=settings.cache_disk_mb * MB,
                ttl_seconds=settings.cache_disk_ttl_seconds,
            )
        )
    return TieredCache(tiers)


def _normalised(settings: Settings, reader: Extractor) -> Extractor:
    return NormalisingExtractor(reader, region=settings.phone_region)


def _cached(settings: Settings, reader: Extractor, cache: TieredCache | None) -> Extractor:
    if cache is None:
        return reader
    return CachingExtractor(reader, cache, empty_ttl=settings.cache_empty_ttl_seconds)


def _key_pool(
    settings: Settings, keys: dict[str, SecretStr], redis: SharedRedis | None
) -> KeyPoolProtocol:
    from namecard.ai.gemini.client import key_labels

    labels = key_labels(keys)
    if redis is None:
        return KeyPool(list(keys), labels=labels, rpm=settings.gemini_rpm, rpd=settings.gemini_rpd)
    from namecard.ai.gemini.key_pool_redis import RedisKeyPool

    return RedisKeyPool(
        redis.client,
        list(keys),
        labels=labels,
        rpm=settings.gemini_rpm,
        rpd=settings.gemini_rpd,
        keys=redis.keys,
    )


def _gemini(settings: Settings, keys: dict[str, SecretStr], pool: KeyPoolProtocol) -> Extractor:
    from namecard.ai.gemini.client import GeminiExtractor

    return GeminiExtractor(
        keys=keys,
        pool=pool,
        model=settings.gemini_model,
        base_url=settings.gemini_base_url,
        api_version=settings.gemini_api_version,
        timeout_seconds=settings.gemini_timeout_seconds,
        max_image_side=settings.gemini_max_image_side,
    )


def _offline(settings: Settings) -> Extractor:
    """The instance's one OCR process (started on first need), whatever WORKERS is (issue 19):
    the OCR stack is never imported by a worker."""
    from namecard.ai.ocr.channel import HostPlace
    from namecard.ai.ocr.shared import SharedOfflineReader

    return SharedOfflineReader(HostPlace.of_this_instance(), log_level=settings.log_level)


def _counted(
    pool: KeyPoolProtocol, keys: dict[str, SecretStr], metrics: Metrics
) -> KeyPoolProtocol:
    from namecard.ai.gemini.client import key_labels
    from namecard.ai.gemini.counted_pool import CountedKeyPool

    return CountedKeyPool(pool, key_labels(keys), metrics)
