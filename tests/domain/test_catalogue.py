"""The message catalogue: every sentence in both languages, consistent, and used by the errors."""

from __future__ import annotations

import re
import string

import pytest

from namecard.ai.gemini import errors as gemini_errors
from namecard.domain import catalogue, errors
from namecard.domain.catalogue import Sentence, compose, problem
from namecard.line import client

CJK = re.compile(r"[\u4e00-\u9fff]")
# Chinese command aliases the English help must name, and terms the same in both languages.
ENGLISH_MAY_QUOTE = ("幫助", "說明", "批次", "批次模式", "開始批次", "結束批次", "完成批次",
                     "批次結束", "狀態", "批次狀態", "取消", "查詢 王", "最近",
                     "刪除我的資料")  # fmt: skip
SAME_IN_BOTH = {"Email", "LINE ID"}


def entries() -> dict[str, Sentence]:
    found = {n: v for n, v in vars(catalogue).items() if isinstance(v, Sentence)}
    found |= {f"PHONE_LABELS[{k}]": v for k, v in catalogue.PHONE_LABELS.items()}
    return found


def fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


@pytest.mark.parametrize(("name", "sentence"), sorted(entries().items()))
def test_every_sentence_is_written_in_both_languages(name: str, sentence: Sentence) -> None:
    assert sentence.zh.strip() and sentence.en.strip(), name
    assert fields(sentence.zh) == fields(sentence.en), name
    english = sentence.en
    for word in sorted(ENGLISH_MAY_QUOTE, key=len, reverse=True):
        english = english.replace(word, "")
    assert not CJK.search(english), name
    for text in (sentence.zh, sentence.en):
        assert "None" not in text and "**" not in text, name  # LINE shows Markdown as is
    if sentence.zh not in SAME_IN_BOTH:
        assert CJK.search(sentence.zh) or not re.search("[A-Za-z]", sentence.zh[:1]), name


def test_labels_fit_line_buttons() -> None:
    labels = [v for n, v in entries().items() if n.startswith(("BUTTON_", "COMMAND_"))]
    assert len(labels) >= 12
    for label in labels:
        assert len(label.zh) <= 20 and len(label.en) <= 20


def test_render_picks_the_language_and_both_is_chinese_then_english() -> None:
    sentence = catalogue.TIMEOUT
    assert sentence.render() == "這張名片處理太久了，請稍後再傳一次。"
    assert sentence.render("en") == "This card took too long. Please send it again later."
    assert sentence.render("both") == f"{sentence.zh}\n{sentence.en}"


def test_failures_split_into_reason_and_advice() -> None:
    for whole, (reason, advice) in catalogue.PROBLEMS.items():
        assert whole == problem(reason, advice)
    assert catalogue.PROBLEMS[catalogue.NO_CARD] == (catalogue.R_NO_CARD, catalogue.A_CENTRE_CARD)


def test_compose_fills_each_language_with_its_own_words() -> None:
    line = compose(catalogue.BATCH_CARD_LINE, seq=3, label=catalogue.UNNAMED_CARD)
    assert line == Sentence("3. 未具名名片 ✅", "3. Unnamed card ✅")


def test_errors_speak_catalogue_sentences() -> None:
    for kind in (errors.NamecardError, errors.ConfigError, errors.ContentRejected,
                 errors.ExtractionFailed, errors.NoExtractorConfigured, errors.QuotaExhausted,
                 errors.StoreError, errors.TransientError):  # fmt: skip
        assert kind.user_message in entries().values()
    custom = errors.ContentRejected("raw detail", user_message=catalogue.PHOTO_GONE)
    assert custom.user_message is catalogue.PHOTO_GONE
    assert "raw detail" not in custom.user_message.render("both")
    assert gemini_errors.MSG_BUSY is catalogue.READER_BUSY
    assert client.GONE_MESSAGE is catalogue.PHOTO_GONE


def test_photo_too_large_names_the_size() -> None:
    sentence = catalogue.PHOTO_TOO_LARGE.format(mb=10)
    assert sentence.zh == "這張照片超過 10 MB，請傳送較小的照片。"
    assert "10 MB" in sentence.en
