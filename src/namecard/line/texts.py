"""Every sentence a LINE user reads (Traditional Chinese, Taiwan) and the plain-text rules."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from namecard.cards.model import PhoneKind

# LINE does not render Markdown: these are plain sentences, with no `**` and no "None".
HELP = (
    "📇 名片小幫手\n"
    "\n"
    "傳一張名片照片給我，我會讀出姓名、職稱、公司、電話、Email 和地址，"
    "並幫你存成聯絡人。\n"
    "\n"
    "・中文、英文名片都看得懂\n"
    "・一張照片裡有好幾張名片也沒問題\n"
    "・拍照時讓名片平放、光線充足、避免反光，辨識會更準\n"
    "\n"
    "隨時輸入 help、幫助 或 說明，就能再看一次這段說明。"
)
WELCOME = (
    "你好，謝謝加入好友！👋\n"
    "我可以把名片變成聯絡人：直接傳名片照片給我就好。\n"
    "輸入 help 看完整說明。"
)
HINT = "請傳送名片照片給我，我會幫你存成聯絡人；輸入 help 看說明。"
NO_CARD = "照片裡沒有找到名片，請把名片放在畫面中央、在光線充足的地方再拍一次。"
GENERIC_FAILURE = "處理時發生問題，請稍後再試一次。"

SAVED_NOTION = "已存入 Notion"
SAVED_LOCAL = "已存入本機通訊錄"
SAVED_OTHER = "已存成聯絡人"
ALREADY_NOTION = "Notion 裡已有這位聯絡人，沒有重複建立"
UPDATED_NOTION = "已更新 Notion 裡的既有聯絡人（舊資料留在備註）"
UPDATED_LOCAL = "已更新本機通訊錄裡的既有聯絡人"
ALREADY_LOCAL = "本機通訊錄裡已有這位聯絡人，沒有重複建立"
SAVING = "正在儲存聯絡人…"
SAVE_FAILED = "儲存失敗，請稍後再傳一次照片"

UNNAMED_CARD = "未具名名片"
UNCERTAIN_MARK = "⚠ 待確認"

HELP_BUTTON_LABEL = "說明"
HELP_BUTTON_TEXT = "help"
CALL_BUTTON_LABEL = "撥打電話"
MAIL_BUTTON_LABEL = "寄送 Email"
OPEN_NOTION_LABEL = "在 Notion 開啟"
OPEN_CONTACT_LABEL = "開啟聯絡人"

LABEL_EMAIL = "Email"
LABEL_ADDRESS = "地址"
LABEL_WEBSITE = "網站"
LABEL_LINE_ID = "LINE ID"
LABEL_TAX_ID = "統編"

PHONE_KIND_LABELS: dict[PhoneKind, str] = {
    PhoneKind.MOBILE: "手機",
    PhoneKind.OFFICE: "電話",
    PhoneKind.FAX: "傳真",
    PhoneKind.OTHER: "其他",
}

STORE_NOTION = "notion"
STORE_LOCAL = "local"
ELLIPSIS = "…"
_BMP_MAX = 0xFFFF
# Values a reader may emit for "absent"; never shown (the old bot printed None).
MISSING_WORDS = frozenset({"none", "null"})
_SEPARATOR_SINGLE = "｜"
_SEPARATOR_MANY = "、"


def phone_label(kind: PhoneKind) -> str:
    """手機 / 電話 / 傳真 / 其他."""
    return PHONE_KIND_LABELS.get(kind, PHONE_KIND_LABELS[PhoneKind.OTHER])


def extension_suffix(extension: str) -> str:
    """' 分機 123', appended to a phone number."""
    return f" 分機 {extension}"


def saved_note(store_name: str, *, created: bool = True, updated: bool = False) -> str:
    """Where the contact went: Notion, the local contact book, or already there."""
    if updated:
        return UPDATED_NOTION if store_name == STORE_NOTION else UPDATED_LOCAL
    if store_name == STORE_NOTION:
        return SAVED_NOTION if created else ALREADY_NOTION
    if store_name == STORE_LOCAL:
        return SAVED_LOCAL if created else ALREADY_LOCAL
    return SAVED_OTHER


def open_button_label(store_name: str) -> str:
    return OPEN_NOTION_LABEL if store_name == STORE_NOTION else OPEN_CONTACT_LABEL


def single_card_alt(parts: Sequence[str]) -> str:
    """'名片：王大明｜業務經理｜台灣雲端科技股份有限公司'."""
    return "名片：" + _SEPARATOR_SINGLE.join(parts or (UNNAMED_CARD,))


def many_cards_alt(total: int, labels: Sequence[str]) -> str:
    """'2 張名片：王大明、Emily Chen'."""
    return f"{total} 張名片：" + _SEPARATOR_MANY.join(labels)


def overflow_note(hidden: int, saved: int, *, store_name: str, pending: bool) -> str:
    """The sentence under a full carousel: how many more cards there were and where they went."""
    head = f"另有 {hidden} 張名片沒有列在上方"
    if pending:
        return f"{head}，{SAVING}"
    failed = hidden - saved
    if saved == 0:
        return f"{head}，{SAVE_FAILED}。"
    tail = f"，{failed} 張儲存失敗，請稍後再傳一次照片" if failed else ""
    return f"{head}，其中 {saved} 張{saved_note(store_name)}{tail}。"


def clean(value: str | None) -> str | None:
    """Control characters and runs of whitespace become one space; blank or 'None' is absent."""
    if value is None:
        return None
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in value)
    text = " ".join(kept.split())
    return text if text and text.lower() not in MISSING_WORDS else None


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def utf16_len(text: str) -> int:
    """Length as LINE counts it: characters outside the BMP (most emoji) count twice."""
    return sum(2 if ord(ch) > _BMP_MAX else 1 for ch in text)


def without_surrogates(text: str) -> str:
    """Lone surrogates cannot be sent as UTF-8: replace each with U+FFFD."""
    return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)


def truncate_utf16(text: str, limit: int) -> str:
    """Cut to `limit` UTF-16 code units with a trailing ellipsis, never splitting a character."""
    if utf16_len(text) <= limit:
        return text
    units, out = 1, []  # one unit reserved for the ellipsis
    for ch in text:
        units += 2 if ord(ch) > _BMP_MAX else 1
        if units > limit:
            break
        out.append(ch)
    return "".join(out) + ELLIPSIS
