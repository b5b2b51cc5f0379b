"""Recognise the few text commands a user can send (help, batch start/end, status, cancel)."""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Command(StrEnum):
    HELP = "help"
    BATCH_START = "batch_start"
    BATCH_END = "batch_end"
    STATUS = "status"
    CANCEL = "cancel"


ALIASES: dict[Command, tuple[str, ...]] = {
    Command.HELP: ("help", "幫助", "說明", "?", "？"),
    Command.BATCH_START: ("批次", "batch", "批次模式", "開始批次"),
    Command.BATCH_END: ("結束批次", "end batch", "完成批次", "批次結束", "finish batch"),
    Command.STATUS: ("狀態", "status", "批次狀態"),
    Command.CANCEL: ("取消", "cancel"),
}


def normalise(text: str) -> str:
    """NFKC (full-width letters, spaces and marks become plain), case-folded, one space apart."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_BY_TEXT: dict[str, Command] = {
    normalise(alias): command for command, aliases in ALIASES.items() for alias in aliases
}


def parse_command(text: str) -> Command | None:
    """The command this message asks for, or None when it is ordinary text."""
    return _BY_TEXT.get(normalise(text))
