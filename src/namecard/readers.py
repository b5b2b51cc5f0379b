"""Assembles the card reader: the configured reader, bounded, cached and normalised."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis

from namecard.ai.base import Extractor, NormalisingExtractor, UnconfiguredExtractor
from namecard.ai.caching import CachingExtractor, LimitedExtractor
from namecard.cache.base import ResultCache
from namecard.cache.disk import DiskCache
from namecard.cache.memory import MemoryCache
from namecard.cache.redis_tier import RedisCache
from namecard.cache.tiered import TieredCache
from namecard.metrics.stats import Metrics
from namecard.settings import Settings

logger = logging.getLogger(__name__)

MB = 1024 * 1024
CACHE_DIRECTORY = "cache"


def build_extractor(
    settings: Settings,
    *,
    cache: TieredCache | None = None,
    metrics: Metrics | None = None,
) -> Extractor:
    """Normalised(Cached(Limited(reader))): a cache hit never waits for an AI slot, and every
    card comes out normalised whichever reader (or cache entry) produced it."""
    reader = _reader(settings)
    if metrics is not None:
        reader = LimitedExtractor(reader, asyncio.Semaphore(settings.max_concurrent_ai), metrics)
    if cache is not None:
        reader = CachingExtractor(reader, cache, empty_ttl=settings.cache_empty_ttl_seconds)
    return NormalisingExtractor(reader, region=settings.phone_region)


def build_result_cache(settings: Settings, redis: Redis | None) -> TieredCache:
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
                redis,
                ttl_seconds=settings.cache_redis_ttl_seconds,
                key_prefix=settings.redis_key_prefix,
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


def _reader(settings: Settings) -> Extractor:
    if settings.reader_name == "gemini":
        from namecard.ai.gemini import GeminiExtractor

        return GeminiExtractor(
            api_key=settings.gemini_keys[0],
            model=settings.gemini_model,
            base_url=settings.gemini_base_url,
            api_version=settings.gemini_api_version,
            timeout_seconds=settings.gemini_timeout_seconds,
            max_image_side=settings.gemini_max_image_side,
        )
    if settings.reader_name == "offline":
        from namecard.ai.offline import OfflineExtractor

        return OfflineExtractor()
    logger.warning("no card reader: photos will be answered with 'no card reader configured'")
    return UnconfiguredExtractor()
