"""A test run leaves the Redis it used as it was: it works in a database of its own (empty when
claimed, never database 0) and flushes it at the end, whatever its tests wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import redis

from tests.conftest import REPORT_ENV, database_of, with_database

REPO = Path(__file__).resolve().parents[1]
# Tests that leave keys of their own behind (webhook dedupe claims), and a durable job stream.
WRITERS = ("tests/pipeline/test_dedupe.py", "tests/cli/test_jobs.py")


def key_counts(url: str) -> dict[int, int]:
    """Keys per database number (the INFO keyspace line of each non-empty database)."""
    info = redis.Redis.from_url(url, socket_timeout=5).info("keyspace")
    return {int(name.removeprefix("db")): int(data["keys"]) for name, data in info.items()}


def test_a_test_run_leaves_zero_keys_behind(redis_url: str, tmp_path: Path) -> None:
    report = tmp_path / "redis-report.txt"
    server = with_database(redis_url, 0)
    before = key_counts(server)

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *WRITERS],
        cwd=REPO, env={**os.environ, REPORT_ENV: str(report)},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout[-2000:]
    claimed_line, left_line = report.read_text().splitlines()
    claimed = int(claimed_line.removeprefix("claimed "))
    assert claimed != 0 and claimed not in before, "the run used a database that held keys"
    assert int(left_line.split()[1]) > 0, "the tests wrote keys (so the check means something)"
    after = key_counts(server)
    assert claimed not in after, f"database {claimed} still holds {after.get(claimed)} keys"
    # and no database that was empty before the run holds anything now (but this run's own)
    assert not [db for db in after if db not in before and db != database_of(redis_url)]
