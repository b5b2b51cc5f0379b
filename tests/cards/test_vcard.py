"""vCard 3.0 of a contact: what an address book imports (every phone and e-mail, escaped text)."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from namecard.cards.model import Card, Phone, PhoneKind
from namecard.cards.vcard import MAX_LINE_OCTETS, escape, fold, split_name, to_vcard

CARD = Card(
    name="王小明",
    company="大同科技股份有限公司",
    department="業務部",
    title="業務經理",
    phones=(
        Phone("+886912345678", PhoneKind.MOBILE),
        Phone("+886223456789", PhoneKind.OFFICE, "123"),
        Phone("+886223456780", PhoneKind.FAX),
        Phone("+886287654321", PhoneKind.OTHER),
    ),
    emails=("ming@example.com.tw", "sales@example.com.tw"),
    address="台北市信義區信義路五段7號",
    website="https://example.com.tw",
    line_id="ming0912",
    tax_id="12345678",
    notes="週三下午方便聯絡, 喜歡喝茶",
)


def unfolded_lines(vcard: str) -> list[str]:
    """The logical lines, as an address book reads them."""
    return vcard.replace("\r\n ", "").split("\r\n")[:-1]


def values(vcard: str, prefix: str) -> list[str]:
    return [line.split(":", 1)[1] for line in unfolded_lines(vcard) if line.startswith(prefix)]


def test_a_card_becomes_one_vcard_3_with_every_field() -> None:
    lines = unfolded_lines(to_vcard(CARD))

    assert lines[:2] == ["BEGIN:VCARD", "VERSION:3.0"]
    assert lines[-1] == "END:VCARD"
    assert "FN:王小明" in lines
    assert "N:王;小明;;;" in lines
    assert "ORG:大同科技股份有限公司;業務部" in lines
    assert "TITLE:業務經理" in lines
    assert "ADR;TYPE=WORK:;;台北市信義區信義路五段7號;;;;" in lines
    assert "URL:https://example.com.tw" in lines
    assert "NOTE:週三下午方便聯絡\\, 喜歡喝茶\\nLINE ID: ming0912\\n統一編號: 12345678" in lines


def test_every_phone_is_present_with_its_type_and_extension() -> None:
    tels = [line for line in unfolded_lines(to_vcard(CARD)) if line.startswith("TEL")]

    assert tels == [
        "TEL;TYPE=CELL:+886912345678",
        "TEL;TYPE=WORK:+886223456789;ext=123",
        "TEL;TYPE=FAX:+886223456780",
        "TEL;TYPE=VOICE:+886287654321",
    ]


def test_every_email_is_present() -> None:
    assert values(to_vcard(CARD), "EMAIL;TYPE=INTERNET") == [
        "ming@example.com.tw",
        "sales@example.com.tw",
    ]


def test_a_local_contact_row_exports_like_its_card() -> None:
    row: dict[str, Any] = CARD.to_dict() | {"card_id": "ab12-0", "created_at": "2026-01-01"}
    for phone in row["phones"]:
        del phone["national"]  # the contact book does not keep it

    vcard = to_vcard(row)

    assert vcard.replace("UID:ab12-0\r\n", "") == to_vcard(CARD)


def test_every_line_ends_with_crlf() -> None:
    vcard = to_vcard(CARD)

    assert vcard.endswith("END:VCARD\r\n")
    assert "\n" not in vcard.replace("\r\n", "")
    assert "\r" not in vcard.replace("\r\n", "")


def test_commas_semicolons_backslashes_and_line_breaks_are_escaped() -> None:
    assert escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    card = Card(name="A;B", company="X, Inc.", department="R&D; Labs", notes="one\ntwo")

    lines = unfolded_lines(to_vcard(card))

    assert "FN:A\\;B" in lines
    assert "ORG:X\\, Inc.;R&D\\; Labs" in lines
    assert "NOTE:one\\ntwo" in lines


def test_names_split_into_family_and_given() -> None:
    assert split_name("王小明") == ("王", "小明")
    assert split_name("陳美") == ("陳", "美")
    assert split_name("Emily Chen") == ("Chen", "Emily")
    assert split_name("渡辺 大輔") == ("渡辺", "大輔")  # a Japanese name: family name first
    assert split_name("森 翔") == ("森", "翔")
    assert split_name("Mary Ann Lee") == ("Lee", "Mary Ann")
    assert split_name("Madonna") == ("", "Madonna")
    assert split_name("王小明明明") == ("", "王小明明明")  # five characters: not guessed


def test_a_card_without_a_name_is_filed_under_its_company() -> None:
    lines = unfolded_lines(to_vcard(Card(company="大同科技")))

    assert "FN:大同科技" in lines
    assert "N:;;;;" in lines


def test_long_lines_are_folded_at_75_octets() -> None:
    card = Card(name="王小明", address="台北市信義區信義路五段7號" * 6)

    vcard = to_vcard(card)

    physical = vcard.encode("utf-8").split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) <= MAX_LINE_OCTETS
    assert any(line.startswith(b" ") for line in physical)
    assert f"ADR;TYPE=WORK:;;{card.address};;;;" in unfolded_lines(vcard)


# Any text an escaped value can hold: everything encodable as UTF-8 except line breaks.
@given(st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=300))
@example("a" + "名片" * 40 + "🙂" * 30)
def test_folding_never_splits_a_utf8_character(text: str) -> None:
    folded = fold("NOTE:" + text)

    for line in folded.encode("utf-8").split(b"\r\n"):
        assert len(line) <= MAX_LINE_OCTETS
        line.decode("utf-8")  # raises if a character was cut
    assert folded.replace("\r\n ", "") == "NOTE:" + text
