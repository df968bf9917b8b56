"""Contact details found in CV text: e-mail addresses, phone numbers (E.164), links."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

import phonenumbers

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Bare domains count only with a scheme, "www." or a TLD CVs use for personal sites; that keeps
# "Node.js" or "S.R.L." out.
_URL = re.compile(
    r"(?<![@\w.-])(?:https?://[^\s<>()\"']+"
    r"|www\.[^\s<>()\"']+"
    r"|(?:[a-z0-9-]+\.)+(?:com|ro|net|org|io|dev|eu|info|me|page|site|co\.uk)(?:/[^\s<>()\"']*)?)",
    re.IGNORECASE,
)
_TRAIL = ".,;:!?)]}»”'\""


def normalise_email(address: str) -> str:
    """Return the form of an e-mail address under which two spellings are one address."""
    # "VICTIM@example.com " and "victim@example.com" must never be two people: drop every
    # space (none is legal in an address) and compare without case, as mail servers do.
    return "".join(address.split()).lower()


def find_emails(text: str) -> tuple[str, ...]:
    """Return the distinct e-mail addresses in `text`, in order of appearance."""
    out = dict.fromkeys(m.group(0).rstrip(".") for m in _EMAIL.finditer(text))
    return tuple(out)


def find_phones(text: str, region: str = "RO") -> tuple[str, ...]:
    """Return the distinct valid phone numbers in `text` as E.164, Romania as default region."""
    out: dict[str, None] = {}
    for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        out[phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)] = None
    return tuple(out)


def find_links(text: str) -> tuple[str, ...]:
    """Return the distinct web links in `text` (LinkedIn, GitHub, personal sites) as URLs."""
    out: dict[str, None] = {}
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(_TRAIL)
        if "@" in url or len(url) < 5:
            continue
        if not url.lower().startswith(("http://", "https://")):
            url = "https://" + url
        out[url] = None
    return tuple(out)


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
            emails.update(dict.fromkeys(find_emails(unquote(rest.split("?", 1)[0]))))
        elif scheme == "tel":
            phones.update(dict.fromkeys(find_phones(unquote(rest), region)))
        elif scheme in ("http", "https"):
            links.update(dict.fromkeys(find_links(uri.strip())))
    return tuple(emails), tuple(phones), tuple(links)


def merge_links(*groups: Iterable[str]) -> tuple[str, ...]:
    """Join groups of links, keeping the first of those that differ only in scheme, www. or /."""
    out: dict[str, str] = {}
    for group in groups:
        for url in group:
            key = re.sub(r"^https?://(www\.)?", "", url.lower()).rstrip("/")
            out.setdefault(key, url)
    return tuple(out.values())
