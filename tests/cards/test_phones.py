"""Phone numbers: extensions split off, E.164 stored, national shown, unparseable kept as read."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namecard.cards.model import Phone, PhoneKind
from namecard.cards.phones import normalise_phone, split_extension

PHONE_ALPHABET = "0123456789０１２３４５６７８９ +-()（）.#xX分機轉extEXT:：OoIl|手機電話Tel/"


@pytest.mark.parametrize(
    ("text", "number", "extension"),
    [
        ("02-2345-6789 分機 123", "02-2345-6789", "123"),
        ("02-2345-6789分機：123", "02-2345-6789", "123"),
        ("02-2345-6789轉123", "02-2345-6789", "123"),
        ("+1 (415) 555-0132 ext. 204", "+1 (415) 555-0132", "204"),
        ("+1 (415) 555-0132 ext 204", "+1 (415) 555-0132", "204"),
        ("+1 415 555 0132 x204", "+1 415 555 0132", "204"),
        ("(03) 578-1234 #5678", "(03) 578-1234", "5678"),
        ("02-2658-1000 EXT:8812", "02-2658-1000", "8812"),
        ("02-2345-6789（分機１２３）", "02-2345-6789", "123"),
        ("0912-345-678", "0912-345-678", None),
        ("分機 123", "分機 123", None),
    ],
)
def test_split_extension(text: str, number: str, extension: str | None) -> None:
    assert split_extension(text) == (number, extension)


@pytest.mark.parametrize(
    ("text", "e164", "national", "extension"),
    [
        ("02-2345-6789", "+886223456789", "02 2345 6789", None),
        ("(02)2345-6789", "+886223456789", "02 2345 6789", None),
        ("0912-345-678", "+886912345678", "0912 345 678", None),
        ("+886 912 345 678", "+886912345678", "0912 345 678", None),
        ("+886-2-2345-6789", "+886223456789", "02 2345 6789", None),
        ("+886 (0)2 2345 6789", "+886223456789", "02 2345 6789", None),
        ("886-2-2345-6789", "+886223456789", "02 2345 6789", None),
        ("07-338-5566 分機 305", "+88673385566", "07 338 5566", "305"),
        ("(03) 578-1234 #5678", "+88635781234", "03 578 1234", "5678"),
        ("+1 (415) 555-0132 ext. 204", "+14155550132", "(415) 555-0132", "204"),
        ("+1 206-555-0183", "+12065550183", "(206) 555-0183", None),
        ("+86 138 0013 8000", "+8613800138000", "138 0013 8000", None),
        ("+81 3-1234-5678", "+81312345678", "03-1234-5678", None),
        ("+44 20 7946 0958", "+442079460958", "020 7946 0958", None),
        ("０９１２－３４５－６７８", "+886912345678", "0912 345 678", None),
        ("O2-2345-67O9", "+886223456709", "02 2345 6709", None),
        ("0912-345-67l", "+886912345671", "0912 345 671", None),
        ("O9I2 345 678", "+886912345678", "0912 345 678", None),
        ("Tel: 02-2345-6789", "+886223456789", "02 2345 6789", None),
        ("手機：0912.345.678", "+886912345678", "0912 345 678", None),
    ],
)
def test_parsed_numbers_are_e164_with_national_display(
    text: str, e164: str, national: str, extension: str | None
) -> None:
    phone = normalise_phone(text, PhoneKind.OFFICE)
    assert (phone.number, phone.national, phone.extension) == (e164, national, extension)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("12345", "12345"),
        ("415-555-0132", "415-555-0132"),  # a US number without +1 is not a Taiwan number
        ("(02) 2345", "(02) 2345"),
        ("1-800-FLOWERS", "1-800-"),  # letters are never turned into digits
        ("02 * 2345 / 67", "02 2345 67"),
    ],
)
def test_unparseable_numbers_stay_as_read(text: str, kept: str) -> None:
    phone = normalise_phone(text)
    assert (phone.number, phone.national) == (kept, None)


def test_text_without_digits_is_kept_not_emptied() -> None:
    assert normalise_phone("  see  back ").number == "see back"


@pytest.mark.parametrize(
    ("text", "given", "kind"),
    [
        ("0912-345-678", PhoneKind.OTHER, PhoneKind.MOBILE),
        ("+86 138 0013 8000", PhoneKind.OTHER, PhoneKind.MOBILE),
        ("02-2345-6789", PhoneKind.OTHER, PhoneKind.OFFICE),
        ("+81 3-1234-5678", PhoneKind.OTHER, PhoneKind.OFFICE),
        ("0800-000-123", PhoneKind.OTHER, PhoneKind.OTHER),
        ("+1 415-555-0199", PhoneKind.OTHER, PhoneKind.OTHER),  # US: fixed line or mobile
        ("0912-345-678", PhoneKind.FAX, PhoneKind.FAX),
        ("02-2345-6790", PhoneKind.FAX, PhoneKind.FAX),
        ("02-2345-6789", PhoneKind.MOBILE, PhoneKind.MOBILE),
    ],
)
def test_kind_is_kept_unless_other_then_inferred(
    text: str, given: PhoneKind, kind: PhoneKind
) -> None:
    assert normalise_phone(text, given).kind is kind


def test_explicit_extension_wins_and_is_digits_only() -> None:
    phone = normalise_phone("02-2345-6789 #11", extension="分機 123")
    assert phone.extension == "123"
    assert phone.display() == "02 2345 6789 #123"


def test_region_is_a_parameter() -> None:
    assert normalise_phone("(415) 555-0132", region="US").number == "+14155550132"
    assert normalise_phone("(415) 555-0132", region="TW").national is None
    assert normalise_phone("+886 2 2345 6789", region="US").number == "+886223456789"


def test_unknown_region_keeps_the_number_as_read() -> None:
    assert normalise_phone("02-2345-6789", region="ZZ") == Phone("02-2345-6789")


@given(st.one_of(st.text(alphabet=PHONE_ALPHABET, max_size=40), st.text(max_size=40)))
def test_never_raises_and_is_idempotent(text: str) -> None:
    once = normalise_phone(text)
    again = normalise_phone(once.number, once.kind, extension=once.extension)
    assert again == once
    if once.national is not None:
        assert re.fullmatch(r"\+[1-9]\d{6,14}", once.number)
    elif re.search(r"\d", once.number):
        assert re.fullmatch(r"[\d+\-() ]+", once.number)


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("+44 (0)12 3456 789", "+44123456789"),  # unverifiable: kept, without its trunk zero
        ("+44 (0)20 1234 5678", "+442012345678"),
    ],
)
def test_the_trunk_zero_after_a_country_code_is_dropped(text: str, e164: str) -> None:
    assert normalise_phone(text).number == e164


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("81-52-123-4567", "+81521234567"),  # a country code printed without its plus
        ("86-138-1234-5678", "+8613812345678"),
        ("13812345678", "+8613812345678"),  # a mainland mobile read on a Taiwan default
    ],
)
def test_the_country_is_taken_from_the_numbers_shape(text: str, e164: str) -> None:
    assert normalise_phone(text, region="TW").number == e164


@pytest.mark.parametrize(
    ("text", "e164"),
    [("447911123020", "+447911123020"), ("8190-3555-8982", "+819035558982")],
)
def test_a_long_international_number_whose_plus_was_not_read_is_recognised(
    text: str, e164: str
) -> None:
    assert normalise_phone(text).number == e164


# Tuning cards 040_photo_4_ja-zh, 124_photo_2_zh, 122_photo_2_zh: the plus read as a 1, or the
# region's country code read one digit off, with no plus before it.
@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("1886-2-2145-2881", "+886221452881"),
        ("880980736230", "+886980736230"),
        ("880-972-547161", "+886972547161"),
    ],
)
def test_a_misread_country_code_without_its_plus_is_recognised(text: str, e164: str) -> None:
    assert normalise_phone(text, region="TW").number == e164


# Fresh tuning seed 1188_photo_4: "+49 151 2345 6555" read without its plus on a Berlin card
# was taken for a German national number ("+49 491 5123456555"): Germany's open numbering plan
# makes it valid. A number whose first group is the card's own country code and that is valid
# with the plus put back is that international number (a national one would start with 0).
@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("49 151 2345 6555", "DE", "+4915123456555"),
        ("49-30-2345-6205", "DE", "+493023456205"),
        ("44 20 7946 0380", "GB", "+442079460380"),
    ],
)
def test_the_cards_own_country_code_without_its_plus_is_not_an_area_code(
    text: str, region: str, e164: str
) -> None:
    assert normalise_phone(text, region=region).number == e164


def test_a_national_number_with_its_trunk_zero_stays_national() -> None:
    assert normalise_phone("030 2345 6205", region="DE").number == "+493023456205"


# Fresh tuning seeds 1034_photo_2 and 1120_photo_1: 分機 lost by the OCR, its digits left after the
# number, apart ("(02)2867-5004 63") or glued to the last group ("(03)618-92230104"): the number
# was kept unparsed as read. A number valid without those trailing digits has them as extension.
@pytest.mark.parametrize(
    ("text", "e164", "extension"),
    [
        ("(02)2867-5004 63", "+886228675004", "63"),
        ("(03)618-92230104", "+88636189223", "0104"),
    ],
)
def test_an_extension_whose_marker_was_lost_is_the_extension(
    text: str, e164: str, extension: str
) -> None:
    phone = normalise_phone(text, region="TW")

    assert (phone.number, phone.extension) == (e164, extension)


def test_a_number_valid_as_printed_keeps_its_last_group() -> None:
    phone = normalise_phone("03 618 9223", region="TW")

    assert (phone.number, phone.extension) == ("+88636189223", None)
