"""Date ranges as CVs write them, in Romanian and English, and months worked."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from recruit.core.text import fold

MONTHS = {
    "ianuarie": 1, "ian": 1, "january": 1, "jan": 1,
    "februarie": 2, "february": 2, "feb": 2, "febr": 2,
    "martie": 3, "march": 3, "mar": 3, "mart": 3,
    "aprilie": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "iunie": 6, "june": 6, "iun": 6, "jun": 6,
    "iulie": 7, "july": 7, "iul": 7, "jul": 7,
    "august": 8, "aug": 8,
    "septembrie": 9, "september": 9, "sept": 9, "sep": 9,
    "octombrie": 10, "october": 10, "oct": 10,
    "noiembrie": 11, "november": 11, "noi": 11, "nov": 11,
    "decembrie": 12, "december": 12, "dec": 12,
}  # fmt: skip

_MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
# "sept. '18", "Mar ’21": a two-digit year only after a month name and an apostrophe.
_SHORT_YEAR = r"['’‘]\s?\d{2}"
# One date: day.month.year, month/year, year-month (ISO), "Ian. 2018", or a bare year.
_DATE = (
    rf"(?:\d{{1,2}}[./-]\d{{1,2}}[./-]{_YEAR}"
    rf"|\d{{1,2}}\s?[./-]\s?{_YEAR}"
    rf"|{_YEAR}[./-](?:0?[1-9]|1[0-2])(?![\d./-])"
    rf"|(?:{_MONTH_NAME})\.?,?\s*(?:{_YEAR}|{_SHORT_YEAR})"
    rf"|{_YEAR})"
)
_PRESENT = (
    r"(?:(?:pana\s+)?(?:in\s+)?prezent|present|current(?:ly)?|now|today|(?:to|till)\s+date|ongoing"
    r"|(?:pana\s+)?azi|acum|in\s+curs)"
)
# Month-precise dates may stand side by side with no dash ("08/2013 01/2016", "02/2016
# Current" in real resumes); bare years may not ("2010 2014" is too often something else).
_MONTH_DATE = (
    rf"(?:\d{{1,2}}[./-]\d{{1,2}}[./-]{_YEAR}|\d{{1,2}}\s?[./-]\s?{_YEAR}"
    rf"|(?:{_MONTH_NAME})\.?,?\s*{_YEAR})"
)
_DASH = r"(?:\s*[-‐‑‒–—−>→]+\s*|\s+(?:to|till|until|pana\s+(?:in|la)|la)\s+)"
_RANGE = re.compile(
    rf"(?<![\w./-])(?:(?:din|from|de\s+la|between)\s+)?(?:(?P<start>{_DATE}){_DASH}"
    rf"|(?P<start2>{_MONTH_DATE})\s+)"
    rf"(?:(?P<end>{_DATE})|(?P<present>{_PRESENT}))(?![\w/])"
)
# "since 2019", "din martie 2019", "începând cu 2019": a job still held.
_SINCE = re.compile(
    rf"(?<![\w./-])(?:since|from|din|incepand\s+(?:cu|din)|de\s+la)\s+(?P<start>{_DATE})(?![\w/.-])"
)
_PARTS = re.compile(
    rf"(?:(?P<d>\d{{1,2}})[./-])?(?P<m>\d{{1,2}})\s?[./-]\s?(?P<y>{_YEAR})"
    rf"|(?P<iy>{_YEAR})[./-](?P<im>\d{{1,2}})"
    rf"|(?P<name>{_MONTH_NAME})\.?,?\s*(?:(?P<ny>{_YEAR})|['’‘]\s?(?P<sy>\d{{2}}))"
    rf"|(?P<year>{_YEAR})"
)


# A document date after any date a CV can name (years up to 2049): for finding ranges whose
# start is all that is compared ("present" then resolves to a month that is never used).
ANY_DOC_DATE = datetime.date(2049, 12, 31)


@dataclass(frozen=True)
class DateRange:
    start: tuple[int, int]  # (year, month)
    # As written; for a current job the document's month (or the start, when the job starts
    # after the document's date). Never before `start`; months are counted up to the
    # document's month (see `total_months`), so a future end adds nothing.
    end: tuple[int, int]
    current: bool
    start_char: int  # offsets in the text searched
    end_char: int
    year_only: bool = False


def month_str(month: tuple[int, int]) -> str:
    """Format (year, month) as "YYYY-MM"."""
    return f"{month[0]:04d}-{month[1]:02d}"


def _parse(token: str, *, is_end: bool) -> tuple[tuple[int, int], bool] | None:
    found = _PARTS.fullmatch(token.strip())
    if found is None:
        return None
    if found["y"]:
        month, year = int(found["m"]), int(found["y"])
    elif found["iy"]:
        month, year = int(found["im"]), int(found["iy"])
    elif found["name"]:
        month = MONTHS[found["name"]]
        # '18 is 2018, '98 is 1998 (CVs name no work before 1950).
        year = int(found["ny"]) if found["ny"] else _century(int(found["sy"]))
    else:
        # A bare year spans the whole year: January when it starts a job, December when
        # it ends one.
        return ((int(found["year"]), 12 if is_end else 1), True)
    if not 1 <= month <= 12:
        return None
    return ((year, month), False)


def current_end(start: tuple[int, int], doc_date: datetime.date) -> tuple[int, int]:
    """Return the end month of a job still held: the document's month, never before `start`."""
    # "05/2025 - prezent" in a file dated 2024: the job is kept, it counts 0 months.
    return max(start, (doc_date.year, doc_date.month))


def _century(short: int) -> int:
    return 1900 + short if short >= 50 else 2000 + short


def find_date_ranges(text: str, doc_date: datetime.date) -> list[DateRange]:
    """Find the date ranges in `text` ("03/2019 - prezent", "Jan 2018 – Mar 2021", ...)."""
    return list(_date_ranges(text, doc_date))


@lru_cache(maxsize=4096)
def _date_ranges(text: str, doc_date: datetime.date) -> tuple[DateRange, ...]:
    # Cached: the entry finder asks about the same lines several times.
    folded = fold(text)
    today = (doc_date.year, doc_date.month)
    ranges: list[DateRange] = []
    taken: list[tuple[int, int]] = []
    for found in _RANGE.finditer(folded):
        if found["start2"] and found["end"] and not re.fullmatch(_MONTH_DATE, found["end"]):
            continue  # "08/2013 2016": without a dash both dates must name a month
        start = _parse(found["start"] or found["start2"], is_end=False)
        if start is None:
            continue
        if found["present"]:
            end, current, end_year_only = current_end(start[0], doc_date), True, False
        else:
            parsed_end = _parse(found["end"], is_end=True)
            if parsed_end is None:
                continue
            (end, end_year_only), current = parsed_end, False
        if end < start[0]:
            continue
        ranges.append(
            DateRange(
                start[0],
                end,
                current,
                found.start(),
                found.end(),
                start[1] and (end_year_only or current),
            )
        )
        taken.append((found.start(), found.end()))
    for found in _SINCE.finditer(folded):
        if any(s <= found.start() < e for s, e in taken):
            continue
        start = _parse(found["start"], is_end=False)
        if start is None or start[0] > today:
            continue
        end = current_end(start[0], doc_date)
        ranges.append(DateRange(start[0], end, True, found.start(), found.end(), start[1]))
    return tuple(sorted(ranges, key=lambda r: r.start_char))


_LONE = re.compile(rf"(?P<date>{_MONTH_DATE})(?![\w/.-])")


def lone_month(text: str, doc_date: datetime.date) -> DateRange | None:
    """Find one month-precise date opening `text` and no range: "January 2014 Company Name".

    A job written with a single date lasted that month, as far as the CV tells.
    """
    if find_date_ranges(text, doc_date):
        return None
    found = _LONE.match(fold(text))
    parsed = _parse(found["date"], is_end=False) if found else None
    if found is None or parsed is None or parsed[0] > (doc_date.year, doc_date.month):
        return None
    return DateRange(parsed[0], parsed[0], False, found.start(), found.end())


def month_index(month: tuple[int, int]) -> int:
    """Return (year, month) as one number, year * 12 + month - 1, as months are counted here."""
    return month[0] * 12 + month[1] - 1


def months_between(start: tuple[int, int], end: tuple[int, int]) -> int:
    """Count the months from `start` to `end`, both included."""
    return max(0, month_index(end) - month_index(start) + 1)


def total_months(
    spans: Iterable[tuple[tuple[int, int], tuple[int, int]]], until: tuple[int, int] | None = None
) -> int:
    """Count the months covered by `spans` up to `until`, counting overlapping months once.

    A span that starts after `until` (or after its own end) counts 0 months, never less.
    """
    return len(covered_months(spans, until))


def covered_months(
    spans: Iterable[tuple[tuple[int, int], tuple[int, int]]], until: tuple[int, int] | None = None
) -> set[int]:
    """Return the months covered by `spans` up to `until`, numbered year * 12 + month - 1."""
    months: set[int] = set()
    for start, end in spans:
        last = month_index(end) if until is None else min(month_index(end), month_index(until))
        months.update(range(month_index(start), last + 1))
    return months


@lru_cache(maxsize=4096)  # a stored profile's months, read again by every criterion
def parse_month(value: str | None) -> tuple[int, int] | None:
    """Return ("YYYY-MM") as (year, month), or None when it is missing or malformed."""
    if not value or len(value) != 7 or value[4] != "-":
        return None
    year, month = value[:4], value[5:]
    if not (year.isdigit() and month.isdigit()) or not 1 <= int(month) <= 12:
        return None
    return int(year), int(month)
