"""The Europass language grid read by geometry: which CEFR level sits under which skill.

Text order cannot say it: a reader gives the grid cell by cell, column by column, or puts its
last column after the next section (2020 editor). The word boxes can: a level belongs to the
language on its row and to the skill heading above its column.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from recruit.core.nlp import load_jsonl
from recruit.core.profile import CEFR_CODE
from recruit.core.reading.result import Box, Span, word_boxes
from recruit.core.text import fold

# Skill headings sit right above the grid: a "Reading" further up the page is a hobby.
_HEADING_REACH = 60.0  # points above the first language row
# Levels of one language sit on its row, or on the lines under it until the next language
# (one-per-line layouts: "LISTENING B2 READING B2").
_ROW_REACH = 40.0
_MIN_SKILLS = 3  # distinct skill headings that make a grid


@dataclass(frozen=True)
class GridRow:
    levels: dict[str, str] = field(default_factory=dict, hash=False)  # skill -> "B2"
    cells: tuple[tuple[int, int], ...] = ()  # text offsets of the levels read


@cache
def _skill_words() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {fold(r["pattern"]): r["id"] for r in load_jsonl("patterns", "cefr_grid.jsonl")}
    body = "|".join(re.escape(w) for w in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)"), table


def read_grid(text: str, spans: Sequence[Span], rows: Sequence[int]) -> dict[int, GridRow]:
    """Return the grid levels of each language named at a text offset of `rows`.

    Languages the grid does not cover (no skill headings above them) are left out.
    """
    if not spans or not rows:
        return {}
    names = {at: _box(spans, at) for at in rows}
    pattern, table = _skill_words()
    headings = [
        (table[m.group()], cell, word)
        for m in pattern.finditer(fold(text))
        if (cell := _cell(spans, m.start())) is not None
        and (word := _box(spans, m.start())) is not None
    ]
    levels = [
        (m.start(), m.end(), m.group(), box)
        for m in CEFR_CODE.finditer(text)
        for box in word_boxes(spans, m.start(), m.end())[:1]
    ]
    found: dict[int, GridRow] = {}
    for at, name in names.items():
        if name is None:
            continue
        below = [
            b for p, b in names.items() if b and p != at and b[0] == name[0] and b[2] > name[2] + 1
        ]
        bottom = min([b[2] - 1 for b in below] + [name[4] + _ROW_REACH])
        above = [
            heading
            for heading in headings
            if heading[1][0] == name[0] and name[2] - _HEADING_REACH <= heading[1][2] < bottom
        ]
        if len({skill for skill, _, _ in above}) < _MIN_SKILLS:
            continue
        row: dict[str, str] = {}
        cells = []
        for start, end, level, box in levels:
            if box[0] != name[0] or not name[2] - 2 <= box[2] < bottom or box[1] < name[1] - 5:
                continue
            skill = _skill_of(box, above)
            if skill is not None and skill not in row:
                row[skill] = level
                cells.append((start, end))
        if row:
            found[at] = GridRow(row, tuple(cells))
    return found


def _cell(spans: Sequence[Span], at: int) -> Box | None:
    # The heading's whole cell on its line: "Spoken interaction" is centred on its column,
    # the word "interaction" alone is not. Words of a cell are closer than columns are.
    i = bisect.bisect_right(spans, (at, 1 << 62)) - 1
    if i < 0 or not spans[i][0] <= at < spans[i][1]:
        return None
    first = last = i
    height = spans[i][6] - spans[i][4]

    def near(a: Span, b: Span) -> bool:
        return a[2] == b[2] and abs(a[4] - b[4]) < height / 2 and 0 <= b[3] - a[5] < height

    while first > 0 and near(spans[first - 1], spans[first]):
        first -= 1
    while last + 1 < len(spans) and near(spans[last], spans[last + 1]):
        last += 1
    page, _, top, _, bottom = spans[i][2:7]
    return (page, spans[first][3], top, spans[last][5], bottom)


def _box(spans: Sequence[Span], at: int) -> Box | None:
    boxes = word_boxes(spans, at, at + 1)
    return boxes[0] if boxes else None


def _skill_of(cell: Box, headings: Sequence[tuple[str, Box, Box]]) -> str | None:
    # Each heading: (skill, its cell on its line, the word that names the skill).
    height = cell[4] - cell[2]
    # "LISTENING B2 READING B2": the heading just left of the level on its line.
    inline = [
        (cell[1] - box[3], skill)
        for skill, box, _ in headings
        if abs(box[2] - cell[2]) < height / 2 and 0 <= cell[1] - box[3] < 3 * height
    ]
    if inline:
        return min(inline)[1]
    # A grid: the nearest heading above whose column holds the level's centre; between two
    # cells that touch ("Spoken production Spoken interaction"), the nearer naming word.
    centre = (cell[1] + cell[3]) / 2
    column = [
        (round(cell[2] - box[2]), abs(centre - (word[1] + word[3]) / 2), skill)
        for skill, box, word in headings
        if box[2] < cell[2] - height / 2 and box[1] - 2 <= centre <= box[3] + 2
    ]
    return min(column)[2] if column else None
