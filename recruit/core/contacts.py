"""Contact details in CV text, with where each one is: e-mail addresses, phone numbers (E.164),
web links and social handles.

The one finder: the profile's contact fields and blind review's redaction both come from
`find_contacts`, so redaction hides at least everything extraction finds.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from urllib.parse import unquote

import phonenumbers

EMAIL, PHONE, LINK, HANDLE = "email", "phone", "link", "handle"
KINDS = frozenset({EMAIL, PHONE, LINK, HANDLE})

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Bare domains count only with a scheme, "www." or a TLD CVs use for personal sites; that keeps
# "Node.js" or "S.R.L." out.
# The TLD must end a word and the name before it have two characters: on 559 real resumes that
# drops "activities.Communication" and "B.Com" (a degree); ASP.NET and VB.NET are no sites.
_URL = re.compile(
    r"(?<![@\w.-])(?:https?://[^\s<>()\"']+"
    r"|www\.[^\s<>()\"']+"
    r"|(?!(?:asp|vb|ado)\.net\b)(?:[a-z0-9-]+\.)*[a-z0-9-]{2,}"
    r"\.(?:com|ro|net|org|io|dev|eu|info|me|page|site|co\.uk)\b(?:/[^\s<>()\"']*)?)",
    re.IGNORECASE,
)
_TRAIL = ".,;:!?)]}»”'\""
# "@ana_pop" as Instagram, Telegram or X print it; not the middle of an e-mail address.
_AT_HANDLE = re.compile(
    r"(?<![\w.@+-])@(?=[\w.]*[A-Za-z])[A-Za-z0-9_](?:[\w.]{0,28}[\w])?(?![\w@])"
)
# "Skype: ana.popescu", "LinkedIn: ana-popescu-123": a platform's label, a colon and the user
# name (a colon, not a dash: "LinkedIn - Sales Navigator" is a skill line). A link or a phone
# after the label is found as such.
_PLATFORMS = "skype|telegram|github|gitlab|linkedin|instagram|facebook|twitter|tiktok|discord"
_LABELLED_HANDLE = re.compile(
    rf"(?i)\b(?P<platform>{_PLATFORMS})(?:\s+(?:id|user(?:name)?|handle))?\s*[:：]\s*@?"
    r"(?P<handle>(?=[\w.-]*[A-Za-z])[\w][\w.-]{1,39}[\w])"
)
# A phone number has at least this many digits; cheaper than asking phonenumbers every time.
_MIN_PHONE_DIGITS = 7
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Contact:
    kind: str  # EMAIL, PHONE, LINK or HANDLE
    value: str  # the address; a phone in E.164; a link as an https URL; "@name" or "skype:name"
    start: int  # where it is written in the text
    end: int


def find_contacts(
    text: str, region: str = "RO", kinds: Collection[str] = KINDS
) -> tuple[Contact, ...]:
    """Return every contact detail in `text` with its span, in order of appearance.

    Phones are parsed with Romania as the default region ("0722 123 456" and "40722123456"
    are +40722123456). `kinds` leaves some out: phones cost the most to find, and a caller
    that looks at letters only (the typo finder) need not pay for them.
    """
    found: list[Contact] = []
    for m in _EMAIL.finditer(text) if "@" in text else ():
        value = m.group(0).rstrip(".")
        found.append(Contact(EMAIL, value, m.start(), m.start() + len(value)))
    if PHONE in kinds and len(_DIGIT.findall(text)) >= _MIN_PHONE_DIGITS:
        for p in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        ):
            e164 = phonenumbers.format_number(p.number, phonenumbers.PhoneNumberFormat.E164)
            found.append(Contact(PHONE, e164, p.start, p.end))
    taken = [(c.start, c.end) for c in found]
    for m in _URL.finditer(text) if "." in text else ():
        url = m.group(0).rstrip(_TRAIL)
        if "@" in url or len(url) < 5 or _overlaps(m.start(), m.start() + len(url), taken):
            continue
        found.append(Contact(LINK, _as_url(url), m.start(), m.start() + len(url)))
    taken = [(c.start, c.end) for c in found]
    for m in _AT_HANDLE.finditer(text) if "@" in text else ():
        if not _overlaps(m.start(), m.end(), taken):
            found.append(Contact(HANDLE, m.group(0), m.start(), m.end()))
    taken = [(c.start, c.end) for c in found]
    for m in _LABELLED_HANDLE.finditer(text) if ":" in text or "：" in text else ():
        start, end = m.span("handle")
        if not _overlaps(start, end, taken):
            value = f"{m.group('platform').lower()}:{m.group('handle')}"
            found.append(Contact(HANDLE, value, start, end))
    return tuple(sorted((c for c in found if c.kind in kinds), key=lambda c: (c.start, c.end)))


def normalise_email(address: str) -> str:
    """Return the form of an e-mail address under which two spellings are one address."""
    # "VICTIM@example.com " and "victim@example.com" must never be two people: drop every
    # space (none is legal in an address) and compare without case, as mail servers do.
    return "".join(address.split()).lower()


def find_link_contacts(
    uris: Iterable[str], region: str = "RO"
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Return the (e-mails, phones, web links) that link targets (mailto:, tel:, http) hold."""
    emails: dict[str, None] = {}
    phones: dict[str, None] = {}
    links: dict[str, None] = {}
    for uri in uris:
        scheme, _, rest = uri.strip().partition(":")
        scheme = scheme.lower()
        if scheme == "mailto":
            found = find_contacts(unquote(rest.split("?", 1)[0]), region)
            emails.update(dict.fromkeys(values(found, EMAIL)))
        elif scheme == "tel":
            phones.update(dict.fromkeys(values(find_contacts(unquote(rest), region), PHONE)))
        elif scheme in ("http", "https"):
            links.update(dict.fromkeys(values(find_contacts(uri.strip(), region), LINK)))
    return tuple(emails), tuple(phones), tuple(links)


def merge_links(*groups: Iterable[str]) -> tuple[str, ...]:
    """Join groups of links, keeping the first of those that differ only in scheme, www. or /."""
    out: dict[str, str] = {}
    for group in groups:
        for url in group:
            key = re.sub(r"^https?://(www\.)?", "", url.lower()).rstrip("/")
            out.setdefault(key, url)
    return tuple(out.values())


def values(contacts: Iterable[Contact], kind: str) -> tuple[str, ...]:
    """Return the distinct values of one kind of contact, in order of appearance."""
    return tuple(dict.fromkeys(c.value for c in contacts if c.kind == kind))


def _as_url(url: str) -> str:
    return url if url.lower().startswith(("http://", "https://")) else "https://" + url


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)
