"""Operators see the whole service: two workers of one instance and a second instance on one
Redis, 20 photos; /stats, /performance-report and /metrics agree whichever process answers,
and the report survives a restart of every process."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from namecard.sim.driver import WebhookDriver
from tests.e2e.conftest import unique_photo
from tests.harness import (
    CHANNEL_SECRET,
    Emulators,
    RunningBot,
    bot_environment,
    new_port,
    start_bot,
    stop_bot,
)

pytestmark = pytest.mark.e2e

PHOTOS = 20
STEMS = ("tw_sales_manager", "en_director", "bilingual_engineer", "en_consultant_left")
ANSWER_TIMEOUT = 60.0
# The operators' token: with it /stats and /metrics are not counted against the address's
# IP_RATE_PER_HOUR (this test asks them more than 100 times from 127.0.0.1).
STATS_TOKEN = "operator-" + uuid.uuid4().hex
GRAFANA = Path(__file__).parents[2] / "deployment" / "grafana" / "namecard.json"


class Service:
    """Instance a (WORKERS=2) and instance b (one worker) on one Redis namespace."""

    def __init__(self, emulators: Emulators, redis_url: str, tmp: Path) -> None:
        a = bot_environment(
            emulators, port=new_port(), data_dir=tmp / "a", redis_url=redis_url,
            extra={"WORKERS": "2", "LOG_DIR": str(tmp / "logs-a"), "USER_RATE_PER_MIN": "60",
                   "STATS_TOKEN": STATS_TOKEN},
        )  # fmt: skip
        b = {**a, "WORKERS": "1", "PORT": str(new_port()), "DATA_DIR": str(tmp / "b"),
             "LOG_DIR": str(tmp / "logs-b"), "LOG_FORMAT": "json"}  # fmt: skip
        self.envs, self.tmp = {"a": a, "b": b}, tmp
        self.bots: dict[str, RunningBot] = {}

    def start(self) -> None:
        for name, env in self.envs.items():
            self.bots[name] = start_bot(env, self.tmp / f"{name}.log", timeout=60)

    def stop(self) -> None:
        for bot in self.bots.values():
            stop_bot(bot)

    def urls(self) -> list[str]:
        return [bot.url for bot in self.bots.values()]


@pytest.fixture(scope="module")
def service(
    emulators: Emulators, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """Started once for this module: the first test counts from zero, then restarts it."""
    running = Service(emulators, redis_url, tmp_path_factory.mktemp("service"))
    running.start()
    try:
        yield running
    finally:
        running.stop()


async def send_photos(service: Service, emulators: Emulators, count: int = PHOTOS) -> list[str]:
    users = ["U" + uuid.uuid4().hex for _ in range(count)]
    drivers = [WebhookDriver(f"{url}/callback", CHANNEL_SECRET, emulators.line_url)
               for url in service.urls()]  # fmt: skip
    try:
        sends = [
            drivers[n % len(drivers)].send_image(user, unique_photo(emulators, STEMS[n % 4])[0])
            for n, user in enumerate(users)
        ]
        results = await asyncio.gather(*sends)
        assert all(result.status == 200 for result in results)
        for user in users:
            assert await drivers[0].wait_for_deliveries(user, 1, timeout=ANSWER_TIMEOUT)
    finally:
        for driver in drivers:
            await driver.aclose()
    return users


def get(url: str) -> Any:
    """A new connection each time, so the kernel may hand it to either worker; as an operator."""
    response = httpx.get(url, headers={"Authorization": f"Bearer {STATS_TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json() if "json" in response.headers["content-type"] else response.text


async def until_processed(url: str, count: int, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.25)):
        if get(f"{url}/stats")["ai_processor_stats"]["total_processed"] >= count:
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"/stats never reached {count} processed")


def report_figures(report: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(report[k] for k in ("total_requests", "success_rate", "avg_response_time",
                                     "p50_response_time", "p95_response_time",
                                     "p99_response_time"))  # fmt: skip


def photos_in(exposition: str) -> float:
    counts = re.findall(r"^namecard_photo_to_reply_seconds_count\{[^}]*\} (\S+)$", exposition, re.M)
    return sum(float(value) for value in counts)


async def test_every_process_reports_the_whole_service_and_a_restart_keeps_it(
    service: Service, emulators: Emulators
) -> None:
    await send_photos(service, emulators)
    a, b = service.urls()
    await until_processed(a, PHOTOS)
    await asyncio.sleep(1.5)  # every worker's last batch flushed

    stats_seen, reports, pids = set(), set(), set()
    for n in range(30):  # until both of a's workers answered, at least 10 times each kind
        url = (a, a, b)[n % 3]
        stats = get(f"{url}/stats")
        ai = stats["ai_processor_stats"]
        stats_seen.add((ai["total_processed"], ai["avg_processing_time"],
                        ai["p95_processing_time"]))  # fmt: skip
        reports.add(report_figures(get(f"{url}/performance-report?hours=1")))
        if url == a:
            pids.add(stats["process"]["pid"])
    assert len(pids) == 2, "both workers of instance a answered"
    assert len(stats_seen) == 1 and next(iter(stats_seen))[0] == PHOTOS
    assert len(reports) == 1 and next(iter(reports))[0] == PHOTOS
    assert stats["ai_processor_stats"]["total_errors"] == 0

    instances = stats["instances"]
    per_instance = stats["ai_processor_stats"]["instances"]
    assert len(instances) == 2 and {r["status"] for r in instances.values()} == {"live"}
    assert sorted(r["workers"] for r in instances.values()) == [1, 2]
    assert sum(r["total_processed"] for r in per_instance.values()) == PHOTOS
    instance_a = next(i for i, r in instances.items() if r["workers"] == 2)

    # /metrics of instance a, from either of its workers: that instance's photos, checked by
    # promtool, with every metric the Grafana dashboard queries present.
    scrapes = [get(f"{a}/metrics") for _ in range(8)]
    assert {photos_in(text) for text in scrapes} == {per_instance[instance_a]["total_processed"]}
    assert photos_in(get(f"{b}/metrics")) + photos_in(scrapes[0]) == PHOTOS
    check = await asyncio.to_thread(
        subprocess.run, ["promtool", "check", "metrics"], input=scrapes[0].encode(),
        capture_output=True, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    queried = set(re.findall(r"namecard_[a-z_]+", GRAFANA.read_text(encoding="utf-8")))
    exposed = set(re.findall(r"^(namecard_[a-z_]+)", scrapes[0], re.M))
    assert queried and queried <= exposed, queried - exposed

    before = next(iter(reports))
    service.stop()
    service.start()
    after = get(f"{a}/performance-report?hours=1")
    assert report_figures(after) == before
    for _ in range(20):  # each restarted worker's first heartbeat
        statuses = {r["status"] for r in get(f"{a}/stats")["instances"].values()}
        if statuses == {"live"}:
            break
        await asyncio.sleep(0.25)
    assert statuses == {"live"}
    assert json.loads(json.dumps(get(f"{b}/stats")))["ai_processor_stats"]["total_processed"] == 20


def test_logs_name_each_job_and_user_in_both_formats(service: Service) -> None:
    """logs/error.log and logs/access.log of each instance; one photo followed with grep."""
    httpx.get(f"{service.urls()[0]}/health", timeout=10)
    text = (service.tmp / "logs-a" / "error.log").read_text(encoding="utf-8")
    assert "namecard started" in text
    access = (service.tmp / "logs-a" / "access.log").read_text(encoding="utf-8")
    assert "GET /health" in access
    lines = (service.tmp / "logs-b" / "error.log").read_text(encoding="utf-8").splitlines()
    assert lines and all(json.loads(line)["level"] for line in lines)


async def test_a_job_s_log_lines_carry_its_id_and_hashed_user(
    service: Service, emulators: Emulators
) -> None:
    logs = [service.tmp / f"logs-{name}" / "error.log" for name in "ab"]
    before = [len(log.read_text(encoding="utf-8")) for log in logs]
    users = await send_photos(service, emulators, count=2)
    await asyncio.sleep(1.0)
    text = "".join(
        log.read_text(encoding="utf-8")[start:] for log, start in zip(logs, before, strict=True)
    )
    job_lines = [line for line in text.splitlines() if "outcome=" in line]
    assert len(job_lines) == 2
    for line in job_lines:
        job_id = re.search(r"job (\S+) user=", line)
        assert job_id and (f"job={job_id.group(1)} user=" in line or '"job_id"' in line)
    assert not any(user in text for user in users)  # LINE user ids never in clear
