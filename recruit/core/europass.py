"""The CV inside a Europass "PDF + XML" export: what the editor's XML states, and where the
page text shows each fact.

The Europass editor (2013-2020) attaches the whole CV to the PDF it exports as an XML file
(schema V3.x, root `SkillsPassport`). Read with defusedxml: the file comes from a stranger.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element  # noqa: S405 - only the type; parsing is defusedxml

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from recruit.core import dates
from recruit.core.profile import CEFR_CODE, Evidence
from recruit.core.text import fold

# XML element -> the skill key of LanguageSkill.skill_levels.
_GRID = {
    "Listening": "listening",
    "Reading": "reading",
    "SpokenInteraction": "spoken_interaction",
    "SpokenProduction": "spoken_production",
    "Writing": "writing",
}
_TAGS = re.compile(r"<[^>]*>")
# EQF levels: 1-2 end before upper secondary, 3-4 are upper secondary (the Romanian
# baccalaureate is 4), 5 short tertiary, 6 bachelor, 7 master, 8 doctorate.
_EQF = {
    1: "none",
    2: "none",
    3: "secondary",
    4: "secondary",
    5: "post_secondary",
    6: "bachelor",
    7: "master",
    8: "doctorate",
}
_LICENCE_LABEL = re.compile(
    r"driving licen[cs]e|permis(?:e|\(e\))? de conducere|carnet de conducere"
)


@dataclass(frozen=True)
class Period:
    start: tuple[int, int] | None  # (year, month)
    end: tuple[int, int] | None  # None while current, or when only a start is given
    current: bool
    year_only: bool  # the start names no month


@dataclass(frozen=True)
class Job:
    title: str | None
    employer: str | None
    period: Period
    activities: str  # the description, its HTML markup dropped
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Study:
    title: str | None
    organisation: str | None
    period: Period
    level: str | None  # one of EDUCATION_LEVELS, from the EQF level; None when not given
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Language:
    code: str | None  # ISO 639 code as the editor wrote it; None when only a label is given
    label: str
    mother_tongue: bool
    skill_levels: dict[str, str] = field(default_factory=dict, hash=False)
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class EuropassCv:
    jobs: tuple[Job, ...]
    studies: tuple[Study, ...]
    languages: tuple[Language, ...]
    licences: tuple[str, ...]
    licence_evidence: tuple[Evidence, ...] = ()


def find_europass_xml(files: Iterable[tuple[str, bytes]]) -> bytes | None:
    """Return the Europass CV XML among a PDF's attached files (name, bytes), if one is there."""
    for name, data in files:
        head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if (name.lower().endswith(".xml") or head.startswith(b"<?xml")) and (
            b"SkillsPassport" in head
        ):
            return data
    return None


def read_europass(
    data: bytes, text: str = "", page_starts: Sequence[int] = (0,)
) -> EuropassCv | None:
    """Read a Europass CV XML; locate each fact in `text` (the PDF's page text) as evidence.

    None when the bytes are no Europass CV (or unsafe XML: entities, DTDs).
    """
    try:
        root = SafeTree.fromstring(data)
    except (SafeTree.ParseError, DefusedXmlException, ValueError):
        return None
    if _local(root.tag) != "SkillsPassport":
        return None
    learner = _first(root, "LearnerInfo")
    if learner is None:
        return None
    where = _Locator(text, page_starts)
    jobs = []
    for item in _all(learner, "WorkExperienceList", "WorkExperience"):
        title = _text(item, "Position", "Label")
        employer = _text(item, "Employer", "Name")
        period = _period(_first(item, "Period"))
        activities = _TAGS.sub(" ", html.unescape(_text(item, "Activities") or ""))
        evidence = where.entry(period, (title, employer))
        jobs.append(Job(title, employer, period, " ".join(activities.split()), evidence))
    studies = []
    for item in _all(learner, "EducationList", "Education"):
        title = _text(item, "Title")
        organisation = _text(item, "Organisation", "Name")
        period = _period(_first(item, "Period"))
        evidence = where.entry(period, (title, organisation))
        studies.append(Study(title, organisation, period, _eqf(item), evidence))
    languages = []
    linguistic = _first(learner, "Skills", "Linguistic")
    if linguistic is not None:
        where.skip_to(r"limb|language|tongue")
        for mother, path in ((True, "MotherTongueList"), (False, "ForeignLanguageList")):
            tag = "MotherTongue" if mother else "ForeignLanguage"
            for item in _all(linguistic, path, tag):
                code = _text(item, "Description", "Code")
                label = _text(item, "Description", "Label") or code
                if not label:
                    continue
                grid = _first(item, "ProficiencyLevel")
                levels = {}
                for element, key in _GRID.items():
                    value = _text(grid, element) if grid is not None else None
                    if value and CEFR_CODE.fullmatch(value.upper()):
                        levels[key] = value.upper()
                evidence = where.row(label)
                languages.append(
                    Language(code.lower() if code else None, label, mother, levels, evidence)
                )
    licences = tuple(
        dict.fromkeys(
            (el.text or "").strip().upper()
            for el in _all(learner, "Skills", "Driving", "Description", "Licence")
            if (el.text or "").strip()
        )
    )
    return EuropassCv(
        tuple(jobs),
        tuple(studies),
        tuple(languages),
        licences,
        where.licence() if licences else (),
    )


def period_range(
    period: Period, doc_date: datetime.date
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Return (start, end) months of a period; a current one ends at the document's month."""
    if period.start is None:
        return None
    if period.current:
        return period.start, dates.current_end(period.start, doc_date)
    return period.start, period.end or period.start


def eqf_level(code: str) -> str | None:
    """Return the education level of an EQF level number ("1".."8")."""
    return _EQF.get(int(code)) if code.isdigit() else None


# --- XML ---------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _all(element: Element, *path: str) -> list[Element]:
    found = [element]
    for name in path:
        found = [child for parent in found for child in _children(parent, name)]
    return found


def _first(element: Element, *path: str) -> Element | None:
    found = _all(element, *path)
    return found[0] if found else None


def _text(element: Element | None, *path: str) -> str | None:
    found = _first(element, *path) if element is not None else None
    value = " ".join((found.text or "").split()) if found is not None else ""
    return value or None


def _date(element: Element | None) -> tuple[tuple[int, int] | None, bool]:
    # <From year="2019" month="--03"/>: gYear and gMonth attributes.
    if element is None:
        return None, False
    year = (element.get("year") or "").strip()
    month = (element.get("month") or "").strip("- ")
    if not year.isdigit():
        return None, False
    if month.isdigit() and 1 <= int(month) <= 12:
        return (int(year), int(month)), False
    return (int(year), 1), True


def _period(element: Element | None) -> Period:
    if element is None:
        return Period(None, None, False, False)
    start, year_only = _date(_first(element, "From"))
    end, end_year_only = _date(_first(element, "To"))
    if end is not None and end_year_only:
        end = (end[0], 12)  # a bare year ends in its December
    current = (_text(element, "Current") or "").lower() == "true"
    return Period(start, None if current else end, current, year_only)


def _eqf(item: Element) -> str | None:
    code = _text(item, "Level", "Code") or ""
    label = _text(item, "Level", "Label") or ""
    found = re.search(r"\d", code) or re.search(r"(?i)eqf\D{0,3}(\d)", label)
    return eqf_level(found.group(found.lastindex or 0)) if found else None


# --- evidence in the page text -----------------------------------------------------------


# The title and employer of an entry sit within a few lines of its dates.
_NEAR = 600


class _Locator:
    """Find the XML's facts in the page text, in document order (a cursor moves forward)."""

    def __init__(self, text: str, page_starts: Sequence[int]) -> None:
        self.text = text
        self.folded = fold(text)
        self.starts = tuple(page_starts) or (0,)
        self.cursor = 0

    def _evidence(self, start: int, end: int) -> Evidence:
        page = max(1, sum(1 for s in self.starts if s <= start))
        return Evidence(page, start, end, self.text[start:end])

    def _find(self, value: str | None, start: int) -> tuple[int, int] | None:
        words = re.findall(r"\w+", fold(value or ""))
        if not words:
            return None
        pattern = r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)"
        found = re.compile(pattern).search(self.folded, start)
        return (found.start(), found.end()) if found else None

    def skip_to(self, pattern: str) -> None:
        """Move the cursor to the next match of `pattern` (a heading), if there is one."""
        found = re.compile(pattern).search(self.folded, self.cursor)
        if found:
            self.cursor = found.start()

    def entry(self, period: Period, values: Iterable[str | None]) -> tuple[Evidence, ...]:
        """Return the evidence of a dated entry: its date range, then each value."""
        if not self.text:
            return ()
        spans = []
        anchor = self.cursor
        if period.start is not None:
            for line_start, line in self._lines(self.cursor):
                ranges = dates.find_date_ranges(line, dates.ANY_DOC_DATE)
                if any(r.start == period.start for r in ranges):
                    hit = next(r for r in ranges if r.start == period.start)
                    spans.append((line_start + hit.start_char, line_start + hit.end_char))
                    anchor = line_start
                    break
        for value in values:
            found = self._find(value, anchor)
            if found is not None and found[0] - anchor < _NEAR:
                spans.append(found)
        if spans:
            self.cursor = max(end for _, end in spans)
        return tuple(self._evidence(s, e) for s, e in sorted(set(spans)))

    def row(self, label: str) -> tuple[Evidence, ...]:
        """Return the line that names a language from its label on (the grid row)."""
        found = self._find(label, self.cursor)
        if found is None or not self.text:
            return ()
        end = self.text.find("\n", found[0])
        end = len(self.text) if end < 0 else end
        self.cursor = found[1]
        return (self._evidence(found[0], end),)

    def licence(self) -> tuple[Evidence, ...]:
        """Return the driving-licence label and the line after it."""
        found = _LICENCE_LABEL.search(self.folded, self.cursor) or _LICENCE_LABEL.search(
            self.folded
        )
        if found is None:
            return ()
        end = found.end()
        for _ in range(2):
            nxt = self.text.find("\n", end + 1)
            if nxt < 0:
                end = len(self.text)
                break
            end = nxt
            if self.text[found.end() : end].strip():
                break
        return (self._evidence(found.start(), end),)

    def _lines(self, start: int) -> Iterable[tuple[int, str]]:
        pos = start
        while pos < len(self.text):
            end = self.text.find("\n", pos)
            end = len(self.text) if end < 0 else end
            yield pos, self.text[pos:end]
            pos = end + 1
