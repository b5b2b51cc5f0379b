"""Accuracy benchmark (not a test): the offline reader over the fixture corpus, field by field.

Runs `OfflineExtractor` on each picture of the chosen sets: the generated corpus's `tuning` and
`check` halves (tests/fixtures/corpus) and the hand-made `legacy` fixtures (tests/fixtures/cards).
The reader's cards are normalised with `normalise_cards(region="TW")` as the service does; each
truth card with its own region (the country its numbers dial from). Prints, per set, per field
precision, recall and accuracy (exact and loose) for all pictures, clean cards and photos; field
accuracy by tag (zh, en, ja, bilingual, multi, dim...); a reliability table (of the fields
reported with confidence >= 0.9, the share right); seconds per card (p50, p95) and the peak RSS
of this process, which runs the reader. Writes the figures and every mismatch per picture to
bench-results/accuracy.json. Definitions: tests/performance/accuracy_scoring.py.

    python -m tests.performance.bench_accuracy [--set tuning|check|both|legacy|all]
        [--tag TAG] [--kind clean|photo|all] [--limit N] [--examples N] [--output FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from namecard.ai.ocr.offline import OfflineExtractor
from namecard.cards.model import Card
from namecard.cards.normalise import normalise_card, normalise_cards
from namecard.domain.errors import NamecardError
from namecard.metrics.stats import percentile
from tests.performance.accuracy_scoring import (
    CONFIDENT,
    PhotoScore,
    field_confidence_source,
    score_photo,
    summarise,
)
from tests.performance.accuracy_truth import KINDS, TruthFixture, load_corpus
from tests.performance.bench_report import (
    format_examples,
    format_goals,
    format_group,
    format_reliability,
    format_tags,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SET_DIRS = {"tuning": FIXTURES / "corpus" / "tuning", "check": FIXTURES / "corpus" / "check",
            "legacy": FIXTURES / "cards"}  # fmt: skip
SET_CHOICES = {"tuning": ("tuning",), "check": ("check",), "both": ("tuning", "check"),
               "legacy": ("legacy",), "all": ("tuning", "check", "legacy")}  # fmt: skip
REPORT_TAGS = ("clean", "photo", "zh", "en", "ja", "bilingual", "cn", "multi", "dark", "vertical",
               "gradient", "dim", "blur", "glare", "shadow", "hand", "rotated", "lowres", "far",
               "keystone", "exif", "inline_title", "separated_title", "glued_web",
               "two_line_company")  # fmt: skip
DEFAULT_OUTPUT = Path("bench-results/accuracy.json")
FIELD_CONFIDENCES = field_confidence_source()  # None: the reader has only a card's confidence
CONFIDENCE_MODE = "per field" if FIELD_CONFIDENCES else "per card, minus its uncertain fields"
REGION = "TW"
P50, P95 = 0.5, 0.95
MIME_BY_SUFFIX = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
                  ".webp": "image/webp"}  # fmt: skip


@dataclass(frozen=True)
class Run:
    fixture: TruthFixture
    seconds: float
    score: PhotoScore
    error: str | None


def truth_cards(fixture: TruthFixture) -> tuple[Card, ...]:
    return tuple(normalise_card(card, region=fixture.region_of(index))
                 for index, card in enumerate(fixture.cards))  # fmt: skip


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
    score = score_photo(truth_cards(fixture), predicted, FIELD_CONFIDENCES)
    return Run(fixture, seconds, score, error)


async def read_all(sets: dict[str, list[TruthFixture]]) -> tuple[float, dict[str, list[Run]]]:
    """The warm-up time (model load and a first read, not scored) and the scored runs per set."""
    extractor = OfflineExtractor()
    try:
        started = time.perf_counter()
        first = next((fixtures[0] for fixtures in sets.values() if fixtures), None)
        if first is not None:
            await read_one(extractor, first)
        warmup = time.perf_counter() - started
        runs = {name: [await read_one(extractor, f) for f in fixtures]
                for name, fixtures in sets.items()}  # fmt: skip
        return warmup, runs
    finally:
        await extractor.aclose()


def timing(runs: Sequence[Run]) -> dict[str, float]:
    """Seconds per card: each photo's extract wall time shared among its cards (at least one)."""
    per_card = [run.seconds / max(1, run.score.truth_cards) for run in runs]
    return {
        "seconds_per_card_mean": statistics.fmean(per_card) if per_card else 0.0,
        "seconds_per_card_p50": percentile(per_card, P50),
        "seconds_per_card_p95": percentile(per_card, P95),
        "seconds_per_photo_max": max((run.seconds for run in runs), default=0.0),
    }


def group_report(runs: Sequence[Run]) -> dict[str, Any]:
    return {**summarise(run.score for run in runs), **timing(runs),
            "errors": sum(run.error is not None for run in runs)}  # fmt: skip


def fixture_report(run: Run) -> dict[str, Any]:
    return {
        "stem": run.fixture.stem,
        "kind": run.fixture.kind,
        "tags": list(run.fixture.tags),
        "seconds": round(run.seconds, 3),
        "truth_cards": run.score.truth_cards,
        "predicted_cards": run.score.predicted_cards,
        "matched_cards": run.score.matched_cards,
        "error": run.error,
        "mismatches": [asdict(mismatch) for mismatch in run.score.mismatches],
    }


def set_report(runs: Sequence[Run]) -> dict[str, Any]:
    groups = {"all": group_report(runs)}
    groups |= {kind: group_report([r for r in runs if r.fixture.kind == kind]) for kind in KINDS
               if any(r.fixture.kind == kind for r in runs)}  # fmt: skip
    tags = {tag: group_report([r for r in runs if tag in r.fixture.tags]) for tag in REPORT_TAGS
            if any(tag in r.fixture.tags for r in runs)}  # fmt: skip
    return {"groups": groups, "tags": tags, "fixtures": [fixture_report(run) for run in runs]}


def peak_rss_mb() -> float:
    """Peak resident memory of this process (the reader runs in it), in MB (Linux: KiB units)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_set(name: str, report: dict[str, Any], examples: int) -> None:
    for group, figures in report["groups"].items():
        if group == "none":
            print(
                f"{name}: photos without a card: {figures['predicted_cards']} cards read (want 0)"
            )
        else:
            print(format_group(f"{name} / {group}", figures), end="\n\n")
    print(format_tags(name, report["tags"]), end="\n\n")
    reliability = format_reliability(name, report["groups"]["all"], CONFIDENT, CONFIDENCE_MODE)
    print(reliability, end="\n\n")
    print(format_goals(name, report), end="\n\n")
    if examples:
        print(format_examples(name, report["fixtures"], examples), end="\n\n")


def select(args: argparse.Namespace) -> dict[str, list[TruthFixture]]:
    kinds = KINDS if args.kind == "all" else (args.kind,)
    chosen = {}
    sets = {"fresh": args.dir} if args.dir else {n: SET_DIRS[n] for n in SET_CHOICES[args.set]}
    for name, directory in sets.items():
        fixtures = load_corpus(directory, kinds)
        if args.tag:
            fixtures = [f for f in fixtures if args.tag in f.tags]
        chosen[name] = fixtures[: args.limit] if args.limit else fixtures
    return chosen


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--set", choices=tuple(SET_CHOICES), default="both")
    parser.add_argument(
        "--dir", type=Path, help="pictures of fresh seeds (generate_corpus --first)"
    )
    parser.add_argument("--tag", help="only pictures with this tag (zh, en, ja, photo, multi...)")
    parser.add_argument("--kind", choices=("clean", "photo", "all"), default="all")
    parser.add_argument("--limit", type=int, default=0, help="at most N pictures per set")
    parser.add_argument("--examples", type=int, default=0, help="print N mismatches per field")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    warmup, runs = asyncio.run(read_all(select(args)))
    sets = {name: set_report(set_runs) for name, set_runs in runs.items()}
    for name, report in sets.items():
        print_set(name, report, args.examples)
    rss = peak_rss_mb()
    print(f"warm-up (model load and first read, not counted): {warmup:.2f} s")
    print(f"peak RSS of the reader process: {rss:.0f} MB")
    output = {"extractor": "offline", "region": REGION, "set": args.set, "tag": args.tag,
              "warmup_seconds": round(warmup, 3), "peak_rss_mb": round(rss, 1),
              "confidence": CONFIDENCE_MODE, "sets": sets}  # fmt: skip
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(output, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
