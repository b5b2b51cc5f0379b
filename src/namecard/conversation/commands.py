"""Recognise the text commands a user can send, and the plain texts that are a search.

Commands are whole messages (help, batch start/end, status, cancel, recent, forget me) or a
word and its argument (查詢 王, 備註 …, 刪除 王小明). A plain text that is none of them is
searched for when it is clearly a name, phone or e-mail fragment (`looks_like_contact`);
the conversation does so only outside batch mode and when no question is pending.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class Command(StrEnum):
    HELP = "help"
    BATCH_START = "batch_start"
    BATCH_END = "batch_end"
    STATUS = "status"
    CANCEL = "cancel"
    RECENT = "recent"
    FORGET_ME = "forget_me"
    SEARCH = "search"
    NOTE = "note"
    DELETE = "delete"


ALIASES: dict[Command, tuple[str, ...]] = {
    Command.HELP: ("help", "幫助", "說明", "?", "？"),
    Command.BATCH_START: ("批次", "batch", "批次模式", "開始批次"),
    Command.BATCH_END: ("結束批次", "end batch", "完成批次", "批次結束", "finish batch"),
    Command.STATUS: ("狀態", "status", "批次狀態"),
    Command.CANCEL: ("取消", "cancel"),
    Command.RECENT: ("最近", "recent", "最近名片", "最近的名片"),
    Command.FORGET_ME: ("刪除我的資料", "删除我的资料", "forget me", "delete my data"),
}
# A word and what follows it. Chinese words may touch their argument (查詢王); English ones,
# and the one-character 找, need a space.
WITH_ARGUMENT: dict[Command, tuple[str, ...]] = {
    Command.SEARCH: ("查詢", "搜尋", "搜索", "查询", "找 ", "find ", "search "),
    Command.NOTE: ("備註", "备注", "note "),
    Command.DELETE: ("刪除", "删除", "delete "),
}
BARE_ARGUMENT_WORDS: dict[str, Command] = {"find": Command.SEARCH, "search": Command.SEARCH,
                                           "note": Command.NOTE, "delete": Command.DELETE,
                                           "找": Command.SEARCH}  # fmt: skip

MAX_FRAGMENT = 40
_EMAIL_FRAGMENT = re.compile(r"[^\s@]*@[^\s@]*")
_PHONE_FRAGMENT = re.compile(r"[\d\s+()\-.]+")
_HAN_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,4}")
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z'.\-]*( [A-Z][A-Za-z'.\-]*){0,2}")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 4, 15
# Short texts people send a bot that look like a name but are not one.
CHAT_WORDS = frozenset(
    {"你好", "您好", "謝謝", "谢谢", "感謝", "好的", "早安", "午安", "晚安", "哈囉", "嗨嗨",
     "收到", "了解", "知道了", "沒事", "不用", "好喔", "好啊", "可以", "不要", "掰掰", "再見",
     "hi", "hello", "hey", "thanks", "thank you", "ok", "okay", "yes", "no", "bye", "test"}
)  # fmt: skip


def normalise(text: str) -> str:
    """NFKC (full-width letters, spaces and marks become plain), case-folded, one space apart."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_BY_TEXT: dict[str, Command] = {
    normalise(alias): command for command, aliases in ALIASES.items() for alias in aliases
}


def parse_command(text: str) -> Command | None:
    """The whole-message command this message asks for, or None when it is ordinary text."""
    return _BY_TEXT.get(normalise(text))


def parse_with_argument(text: str) -> tuple[Command, str] | None:
    """(command, argument) for 查詢 王 / 備註 … / 刪除 …; the argument keeps its case and may be
    empty (查詢 alone asks what to look for)."""
    plain = " ".join(unicodedata.normalize("NFKC", text).split())
    folded = plain.casefold()
    if folded in BARE_ARGUMENT_WORDS:
        return BARE_ARGUMENT_WORDS[folded], ""
    for command, words in WITH_ARGUMENT.items():
        for word in words:
            if folded.startswith(word):
                return command, plain[len(word) :].strip()
    return None


def looks_like_contact(text: str) -> bool:
    """Whether a plain text is clearly a name, phone or e-mail fragment (and so a search):
    one line of at most 40 characters that is an e-mail fragment (no spaces, an @), a phone
    fragment (digits and + - ( ) . spaces, 4 to 15 digits), 2 to 4 Han characters, or 1 to 3
    capitalised Latin words; never a common chat word (你好, 謝謝, ok, …)."""
    plain = " ".join(unicodedata.normalize("NFKC", text).split())
    if not plain or len(plain) > MAX_FRAGMENT or "\n" in text.strip():
        return False
    if plain.casefold() in CHAT_WORDS:
        return False
    if _EMAIL_FRAGMENT.fullmatch(plain) and len(plain) > 1:
        return True
    if _PHONE_FRAGMENT.fullmatch(plain):
        count = sum(ch.isdigit() for ch in plain)
        return MIN_PHONE_DIGITS <= count <= MAX_PHONE_DIGITS
    return bool(_HAN_NAME.fullmatch(plain) or _LATIN_NAME.fullmatch(plain))
