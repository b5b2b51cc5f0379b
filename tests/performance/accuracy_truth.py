"""Ground truth for the accuracy benchmark: the fixture cards and the generated corpus, loaded.

A truth JSON is `{"file", "kind", "cards": [CARD, ...]}` (tests/fixtures/cards/README.md); the
generated corpus (tests/fixtures/corpus/README.md) adds `"tags"`, `"split"`, `"seed"` and, per
card, `"region"`: the country its phone numbers dial from, used to normalise the truth.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from namecard.cards.model import Card, Phone, PhoneKind

KINDS = ("clean", "photo", "none")
DEFAULT_REGION = "TW"


@dataclass(frozen=True)
class TruthFixture:
    stem: str
    image: Path
    kind: str
    cards: tuple[Card, ...]
    regions: tuple[str, ...] = ()  # one per card; DEFAULT_REGION when the JSON names none
    tags: tuple[str, ...] = ()  # the kind, then the corpus tags (zh, en, ja, multi, dim...)

    def region_of(self, index: int) -> str:
        return self.regions[index] if index < len(self.regions) else DEFAULT_REGION


def truth_card(raw: Mapping[str, Any]) -> Card:
    """A ground-truth JSON card as a (raw, not yet normalised) Card; phone `type` → PhoneKind."""
    phones = tuple(
        Phone(number=p["number"], kind=PhoneKind(p["type"]), extension=p.get("extension"))
        for p in raw.get("phones", [])
    )
    return Card(
        name=raw.get("name"),
        company=raw.get("company"),
        department=raw.get("department"),
        title=raw.get("title"),
        phones=phones,
        emails=tuple(raw.get("emails", [])),
        address=raw.get("address"),
        website=raw.get("website"),
        line_id=raw.get("line_id"),
        tax_id=raw.get("tax_id"),
        notes=raw.get("notes"),
    )


def load_fixture(path: Path) -> TruthFixture:
    raw = json.loads(path.read_text(encoding="utf-8"))
    cards = tuple(truth_card(card) for card in raw["cards"])
    regions = tuple(card.get("region", DEFAULT_REGION) for card in raw["cards"])
    tags = tuple(dict.fromkeys((raw["kind"], *raw.get("tags", ()))))
    return TruthFixture(path.stem, path.parent / raw["file"], raw["kind"], cards, regions, tags)


def load_corpus(directory: Path, kinds: Iterable[str] = KINDS) -> list[TruthFixture]:
    wanted = set(kinds)
    fixtures = (load_fixture(path) for path in sorted(directory.glob("*.json")))
    return [fixture for fixture in fixtures if fixture.kind in wanted]
