"""Split CV text into lines and sections by their headings (both languages, Europass too)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from recruit.core.nlp import LANGUAGES, load_jsonl
from recruit.core.text import fold

# Europass writes "Limba(i) maternă(e)" and "Mother tongue(s)": drop the plural marks.
_PLURAL_MARK = re.compile(r"\((?:i|e|s|ii|uri)\)")
_NON_LETTERS = re.compile(r"[^a-z]+")
# Bullets and numbering before a heading ("1. Experience", "■ STUDII").
_LEAD = re.compile(r"^[\W\d_]+")


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str  # stripped


@dataclass(frozen=True)
class Section:
    kind: str  # personal, summary, desired, experience, volunteering, education, skills,
    # languages, mother_tongue, licence, other; "header" for the lines before the first heading
    heading: Line | None
    lines: tuple[Line, ...]  # the body; for an inline field, its value on the heading line

    @property
    def start(self) -> int:
        """Return where the section starts (its heading, or first line)."""
        first = self.heading or (self.lines[0] if self.lines else None)
        return first.start if first else 0

    @property
    def end(self) -> int:
        """Return where the section ends (its last line, or its heading)."""
        last = self.lines[-1] if self.lines else self.heading
        return last.end if last else 0


def heading_key(text: str) -> str:
    """Return the comparable form of a heading: folded letters separated by single spaces."""
    return _NON_LETTERS.sub(" ", _PLURAL_MARK.sub("", fold(text))).strip()


@cache
def _headings() -> tuple[dict[str, str], dict[str, str]]:
    headings: dict[str, str] = {}
    fields: dict[str, str] = {}
    for language in LANGUAGES:
        for row in load_jsonl("patterns", language, "sections.jsonl"):
            target = fields if row["label"] == "FIELD" else headings
            target.setdefault(heading_key(row["pattern"]), row["id"])
    return headings, fields


# Text extractors glue a capitalised heading to the line before it ("Own car EMPLOYMENT
# HISTORY", "Bacalaureat APTITUDINI"): an all-caps tail that is a heading is a line of its own.
_CAPS_TAIL = re.compile(r"\s((?:[A-ZĂÂÎȘȚŞŢ(][A-ZĂÂÎȘȚŞŢ()/&,-]*\s*){1,6})$")


def _heading_tail(line: str, headings: dict[str, str]) -> int:
    # Where a glued heading starts ("B, BE EXPERIENTA PROFESIONALA" -> at "EXPERIENTA"), or 0.
    tail = _CAPS_TAIL.search(line)
    if tail is None or heading_key(line) in headings:
        return 0  # no capitals at the end, or the whole line is one heading
    for word in re.finditer(r"\S+", line[tail.start(1) :]):
        at = tail.start(1) + word.start()
        if at and heading_key(line[at:]) in headings:
            return at
    return 0


def split_lines(text: str) -> list[Line]:
    """Return the non-blank lines of `text` with their offsets."""
    lines = []
    offset = 0
    headings, _ = _headings()
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = offset + raw.index(stripped[0])
            cut = _heading_tail(stripped, headings)
            if cut:
                head = stripped[:cut].rstrip()
                lines.append(Line(start, start + len(head), head))
                start, stripped = start + cut, stripped[cut:]
            lines.append(Line(start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return lines


def classify_heading(line: Line) -> tuple[str, Line | None] | None:
    """Return (kind, inline value) when `line` is a heading, else None."""
    headings, fields = _headings()
    text = _LEAD.sub("", line.text)
    if len(text) > 80 or text[:1].islower():
        return None  # headings start with a capital: "Listening" / "skills" is a wrapped item
    key = heading_key(text.rstrip(":"))
    if key in headings:
        return headings[key], None
    # A field label followed by its value: "Permis de conducere: B", "Limba maternă română".
    words = key.split()
    for size in range(min(len(words), 6), 0, -1):
        kind = fields.get(" ".join(words[:size]))
        if kind is None:
            continue
        value = _value_after(line, size)
        if value is not None:
            return kind, value
    # "Skills: Excel, CRM" and the like: any heading followed by a colon and a value.
    head, colon, rest = text.partition(":")
    if colon and rest.strip() and heading_key(head) in headings:
        value_start = line.end - len(rest.lstrip())
        return headings[heading_key(head)], Line(value_start, line.end, rest.strip())
    return None


def _value_after(line: Line, words: int) -> Line | None:
    # Skip `words` label words (and the punctuation between them) to find the value.
    pattern = re.compile(r"^[\W\d_]*" + r"[^\W\d_]+(?:\(\w+\))?[\W_]*?" * words + r"[\s:–—-]+")
    found = pattern.match(fold(line.text))
    if found is None:
        return None
    value = line.text[found.end() :].strip()
    if not value:
        return None
    start = line.start + line.text.index(value, found.end())
    return Line(start, start + len(value), value)


def label_value(line: Line, labels: Mapping[str, str]) -> tuple[str, Line | None] | None:
    """Return (id, value) when `line` starts with a label of `labels` (heading keys).

    The value is None when the label stands alone (its value is on the next line). A
    one-word label needs its colon ("Employer: X"), so "Employer relations" is no label.
    """
    words = heading_key(line.text).split()
    for size in range(min(len(words), 12), 0, -1):
        kind = labels.get(" ".join(words[:size]))
        if kind is None:
            continue
        if size == len(words):
            return kind, None
        value = _value_after(line, size)
        if value is None:
            continue
        if size == 1 and ":" not in line.text[: value.start - line.start]:
            continue
        return kind, value
    return None


_DANGLING = re.compile(r"(?:\s(?:and|or|of|și|şi|si|sau|de|din|în|in)|[/&,])$", re.IGNORECASE)


def find_sections(text: str) -> list[Section]:
    """Split `text` into sections; lines before the first heading form the "header"."""
    sections: list[Section] = []
    kind, heading, body = "header", None, []
    previous = ""
    for line in split_lines(text):
        # "providing education and" / "training": a label wrapped in a narrow column; a line
        # after a dangling connector continues it, whatever it looks like.
        found = None if _DANGLING.search(previous) else classify_heading(line)
        previous = line.text
        if found is None:
            body.append(line)
            continue
        new_kind, value = found
        if value is not None and new_kind in ("licence", "mother_tongue", "desired", "personal"):
            # A one-line field inside another section: record it, then carry on.
            sections.append(Section(new_kind, line, (value,)))
            continue
        if body or heading is not None:
            sections.append(Section(kind, heading, tuple(body)))
        kind, heading, body = new_kind, line, [value] if value is not None else []
    sections.append(Section(kind, heading, tuple(body)))
    return [s for s in sections if s.heading is not None or s.lines]
