"""The lines of batch and image-set summaries, and packing them into LINE-sized texts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from namecard.cards.model import Card
from namecard.domain import catalogue
from namecard.domain.catalogue import Language, Sentence, compose
from namecard.domain.conversation import PhotoOutcome, PhotoStatus
from namecard.line import texts

MAX_TEXT_UTF16 = 5000
MAX_PARTS = 5
PART_MARK_RESERVE = 40  # room for "（續 2/5）" at the top of a continued part
MAX_LABEL_CHARS = 40
LATEST_SHOWN = 3
FAILED_STATUSES = frozenset({PhotoStatus.FAILED, PhotoStatus.NO_CARD})


@dataclass(frozen=True, slots=True)
class Counts:
    photos: int
    cards: int
    done: int
    failed: int
    pending: int


def counts(photos: Sequence[PhotoOutcome]) -> Counts:
    statuses = [photo.status for photo in photos]
    return Counts(
        photos=len(photos),
        cards=sum(len(photo.cards) for photo in photos if photo.status is PhotoStatus.SAVED),
        done=statuses.count(PhotoStatus.SAVED),
        failed=sum(status in FAILED_STATUSES for status in statuses),
        pending=statuses.count(PhotoStatus.PENDING),
    )


def card_label(card: Card) -> Sentence:
    """'王小明｜大同公司', whichever of the two exists, or 未具名名片."""
    name, company = (texts.clean(value) for value in (card.name, card.company))
    name, company = (texts.clip(v, MAX_LABEL_CHARS) if v else None for v in (name, company))
    if name and company:
        return catalogue.NAME_BAR_COMPANY.format(name=name, company=company)
    label = name or company
    return Sentence(label, label) if label else catalogue.UNNAMED_CARD


def failure_reason(photo: PhotoOutcome) -> Sentence:
    """Why the photo failed: 'reason → advice' for a catalogued problem, else its sentence."""
    reason = photo.reason
    if reason is None:
        reason = (
            catalogue.NO_CARD if photo.status is PhotoStatus.NO_CARD else catalogue.GENERIC_FAILURE
        )
    if parts := catalogue.PROBLEMS.get(reason):
        return compose(catalogue.REASON_ADVICE, reason=parts[0], advice=parts[1])
    return Sentence(reason.zh.rstrip("。"), reason.en.rstrip("."))


def photo_lines(photo: PhotoOutcome) -> list[tuple[Sentence, bool]]:
    """One summary line per card of a saved photo, else one line; True marks a success line."""
    seq = photo.seq
    if photo.status is PhotoStatus.PENDING:
        return [(catalogue.BATCH_PENDING_LINE.format(seq=seq), False)]
    if photo.status is PhotoStatus.SAVED and photo.cards:
        return [
            (compose(catalogue.BATCH_CARD_LINE, seq=seq, label=card_label(card)), True)
            for card in photo.cards
        ]
    line = compose(catalogue.BATCH_FAILED_LINE, seq=seq, reason=failure_reason(photo))
    return [(line, False)]


def latest(photos: Sequence[PhotoOutcome]) -> Sentence:
    """'最近：8. 王小明 ✅、7. ⏳、6. ❌' for the last few photos, newest first."""
    items = [_short_item(photo) for photo in sorted(photos, key=lambda p: -p.seq)[:LATEST_SHOWN]]
    joined = Sentence(
        catalogue.LIST_SEPARATOR.zh.join(i.zh for i in items),
        catalogue.LIST_SEPARATOR.en.join(i.en for i in items),
    )
    return compose(catalogue.BATCH_LATEST, items=joined)


def _short_item(photo: PhotoOutcome) -> Sentence:
    if photo.status is PhotoStatus.PENDING:
        return Sentence(f"{photo.seq}. ⏳", f"{photo.seq}. ⏳")
    if photo.status is PhotoStatus.SAVED and photo.cards:
        return compose(catalogue.BATCH_CARD_LINE, seq=photo.seq, label=card_label(photo.cards[0]))
    return Sentence(f"{photo.seq}. ❌", f"{photo.seq}. ❌")


def pack(
    head: Sequence[str], lines: Sequence[tuple[str, bool]], more: Sentence, lang: Language
) -> list[str]:
    """`head` then every line, in at most MAX_PARTS texts; success lines give way to a
    '…以及另外 N 張' line only when everything cannot fit (a failure line never does)."""
    parts = _parts([*head, *(text for text, _ in lines)])
    if len(parts) <= MAX_PARTS:
        return parts
    successes = [i for i, (_, success) in enumerate(lines) if success]
    low, high = 0, len(successes)  # the most success lines that still fit
    while low < high:
        mid = (low + high + 1) // 2
        if len(_parts(_keep(head, lines, successes[mid:], more, lang))) <= MAX_PARTS:
            low = mid
        else:
            high = mid - 1
    return _parts(_keep(head, lines, successes[low:], more, lang))[:MAX_PARTS]


def _keep(
    head: Sequence[str],
    lines: Sequence[tuple[str, bool]],
    dropped: Sequence[int],
    more: Sentence,
    lang: Language,
) -> list[str]:
    gone = set(dropped)
    kept = [text for i, (text, _) in enumerate(lines) if i not in gone]
    tail = [texts.say(more.format(count=len(gone)), lang)] if gone else []
    return [*head, *kept, *tail]


def _parts(lines: Sequence[str]) -> list[str]:
    """Lines packed greedily into texts of at most MAX_TEXT_UTF16 units (with a part mark)."""
    limit = MAX_TEXT_UTF16 - PART_MARK_RESERVE
    parts: list[list[str]] = [[]]
    size = 0
    for line in lines:
        units = texts.utf16_len(line) + 1
        if parts[-1] and size + units > limit:
            parts.append([])
            size = 0
        parts[-1].append(line)
        size += units
    return ["\n".join(part) for part in parts]


def image_set_line(
    photos: Sequence[PhotoOutcome], note: Sentence, hidden: int
) -> tuple[Sentence, bool]:
    """'5 張照片：讀到 6 張名片，已存入 Notion；第 3 張無法辨識：…。' and whether any failed."""
    saved = [entry for photo in photos for entry in photo.saved[: len(photo.cards)]]
    read = sum(len(photo.cards) for photo in photos)
    stored = sum(entry is not None for entry in saved)
    parts = [catalogue.SET_SUMMARY.format(photos=len(photos), cards=read)]
    if read and stored == read:
        parts.append(compose(catalogue.SET_SAVED_ALL, note=note))
    elif read:
        parts.append(
            compose(catalogue.SET_SAVED_SOME, saved=stored, note=note, failed=read - stored)
        )
    failed = False
    for number, photo in enumerate(photos, start=1):
        if photo.status is PhotoStatus.PENDING:
            parts.append(catalogue.SET_PENDING_PHOTO.format(seq=number))
        elif photo.status in FAILED_STATUSES or not photo.cards:
            failed = True
            reason = failure_reason(photo)
            parts.append(compose(catalogue.SET_FAILED_PHOTO, seq=number, reason=reason))
    if hidden:
        parts.append(catalogue.SET_HIDDEN.format(hidden=hidden))
    parts.append(catalogue.SET_END)
    return Sentence("".join(p.zh for p in parts), "".join(p.en for p in parts)), failed
