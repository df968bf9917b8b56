"""What a search finds an application by: folded text kept beside each row, and the words of
a query folded the same way, so `Ștefănescu`, `ştefănescu` and `Stefanescu` are one word and
`0722 123 456`, `+40722123456` and `0722123456` one phone.

Two texts per application: `profile_text` (skills, positions, employers) says nothing of who
the candidate is, `identity_text` (name, e-mail, phone) does, so blind review can search the
first alone. Folding is `core.text.fold`; phones are read by `core.contacts`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import phonenumbers

from recruit.core.contacts import PHONE, find_contacts, normalise_email
from recruit.core.printable import unprintable
from recruit.core.text import fold

# A query word made of digits and the separators phone numbers are written with.
_PHONE_PART = re.compile(r"\+?[\d().\-/]*\d[\d().\-/]*")
_NON_DIGIT = re.compile(r"\D")
_WORD = re.compile(r"[^\W\d_]+")
MAX_TERMS = 6


def phone_key(phone: str | None, region: str = "RO") -> str | None:
    """Return the phone number `phone` writes, in E.164 ("+40722123456"), or None."""
    if not phone or not phone.strip():
        return None
    found = [c.value for c in find_contacts(phone, region, kinds={PHONE})]
    if found:
        return found[0]
    digits = _NON_DIGIT.sub("", phone)
    return "+" + digits if phone.strip().startswith("+") and len(digits) >= 7 else None


def phone_forms(phone: str | None, region: str = "RO") -> list[str]:
    """Return the digit strings a phone is searched by: international and national forms.

    "+40722123456" gives "40722123456" and "0722123456"; a number that does not parse gives
    its digits as written.
    """
    key = phone_key(phone, region)
    if key is None:
        digits = _NON_DIGIT.sub("", phone or "")
        return [digits] if digits else []
    number = phonenumbers.parse(key)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return list(dict.fromkeys([key.lstrip("+"), _NON_DIGIT.sub("", national)]))


def identity_text(name: str | None, email: str | None, phone: str | None) -> str:
    """Return the folded text that finds a candidate by who they are (name, e-mail, phone)."""
    parts = [" ".join((name or "").split()), normalise_email(email or ""), *phone_forms(phone)]
    return fold(" ".join(p for p in parts if p))


def profile_text(profile: dict[str, Any], names: Iterable[str | None] = ()) -> str:
    """Return the folded text that finds a CV by what it says: skills, positions, employers.

    The words of the candidate's name (`names` and the profile's own) are left out, as in
    "Popescu Consulting SRL": under blind review this text is searched, and a name must not
    find an anonymous row. The identity text holds the name for those who may see it.
    """
    parts: list[str] = []
    for skill in profile.get("skills") or []:
        if isinstance(skill, dict):
            parts += [str(skill.get("id") or "").replace("_", " "), str(skill.get("label") or "")]
    positions = (profile.get("experience") or {}).get("positions") or []
    for position in positions:
        if isinstance(position, dict):
            parts += [str(position.get("title") or ""), str(position.get("employer") or "")]
    name = profile.get("name")
    hidden = {
        word
        for n in (*names, name if isinstance(name, str) else None)
        for word in _WORD.findall(fold(n or ""))
        if len(word) > 2
    }
    words = [w for p in dict.fromkeys(parts) for w in fold(p).split()]
    return " ".join(w for w in words if hidden.isdisjoint(_WORD.findall(w)))


def query_terms(query: str, region: str = "RO") -> list[str]:
    """Return the folded words of a search, each to be found somewhere in a row's texts.

    A phone number, however spaced, becomes one word of digits in its international form;
    a word of digits and separators ("0722-123") becomes its digits.
    """
    # Control characters are no text to find (and PostgreSQL compares no NUL): a space each.
    query = "".join(" " if unprintable(c) else c for c in query)
    terms: list[str] = []
    rest = query
    for contact in sorted(find_contacts(query, region, kinds={PHONE}), key=lambda c: -c.start):
        terms.insert(0, contact.value.lstrip("+"))
        rest = rest[: contact.start] + " " + rest[contact.end :]
    for word in fold(rest).split():
        if _PHONE_PART.fullmatch(word):
            word = _NON_DIGIT.sub("", word)
        if word and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]
