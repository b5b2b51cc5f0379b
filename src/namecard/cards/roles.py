"""Name, title and department rules for any reader: glued name and title, separators, languages."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from namecard.cards.alternates import (
    Alternate,
    Script,
    alternate,
    alternates_in,
    is_cjk,
    script_of,
)
from namecard.cards.model import Card
from namecard.cards.titles import (
    is_department_text,
    is_title_text,
    split_name_title,
    starts_with_family_name,
    title_then_unit,
)

NOTES_SEPARATOR = "; "
TITLE_JOINER = "/"
# "/行銷協理/Associate Marketing Director", "法規事務經理|品保部": the parts of a title line.
_TITLE_SEPARATORS = re.compile(r"\s*[/|｜／]\s*")
_SWAPPED_FIELDS = ("name", "title", "company")
_MAX_PASSES = 4


def _with_note(notes: str | None, entry: str) -> str:
    if notes and entry in notes:
        return notes
    return f"{notes}{NOTES_SEPARATOR}{entry}" if notes else entry


def _without_note(notes: str | None, entry: str) -> str | None:
    entries = [e for e in (notes or "").split(NOTES_SEPARATOR) if e and e != entry]
    return NOTES_SEPARATOR.join(entries) or None


def _split_glued_name(card: Card) -> Card:
    """A name printed on the title's line ("賴佩珊副總編輯") becomes name and title; a Latin
    name, or a Chinese one without a family name (a fragment of the logo), then read as the name
    is kept as the alternate."""
    if card.name and not card.title and (pair := split_name_title(card.name)):
        return replace(card, name=pair[0], title=pair[1])
    if card.title is None or (
        card.name and is_cjk(card.name) and starts_with_family_name(card.name)
    ):
        return card
    pair = split_name_title(card.title)
    if pair is None:
        return card
    notes = _with_note(card.notes, alternate("name", card.name).note()) if card.name else card.notes
    return replace(card, name=pair[0], title=pair[1], notes=notes)


def primary_script(card: Card) -> Script:
    """The card's own language: the name's, else the company's, else Latin."""
    for value in (card.name, card.company):
        if value:
            return script_of(value)
    return Script.LATIN


def _title_parts(card: Card, title: str) -> tuple[list[str], list[str]]:
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p]
    units = [p for p in parts if is_department_text(p) and not is_title_text(p)]
    return [p for p in parts if p not in units], units


def _same_script(script: Script, text: str) -> bool:
    return (script is Script.LATIN) == (script_of(text) is Script.LATIN)


def _split_title(card: Card) -> Card:
    """Separators in a title, or a unit glued after it (销售经理销售部): the unit goes to the
    department, the other language to the notes as an alternate, the title in the card's
    language stays."""
    if not card.title:
        return card
    if not _TITLE_SEPARATORS.search(card.title):
        glued = title_then_unit(card.title)
        if glued is None:
            return card
        titles, units = [glued[0]], [glued[1]]
    else:
        titles, units = _title_parts(card, card.title)
    notes, department = card.notes, card.department
    for unit in units:
        if department is None:
            department = unit
        elif unit != department:
            notes = _with_note(notes, unit)
    script = primary_script(card)
    primary = [t for t in titles if _same_script(script, t)] or titles[:1]
    for other in (t for t in titles if t not in primary):
        notes = _with_note(notes, alternate("title", other).note())
    title = TITLE_JOINER.join(primary) or None
    return replace(card, title=title, department=department, notes=notes)


def _swap(card: Card, found: Alternate) -> Card:
    """`found` becomes the field's value and the value it replaces becomes the alternate."""
    current = getattr(card, found.field)
    notes = _without_note(card.notes, found.note())
    if current:
        notes = _with_note(notes, alternate(found.field, current).note())
    changes: dict[str, Any] = {found.field: found.value, "notes": notes}
    return replace(card, **changes)


def _chinese_first(card: Card) -> Card:
    """On a card with a Chinese name, the Chinese name, title and company are the fields and the
    English ones their alternates, whichever a reader chose."""
    found = alternates_in(card.notes)
    if not any(a.field == "name" and a.script is Script.CHINESE for a in found) and not (
        card.name and script_of(card.name) is Script.CHINESE
    ):
        return card
    for item in found:
        if item.field not in _SWAPPED_FIELDS or item.script is not Script.CHINESE:
            continue
        current = getattr(card, item.field)
        if current is None or not is_cjk(current):
            card = _swap(card, item)
    return card


def settle_roles(card: Card) -> Card:
    """Name, title and department placed by rules that hold whichever reader read the card;
    applied until nothing changes (one rule's result can be another's input), so that
    normalising twice gives the same card."""
    for _ in range(_MAX_PASSES):
        settled = _split_title(_chinese_first(_split_glued_name(card)))
        if settled == card:
            break
        card = settled
    return card
