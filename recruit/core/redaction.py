"""Blind review: hide who a candidate is in whatever is shown of their CV.

Masks the contacts `core/contacts.py` finds (so at least everything extraction finds), the
candidate's names, the 13-digit personal code (CNP), forms of address and the values of
labelled personal fields (birth date, age, sex, nationality, marital status, address).
Every mask keeps the text's length, one character for one, so evidence offsets still point
at the same words.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterable
from typing import Any

from recruit.core.contacts import find_contacts
from recruit.core.text import fold

MASK = "\u2588"  # a full block: visibly hidden, one character per character hidden

# Labels after which a Europass or free-form CV gives a personal detail, up to the line's end.
# Not "e-mail" or "phone": "Email marketing" is a skill line; the contact finder finds those.
# Matched on folded text: Romanian with and without diacritics (cedilla forms too), English.
_LABELS = (
    r"data\s+nasterii|data\s+de\s+nastere|nascut[a]?(?:\s+la|\s+in)?"
    r"|date\s+of\s+birth|birth\s*date|born(?:\s+on|\s+in)?|d\.?o\.?b\.?"
    r"|varsta|age"
    r"|sex(?:ul)?|gen(?:ul)?|gender"
    r"|nationalitate(?:a)?|nationality|cetatenie(?:a)?|citizenship"
    r"|stare\s+civila|marital\s+status"
    r"|adresa|address|domiciliu(?:l)?|resedinta|cnp"
)
_LABELLED = re.compile(rf"(?im)^[ \t•*-]*(?:{_LABELS})\b\s*[:|-]?[ \t]*(?P<value>[^\n|;•]*)")
# Europass puts several on one line: "Sex Feminin | Data nașterii 12/03/1990 | ...".
_INLINE = re.compile(rf"(?i)(?:^|[|;•])\s*(?:{_LABELS})\b\s*[:-]?\s*(?P<value>[^|;•\n]*)")
# The 13-digit Romanian personal code (CNP) encodes sex and date of birth.
_CNP = re.compile(r"(?<!\d)[1-9]\d{12}(?!\d)")
_TITLES = re.compile(r"(?i)\b(?:mr|mrs|ms|miss|dl|dna|d-na|d-l|domnul|doamna|domni[sș]oara)\b\.?")
# Particles of names ("Maria de la Cruz"): they tell nobody apart, and masking every "de"
# of a Romanian CV would hide the CV itself.
_PARTICLES = frozenset(
    ["de", "la", "da", "di", "du", "del", "della", "van", "von", "der", "le", "al", "bin"]
)

# Profile fields that say who the candidate is: blind review blanks them.
PERSONAL_FIELDS = (
    "name",
    "name_evidence",
    "emails",
    "phones",
    "links",
    "handles",
    "birth_date",
    "photo",
    "address",
)


def name_words(names: Iterable[str]) -> frozenset[str]:
    """Return the folded words of people's names that redaction hides wherever they appear."""
    words = (w for name in names for w in re.split(r"[\W_]+", fold(name or "")))
    return frozenset(w for w in words if len(w) >= 2 and w not in _PARTICLES)


def personal_spans(text: str, names: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Return the spans of `text` that tell who the candidate is (see the module's list)."""
    return _spans(text, name_words(names))


def _spans(text: str, words: frozenset[str]) -> list[tuple[int, int]]:
    spans = [(c.start, c.end) for c in find_contacts(text)]
    for pattern in (_CNP, _TITLES):
        spans += [m.span() for m in pattern.finditer(text)]
    folded = fold(text)
    for pattern in (_LABELLED, _INLINE):
        spans += [m.span("value") for m in pattern.finditer(folded)]
    if words:
        spans += [m.span() for m in _words_pattern(words).finditer(folded)]
    return spans


@functools.lru_cache(maxsize=1024)
def _words_pattern(words: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Mask the personal details of `text` (see the module's list), keeping its length."""
    return _masked(text, personal_spans(text, names))


def _masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if not chars[i].isspace():
                chars[i] = MASK
    return "".join(chars)


class Redactor:
    """Hide one candidate's identity in their CV text and everything derived from it.

    `names` are the candidate's names (as they applied, as the CV gives them); `document`
    is the CV's text, whose personal details are also hidden wherever a quote of it shows
    up (an evidence line cut at 90 characters, a headline, a note).
    """

    def __init__(self, names: Iterable[str] = (), document: str = "") -> None:
        self.names = name_words(names)
        self.document = document
        # Contacts and the personal code, however a quote cuts them; not the values of labelled
        # fields: "română" after "Naționalitate" must not hide the mother tongue elsewhere.
        spans = [(c.start, c.end) for c in find_contacts(document)] if document else []
        spans += [m.span() for m in _CNP.finditer(document)]
        secrets = {" ".join(fold(document[s:e]).split()) for s, e in spans}
        self.secrets = sorted((s for s in secrets if len(s) >= 3), key=len, reverse=True)
        self.redacted_document = self.text(document)

    def text(self, text: str) -> str:
        """Mask personal details in any text shown of the candidate, keeping its length."""
        if not text:
            return text
        spans = _spans(text, self.names)
        if self.secrets:
            folded = fold(text)
            for secret in self.secrets:
                at = folded.find(secret)
                while at >= 0:
                    end = at + len(secret)
                    # Whole words only: the name "Ion" is no secret inside "negotiation".
                    if not (at and folded[at - 1].isalnum() and secret[0].isalnum()) and not (
                        end < len(folded) and folded[end].isalnum() and secret[-1].isalnum()
                    ):
                        spans.append((at, end))
                    at = folded.find(secret, at + 1)
        return _masked(text, spans) if spans else text

    def value(self, value: Any) -> Any:
        """Return a copy of a JSON value (a profile, a score breakdown) with every text masked.

        An evidence span (`start`, `end`, `text` into the document) gets the masked document's
        characters, so it matches the highlighted CV text exactly.
        """
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        if not isinstance(value, dict):
            return copy.deepcopy(value)
        out = {k: self.value(v) for k, v in value.items()}
        start, end, quoted = value.get("start"), value.get("end"), value.get("text")
        if (
            isinstance(start, int)
            and isinstance(end, int)
            and isinstance(quoted, str)
            and 0 <= start < end <= len(self.document)
            and self.document[start:end] == quoted
        ):
            out["text"] = self.redacted_document[start:end]
        return out

    def profile(self, profile: dict[str, Any] | None) -> dict[str, Any] | None:
        """Return a copy of a stored profile without identifying fields, its texts masked."""
        if profile is None:
            return None
        out: dict[str, Any] = self.value(profile)
        for key in PERSONAL_FIELDS:
            if key in out:
                out[key] = [] if isinstance(out[key], list) else None
        return out


class Unredacted(Redactor):
    """What a viewer who may see who the candidate is gets: everything as it is."""

    def __init__(self) -> None:
        super().__init__()

    def text(self, text: str) -> str:
        """Return `text` unchanged."""
        return text

    def value(self, value: Any) -> Any:
        """Return `value` unchanged."""
        return value

    def profile(self, profile: dict[str, Any] | None) -> dict[str, Any] | None:
        """Return `profile` unchanged."""
        return profile
