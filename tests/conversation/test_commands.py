"""Text commands are recognised however the user types them, and ordinary text is left alone."""

from __future__ import annotations

import pytest

from namecard.conversation.commands import Command, parse_command


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("help", Command.HELP),
        ("幫助", Command.HELP),
        ("說明", Command.HELP),
        ("?", Command.HELP),
        ("？", Command.HELP),
        ("批次", Command.BATCH_START),
        ("batch", Command.BATCH_START),
        ("批次模式", Command.BATCH_START),
        ("開始批次", Command.BATCH_START),
        ("結束批次", Command.BATCH_END),
        ("end batch", Command.BATCH_END),
        ("完成批次", Command.BATCH_END),
        ("批次結束", Command.BATCH_END),
        ("finish batch", Command.BATCH_END),
        ("狀態", Command.STATUS),
        ("status", Command.STATUS),
        ("批次狀態", Command.STATUS),
        ("取消", Command.CANCEL),
        ("cancel", Command.CANCEL),
    ],
)
def test_every_alias_is_understood(text: str, command: Command) -> None:
    assert parse_command(text) is command


@pytest.mark.parametrize(
    "text",
    [
        "  HELP \n",  # case and surrounding whitespace
        "\u3000help\u3000",  # full-width spaces, as a Chinese keyboard types them
        "ｈｅｌｐ",  # full-width letters
        "Help",
    ],
)
def test_case_width_and_surrounding_space_do_not_matter(text: str) -> None:
    assert parse_command(text) is Command.HELP


@pytest.mark.parametrize("text", ["End   Batch", "end\u3000batch", " FINISH\tbatch "])
def test_inner_whitespace_is_collapsed(text: str) -> None:
    assert parse_command(text) is Command.BATCH_END


@pytest.mark.parametrize(
    "text", ["", "   ", "hello", "help me", "批次 123", "endbatch", "王小明 0912-345-678"]
)
def test_anything_else_is_not_a_command(text: str) -> None:
    assert parse_command(text) is None
