"""Search latency: 2,000 contacts in the Notion emulator and 10,000 in the local book, p50/p95.

Each store is filled with made-up people (Chinese names, companies, Taiwan mobiles, e-mails),
then searched the ways people search: two characters of a name, the last four digits of a
phone, part of a company, part of an e-mail, and a miss. Notion is reached over HTTP through
notion-client like the bot does; its request rate is set high (`--notion-rate`) so that the
figure is the search, not the wait for the 3-per-second budget (a real search waits its turn
with the saves). Measured on a shared machine: compare runs, not absolutes.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from namecard.cards.model import Card, CardRef, Phone, PhoneKind, StoredContact
from namecard.cards.normalise import normalise_card
from namecard.sim.notion import NotionEmulator
from namecard.sim.server import EmulatorServer
from namecard.store.local.book import LocalContactStore
from namecard.store.notion.writer import NotionStore
from tests.performance.bench_load import publish

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高"
GIVEN = "志明淑芬家豪雅婷俊傑怡君建宏美玲宗翰佩珊冠宇詩涵承恩欣怡柏翰思妤"
COMPANY_WORDS = ("宏碩", "大同", "華新", "聯發", "台達", "研華", "光寶", "緯創", "仁寶", "和碩")
KINDS = ("name", "phone", "company", "email", "miss")
TOKEN = "bench-notion-token"


def people(count: int, seed: int = 18) -> list[Card]:
    rng = random.Random(seed)
    found = []
    for i in range(count):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2))
        company = f"{rng.choice(COMPANY_WORDS)}{rng.choice(GIVEN)}科技股份有限公司"
        mobile = "09" + "".join(rng.choice("0123456789") for _ in range(8))
        phones = (Phone(mobile, PhoneKind.MOBILE),)
        email = f"user{i}@corp{i % 97}.tw"
        card = Card(name=name, company=company, title="經理", phones=phones, emails=(email,))
        found.append(normalise_card(card))
    return found


def ref(index: int) -> CardRef:
    return CardRef(hashlib.sha256(str(index).encode()).hexdigest())


def queries(cards: list[Card], per_kind: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    picked = [rng.choice(cards) for _ in range(per_kind * len(KINDS))]
    made: list[tuple[str, str]] = []
    for i, card in enumerate(picked):
        kind = KINDS[i % len(KINDS)]
        name, company = card.name or "", card.company or ""
        text = {
            "name": name[1:3],
            "phone": card.phones[0].number[-4:],
            "company": company[:3],
            "email": card.emails[0].split("@")[0],
            "miss": "查無此人" + "甲乙丙丁戊己庚辛壬癸"[i % 10],
        }[kind]
        made.append((kind, text))
    return made


async def timed(
    search: Callable[[str], Awaitable[list[StoredContact]]], asked: list[tuple[str, str]]
) -> dict[str, Any]:
    by_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
    answered = 0
    for kind, text in asked:
        started = time.perf_counter()
        found = await search(text)
        by_kind[kind].append(time.perf_counter() - started)
        answered += bool(found) == (kind != "miss")
    every = [s for seconds in by_kind.values() for s in seconds]
    return {"queries": len(every), "as_expected": answered, **summary(every),
            "by_kind": {kind: summary(s) for kind, s in by_kind.items()}}  # fmt: skip


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2)}  # fmt: skip


async def bench_notion(count: int, per_kind: int, rate: float) -> dict[str, Any]:
    emulator = NotionEmulator(tokens={TOKEN}, rate_limit_per_second=None)
    database_id, _ = emulator.contact_database()
    cards = people(count)
    with EmulatorServer(emulator.create_app()) as server:
        store = NotionStore(api_key=SecretStr(TOKEN), database_id=database_id,
                            base_url=server.url, timeout_seconds=30, rate_per_second=rate,
                            burst=int(rate), merge_duplicates=False)  # fmt: skip
        await store.start()
        started = time.perf_counter()
        for start in range(0, count, 50):
            await asyncio.gather(*(
                store.save(card, ref(i), user_hash="bench")
                for i, card in enumerate(cards[start:start + 50], start=start)
            ))  # fmt: skip
        filled = time.perf_counter() - started
        result = await timed(store.search, queries(cards, per_kind))
        await store.aclose()
    return {"contacts": count, "fill_seconds": round(filled, 1), **result}


async def bench_local(count: int, per_kind: int) -> dict[str, Any]:
    cards = people(count)
    with tempfile.TemporaryDirectory() as folder:
        store = LocalContactStore(Path(folder))
        await store.start()
        started = time.perf_counter()
        for i, card in enumerate(cards):
            await store.save(card, ref(i), user_hash="bench")
        filled = time.perf_counter() - started
        result = await timed(store.search, queries(cards, per_kind))
        await store.aclose()
    return {"contacts": count, "fill_seconds": round(filled, 1), **result}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "notion": await bench_notion(args.notion_contacts, args.per_kind, args.notion_rate),
        "local": await bench_local(args.local_contacts, args.per_kind),
        "note": "measured on a shared machine; Notion through HTTP to the emulator",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notion-contacts", type=int, default=2000)
    parser.add_argument("--local-contacts", type=int, default=10_000)
    parser.add_argument("--per-kind", type=int, default=40, help="queries of each kind")
    parser.add_argument("--notion-rate", type=float, default=200.0)
    parser.add_argument("--output", default="bench-results/search.json")
    args = parser.parse_args()
    publish(asyncio.run(run(args)), Path(args.output))


if __name__ == "__main__":
    main()
