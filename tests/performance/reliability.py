"""Reliability of reported confidence: of the fields reported in a band, how many were right."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from namecard.cards.confidence import field_confidences
from namecard.cards.model import Card
from tests.performance.accuracy_scoring import field_items, match_cards

# Bands of reported field confidence, highest first: (lowest included, highest excluded).
BANDS = ((0.9, 1.01), (0.8, 0.9), (0.5, 0.8), (0.0, 0.5))
Outcome = tuple[str, float, bool]  # field, reported confidence, right


def field_outcomes(truth: Sequence[Card], predicted: Sequence[Card]) -> list[Outcome]:
    """Every field a predicted card reports, with its confidence and whether it equals the
    truth (an unpaired predicted card's fields are all wrong)."""
    paired = dict((p, t) for t, p in match_cards(truth, predicted))
    outcomes: list[Outcome] = []
    for index, card in enumerate(predicted):
        truth_card = truth[paired[index]] if index in paired else Card()
        for field, reported in field_confidences(card).items():
            right = field_items(card, field) == field_items(truth_card, field)
            outcomes.append((field, reported, right))
    return outcomes


def reliability(outcomes: Iterable[Outcome]) -> list[dict[str, Any]]:
    """Per band: how many fields were reported in it, their mean reported confidence and the
    share of them that were right (calibrated when the two agree)."""
    outcomes = list(outcomes)
    rows = []
    for low, high in BANDS:
        band = [(reported, right) for _, reported, right in outcomes if low <= reported < high]
        rows.append(
            {
                "band": f"{low:.1f}-{min(high, 1.0):.1f}",
                "fields": len(band),
                "mean_reported": sum(r for r, _ in band) / len(band) if band else None,
                "right": sum(ok for _, ok in band) / len(band) if band else None,
            }
        )
    return rows


def format_reliability(rows: Sequence[dict[str, Any]]) -> str:
    lines = [f"{'reported':<12}{'fields':>8}{'mean conf':>12}{'right':>10}"]
    for row in rows:
        mean = "-" if row["mean_reported"] is None else f"{row['mean_reported']:.2f}"
        right = "-" if row["right"] is None else f"{row['right']:.1%}"
        lines.append(f"{row['band']:<12}{row['fields']:>8}{mean:>12}{right:>10}")
    return "\n".join(lines)
