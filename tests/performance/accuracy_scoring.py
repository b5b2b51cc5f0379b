"""Scoring of read cards against the fixtures' ground truth: per-field precision, recall, accuracy.

Both sides are compared after normalisation (the caller runs `normalise_cards` on each). Every
field is treated as a set of items: a text field (name, company, department, title, address,
website, line_id, tax_id) has one item when present and none when absent; `phones` is the set of
E.164 numbers; `phone_kinds` the set of (number, kind) pairs; `emails` the set of addresses.

Predicted cards are matched one-to-one to the truth cards of the same photo, greedily by how much
they share (name, e-mails, phone numbers weigh most); an unmatched predicted card counts only as
predictions, an unmatched truth card only as misses.

- precision of a field = correct items / predicted items; recall = correct items / truth items.
- field accuracy = correct fields / truth fields, where a truth field is one (card, field) whose
  truth is present, and it is correct when the matched card's items equal the truth's exactly
  (a missed card gets every field wrong). Overall field accuracy sums over all fields.
- "loose" repeats each comparison after NFKC, case folding and dropping whitespace and
  punctuation ("SanFrancisco,CA94105" matches "San Francisco, CA 94105").
"""

from __future__ import annotations

import importlib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from namecard.cards.model import Card
from tests.performance.accuracy_truth import KINDS, TruthFixture, load_corpus, truth_card

__all__ = [
    "FIELDS", "KINDS", "PhotoScore", "TruthFixture", "load_corpus", "loose", "match_cards",
    "score_photo", "summarise", "truth_card",
]  # fmt: skip

FIELDS = (
    "name", "company", "department", "title", "phones", "phone_kinds", "emails", "address",
    "website", "line_id", "tax_id",
)  # fmt: skip
# How much a shared item says "same person" when pairing predicted with truth cards.
MATCH_WEIGHTS = {"name": 4, "emails": 2, "phones": 2, "phone_kinds": 0}
DEFAULT_MATCH_WEIGHT = 1
CONFIDENT = 0.9  # the reliability table: of the fields reported this sure, how many are right
FieldConfidences = Callable[[Card], Mapping[str, float]]
EXHAUSTIVE_CARDS = 6  # at most 6! pairings per photo
_NOT_WORD = re.compile(r"[\W_]+")


def loose(text: str) -> str:
    """NFKC, case-folded, without whitespace or punctuation."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def field_items(card: Card, name: str) -> frozenset[str]:
    """One field of a card as a set of comparable strings (empty when absent)."""
    if name == "phones":
        return frozenset(phone.number for phone in card.phones)
    if name == "phone_kinds":
        return frozenset(f"{phone.number} {phone.kind.value}" for phone in card.phones)
    if name == "emails":
        return frozenset(card.emails)
    value = getattr(card, name)
    return frozenset((value,)) if value else frozenset()


def loose_items(items: Iterable[str]) -> frozenset[str]:
    return frozenset(loose(item) for item in items)


@dataclass(frozen=True)
class FieldCounts:
    """Item and field tallies for one field; add them up across cards and photos."""

    truth: int = 0
    predicted: int = 0
    correct: int = 0
    loose_correct: int = 0
    truth_fields: int = 0
    correct_fields: int = 0
    loose_correct_fields: int = 0
    confident: int = 0  # fields read with confidence >= CONFIDENT (see reported_confidently)
    confident_right: int = 0

    def __add__(self, other: FieldCounts) -> FieldCounts:
        return FieldCounts(*(a + b for a, b in zip(self.values(), other.values(), strict=True)))

    def values(self) -> tuple[int, ...]:
        return (self.truth, self.predicted, self.correct, self.loose_correct,
                self.truth_fields, self.correct_fields, self.loose_correct_fields,
                self.confident, self.confident_right)  # fmt: skip


def compare(truth: frozenset[str], predicted: frozenset[str]) -> FieldCounts:
    loose_truth, loose_predicted = loose_items(truth), loose_items(predicted)
    present = 1 if truth else 0
    return FieldCounts(
        truth=len(truth),
        predicted=len(predicted),
        correct=len(truth & predicted),
        loose_correct=len(loose_truth & loose_predicted),
        truth_fields=present,
        correct_fields=present if truth == predicted else 0,
        loose_correct_fields=present if loose_truth == loose_predicted else 0,
    )


def similarity(a: Card, b: Card) -> int:
    """How much two cards share, weighted by how identifying each field is."""
    return sum(
        MATCH_WEIGHTS.get(name, DEFAULT_MATCH_WEIGHT)
        * len(loose_items(field_items(a, name)) & loose_items(field_items(b, name)))
        for name in FIELDS
    )


def match_cards(truth: Iterable[Card], predicted: Iterable[Card]) -> list[tuple[int, int]]:
    """(truth index, predicted index) pairs of the assignment sharing the most in total (ties:
    the first found in index order); a pair that shares nothing is no pair. Exhaustive up to
    EXHAUSTIVE_CARDS cards a side, else greedy, most similar first."""
    truth, predicted = list(truth), list(predicted)
    scores = [[similarity(t, p) for p in predicted] for t in truth]
    if max(len(truth), len(predicted)) > EXHAUSTIVE_CARDS:
        return greedy_pairs(scores)
    best: tuple[int, list[tuple[int, int]]] = (0, [])
    for pairs in assignments(len(truth), len(predicted)):
        kept = [(ti, pi) for ti, pi in pairs if scores[ti][pi] > 0]
        total = sum(scores[ti][pi] for ti, pi in kept)
        if total > best[0]:
            best = (total, kept)
    return sorted(best[1])


def assignments(rows: int, columns: int) -> Iterator[list[tuple[int, int]]]:
    """Every one-to-one pairing of min(rows, columns) rows with columns, as (row, column)."""
    if rows <= columns:
        for chosen in itertools.permutations(range(columns), rows):
            yield list(enumerate(chosen))
    else:
        for chosen in itertools.permutations(range(rows), columns):
            yield [(ti, pi) for pi, ti in enumerate(chosen)]


def greedy_pairs(scores: list[list[int]]) -> list[tuple[int, int]]:
    scored = [(score, ti, pi) for ti, row in enumerate(scores) for pi, score in enumerate(row)]
    pairs: list[tuple[int, int]] = []
    for score, ti, pi in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if score > 0 and all(ti != t and pi != p for t, p in pairs):
            pairs.append((ti, pi))
    return sorted(pairs)


@dataclass(frozen=True)
class Mismatch:
    card: int  # index of the truth card (-1 for a predicted card that matched none)
    field: str
    truth: tuple[str, ...]
    predicted: tuple[str, ...]


@dataclass(frozen=True)
class PhotoScore:
    """The tallies of one photo: per field, plus how many cards were expected, read and paired."""

    counts: Mapping[str, FieldCounts]
    truth_cards: int
    predicted_cards: int
    matched_cards: int
    mismatches: tuple[Mismatch, ...] = field(default=())


EMPTY_CARD = Card()


def field_confidence_source() -> FieldConfidences | None:
    """`namecard.cards.confidence.field_confidences` when the reader reports a confidence per
    field (looked up at run time: older readers have only the card's)."""
    try:
        module = importlib.import_module("namecard.cards.confidence")
    except ImportError:
        return None
    found = getattr(module, "field_confidences", None)
    return cast("FieldConfidences", found) if callable(found) else None


def sure_fields(card: Card, confidences: FieldConfidences | None) -> frozenset[str]:
    """The fields of a read card reported with confidence >= CONFIDENT: per field when the reader
    says so, else every field of a card that sure except those it lists as uncertain."""
    if confidences is not None:
        return frozenset(name for name, value in confidences(card).items() if value >= CONFIDENT)
    if card.confidence < CONFIDENT:
        return frozenset()
    return frozenset(FIELDS) - frozenset(card.uncertain_fields)


def confidence_counts(want: frozenset[str], got: frozenset[str], sure: frozenset[str],
                      name: str) -> FieldCounts:  # fmt: skip
    own = "phones" if name == "phone_kinds" else name  # a phone's kind goes with the number
    if not got or own not in sure:
        return FieldCounts()
    return FieldCounts(confident=1, confident_right=1 if want == got else 0)


def score_photo(truth: Iterable[Card], predicted: Iterable[Card],
                confidences: FieldConfidences | None = None) -> PhotoScore:  # fmt: skip
    """Score one photo's (normalised) predicted cards against its (normalised) truth cards;
    `confidences` gives a read card's per-field confidences (see sure_fields)."""
    truth, predicted = list(truth), list(predicted)
    pairs = match_cards(truth, predicted)
    paired_truth = {ti: pi for ti, pi in pairs}
    paired_predicted = set(paired_truth.values())
    comparisons = [(ti, t, predicted[paired_truth[ti]] if ti in paired_truth else EMPTY_CARD)
                   for ti, t in enumerate(truth)]  # fmt: skip
    comparisons += [
        (-1, EMPTY_CARD, p) for pi, p in enumerate(predicted) if pi not in paired_predicted
    ]
    counts = dict.fromkeys(FIELDS, FieldCounts())
    mismatches = []
    for index, t, p in comparisons:
        sure = sure_fields(p, confidences)
        for name in FIELDS:
            want, got = field_items(t, name), field_items(p, name)
            counts[name] += compare(want, got) + confidence_counts(want, got, sure, name)
            if want != got:
                mismatches.append(Mismatch(index, name, tuple(sorted(want)), tuple(sorted(got))))
    return PhotoScore(counts, len(truth), len(predicted), len(pairs), tuple(mismatches))


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def summarise(scores: Iterable[PhotoScore]) -> dict[str, Any]:
    """Precision, recall and accuracy (exact and loose) per field and overall, plus card counts."""
    scores = list(scores)
    totals = {name: sum((s.counts[name] for s in scores), FieldCounts()) for name in FIELDS}
    overall = sum(totals.values(), FieldCounts())
    fields = {name: metrics(counts) for name, counts in totals.items()}
    return {
        "photos": len(scores),
        "truth_cards": sum(s.truth_cards for s in scores),
        "predicted_cards": sum(s.predicted_cards for s in scores),
        "matched_cards": sum(s.matched_cards for s in scores),
        "fields": fields,
        "overall": metrics(overall),
    }


def metrics(counts: FieldCounts) -> dict[str, Any]:
    return {
        "truth": counts.truth,
        "predicted": counts.predicted,
        "precision": ratio(counts.correct, counts.predicted),
        "recall": ratio(counts.correct, counts.truth),
        "loose_precision": ratio(counts.loose_correct, counts.predicted),
        "loose_recall": ratio(counts.loose_correct, counts.truth),
        "truth_fields": counts.truth_fields,
        "accuracy": ratio(counts.correct_fields, counts.truth_fields),
        "loose_accuracy": ratio(counts.loose_correct_fields, counts.truth_fields),
        "confident": counts.confident,
        "confident_right": ratio(counts.confident_right, counts.confident),
    }
