"""Misread e-mail and web domains: cases from real photos (../shared/heldout-real 16, 11, 17)
and the tuning corpus (000_photo_3_zh); what stays as printed."""

from __future__ import annotations

import pytest

from namecard.cards.model import Card
from namecard.cards.normalise import normalise_card


def read(emails: tuple[str, ...] = (), website: str | None = None, address: str = "") -> Card:
    return normalise_card(Card(name="Ann", emails=emails, website=website, address=address))


def test_a_top_level_domain_one_letter_off_takes_the_cards_country() -> None:
    card = read(("t.higurashi@micron-inc.co.ip",), address="5-5-3 Shinjuku, Tokyo, Japan")

    assert card.emails == ("t.higurashi@micron-inc.co.jp",)


def test_a_letter_too_many_in_the_top_level_domain_is_dropped() -> None:
    card = read(("y.kawai@holon.ne.jp",), "http://www.holon.ne.jip", "Ueno, Tokyo, JAPAN")

    assert card.website == "http://www.holon.ne.jp"


def test_a_web_address_a_letter_off_the_cards_email_domain_takes_it() -> None:
    card = read(("n.nozawa@holon.ne.jp",), "http://www.holon.ne.jo")

    assert card.website == "http://www.holon.ne.jp"
    assert card.emails == ("n.nozawa@holon.ne.jp",)


def test_a_misread_taiwan_domain_and_four_ws_are_mended() -> None:
    card = read(("kuanming@xingchen-consult.com.hw",), "wwww.xingchen-consult.com.hw")

    assert card.emails == ("kuanming@xingchen-consult.com.tw",)
    assert card.website == "www.xingchen-consult.com.tw"


def test_com_misread_as_con_is_mended() -> None:
    assert read(("lee.wang@gmail.con",)).emails == ("lee.wang@gmail.com",)


@pytest.mark.parametrize(
    ("emails", "website"),
    [
        (("ko-hatakeyama@ij.ad.jp",), "http://www.iij.ad.jp"),  # either may be the misread
        (("sales@company.jo",), "www.company.jo"),  # Jordan: rare, but a real domain
        (("a@b.com",), "https://www.example.org/contact"),
    ],
)
def test_real_domains_that_disagree_are_left_as_printed(
    emails: tuple[str, ...], website: str
) -> None:
    card = read(emails, website)

    assert (card.emails, card.website) == (emails, website)


# Fresh tuning seeds 474 and 590: the web address read with 1 for l ("www.1anhai.com",
# "yongfengint1.com") beside the e-mail that has the letter; and the other way round.
@pytest.mark.parametrize(
    ("email", "website", "domain"),
    [
        ("yho@lanhai.com", "https://www.1anhai.com", "lanhai.com"),
        ("slai@yongfengintl.com", "https://www.yongfengint1.com", "yongfengintl.com"),
        ("info@g1obalsoft.com.tw", "www.globalsoft.com.tw", "globalsoft.com.tw"),
        ("sales@n0rthwind.com", "www.northwind.com", "northwind.com"),
    ],
)
def test_a_digit_read_for_a_letter_in_one_of_the_cards_domains_takes_the_letter(
    email: str, website: str, domain: str
) -> None:
    card = read((email,), website)

    assert card.emails == (f"{email.partition('@')[0]}@{domain}",)
    assert card.website is not None and card.website.endswith(f"www.{domain}")


def test_domains_differing_in_more_than_lookalike_digits_stay_as_printed() -> None:
    card = read(("ann@acme1.com",), "www.acmel2.com")

    assert (card.emails, card.website) == (("ann@acme1.com",), "www.acmel2.com")


# Fresh tuning seeds 1002 and 1148: a hyphen of the domain read as a dot in one of the card's two
# domains ("www.dingsheng.precision.com.tw" beside "@dingsheng-precision.com.tw").
@pytest.mark.parametrize(
    ("email", "website", "domain"),
    [
        (
            "lee@dingsheng-precision.com.tw",
            "www.dingsheng.precision.com.tw",
            "dingsheng-precision.com.tw",
        ),
        ("ann@huitong.intl.com.tw", "www.huitong-intl.com.tw", "huitong-intl.com.tw"),
    ],
)
def test_a_hyphen_read_as_a_dot_in_one_of_the_cards_domains_is_a_hyphen(
    email: str, website: str, domain: str
) -> None:
    card = read((email,), website)

    assert card.emails == (f"{email.partition('@')[0]}@{domain}",)
    assert card.website == f"www.{domain}"


# Fresh tuning seeds 1084 and 1066: "www" read without its dot ("wwwyongfengenergy.com").
@pytest.mark.parametrize(
    ("website", "mended"),
    [
        ("wwwyongfengenergy.com", "www.yongfengenergy.com"),
        ("https://wwwhalcyonsystems.de", "https://www.halcyonsystems.de"),
    ],
)
def test_www_read_without_its_dot_gets_it(website: str, mended: str) -> None:
    assert read(website=website).website == mended
