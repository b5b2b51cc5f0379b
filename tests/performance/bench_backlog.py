"""Connection-burst benchmark (not a test): N clients open a connection to /health at once.

Starts `namecard serve` (embedded mode) once per listen backlog and reports, per backlog, how
many of the requests took over a second (a dropped SYN or handshake ACK costs the client a 1 s
retransmit), p50/p99/max, and the kernel's ListenOverflows/ListenDrops counters over the burst
(system-wide: other traffic on the machine counts too).

    python -m tests.performance.bench_backlog [--connections 200] [--backlogs 100 1024]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from namecard.metrics.stats import percentile
from tests.harness import new_port, running_bot

RETRANSMIT_SECONDS = 0.9
REQUEST = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
ROUNDS = 3


def listen_counters() -> dict[str, int]:
    lines = Path("/proc/net/netstat").read_text().splitlines()
    names, values = next(
        (lines[i].split(), lines[i + 1].split())
        for i in range(0, len(lines), 2)
        if lines[i].startswith("TcpExt:")
    )
    table = dict(zip(names[1:], map(int, values[1:]), strict=True))
    return {key: table[key] for key in ("ListenOverflows", "ListenDrops")}


async def one_request(port: int, start: asyncio.Event) -> float:
    await start.wait()
    began = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(REQUEST)
    await writer.drain()
    await reader.read()
    writer.close()
    return time.perf_counter() - began


async def burst(port: int, connections: int) -> list[float]:
    start = asyncio.Event()
    tasks = [asyncio.create_task(one_request(port, start)) for _ in range(connections)]
    await asyncio.sleep(0.1)
    start.set()
    return list(await asyncio.gather(*tasks))


def measure(backlog: int, connections: int, tmp: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "GOOGLE_"))}
    env.update(
        PORT=str(new_port()), HOST="127.0.0.1", DATA_DIR=str(tmp / f"data-{backlog}"),
        LISTEN_BACKLOG=str(backlog), LOG_LEVEL="WARNING",
    )  # fmt: skip
    env.pop("REDIS_URL", None)
    with running_bot(env, tmp / f"bot-{backlog}.log") as bot:
        port = int(bot.url.rsplit(":", 1)[1])
        before = listen_counters()
        times: list[float] = []
        for _ in range(ROUNDS):
            times += asyncio.run(burst(port, connections))
            time.sleep(1.0)
        after = listen_counters()
    return {
        "backlog": backlog,
        "requests": len(times),
        "over_1s": sum(t > RETRANSMIT_SECONDS for t in times),
        "p50_ms": round(percentile(times, 0.5) * 1000, 1),
        "p99_ms": round(percentile(times, 0.99) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        **{key: after[key] - before[key] for key in after},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--backlogs", type=int, nargs="+", default=[100, 1024])
    args = parser.parse_args()
    with TemporaryDirectory() as tmp:
        for backlog in args.backlogs:
            result = measure(backlog, args.connections, Path(tmp))
            print(json.dumps(result))


if __name__ == "__main__":
    main()
