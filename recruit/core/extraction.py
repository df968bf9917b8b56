"""Turn a CV's normalised text into a `Profile`, every fact with the span that proves it."""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from spacy.tokens import Span

from recruit.core import dates, europass
from recruit.core.domains import find_domain_words
from recruit.core.language_grid import read_grid
from recruit.core.names import find_headline, find_name
from recruit.core.nlp import analyse, load_jsonl
from recruit.core.occupations import classify_title
from recruit.core.profile import (
    CEFR_CODE,
    EDUCATION_LEVELS,
    Education,
    EducationEntry,
    Evidence,
    Experience,
    LanguageSkill,
    Position,
    Profile,
    Region,
    Skill,
    Typo,
    cefr_by_rule,
)
from recruit.core.reading.result import Span as WordSpan
from recruit.core.sections import Line, Section, find_sections, heading_key, label_value
from recruit.core.skills import skill_catalog
from recruit.core.text import detect_language, fold

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# Title / employer separators seen in CVs: "Account Manager | Orange", "X — Y", "X at Y".
# None inside parentheses: "Area Sales Manager (Cluj, Bihor)", "Manager (B2B - retail)".
_PARTS = re.compile(
    r"(?:\s+[|•·–—-]\s+|\s*[|•·–—]\s*|,\s+|\s+(?:at|la|@|for|pentru)\s+|\t|\s{3,})"
    r"(?![^()\n]*\))"
)
_BULLET = re.compile(r"^[•▪◦‣∙·●■□➢➤►–—*-]\s*")


def _phrase_regex(phrases: Iterable[str], *, cased: bool = False) -> re.Pattern[str]:
    # Longest first so "foarte bine" wins over "bine"; whole words only.
    forms = sorted({p if cased else fold(p) for p in phrases}, key=len, reverse=True)
    body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])")


@dataclass(frozen=True)
class _Lexicon:
    education: dict[str, tuple[re.Pattern[str], re.Pattern[str]]]
    cefr: dict[str, str]
    cefr_re: re.Pattern[str]
    langs: dict[str, str]
    langs_re: re.Pattern[str]
    licence_re: re.Pattern[str]
    car_re: re.Pattern[str]
    negation_re: re.Pattern[str]
    title: frozenset[str]
    employer: frozenset[str]
    sales_re: re.Pattern[str]
    sales_work_re: re.Pattern[str]
    entry_fields: dict[str, str]  # heading key of a field label -> role
    subheading_re: re.Pattern[str]  # "Roles and responsibilities": never a title or employer
    countries: frozenset[str]  # folded country names
    regions: frozenset[str]  # regions a place may end with (US states), as written


@cache
def _lexicons() -> _Lexicon:
    def rows(name: str) -> list[dict[str, str]]:
        return load_jsonl("patterns", name)

    education = rows("education.jsonl")
    levels: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}
    for label, prefix in (("EDUCATION", ""), ("SCHOOL", "school:")):
        for level in (*EDUCATION_LEVELS[1:], "incomplete", "courses"):
            phrases = [r["pattern"] for r in education if (r["label"], r["id"]) == (label, level)]
            if not phrases:
                continue
            # All-caps abbreviations (BA, MSc, ASE) only count written so.
            upper = [p for p in phrases if p.replace(".", "").isupper()]
            lower = [p for p in phrases if p not in upper]
            levels[prefix + level] = (
                _phrase_regex(lower or ["\0"]),
                _phrase_regex(upper or ["\0"], cased=True),
            )
    cefr = {fold(r["pattern"]): r["id"] for r in rows("cefr_words.jsonl")}
    langs = {fold(r["pattern"]): r["id"] for r in rows("languages.jsonl")}
    licence = rows("licence.jsonl")
    jobs = rows("jobs.jsonl")
    return _Lexicon(
        education=levels,
        cefr=cefr,
        cefr_re=_phrase_regex(cefr),
        langs=langs,
        langs_re=_phrase_regex(langs),
        licence_re=_phrase_regex(r["pattern"] for r in licence if r["label"] == "LICENCE"),
        car_re=_phrase_regex(r["pattern"] for r in licence if r["label"] == "OWN_CAR"),
        negation_re=_phrase_regex(r["pattern"] for r in licence if r["label"] == "NEGATION"),
        title=frozenset(fold(r["pattern"]) for r in jobs if r["label"] == "TITLE"),
        employer=frozenset(fold(r["pattern"]) for r in jobs if r["label"] == "EMPLOYER"),
        sales_re=_phrase_regex(r["pattern"] for r in jobs if r["label"] == "SALES"),
        sales_work_re=_phrase_regex(r["pattern"] for r in jobs if r["label"] == "SALES_WORK"),
        entry_fields={heading_key(r["pattern"]): r["id"] for r in rows("entry_fields.jsonl")},
        subheading_re=re.compile(
            _phrase_regex(r["pattern"] for r in jobs if r["label"] == "NOT_TITLE").pattern
            + r"\s*(?::|$)"
        ),
        countries=frozenset(
            fold(r["pattern"]) for r in rows("places.jsonl") if r["label"] == "COUNTRY"
        ),
        regions=frozenset(r["pattern"] for r in rows("places.jsonl") if r["label"] == "REGION"),
    )


@dataclass(frozen=True)
class _Pages:
    text: str
    starts: Sequence[int]

    def evidence(self, start: int, end: int) -> Evidence:
        page = max(1, bisect.bisect_right(self.starts, start))
        return Evidence(page, start, end, self.text[start:end])

    def line(self, line: Line) -> Evidence:
        return self.evidence(line.start, line.end)


_YEAR_MENTION = re.compile(r"(?<!\d)(?:19[5-9]\d|20[0-4]\d)(?!\d)")


def _document_date(text: str, doc_date: datetime.date | None) -> datetime.date:
    # A creation date older than the years the CV names is a template's or a generator's
    # (reportlab writes 2000-01-01): it cannot be when "present" was written.
    today = datetime.date.today()
    if doc_date is None or doc_date > today:
        return today
    years = [int(y) for y in _YEAR_MENTION.findall(text)]
    latest = max((y for y in years if y <= today.year), default=0)
    return today if doc_date.year < latest else doc_date


def extract_profile(
    text: str,
    *,
    language: str | None = None,
    page_starts: Sequence[int] = (0,),
    doc_date: datetime.date | None = None,
    typos: Sequence[Typo] = (),
    attachments: Iterable[tuple[str, bytes]] = (),
    spans: Sequence[WordSpan] = (),
) -> Profile:
    """Extract the structured profile of a CV from its normalised text.

    `attachments` are the PDF's attached files (name, bytes): a Europass "PDF + XML" export
    carries the CV as XML, whose positions, education, languages and licences then win.
    `spans` are the reader's word boxes: with them a Europass language grid is read by
    geometry, a level per skill.
    """
    language = language or detect_language(text)
    today = _document_date(text, doc_date)
    pages = _Pages(text, tuple(page_starts) or (0,))
    sections = sorted(find_sections(text), key=lambda s: s.start)
    # Lines wrap inside phrases ("savings\naccounts"): match across them; same offsets.
    flat = text.replace("\n", " ")
    doc = analyse(flat, language or "en", [(t.start, t.end, t.suggestion) for t in typos])
    name = find_name(sections)
    headline = find_headline(sections, name)
    licence, licence_evidence = _licence(text, pages)
    own_car, car_evidence = _own_car(text, pages)
    experience = _experience(sections, today, pages)
    education = _education(sections, today, pages)
    languages = _grid_levels(_languages(sections, pages), spans, pages)
    xml = europass.find_europass_xml(attachments)
    attached = europass.read_europass(xml, text, pages.starts) if xml else None
    if attached is not None:
        if attached.jobs:
            experience = _europass_experience(attached, experience, today)
        if attached.studies:
            education = _europass_education(attached, today)
        if attached.languages:
            languages = _europass_languages(attached)
        if attached.licences:
            licence, licence_evidence = attached.licences, attached.licence_evidence
    return Profile(
        language=language,
        name=" ".join(part.text for part in name) or None,
        name_evidence=tuple(pages.line(part) for part in name),
        headline=headline.text if headline else None,
        headline_evidence=(pages.line(headline),) if headline else (),
        skills=_skills(doc.spans["skills"], language, pages),
        experience=experience,
        education=education,
        languages=languages,
        driving_licence=licence,
        licence_evidence=licence_evidence,
        own_car=own_car,
        own_car_evidence=car_evidence,
        typos=tuple(typos),
        words=len(_WORD.findall(text)),
        regions=tuple(Region(s.kind, s.start, max(s.start, s.end)) for s in sections),
        cues=find_domain_words(text, pages.starts),
    )


def _skills(spans: Iterable[Span], language: str | None, pages: _Pages) -> tuple[Skill, ...]:
    catalog = skill_catalog()
    found: dict[str, list[Evidence]] = {}
    for span in spans:
        found.setdefault(span.label_, []).append(pages.evidence(span.start_char, span.end_char))
    return tuple(
        Skill(skill_id, catalog[skill_id].label(language), len(evidence), tuple(evidence))
        for skill_id, evidence in sorted(found.items(), key=lambda item: -len(item[1]))
        if skill_id in catalog
    )


# --- positions and education entries -------------------------------------------------


@dataclass(frozen=True)
class _Block:
    when: dates.DateRange
    header: tuple[Line, ...]  # the lines naming title/employer or degree/institution
    parts: tuple[str, ...]  # those lines split into title, employer, place ...
    body: tuple[Line, ...]  # everything else up to the next block


def _is_header_line(line: Line) -> bool:
    text = line.text
    return (
        not _BULLET.match(text)
        and not _NUMBERED.match(text)
        and len(text.split()) <= 12
        and not text.endswith((".", ";"))
        and not text[0].islower()
        and not _lexicons().subheading_re.match(fold(text))
    )


# "1. Managed the team", "2) Led ...": a numbered item of a description, not an entry.
_NUMBERED = re.compile(r"\d{1,2}[.)]\s")


def _split_parts(text: str) -> list[str]:
    countries = _lexicons().countries
    parts = []
    for raw in _PARTS.split(text):
        part = raw.strip(" .,:;()[]").lstrip("-–—•* ")  # "- Territory Manager": a bullet
        if part.count("(") > part.count(")") and raw.rstrip(" .,:;").endswith(")"):
            part += ")"  # "Area Manager (Cluj, Bihor)" keeps the parenthesis it closes
        if not raw.strip(" .,:;()[]|-–—") or fold(part) in countries:
            continue  # a country alone says where, not who
        parts.extend(_caps_split(part))
    return parts


# "ACCOUNT MANAGER Banca Transilvania", "STUDENT Technical University of Cluj-Napoca": the
# 2020 Europass writes the title in capitals and the employer or school after it.
_CAPS_RUN = re.compile(r"((?:[A-ZĂÂÎȘȚŞŢ]{2,}\s+)*[A-ZĂÂÎȘȚŞŢ]{2,})\s+([A-ZĂÂÎȘȚŞŢ][a-zăâîșțşţ].*)")


def _caps_split(part: str) -> list[str]:
    found = _CAPS_RUN.fullmatch(part)
    # One capitalised word only when long: "IT Manager", "SAP Consultant" are titles.
    if found is None or (" " not in found[1] and len(found[1]) < 5):
        return [part]
    return [found[1], found[2]]


def _is_location(text: str) -> bool:
    # "Cluj-Napoca, Romania" after the dates of a 2020 Europass entry; "Springfield, IL" or
    # "City , State" (anonymised resumes) beside the dates: a place, not who or what.
    parts = [p.strip(" .") for p in text.split(",") if p.strip(" .")]
    if not 0 < len(parts) <= 3 or any(len(p.split()) > 4 for p in parts):
        return False
    if fold(parts[-1]) in _lexicons().countries:
        return True
    return (
        len(parts) >= 2
        and bool(_REGION.fullmatch(parts[-1]))
        and all(_PLACE.fullmatch(p) for p in parts[:-1])
        and not any(_title_score(p) or _score(p, _lexicons().employer) for p in parts)
    )


def _without_place(text: str) -> str:
    # "Company Name City , State", "Walmart | Springfield, IL Sales Associate": the city and
    # region are no part of the employer or title; they part them like a separator.
    return _places().sub(" | ", text)


@cache
def _places() -> re.Pattern[str]:
    regions = "|".join(re.escape(r) for r in sorted(_lexicons().regions, key=len, reverse=True))
    return re.compile(rf"(?:^|(?<=[\s|,]))[A-ZĂÂÎȘȚ][\w'.-]*\s*,\s*(?:{regions})(?=[\s|,;]|$)")


# A city or region: capitalised words ("San Diego"), a region one word or a postal code.
_PLACE = re.compile(r"[A-ZĂÂÎȘȚ][\w'.-]*(?:\s+[A-ZĂÂÎȘȚ][\w'.-]*){0,2}")
_REGION = re.compile(r"[A-Z]{2}|[A-ZĂÂÎȘȚ][a-zăâîșț]+(?:\s+[A-ZĂÂÎȘȚ][a-zăâîșț]+)?")


def _join_wrapped_dates(lines: Sequence[Line], today: datetime.date) -> list[Line]:
    # A narrow date column wraps "Mar 2017 – Dec" / "2020" or "februarie" / "2023 –" /
    # "prezent": join the next line (or two short ones) when a range then spans the break.
    out: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        joined_line = None
        if not dates.find_date_ranges(line.text, today):
            joined = line.text
            for size in (1, 2):
                if index + size >= len(lines) or (size == 2 and len(lines[index + 1].text) > 20):
                    break
                nxt = lines[index + size]
                first_break = len(line.text)
                joined = joined + " " * (nxt.start - lines[index + size - 1].end) + nxt.text
                spans = dates.find_date_ranges(joined, today)
                if any(r.start_char < first_break < r.end_char for r in spans):
                    joined_line = (Line(line.start, nxt.end, joined), size)
                    break
        if joined_line is None:
            out.append(line)
            index += 1
        else:
            out.append(joined_line[0])
            index += joined_line[1] + 1
    return out


# Words that name a school; a part that has one is the institution of an education entry.
_INSTITUTION = re.compile(
    r"universit|facult|liceu|colegiu|academ|scoala|school|college|institut|\base\b|grup scolar"
)
# "Nivel EQF 6", "Level in EQF": a qualification's level under its title, not more title.
_LEVEL_LINE = re.compile(r"(?:nivel\w*|level|eqf|isced|cec)$")
_CONNECTOR = re.compile(r"(?:\s(?:at|of|la|de|din|in|and|si|for|pentru)|[-–—|,&])$")
# Words that end a job title; a wrapped line starting with one continues the title.
_TITLE_HEADS = frozenset(
    "manager representative specialist officer assistant consultant agent executive director "  # noqa: SIM905
    "coordinator lead leader analyst supervisor operator reprezentant consilier".split()
)


def _continues(previous: str, line: Line, parts: int, full: bool) -> bool:
    # A narrow column wraps "Customer Service Manager at" / "Telekom Romania" and
    # "Sales" / "Representative — Coca-Cola HBC"; `full` says the previous line filled it.
    words = fold(line.text).split()
    if words[0] in ("at", "la", "@", "for", "pentru", "|", "—", "–") and len(words) <= 8:
        return True  # "Junior Accountant" / "at PwC Romania"
    if not _is_header_line(line):
        return False
    if _INSTITUTION.search(" ".join(words[:3])) or _LEVEL_LINE.match(words[0]):
        return False  # "Licență în economie" / "Universitatea de Vest, Timișoara": a new part
    if "," in line.text and fold(line.text.rsplit(",", 1)[1].strip(" .")) in _lexicons().countries:
        return False  # "Telekom Romania, Cluj-Napoca, Romania": the employer and its place
    if full and line.text[0].isupper():
        return True
    tail = fold(previous).split()[-1:] or [""]
    if words[0] in _TITLE_HEADS and tail[0] not in _TITLE_HEADS and not _CONNECTOR.search(tail[0]):
        return True
    if len(words) > 3:
        return False
    return bool(_CONNECTOR.search(fold(previous))) or (parts >= 2 and len(words) <= 2)


def _dates_entry(line: Line, when: dates.DateRange, *, headed: bool = False) -> bool:
    # "Configure Windows Server 2003-2008 ..." is no job: years inside a sentence are not
    # an entry's dates unless the line is as short as an entry heading.
    before = line.text[: when.start_char].strip(" |,;:-–—()[]•")
    after = line.text[when.end_char :].strip(" |,;:-–—()[].")
    if _NUMBERED.fullmatch(before + " "):
        # "2. 2018 - 2019 migration of the CRM" is an item; "1. 2015 - 2017 Sales Agent" an entry.
        return not after[:1].islower()
    if not before:
        return True
    if headed and not when.year_only and _heads_entry(before, line.text[when.start_char :]):
        # "Floor Worker (all round) , 06/2015 to 11/2016 Company Name City , State": months
        # after a short title open an entry, however long the line runs on.
        return True
    in_sentence = when.year_only and before[-1:].islower()
    if not after:
        # "... doubled the territory's revenue from 2004 to 2006.": years closing a sentence.
        return not (in_sentence and line.text[when.end_char :].strip() == ".")
    return len(line.text.split()) <= 14 and not in_sentence


# Words that put the dates after them inside a sentence: "grew sales from 01/2015 to 06/2016".
_BEFORE_DATES_IN_SENTENCE = frozenset(
    ["from", "since", "between", "during", "in", "until", "din", "intre", "pana", "de", "la"]
)


def _heads_entry(before: str, dated: str) -> bool:
    # `before` the dates, and the line from them on ("from 01/2017 to ..." reads as one range).
    words = fold(before, lower=True).split() + fold(dated, lower=True).split()[:1]
    return (
        len(words) <= 11
        and not _BEFORE_DATES_IN_SENTENCE.intersection(words[-2:])
        and _is_header_line(Line(0, len(before), before))
    )


def _blocks(lines: Sequence[Line], today: datetime.date, *, jobs: bool = False) -> list[_Block]:
    # `jobs`: a line opening with a single month ("January 2014 Company Name") is an entry too,
    # and so is a long line whose months follow a short title.
    lines = _join_wrapped_dates(lines, today)
    anchors: list[tuple[int, dates.DateRange]] = []
    for index, line in enumerate(lines):
        # "2. 2018 - 2019": the item's number is no month.
        numbered = _NUMBERED.match(line.text)
        text = " " * numbered.end() + line.text[numbered.end() :] if numbered else line.text
        found = [
            r for r in dates.find_date_ranges(text, today) if _dates_entry(line, r, headed=jobs)
        ]
        if not found and jobs and (single := dates.lone_month(line.text, today)):
            rest = line.text[single.end_char :].strip(" |,;:-–—")
            if not rest or _is_header_line(Line(0, len(rest), rest)):
                found = [single]  # not "September 2010 delivered the monthly reports"
        if found:
            anchors.append((index, found[0]))
    # "Account Manager" / "February 2013 to Current Company Name": a title alone above a
    # line that starts with the dates and names the employer belongs to that entry.
    titles_above = {
        index - 1
        for k, (index, when) in enumerate(anchors)
        if index > (anchors[k - 1][0] + 1 if k else 0)
        and _title_above(lines[index - 1], lines[index], when)
    }
    blocks: list[_Block] = []
    width = max((len(line.text) for line in lines), default=0)
    for k, (index, when) in enumerate(anchors):
        line = lines[index]
        limit = anchors[k + 1][0] if k + 1 < len(anchors) else len(lines)
        floor = anchors[k - 1][0] + 1 if k else 0
        texts = [line.text[: when.start_char], line.text[when.end_char :]]
        labelled = _lexicons().entry_fields.get(heading_key(texts[0])) == "period"
        if labelled:
            texts[0] = ""  # "Perioada 2019 - prezent"
        if _NUMBERED.fullmatch(texts[0].strip() + " "):
            texts[0] = ""  # "1. 2015 - 2017 Sales Agent, Altex"
        texts = ["" if _is_location(t) else _without_place(t) for t in texts]
        header: list[Line] = [line]
        if index - 1 in titles_above:
            header.insert(0, lines[index - 1])
            texts.insert(0, lines[index - 1].text)
        elif not labelled and _names_above(lines, index, floor, limit, texts):
            # "Company Name - Sales Associate" / "City , State 02/2020 - Current" / a duty:
            # the entry is named above its dates.
            header.insert(0, lines[index - 1])
            texts = [lines[index - 1].text]
            limit = index + 1
        cursor = index + 1
        while cursor < min(limit, index + 4) and cursor not in titles_above:
            nxt = lines[cursor]
            count = len(_split_parts("  |  ".join(texts)))
            # A full previous line (with more than dates on it) was wrapped.
            full = len(header[-1].text) >= 0.8 * width and (
                header[-1] is not line or bool(_split_parts(texts[-1]))
            )
            if _continues(texts[-1], nxt, count, full):
                texts[-1] = texts[-1] + " " + nxt.text
            elif count < 2 and cursor < index + 3 and _is_header_line(nxt):
                # Europass puts title and employer on lines of their own under the dates.
                texts.append(nxt.text)
            else:
                break
            header.append(nxt)
            cursor += 1
        if len(header) == 1 and not _split_parts("  |  ".join(texts)):
            # Dates alone: the job is named on the line after, before its place, or above.
            head = _head_before_place(lines[index + 1]) if index + 1 < limit else None
            if head is not None:
                header.append(head)
                texts.append(head.text)
            else:
                # "Title" / "Company Name" / "City , State" / dates: a place line between
                # them does not push the title out of reach.
                first = max(floor, index - 2)
                if first > floor and any(_is_location(lines[i].text) for i in range(first, index)):
                    first -= 1
                above = [lines[i] for i in range(first, index)]
                # Not the previous entry's title and employer, written under its own dates.
                taken = {h.start for h in blocks[-1].header} if blocks else set()
                above = [a for a in above if _is_header_line(a) and a.start not in taken]
                header = above + header
                texts = [a.text for a in above] + texts
        parts = _split_parts("  |  ".join(_without_place(t) for t in texts))
        used = {h.start for h in header}
        body = tuple(x for x in lines[index + 1 : limit] if x.start not in used)
        blocks.append(_Block(when, tuple(header), tuple(parts), body))
    return blocks


def _head_before_place(line: Line) -> Line | None:
    # "Sales Coordinator Company Name City , State Able to operate the forklift.": a wide
    # layout runs the duties on after the entry's place; what comes before it names the job.
    found = _places().search(line.text)
    if found is None or _is_header_line(line):
        return None
    text = line.text[: found.start()].rstrip(" |,;:-–—")
    head = Line(line.start, line.start + len(text), text)
    return head if text and len(text.split()) <= 8 and _is_header_line(head) else None


def _names_above(
    lines: Sequence[Line], index: int, floor: int, limit: int, texts: Sequence[str]
) -> bool:
    # The line above must not be the previous entry's own header (right under its dates).
    if index - 1 < floor or (floor and index - 1 == floor) or _split_parts("  |  ".join(texts)):
        return False
    above = lines[index - 1]
    below = lines[index + 1].text if index + 1 < limit else ""
    if index + 1 < limit and _is_header_line(lines[index + 1]) and len(_split_parts(below)) > 1:
        return False  # "Mentor — asociație pentru tineri": named below its dates
    employer = _lexicons().employer
    parts = _split_parts(above.text)
    return (
        _is_header_line(above)
        and len(parts) >= 2
        and any(_title_score(p) > 0 for p in parts)  # a title beside the employer
        and _title_score(below) <= 0
        and not _score(below, employer)
    )


def _title_above(above: Line, line: Line, when: dates.DateRange) -> bool:
    rest = _split_parts(_without_place(line.text[when.end_char :]))
    employer = _lexicons().employer
    # A title the lexicon does not know ("Webmaster") counts when short and the dates name
    # an employer after them.
    named = _title_score(above.text) > 0 or (
        len(above.text.split()) <= 5 and any(_score(p, employer) > 0 for p in rest)
    )
    return (
        not line.text[: when.start_char].strip(" |,;:-–—()[]•")
        and bool(rest)
        and _is_header_line(above)
        and named
        and not dates.find_date_ranges(above.text, dates.ANY_DOC_DATE)
        and not any(_title_score(p) > 0 for p in rest)
    )


def _entry_fields(block: _Block) -> dict[str, Line]:
    # "Funcția sau postul ocupat: Manager de cont", or the label with its value below.
    labels = _lexicons().entry_fields
    lines = sorted({*block.header, *block.body}, key=lambda x: x.start)
    found: dict[str, Line] = {}
    index = 0
    while index < len(lines):
        field = label_value(lines[index], labels)
        taken = 1
        if field is None:
            wrapped = _wrapped_label(lines, index, labels)
            if wrapped is None:
                index += 1
                continue
            field, taken = (wrapped[0], None), wrapped[1]
        role, value = field
        after = index + taken
        if value is None and after < len(lines) and not label_value(lines[after], labels):
            value = lines[after]
        if value is not None:
            found.setdefault(role, value)
        index = after
    return found


def _wrapped_label(
    lines: Sequence[Line], index: int, labels: dict[str, str]
) -> tuple[str, int] | None:
    # A narrow label column wraps "Numele și adresa" / "angajatorului": the label is whole
    # only over two or three lines, its value on the line after them.
    text = lines[index].text
    for size in (2, 3):
        if index + size > len(lines) or len(lines[index + size - 1].text) > 40:
            return None
        text += " " + lines[index + size - 1].text
        role = labels.get(heading_key(text))
        if role is not None:
            return role, size
    return None


def _score(part: str, words: frozenset[str]) -> int:
    # A compound counts when it or one of its parts is a word: "Manager-Business", "Co-Founder".
    return sum(
        w in words or ("-" in w and any(p in words for p in w.split("-")))
        for w in _WORD.findall(fold(part))
    )


def _title_score(part: str) -> int:
    lex = _lexicons()
    return _score(part, lex.title) - _score(part, lex.employer)


# A rank alone before a comma: "Director, Business Development", "Manager, Inside Sales".
_RANKS = frozenset(
    [
        "director",
        "manager",
        "head",
        "lead",
        "vice",
        "president",
        "vp",
        "svp",  # senior, executive and assistant vice president
        "evp",
        "avp",
        "chief",
        "senior",
        "junior",
        "assistant",
        "associate",
        "deputy",
        "regional",
        "area",
        "national",
        "global",
        "executive",
        "partner",
        "supervisor",
    ]
)


def _rank_and_function(parts: Sequence[str]) -> list[str]:
    # "Director, Business Development": one title, the comma between the rank and the field
    # of work, not a title and an employer. The field names an occupation, not an employer.
    # Wherever the pair stands: "Company Name ... SVP, Regional Sales Director".
    for i in range(len(parts) - 1):
        if set(fold(parts[i], lower=True).split()) <= _RANKS and _names_work(parts[i + 1]):
            return [*parts[:i], f"{parts[i]}, {parts[i + 1]}", *parts[i + 2 :]]
    return list(parts)


def _names_work(part: str) -> bool:
    # After a rank and a comma: an occupation named with no employer word ("Business
    # Development"), or as many title words as employer words ("Group Account Manager"); not an
    # employer ("Manager, Orange Romania", "Director, Raiffeisen Bank").
    lex = _lexicons()
    employer = _score(part, lex.employer)
    title = _score(part, lex.title)
    if employer:
        return title >= employer
    return title > 0 or bool(classify_title(part))


def _title_and_employer(parts: Sequence[str]) -> tuple[str | None, str | None]:
    lex = _lexicons()
    title_words = lex.title
    employer_words = lex.employer
    score = _score

    parts = _rank_and_function(parts)
    candidates = list(parts[:3])
    if not candidates:
        return None, None
    if len(candidates) == 1:
        candidates = _title_then_employer(candidates[0])
        parts = candidates
        if len(candidates) == 1 and _title_score(candidates[0]) < 0:
            return None, candidates[0]  # "Company Name" alone: an employer, no title
    # A part with title words before one without; then one that is not an employer by its
    # words ("Company Name", "Banca Transilvania SA") before one that is; then the first.
    title = max(
        candidates,
        key=lambda p: (
            (lead := score(p, title_words) - score(p, employer_words)) > 0,
            lead >= 0,
            -parts.index(p),
        ),
    )
    others = [p for p in candidates if p is not title]
    if not others:
        return title, None
    employer = max(others, key=lambda p: (score(p, employer_words) > 0, -parts.index(p)))
    return title, employer


def _title_then_employer(part: str) -> list[str]:
    # "Business Banking Specialist Company Name City", "Account Manager Orange Romania": no
    # separator, so cut after the last title word when what follows names an employer.
    lex = _lexicons()
    words = part.split()
    heads = [i for i, w in enumerate(words) if _score(w, lex.title) > 0]
    if not heads or heads[-1] + 1 >= len(words):
        return [part]
    cut = heads[-1] + 1
    while cut < len(words) and _TITLE_TAIL.fullmatch(words[cut]):
        cut += 1  # "Sales Representative 2", "Engineer II"
    while cut < len(words) and words[cut][:1].islower():
        cut += 1  # the field after the noun, Romanian style: "Antrenor (de) fitness"
    rest = " ".join(words[cut:])
    if not rest[:1].isupper() or not _score(rest, lex.employer) or _score(rest, lex.title):
        return [part]
    return [" ".join(words[:cut]), rest]


_TITLE_TAIL = re.compile(r"\d|[IVX]{1,4}|Sr\.?|Jr\.?")


def _experience(sections: Sequence[Section], today: datetime.date, pages: _Pages) -> Experience:
    chosen = [s for s in sections if s.kind == "experience"]
    if not chosen:
        # No experience heading was read (a reader glued it to another column's line):
        # take dated entries from anywhere but education and the extras.
        chosen = [s for s in sections if s.kind in ("header", "summary", "skills", "personal")]
    positions = _positions(chosen, today, pages)
    volunteering = _positions([s for s in sections if s.kind == "volunteering"], today, pages)
    return _months(positions, volunteering, today)


def _months(
    positions: Sequence[Position], volunteering: Sequence[Position], today: datetime.date
) -> Experience:
    # Months up to the document's date: a future end date is kept as written, not counted.
    until = (today.year, today.month)
    spans = [(_month(p.start), _month(p.end)) for p in positions]
    return Experience(
        total_months=dates.total_months(spans, until),
        sales_months=dates.total_months(
            (s for s, p in zip(spans, positions, strict=True) if p.sales), until
        ),
        positions=tuple(positions),
        volunteer_months=dates.total_months(
            ((_month(p.start), _month(p.end)) for p in volunteering), until
        ),
        volunteering=tuple(volunteering),
    )


def _is_sales(title: str | None, description: str) -> bool:
    # The title decides; a description needs two kinds of commercial work.
    lex = _lexicons()
    return bool(title and lex.sales_re.search(fold(title))) or (
        len({re.sub(r"\s+", " ", w) for w in lex.sales_work_re.findall(fold(description))}) >= 2
    )


def _positions(sections: Sequence[Section], today: datetime.date, pages: _Pages) -> list[Position]:
    positions = []
    for section in sections:
        for block in _blocks(section.lines, today, jobs=True):
            title, employer = _title_and_employer(block.parts)
            evidence = [pages.line(h) for h in block.header]
            fields = _entry_fields(block)
            if "title" in fields or "employer" in fields:
                title = fields["title"].text if "title" in fields else None
                employer = (
                    _split_parts(fields["employer"].text)[0] if "employer" in fields else None
                )
                evidence += [pages.line(fields[k]) for k in ("title", "employer") if k in fields]
            sales = _is_sales(title, " ".join(line.text for line in block.body))
            positions.append(
                Position(
                    title,
                    employer,
                    dates.month_str(block.when.start),
                    dates.month_str(block.when.end),
                    block.when.current,
                    sales,
                    tuple(sorted(set(evidence), key=lambda e: e.start)),
                )
            )
    return positions


def _month(value: str | None) -> tuple[int, int]:
    assert value is not None
    year, month = value.split("-")
    return int(year), int(month)


_LOWER = {
    "doctorate": "master",
    "master": "bachelor",
    "bachelor": "secondary",
    "post_secondary": "secondary",
    "secondary": "none",
}


def _levels(text: str) -> list[str]:
    levels = _lexicons().education
    folded, cased = fold(text), fold(text, lower=False)
    return [
        lvl for lvl, (lower, upper) in levels.items() if lower.search(folded) or upper.search(cased)
    ]


def _level_of(text: str) -> tuple[str | None, bool]:
    # The level an entry names (a degree word, else the kind of school) and whether its
    # words say it is still under way ("student", "în curs"). Courses taken at a school
    # ("General courses: Cluj College") name no degree: the school's level is not claimed.
    found = _levels(text)
    ranked = [lvl for lvl in EDUCATION_LEVELS if lvl in found]
    if not ranked and "courses" not in found:
        ranked = [lvl for lvl in EDUCATION_LEVELS if "school:" + lvl in found]
    return (ranked[-1] if ranked else None), "incomplete" in found


def _education_entry(
    lines: Sequence[Line],
    parts: Sequence[str],
    when: dates.DateRange | None,
    today: datetime.date,
    pages: _Pages,
) -> EducationEntry:
    level, studying = _level_of(" ".join(line.text for line in lines))
    in_progress = studying or bool(when and (when.current or when.end > (today.year, today.month)))
    institution = next((p for p in parts if _INSTITUTION.search(fold(p))), None)
    degree = next((p for p in parts if p is not institution and _levels(p)), None)
    if degree is None:
        degree = next((p for p in parts if p is not institution), None)
    return EducationEntry(
        degree,
        institution,
        dates.month_str(when.start) if when else None,
        dates.month_str(when.end) if when and not when.current else None,
        level,
        tuple(pages.line(line) for line in lines),
        in_progress,
    )


def _education(sections: Sequence[Section], today: datetime.date, pages: _Pages) -> Education:
    entries: list[EducationEntry] = []
    present = False
    for section in sections:
        if section.kind != "education":
            continue
        present = True
        blocks = _blocks(section.lines, today)
        if blocks:
            for block in blocks:
                lines = list(block.header) + [x for x in block.body[:3] if _is_header_line(x)]
                parts = list(block.parts)
                fields = _entry_fields(block)
                named = [fields[k] for k in ("degree", "institution") if k in fields]
                if named:
                    # Old Europass names them: "Calificarea / diploma obținută", "Numele și
                    # tipul instituției de învățământ".
                    lines = [block.header[0], *named]
                    parts = [x.text for x in named]
                entries.append(_education_entry(lines, parts, block.when, today, pages))
        else:
            for line in section.lines:
                if _levels(line.text):
                    # "B.A : Business Administration 2018 Kaplan University": the year
                    # parts the degree from the school.
                    parts = _split_parts(_YEAR_MENTION.sub(" | ", line.text))
                    entries.append(_education_entry([line], parts, None, today, pages))
    if not present:
        return Education()
    merged: list[EducationEntry] = []
    for entry in entries:
        if (
            merged
            and entry.level is None
            and entry.in_progress
            and entry.institution is None
            and entry.start is None
        ):
            # "MBA : Management, Davenport University" / "Currently enrolled": the line says
            # the entry above is under way; it is no entry of its own.
            merged[-1] = replace(merged[-1], in_progress=True)
            continue
        merged.append(entry)
    return _summarise_education(merged)


def _summarise_education(entries: Sequence[EducationEntry]) -> Education:
    rank = EDUCATION_LEVELS.index
    named = [e for e in entries if e.level not in (None, "none")]
    # Studying for a degree means holding the level below it (a bachelor's student has
    # passed the baccalaureate); a master's student with a bachelor's holds the bachelor's.
    reached = [_LOWER[e.level] if e.in_progress else e.level for e in named if e.level]
    highest = max(reached, key=rank) if reached else None
    studying = [
        e.level
        for e in named
        if e.in_progress and e.level and (highest is None or rank(e.level) > rank(highest))
    ]
    in_progress = max(studying, key=rank) if studying else None
    return Education(highest, in_progress is not None, tuple(entries), in_progress)


# --- Europass "PDF + XML" ----------------------------------------------------------------


def _europass_experience(
    cv: europass.EuropassCv, text_based: Experience, today: datetime.date
) -> Experience:
    positions = []
    for job in cv.jobs:
        span = europass.period_range(job.period, today)
        if span is None:
            continue
        positions.append(
            Position(
                job.title,
                job.employer,
                dates.month_str(span[0]),
                dates.month_str(span[1]),
                job.period.current,
                _is_sales(job.title, job.activities),
                job.evidence,
            )
        )
    return _months(positions, text_based.volunteering, today)


def _europass_education(cv: europass.EuropassCv, today: datetime.date) -> Education:
    entries = []
    for study in cv.studies:
        named, studying = _level_of(" ".join(x for x in (study.title, study.organisation) if x))
        span = europass.period_range(study.period, today)
        in_progress = studying or study.period.current
        if span is not None and not study.period.current:
            in_progress = in_progress or span[1] > (today.year, today.month)
        entries.append(
            EducationEntry(
                study.title,
                study.organisation,
                dates.month_str(span[0]) if span else None,
                dates.month_str(span[1]) if span and not study.period.current else None,
                study.level or named,  # the EQF level the editor asked for wins
                study.evidence,
                in_progress,
            )
        )
    return _summarise_education(entries)


def _europass_languages(cv: europass.EuropassCv) -> tuple[LanguageSkill, ...]:
    lex = _lexicons()
    found: dict[str, LanguageSkill] = {}
    for lang in cv.languages:
        code = lang.code
        if code is None:
            named = lex.langs_re.search(fold(lang.label))
            code = lex.langs[re.sub(r"\s+", " ", named.group())] if named else None
        if code is None or len(code) != 2:
            continue  # no ISO 639-1 code: Ancient Greek is "grc", not "el"
        if code in found:
            continue
        level = "C2" if lang.mother_tongue else cefr_by_rule(lang.skill_levels.values())
        found[code] = LanguageSkill(code, level, lang.evidence, dict(lang.skill_levels))
    return tuple(found.values())


# --- languages ---------------------------------------------------------------------------

_LANGUAGE_KINDS = ("languages", "mother_tongue")
_NATIVE = re.compile(r"matern|mother|native|nativ")
_LEGEND = re.compile(r"niveluri|levels|cadrul european|common european|utilizator elementar")


def _level(segment: str) -> str | None:
    codes = CEFR_CODE.findall(segment)
    if codes:
        # Europass grid: the overall level is the median of the five skills.
        return cefr_by_rule(codes)
    lex = _lexicons()
    words = lex.cefr_re
    table = lex.cefr
    found = words.search(fold(segment))
    if found:
        return table[re.sub(r"\s+", " ", found.group())]
    return None


_LISTED = re.compile(r"[\s,&/()]*(?:and|si|sau|or)?[\s,&/()]*")
# Where the words of one language end and the next one's begin: "Native English speaker;
# conversational Italian", "limba maternă română, engleză avansat".
_BETWEEN = re.compile(r"[;,|•&]|\s(?:and|si|sau|or)\s")


def _cut(part: str) -> tuple[str, str]:
    """Split `part` at its last separator: what is said of the language before it, and
    of the language after it."""
    found = list(_BETWEEN.finditer(part))
    if not found:
        return part, ""
    return part[: found[-1].start()], part[found[-1].end() :]


def _languages(sections: Sequence[Section], pages: _Pages) -> tuple[LanguageSkill, ...]:
    lex = _lexicons()
    names = lex.langs_re
    codes = lex.langs
    found: dict[str, LanguageSkill] = {}
    for section in sections:
        in_section = section.kind in _LANGUAGE_KINDS
        lines = section.lines
        for index, line in enumerate(lines):
            folded = fold(line.text)
            if _LEGEND.search(folded):
                continue
            mentions = list(names.finditer(folded))
            # "Fluent in English and Spanish", "Bilingual (Bangla & English)": a level word
            # leading the line holds for the languages it lists.
            lead = folded[: mentions[0].start()] if mentions else ""
            lead_level = _level(lead) if len(lead.split()) <= 4 else None
            for k, mention in enumerate(mentions):
                end = mentions[k + 1].start() if k + 1 < len(mentions) else len(line.text)
                before = folded[mentions[k - 1].end() if k else 0 : mention.start()]
                segment = line.text[mention.end() : end]
                # A level word after a separator is the next language's ("...; fluent in X").
                level = _level(_cut(segment)[0] if k + 1 < len(mentions) else segment)
                if level is None and lead_level and (k == 0 or _LISTED.fullmatch(before)):
                    level = lead_level
                if k:
                    before = _cut(before)[1]  # what the language before it left
                    if level is None and len(before.split()) <= 4:
                        level = _level(before)
                if level is None and in_section and k == len(mentions) - 1:
                    nxt = lines[index + 1].text if index + 1 < len(lines) else ""
                    if (
                        CEFR_CODE.search(nxt)
                        and not names.search(fold(nxt))
                        and not _LEGEND.search(fold(nxt))
                    ):
                        level = _level(nxt)
                if level is None and (section.kind == "mother_tongue" or _NATIVE.search(before)):
                    level = "C2"
                if not in_section and (level is None or len(segment.split()) > 6):
                    continue  # outside a languages section a language needs a level beside it
                code = codes[re.sub(r"\s+", " ", mention.group())]
                if code in found and (found[code].level or level is None):
                    continue
                ev = pages.evidence(line.start + mention.start(), line.start + end)
                found[code] = LanguageSkill(code, level, (ev,))
    return tuple(sorted(found.values(), key=lambda x: x.evidence[0].start))


def _grid_levels(
    languages: tuple[LanguageSkill, ...], spans: Sequence[WordSpan], pages: _Pages
) -> tuple[LanguageSkill, ...]:
    grid = read_grid(pages.text, spans, [lang.evidence[0].start for lang in languages])
    out = []
    for lang in languages:
        row = grid.get(lang.evidence[0].start)
        if row is None:
            out.append(lang)
            continue
        line = lang.evidence[0]
        # The evidence is the grid row: the language's line, and levels read from elsewhere
        # (a column the reader put after the next section).
        cells = [pages.evidence(a, b) for a, b in row.cells if not line.start <= a < line.end]
        level = cefr_by_rule(row.levels.values())
        out.append(replace(lang, level=level, evidence=(line, *cells), skill_levels=row.levels))
    return tuple(out)


# --- driving licence and car -----------------------------------------------------------

# "B A team player": a category is never followed by an ordinary lowercase word.
_CATEGORY = (
    r"(?:AM|A1|A2|BE|B1|B|C1E|C1|CE|C|D1E|D1|DE|D|Tr|Tb|Tv|A)(?![\w])"
    r"(?!\s+(?!(?:si|and|și)\s)[a-zăâîșț])"
)
_CATEGORIES = re.compile(
    r"\s*(?:[:–—-]\s*)?(?:(?i:categoriile|categoria|categ\.?|cat\.?|categories|category|class)"
    rf"\s*[:.]?\s*)?(?P<cats>{_CATEGORY}(?:\s*(?:,|/|;|\+|\s(?i:si|and)\s|\s)\s*{_CATEGORY})*)"
)


def _negated(folded: str, start: int) -> bool:
    negation = _lexicons().negation_re
    line_start = folded.rfind("\n", 0, start) + 1
    return bool(negation.search(folded[max(line_start, start - 15) : start]))


def _licence(text: str, pages: _Pages) -> tuple[tuple[str, ...], tuple[Evidence, ...]]:
    phrase = _lexicons().licence_re
    folded, cased = fold(text), fold(text, lower=False)
    categories: list[str] = []
    evidence = []
    for found in phrase.finditer(folded):
        if _negated(folded, found.start()):
            continue
        cats = _CATEGORIES.match(cased, found.end())
        if cats is None:
            continue
        for cat in re.findall(_CATEGORY, cats["cats"]):
            if cat not in categories:
                categories.append(cat)
        evidence.append(pages.evidence(found.start(), cats.end()))
    return tuple(categories), tuple(evidence)


def _own_car(text: str, pages: _Pages) -> tuple[bool, tuple[Evidence, ...]]:
    phrase = _lexicons().car_re
    folded = fold(text)
    evidence = tuple(
        pages.evidence(f.start(), f.end())
        for f in phrase.finditer(folded)
        if not _negated(folded, f.start())
    )
    return bool(evidence), evidence
