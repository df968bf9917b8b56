"""Contacts: e-mails, phones in E.164 with Romania as default region, links, handles, spans."""

from __future__ import annotations

from recruit.core.contacts import (
    EMAIL,
    HANDLE,
    LINK,
    PHONE,
    find_contacts,
    find_link_contacts,
    merge_links,
    values,
)
from recruit.core.text import detect_language


def _values(text: str, kind: str) -> tuple[str, ...]:
    return values(find_contacts(text), kind)


def test_phones_in_romanian_forms() -> None:
    text = "Tel: 0722 123 456, +40 (0)722-123-456 · fix 0040 21 312 4567 · UK +44 20 7946 0958"
    assert _values(text, PHONE) == ("+40722123456", "+40213124567", "+442079460958")


def test_dates_and_amounts_are_not_phones() -> None:
    assert _values("2013 – 2016, 2009 – 2013, 120 de clienți, 2 000 000 EUR", PHONE) == ()
    assert find_contacts("CNP 1900312123456, 01.2019 - 12.2023") == ()


def test_emails() -> None:
    text = "E-mail: ana.popescu@example.ro; alt: a_b+cv@mail.co.uk."
    assert _values(text, EMAIL) == ("ana.popescu@example.ro", "a_b+cv@mail.co.uk")


def test_links() -> None:
    text = (
        "linkedin.com/in/ana-popescu, https://github.com/ana. www.ana.ro "
        "ana.popescu@example.ro Node.js S.R.L."
    )
    assert _values(text, LINK) == (
        "https://linkedin.com/in/ana-popescu",
        "https://github.com/ana",
        "https://www.ana.ro",
    )


def test_words_glued_by_a_full_stop_are_no_links() -> None:
    # Seen on real resumes: a sentence's full stop before a capital, a degree, .NET.
    text = "Led the activities.Communication with B.Com in Commerce. ASP.NET, VB.NET, Node.js"
    assert _values(text, LINK) == ()
    assert _values("see example.com/x and www.ana.ro.", LINK) == (
        "https://example.com/x",
        "https://www.ana.ro",
    )


def test_handles() -> None:
    text = (
        "Instagram: @ana_pop | Skype: ana.popescu | GitHub: anapop | "
        "LinkedIn: linkedin.com/in/ana | Skype: 0722 123 456 | ana@example.ro | LinkedIn - Sales"
    )
    assert _values(text, HANDLE) == ("@ana_pop", "skype:ana.popescu", "github:anapop")
    assert _values(text, LINK) == ("https://linkedin.com/in/ana",)
    assert _values(text, PHONE) == ("+40722123456",)


def test_each_contact_comes_with_where_it_is_written() -> None:
    # Issue 12, row 3: what blind review's own patterns missed, the finder has.
    text = "Site anapopescu.ro, github.com/anapop, tel 40722123456, ana@example.ro, @anapop"
    found = find_contacts(text)
    assert [(c.kind, text[c.start : c.end]) for c in found] == [
        (LINK, "anapopescu.ro"),
        (LINK, "github.com/anapop"),
        (PHONE, "40722123456"),
        (EMAIL, "ana@example.ro"),
        (HANDLE, "@anapop"),
    ]
    assert [c.value for c in found][:3] == [
        "https://anapopescu.ro",
        "https://github.com/anapop",
        "+40722123456",
    ]


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
