"""`namecard jobs dead` / `namecard jobs retry`: the jobs the workers gave up on, kept in Redis."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from namecard.bootstrap.settings import Settings
from namecard.cli.help_format import HelpWithDefaults
from namecard.domain.errors import StateUnavailable

if TYPE_CHECKING:
    from namecard.pipeline.dead_letters import DeadJob

NO_REDIS = "jobs are only kept in Redis: set REDIS_URL"
DEFAULT_LIMIT = 50
REDIS_TIMEOUT_SECONDS = 5.0


def add_jobs_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    shown = HelpWithDefaults
    jobs = commands.add_parser(
        "jobs", help="list or retry the jobs the workers gave up on (kept in Redis)",
        formatter_class=shown,
    )  # fmt: skip
    actions = jobs.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    dead = actions.add_parser(
        "dead", help="list the dead jobs, newest first", formatter_class=shown
    )
    dead.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="list at most this many")
    retry = actions.add_parser(
        "retry", help="put dead jobs back in the queue", formatter_class=shown
    )
    retry.add_argument("ids", nargs="*", metavar="ID", help="dead job ids (from `jobs dead`)")
    retry.add_argument("--all", action="store_true", help="put every dead job back")


def jobs(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.redis_url:
        print(NO_REDIS, file=sys.stderr)
        return 2
    if args.jobs_command == "dead":
        return asyncio.run(_list(settings.redis_url, settings, args.limit))
    if bool(args.ids) == bool(args.all):
        print("namecard jobs retry: give dead job ids, or --all", file=sys.stderr)
        return 2
    ids = None if args.all else args.ids
    return asyncio.run(_retry(settings.redis_url, settings, ids))


async def _list(url: str, settings: Settings, limit: int) -> int:
    from namecard.bootstrap.clients import command_redis
    from namecard.pipeline.dead_letters import list_dead

    redis = command_redis(url, settings, timeout=REDIS_TIMEOUT_SECONDS)
    try:
        dead = await list_dead(redis.client, redis.keys, limit)
    except StateUnavailable as exc:
        print(f"namecard jobs: {exc}", file=sys.stderr)
        return 1
    finally:
        await redis.client.aclose()
    for job in dead:
        print(describe(job))
    if not dead:
        print("no dead jobs")
    return 0


async def _retry(url: str, settings: Settings, ids: Sequence[str] | None) -> int:
    from namecard.bootstrap.clients import command_redis
    from namecard.pipeline.dead_letters import retry_dead

    redis = command_redis(url, settings, timeout=REDIS_TIMEOUT_SECONDS)
    try:
        moved = await retry_dead(redis.client, redis.keys, ids)
    except ValueError as exc:
        print(f"namecard jobs retry: {exc}", file=sys.stderr)
        return 2
    except StateUnavailable as exc:
        print(f"namecard jobs: {exc}", file=sys.stderr)
        return 1
    finally:
        await redis.client.aclose()
    print(f"{moved} job(s) put back in the queue")
    if ids is not None and moved < len(ids):
        print(f"{len(ids) - moved} id(s) were not dead jobs", file=sys.stderr)
    return 0


def describe(job: DeadJob) -> str:
    """One line per dead job; the user appears only as their hash."""
    at = datetime.fromtimestamp(job.at, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    return (
        f"{job.entry_id}  {at}  {job.kind}  user {job.user_hash or '-'}  "
        f"event {job.event_id or '-'}  attempts {job.attempts}  {job.reason}"
    )
