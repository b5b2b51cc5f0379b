"""How a contact's notes grow when a newer card of the same person is saved (both stores)."""

from __future__ import annotations

from collections.abc import Sequence

NOTE_SEPARATOR = "; "


def replaced_value(label: str, old: str) -> str:
    """The note a replaced value leaves behind: "舊職稱: 經理"."""
    return f"舊{label}: {old}"


def merged_notes(old: str, new: str, replaced: Sequence[str], stamp: str) -> str | None:
    """`old` notes with a dated line of replaced values and the new parts not yet present;
    None when nothing changes."""
    lines = [part for part in new.split(NOTE_SEPARATOR) if part and part not in old]
    if replaced:
        lines.insert(0, f"{stamp} 更新（" + NOTE_SEPARATOR.join(replaced) + "）")
    if not lines:
        return None
    return NOTE_SEPARATOR.join([old, *lines]) if old else NOTE_SEPARATOR.join(lines)


def appended_note(old: str | None, note: str, stamp: str) -> str:
    """`old` notes with one more dated line: "2026-12-04 聊到 AI 伺服器"."""
    line = f"{stamp} {' '.join(note.split())}"
    return NOTE_SEPARATOR.join([old, line]) if old else line


def corrected_notes(old: str | None, replaced: Sequence[str], stamp: str) -> str | None:
    """`old` notes with a dated line of the values a correction replaced (as a merge keeps
    them); None when nothing was replaced."""
    return merged_notes(old or "", "", replaced, stamp)
