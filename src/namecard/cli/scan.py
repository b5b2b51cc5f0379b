"""`namecard scan PHOTO...`: reads photos with the configured reader and prints the cards."""

from __future__ import annotations

import asyncio
import json
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from namecard.ai.base import Extractor
from namecard.ai.decode_budget import run_decode
from namecard.ai.images import sniff_image
from namecard.bootstrap.readers import build_extractor
from namecard.bootstrap.settings import Settings
from namecard.domain.errors import ContentRejected, NamecardError
from namecard.domain.labels import SHORT_LABELS, labelled

# (field, label) in the order a person reads a card; phones go between the two groups
HEAD_FIELDS = labelled(("name", "title", "department", "company"), SHORT_LABELS)
TAIL_FIELDS = labelled(("emails", "address", "website", "line_id", "tax_id", "notes"))


def scan(settings: Settings, photos: Sequence[str], *, as_json: bool) -> int:
    results = asyncio.run(_scan_all(settings, photos))
    if as_json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for result in results:
            print(render_table(result))
    return 1 if any("error" in result for result in results) else 0


async def _scan_all(settings: Settings, photos: Sequence[str]) -> list[dict[str, Any]]:
    extractor = build_extractor(settings)
    try:
        return [
            await _scan_one(extractor, Path(photo), settings.max_image_pixels) for photo in photos
        ]
    finally:
        await extractor.aclose()


async def _scan_one(extractor: Extractor, path: Path, max_pixels: int) -> dict[str, Any]:
    result: dict[str, Any] = {"file": str(path), "reader": extractor.name}
    started = time.perf_counter()
    try:
        data = await asyncio.to_thread(path.read_bytes)
        mime_type = await run_decode(sniff_image, data, max_pixels)
        if mime_type is None:
            raise ContentRejected(f"{path} is not a JPEG, PNG or WebP image")
        extraction = await extractor.extract(data, mime_type)
    except OSError as exc:
        result["error"] = f"cannot read {path}: {exc.strerror}"
    except NamecardError as exc:
        result["error"] = exc.user_message.render()
    else:
        result["cards"] = [card.to_dict() for card in extraction.cards]
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def render_table(result: dict[str, Any]) -> str:
    lines = [f"== {result['file']} ({result['reader']}, {result['seconds']:.2f} s)"]
    if "error" in result:
        return "\n".join([*lines, f"   {result['error']}"])
    cards = result["cards"]
    if not cards:
        lines.append("   no card found")
    for index, card in enumerate(cards, start=1):
        if len(cards) > 1:
            lines.append(f"-- card {index} of {len(cards)}")
        lines.extend(_card_rows(card))
    return "\n".join(lines)


def _card_rows(card: dict[str, Any]) -> list[str]:
    rows = [_row(label, card.get(field)) for field, label in HEAD_FIELDS]
    for phone in card["phones"]:
        shown = phone["national"] or phone["number"]
        ext = f" #{phone['extension']}" if phone["extension"] else ""
        rows.append(_row(f"電話 ({phone['type']})", f"{shown}{ext}   [{phone['number']}]"))
    rows += [_row(label, card.get(field)) for field, label in TAIL_FIELDS]
    rows.append(_row("信心度", f"{card['confidence']:.2f}"))
    return [row for row in rows if row]


LABEL_COLUMNS = 14  # terminal columns the label takes, wide (CJK) characters counting two


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _row(label: str, value: object) -> str:
    if not value:
        return ""
    shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    padding = " " * max(1, LABEL_COLUMNS - display_width(label) + 1)
    return f"   {label}{padding}{shown}"
