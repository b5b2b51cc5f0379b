"""E-mail, website, LINE ID and 統一編號 clean-up; invalid values are reported as None."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from namecard.cards.contact import (
    is_valid_tax_id,
    normalise_email,
    normalise_line_id,
    normalise_tax_id,
    normalise_url,
)

CONTACT_ALPHABET = "abcXYZ019０１@＠©.。,;:：/ -_()（）[]<>atdotmailtoLINE統一編號網址\t"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("john.doe@example.com", "john.doe@example.com"),
        ("John.Doe@Example.COM", "John.Doe@example.com"),
        ("  sales@acme.com.tw.", "sales@acme.com.tw"),
        ("mailto:sales@acme.com", "sales@acme.com"),
        ("Mailto: sales@acme.com;", "sales@acme.com"),
        ("E-mail: sales@acme.com", "sales@acme.com"),
        ("Email：sales@acme.com", "sales@acme.com"),
        ("電子郵件：sales@acme.com", "sales@acme.com"),
        ("<sales@ACME.com.tw>", "sales@acme.com.tw"),
        ("john @ example . com", "john@example.com"),
        ("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "john@example.com"),
        ("john©example.com", "john@example.com"),
        ("john(at)example.com", "john@example.com"),
        ("john [at] example [dot] com", "john@example.com"),
        ("john at example.com", "john@example.com"),
        ("first+tag@sub.example.co.uk", "first+tag@sub.example.co.uk"),
    ],
)
def test_email_clean_up(text: str, expected: str) -> None:
    assert normalise_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "foo",
        "a@b",
        "john@",
        "@example.com",
        "john©me©example.com",  # two readings of ©: ambiguous, not guessed
        "john(at)me(at)example.com",
        "john@exa mple@x.com",
        "john@-example.com",
    ],
)
def test_invalid_emails_are_none(text: str) -> None:
    assert normalise_email(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("www.twcloud.com.tw", "www.twcloud.com.tw"),
        ("brightpath.io", "brightpath.io"),
        ("Web: https://BrightPath.io/", "https://BrightPath.io/"),
        ("網址：www.cpm-machinery.com.tw。", "www.cpm-machinery.com.tw"),
        ("www. qhdata .cn", "www.qhdata.cn"),
        ("https://example.com/a?b=c#d", "https://example.com/a?b=c#d"),
        ("Website: www.Example.com.tw/Team", "www.Example.com.tw/Team"),
    ],
)
def test_url_is_kept_as_written_without_adding_a_scheme(text: str, expected: str) -> None:
    assert normalise_url(text) == expected


@pytest.mark.parametrize("text", ["", "not a url", "http://localhost", "見背面"])
def test_invalid_urls_are_none(text: str) -> None:
    assert normalise_url(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LINE: @yunyun.design", "@yunyun.design"),
        ("Line ID: jiahao_cheng", "jiahao_cheng"),
        ("LINE ID：@shop-tw", "@shop-tw"),
        ("line @abc", "@abc"),
        ("ID: abc.def", "abc.def"),
        ("linefriend", "linefriend"),
        ("@yunyun.design", "@yunyun.design"),
    ],
)
def test_line_id_labels_are_removed(text: str, expected: str) -> None:
    assert normalise_line_id(text) == expected


@pytest.mark.parametrize("text", ["", "LINE:", "請加好友", "a" * 40])
def test_invalid_line_ids_are_none(text: str) -> None:
    assert normalise_line_id(text) is None


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("24536806", True),  # sum 40: valid under the old and the current rule
        ("04595257", True),
        ("83529123", True),  # sum 45: valid only under the current divisible-by-5 rule
        ("53681270", True),  # 7th digit 7: 28 -> 10 counts as 1, sum 39 + 1
        ("12345675", True),  # 7th digit 7 again
        ("10000073", True),  # 7th digit 7, sum + 1 divisible by 5
        ("10000083", False),  # same shape without the 7: no second chance
        ("12345678", False),
        ("2453680", False),
        ("245368060", False),
        ("2453680a", False),
        ("２４５３６８０６", False),  # full-width digits are the caller's job (normalise_tax_id)
    ],
)
def test_tax_id_checksum(digits: str, valid: bool) -> None:
    assert is_valid_tax_id(digits) is valid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24536806", "24536806"),
        ("統一編號：24536806", "24536806"),
        ("統編 2453 6806", "24536806"),
        ("Tax ID: 53681270", "53681270"),
        ("２４５３６８０６", "24536806"),
        ("12345678", None),
        ("統一編號：2453680", None),
    ],
)
def test_normalise_tax_id(text: str, expected: str | None) -> None:
    assert normalise_tax_id(text) == expected


@given(st.one_of(st.text(alphabet=CONTACT_ALPHABET, max_size=40), st.text(max_size=40)))
@example(":\t.0")  # found by Hypothesis: a tab at the edge left ".0", which cleaned again to "0"
def test_never_raise_and_are_idempotent(text: str) -> None:
    for clean in (normalise_email, normalise_url, normalise_line_id, normalise_tax_id):
        once = clean(text)
        if once is not None:
            assert clean(once) == once
