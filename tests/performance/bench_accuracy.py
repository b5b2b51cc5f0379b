"""Accuracy benchmark (not a test): the offline reader over every fixture, scored field by field.

Runs `OfflineExtractor` on each fixture image, normalises its cards and the ground truth with
`normalise_cards(region="TW")`, and prints per field precision and recall (exact and loose),
overall field accuracy, and seconds per card, separately for clean cards and photo-like shots
(definitions in tests/performance/accuracy_scoring.py). Writes the same figures, plus every
mismatch per fixture, to bench-results/accuracy.json.

    python -m tests.performance.bench_accuracy [--kind clean|photo|all] [--output FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from namecard.ai.offline import OfflineExtractor
from namecard.cards.model import Card
from namecard.cards.normalise import normalise_cards
from namecard.domain.errors import NamecardError
from namecard.metrics.stats import percentile
from tests.performance.accuracy_scoring import (
    FIELDS,
    KINDS,
    PhotoScore,
    TruthFixture,
    load_corpus,
    score_photo,
    summarise,
)

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "cards"
DEFAULT_OUTPUT = Path("bench-results/accuracy.json")
REGION = "TW"
P95 = 0.95
MIME_BY_SUFFIX = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
                  ".webp": "image/webp"}  # fmt: skip
COLUMNS = ("truth", "pred", "prec", "recall", "loose P", "loose R", "acc", "loose acc")


@dataclass(frozen=True)
class Run:
    fixture: TruthFixture
    seconds: float
    score: PhotoScore
    error: str | None


async def read_one(extractor: OfflineExtractor, fixture: TruthFixture) -> Run:
    image = fixture.image.read_bytes()
    started = time.perf_counter()
    error: str | None = None
    cards: tuple[Card, ...] = ()
    try:
        cards = (await extractor.extract(image, MIME_BY_SUFFIX[fixture.image.suffix])).cards
    except NamecardError as exc:  # a refusal counts as "no card read"
        error = type(exc).__name__
    seconds = time.perf_counter() - started
    predicted = normalise_cards(cards, region=REGION)
    truth: tuple[Card, ...] = normalise_cards(fixture.cards, region=REGION)
    return Run(fixture, seconds, score_photo(truth, predicted), error)


async def read_all(fixtures: Sequence[TruthFixture]) -> tuple[float, list[Run]]:
    """The warm-up time (model load and a first read, not scored) and a scored run per fixture."""
    extractor = OfflineExtractor()
    try:
        started = time.perf_counter()
        if fixtures:
            await read_one(extractor, fixtures[0])
        warmup = time.perf_counter() - started
        return warmup, [await read_one(extractor, fixture) for fixture in fixtures]
    finally:
        await extractor.aclose()


def timing(runs: Sequence[Run]) -> dict[str, float]:
    """Seconds per card: each photo's extract wall time shared among its cards (at least one)."""
    per_card = [run.seconds / max(1, run.score.truth_cards) for run in runs]
    return {
        "seconds_per_card_mean": statistics.fmean(per_card) if per_card else 0.0,
        "seconds_per_card_p95": percentile(per_card, P95),
        "seconds_per_photo_max": max((run.seconds for run in runs), default=0.0),
    }


def group_report(runs: Sequence[Run]) -> dict[str, Any]:
    return {**summarise(run.score for run in runs), **timing(runs),
            "errors": sum(run.error is not None for run in runs)}  # fmt: skip


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def table_row(label: str, m: dict[str, Any]) -> str:
    cells = [str(m["truth"]), str(m["predicted"]), percent(m["precision"]), percent(m["recall"]),
             percent(m["loose_precision"]), percent(m["loose_recall"]), percent(m["accuracy"]),
             percent(m["loose_accuracy"])]  # fmt: skip
    return f"{label:<12}" + "".join(f"{cell:>10}" for cell in cells)


def format_group(name: str, report: dict[str, Any]) -> str:
    lines = [
        f"== {name}: {report['photos']} photos, {report['truth_cards']} cards in truth, "
        f"{report['predicted_cards']} read, {report['matched_cards']} paired, "
        f"{report['errors']} refused",
        f"{'field':<12}" + "".join(f"{column:>10}" for column in COLUMNS),
    ]
    lines += [table_row(field, report["fields"][field]) for field in FIELDS]
    lines.append(table_row("overall", report["overall"]))
    lines.append(
        f"seconds per card: mean {report['seconds_per_card_mean']:.2f}, "
        f"p95 {report['seconds_per_card_p95']:.2f} (slowest photo "
        f"{report['seconds_per_photo_max']:.2f})"
    )
    return "\n".join(lines)


def fixture_report(run: Run) -> dict[str, Any]:
    return {
        "stem": run.fixture.stem,
        "kind": run.fixture.kind,
        "seconds": round(run.seconds, 3),
        "truth_cards": run.score.truth_cards,
        "predicted_cards": run.score.predicted_cards,
        "matched_cards": run.score.matched_cards,
        "error": run.error,
        "mismatches": [asdict(mismatch) for mismatch in run.score.mismatches],
    }


def build_report(kind: str, warmup: float, runs: Sequence[Run]) -> dict[str, Any]:
    groups = {name: group_report([r for r in runs if r.fixture.kind == name]) for name in KINDS
              if any(r.fixture.kind == name for r in runs)}  # fmt: skip
    groups["all"] = group_report(runs)
    return {
        "extractor": "offline",
        "region": REGION,
        "kind": kind,
        "warmup_seconds": round(warmup, 3),
        "groups": groups,
        "fixtures": [fixture_report(run) for run in runs],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--kind", choices=("clean", "photo", "all"), default="all")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--fixtures", type=Path, default=FIXTURES_DIR)
    args = parser.parse_args(argv)
    kinds = KINDS if args.kind == "all" else (args.kind,)
    fixtures = load_corpus(args.fixtures, kinds)
    warmup, runs = asyncio.run(read_all(fixtures))
    report = build_report(args.kind, warmup, runs)
    for name, group in report["groups"].items():
        if name == "none":
            print(f"photos without a card: {group['predicted_cards']} cards read (want 0)")
        else:
            print(format_group(name, group), end="\n\n")
    print(f"warm-up (model load and first read, not counted): {warmup:.2f} s")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
