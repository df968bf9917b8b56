"""Contacts: e-mails, phones in E.164 with Romania as default region, links."""

from __future__ import annotations

from recruit.core.contacts import (
    find_emails,
    find_link_contacts,
    find_links,
    find_phones,
    merge_links,
)
from recruit.core.language import detect_language


def test_phones_in_romanian_forms() -> None:
    text = "Tel: 0722 123 456, +40 (0)722-123-456 · fix 0040 21 312 4567 · UK +44 20 7946 0958"
    assert find_phones(text) == ("+40722123456", "+40213124567", "+442079460958")


def test_dates_and_amounts_are_not_phones() -> None:
    assert find_phones("2013 – 2016, 2009 – 2013, 120 de clienți, 2 000 000 EUR") == ()


def test_emails() -> None:
    text = "E-mail: ana.popescu@example.ro; alt: a_b+cv@mail.co.uk."
    assert find_emails(text) == ("ana.popescu@example.ro", "a_b+cv@mail.co.uk")


def test_links() -> None:
    text = (
        "linkedin.com/in/ana-popescu, https://github.com/ana. www.ana.ro "
        "ana.popescu@example.ro Node.js S.R.L."
    )
    assert find_links(text) == (
        "https://linkedin.com/in/ana-popescu",
        "https://github.com/ana",
        "https://www.ana.ro",
    )


def test_language() -> None:
    assert detect_language("Am lucrat ca manager de cont pentru clienți corporativi.") == "ro"
    assert detect_language("Am lucrat ca manager de cont pentru clienti si am fost sef.") == "ro"
    assert detect_language("I managed the accounts of our corporate customers for years.") == "en"
    assert detect_language("Excel") is None


def test_link_targets_give_emails_phones_and_links() -> None:
    emails, phones, links = find_link_contacts(
        [
            "mailto:Ana.Pop%40example.ro?subject=Aplicare",
            "MAILTO:office@example.com",
            "tel:+40 722 111 222",
            "https://github.com/anapop",
            "javascript:alert(1)",
            "mailto:not-an-address",
        ]
    )
    assert emails == ("Ana.Pop@example.ro", "office@example.com")
    assert phones == ("+40722111222",)
    assert links == ("https://github.com/anapop",)


def test_merge_links_keeps_one_of_each_profile() -> None:
    assert merge_links(
        ["https://linkedin.com/in/ana"], ["https://www.linkedin.com/in/ana/", "https://x.ro"]
    ) == ("https://linkedin.com/in/ana", "https://x.ro")
