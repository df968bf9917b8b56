"""Reading order from positioned words: columns, sidebars, label columns, running lines.

Coordinates are PDF points with `top`/`bottom` measured from the top of the page. The input
order of characters (the file's text flow) is used only to glue characters into words;
the order of lines comes from geometry, so files written row by row across their columns
read the same as files written column by column.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from recruit.core.normalise import ACCENT_CHARS, attach_accent

# Tolerances are in ems of the text's own size unless named in points.
_SAME_LINE = 0.3  # baseline drift within a line (mixed fonts, kerning)
_CHAR_GAP = 0.18  # a wider gap between glyphs with no space char is a word break
# Between two runs of glyphs (text operators) the break comes sooner: a word split over runs
# (a formatting change) continues where its first part ends, while design tools that draw
# each word as a run of its own leave only the space's width between them, less when the
# next run's size differs by a per cent or two (0.14 em seen between re-drawn words).
_RUN_GAP = 0.1
_SEG_GAP = 0.8  # a wider gap between words on a row separates two columns
_STRETCH = 1.6  # ...unless its neighbours are as wide: a justified line's gaps widen evenly
_GUTTER_GAP = 0.35  # a gap this wide ending where a column starts is a gutter (Canva: 4 pt)
_EDGE_ROWS = 3  # rows whose words start at one x, after a gap, to make it a column's edge
_GUTTER_PT = 3.0  # a left-column line must end this far before the right column starts
_ALIGN_PT = 1.5  # column starts aligned within this
_NARROW = 0.45  # a side narrower than this share of both is a label/date column
_ALIGNED = 0.15  # baselines of one table row agree within this
_MAX_SEGMENTS = 1200  # lines per page beyond which we skip the column search
_MAX_CANDIDATES = 80  # column edges tried per region


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    spaced: int = 0  # id of the letter-spaced run it came from, 0 when none
    bold: bool = False


@dataclass(slots=True)
class Seg:
    """A run of words on one row with no column-sized gap inside: one line of one column."""

    words: list[Word]
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    text: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        ws = self.words
        self.x0 = min(w.x0 for w in ws)
        self.x1 = max(w.x1 for w in ws)
        self.top = min(w.top for w in ws)
        self.bottom = max(w.bottom for w in ws)
        self.size = max(w.size for w in ws)
        self.text = " ".join(w.text for w in ws)


# text, x0, x1, top, bottom, size, bold, run (the text operator that drew it)
Char = tuple[str, float, float, float, float, float, bool, int]


def build_words(chars: list[Char]) -> list[Word]:
    """Glue characters, in file order, into words."""
    if any(ch[0] in ACCENT_CHARS for ch in chars):
        chars = _attach_accents(chars)
    # Runs that hold a space glyph mark their words with it; in runs without one (pdfTeX sets
    # words apart by moving the pen) a smaller gap is the word break.
    spaced = {ch[7] for ch in chars if ch[0] == " "}
    words: list[Word] = []
    buf: list[str] = []
    x0 = x1 = top = bottom = size = 0.0
    bold = False
    run = -1
    # The loop runs once a glyph: its constants are local, and max/min are comparisons that
    # keep the first of equals, as max() and min() do.
    char_gap, run_gap, same_line = _CHAR_GAP, _RUN_GAP, _SAME_LINE
    for text, cx0, cx1, ctop, cbottom, csize, cbold, crun in chars:
        if not text or text.isspace():
            if buf:
                words.append(Word("".join(buf), x0, x1, top, bottom, size, 0, bold))
                buf = []
            continue
        if buf:
            gap = cx0 - x1
            big = csize if csize > size else size
            limit = (char_gap if crun == run and run in spaced else run_gap) * big
            run = crun
            if abs(cbottom - bottom) <= same_line * big and -0.5 * size <= gap <= limit:
                if text == buf[-1] and abs(cx1 - x1) < 0.1 * csize:
                    continue  # a glyph drawn again over itself to fake bold
                buf.append(text)
                if cx1 > x1:
                    x1 = cx1
                if ctop < top:
                    top = ctop
                if cbottom > bottom:
                    bottom = cbottom
                size = big
                continue
            words.append(Word("".join(buf), x0, x1, top, bottom, size, 0, bold))
        buf = [text]
        x0, x1, top, bottom, size, bold, run = (
            cx0,
            cx1,
            ctop,
            cbottom,
            csize,
            cbold,
            crun,
        )
    if buf:
        words.append(Word("".join(buf), x0, x1, top, bottom, size, 0, bold))
    return _drop_overprints(words)


def _attach_accents(chars: list[Char]) -> list[Char]:
    """Put each accent drawn as a glyph of its own on the letter it sits on ("a" + "˘": ă).

    The accent may come before its letter in the file (pdfTeX) or after it, in its own run and
    moved above or below the line (OpenType marks), so neighbours on both sides are tried.
    """
    out = list(chars)
    dropped: set[int] = set()
    for i, (text, ax0, ax1, atop, abottom, _, _, _) in enumerate(chars):
        if text not in ACCENT_CHARS:
            continue
        centre = (ax0 + ax1) / 2
        best: tuple[float, int] | None = None
        for j in range(max(0, i - 3), min(len(chars), i + 4)):
            b = out[j]
            if j == i or j in dropped or len(b[0]) != 1 or not b[0].isalpha():
                continue
            if b[3] >= abottom or b[4] <= atop:
                continue  # not on the same line
            if text.isascii():
                # A comma, caret or tilde is a character of its own unless it lies well inside
                # a letter: a comma kerned close after "s" is still a comma.
                inside = ax0 < b[2] - 0.2 * b[5] and ax1 > b[1] + 0.2 * b[5]
            else:
                inside = b[1] - 0.05 * b[5] <= centre <= b[2] + 0.05 * b[5]
            if inside and (best is None or abs(centre - (b[1] + b[2]) / 2) < best[0]):
                best = (abs(centre - (b[1] + b[2]) / 2), j)
        if best is None and "\u0300" <= text <= "\u036f" and i:
            # A combining mark belongs to the letter before it, even drawn a little apart.
            b = out[i - 1]
            if b[0].isalpha() and i - 1 not in dropped and ax0 - b[2] < 0.5 * b[5]:
                best = (0.0, i - 1)
        if best is None:
            continue
        j = best[1]
        accented = attach_accent(out[j][0], text)
        if accented is not None:
            out[j] = (accented, *out[j][1:])
            dropped.add(i)
    return [ch for k, ch in enumerate(out) if k not in dropped]


def _drop_overprints(words: list[Word]) -> list[Word]:
    """Keep one of the copies of a word drawn again a fraction of a point away (faux bold)."""
    seen: dict[str, list[Word]] = {}
    out: list[Word] = []
    for w in words:
        same = seen.setdefault(w.text, [])
        tol = 0.15 * w.size
        first = next(
            (o for o in same if abs(o.x0 - w.x0) <= tol and abs(o.bottom - w.bottom) <= tol),
            None,
        )
        if first is not None:
            first.bold = True  # drawn thicker on purpose: it reads as bold
            continue
        same.append(w)
        out.append(w)
    return out


def _rows(words: list[Word]) -> list[list[Word]]:
    """Group words into rows by baseline, each sorted left to right."""
    rows: list[list[Word]] = []
    base = -1e9
    cur: list[Word] = []
    for w in sorted(words, key=lambda w: (w.bottom, w.x0)):
        if cur and w.bottom - base <= _SAME_LINE * w.size:
            cur.append(w)
            continue
        if cur:
            rows.append(sorted(cur, key=lambda w: w.x0))
        cur = [w]
        base = w.bottom
    if cur:
        rows.append(sorted(cur, key=lambda w: w.x0))
    return rows


def _join_letter_spaced(row: list[Word]) -> list[Word]:
    """Rejoin headings written "E X P E R I E N Ț Ă": runs of single letters."""
    out: list[Word] = []
    i = 0
    n = len(row)
    while i < n:
        j = i
        while (
            j + 1 < n
            and len(row[j].text) == 1
            and len(row[j + 1].text) == 1
            and row[j].text.isalpha()
            and row[j + 1].text.isalpha()
            and row[j + 1].x0 - row[j].x1 <= 1.2 * row[j].size
        ):
            j += 1
        if j - i + 1 < 3:
            out.append(row[i])
            i += 1
            continue
        letters = row[i : j + 1]
        gaps = sorted(b.x0 - a.x1 for a, b in zip(letters, letters[1:], strict=False))
        unit = max(gaps[0], 0.05 * letters[0].size)
        run = i + 1  # unique within the row, which is all it is compared in
        cur = [letters[0]]
        for a, b in zip(letters, letters[1:], strict=False):
            if b.x0 - a.x1 > 1.8 * unit:
                out.append(_merge(cur, run))
                cur = []
            cur.append(b)
        out.append(_merge(cur, run))
        i = j + 1
    return out


def _merge(ws: list[Word], run: int) -> Word:
    return Word(
        "".join(w.text for w in ws),
        ws[0].x0,
        ws[-1].x1,
        min(w.top for w in ws),
        max(w.bottom for w in ws),
        max(w.size for w in ws),
        run,
        ws[0].bold,
    )


def build_segments(words: list[Word], is_bullet: Callable[[str], bool]) -> list[Seg]:
    """Split each row of words at column-sized gaps."""
    segs: list[Seg] = []
    rows = [_join_letter_spaced(row) if len(row) >= 3 else row for row in _rows(words)]
    edges = _column_edges(rows)
    for row in rows:
        gaps = [w.x0 - prev.x1 for prev, w in zip(row, row[1:], strict=False)]
        cur = [row[0]]
        for k, w in enumerate(row[1:]):
            prev, gap = row[k], gaps[k]
            em = max(prev.size, w.size)
            if prev.spaced and prev.spaced == w.spaced:
                split = gap > 4 * _SEG_GAP * em  # a letter-spaced heading's word gap is wide
            elif len(cur) == 1 and is_bullet(cur[0].text):
                split = gap > 4 * w.size  # a bullet set off by a tab still belongs to its line
            else:
                split = gap > _SEG_GAP * em and not _stretched(gaps, k)
                split = split or (gap >= _GUTTER_GAP * em and round(w.x0, 2) in edges)
            if split:
                segs.append(Seg(cur))
                cur = []
            cur.append(w)
        segs.append(Seg(cur))
    return segs


def _stretched(gaps: list[float], k: int) -> bool:
    """Tell whether gap k is one of a justified line's evenly widened word gaps."""
    near = gaps[max(k - 1, 0) : k] + gaps[k + 1 : k + 2]
    return bool(near) and all(g >= gaps[k] / _STRETCH for g in near)


def _column_edges(rows: list[list[Word]]) -> set[float]:
    """Return the x where a column starts: words begin there after a gap on several rows,
    and no word of the rows between them runs across it (Word and Canva gutters can be
    narrower than a justified line's word gaps)."""
    ends: dict[float, list[int]] = {}
    for i, row in enumerate(rows):
        for prev, w in zip(row, row[1:], strict=False):
            if w.x0 - prev.x1 >= _GUTTER_GAP * max(prev.size, w.size):
                ends.setdefault(round(w.x0, 2), []).append(i)
    edges: set[float] = set()
    for x, at in ends.items():
        if len(at) < _EDGE_ROWS:
            continue
        run = 1
        for a, b in zip(at, at[1:], strict=False):
            crossed = any(w.x0 < x - 0.5 and w.x1 > x + 0.5 for row in rows[a + 1 : b] for w in row)
            run = 1 if crossed else run + 1
            if run >= _EDGE_ROWS:
                edges.add(x)
                break
    return edges


# --- running headers, footers, page numbers -----------------------------------------------

_PAGE_NO = re.compile(
    r"^[-–—(\[]?\s*(?:page|pagina|pag\.?|p\.|seite)?\s*\d{1,3}\s*"
    r"(?:(?:/|of|din|de|din totalul)\s*\d{1,3})?\s*[-–—)\]]?$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_BAND = 0.1  # share of the page height at the top and bottom where running lines live


def drop_running_lines(pages: list[list[Seg]], heights: list[float]) -> list[list[Seg]]:
    """Drop header/footer lines repeated on most pages and page numbers in the margins."""

    def key(s: Seg) -> str:
        return _DIGITS.sub("#", s.text.lower())

    def in_band(s: Seg, h: float) -> bool:
        return s.bottom < _BAND * h or s.top > (1 - _BAND) * h

    seen: Counter[str] = Counter()
    for segs, h in zip(pages, heights, strict=True):
        seen.update({key(s) for s in segs if in_band(s, h)})
    need = max(2, (len(pages) + 1) // 2)
    out = []
    for segs, h in zip(pages, heights, strict=True):
        out.append(
            [
                s
                for s in segs
                if not (in_band(s, h) and (seen[key(s)] >= need or _PAGE_NO.match(s.text)))
            ]
        )
    return out


# --- reading order -------------------------------------------------------------------------


def _overlaps(s: Seg, top: float, bottom: float) -> bool:
    return s.top < bottom and s.bottom > top


def order(segs: list[Seg]) -> list[Seg]:
    """Return the segments of one page region in reading order."""
    segs = sorted(segs, key=lambda s: (s.top, s.x0))
    if len(segs) < 2:
        return segs
    if len(segs) > _MAX_SEGMENTS:
        return _row_order(segs)  # no CV page has this many lines: a hostile file
    split = _best_split(segs)
    if split is None:
        return _row_order(segs)
    i0, i1, x = split
    run = segs[i0:i1]
    left = [s for s in run if s.x1 <= x - _GUTTER_PT]
    right = [s for s in run if s.x0 >= x - _ALIGN_PT]
    left, right, before, after = _trim_detached(left, right, i0 > 0, i1 < len(segs))
    middle = _table_order(left, right)
    if middle is None:
        middle = order(left) + order(right)
    return order(segs[:i0] + before) + middle + order(after + segs[i1:])


# A gap of this many lines on one side ends that side's column; less when full-width text
# follows (or precedes) the columns, as then a short line across the gap most likely
# belongs to it.
_DETACHED = 3.0
_DETACHED_NEAR_TEXT = 1.5


def _trim_detached(
    left: list[Seg], right: list[Seg], text_before: bool, text_after: bool
) -> tuple[list[Seg], list[Seg], list[Seg], list[Seg]]:
    """Cut off lines that lie beyond the other column, across a wide gap on their own side.

    HTML-to-PDF converters centre a short table cell beside a tall one; the lines after the
    table then sit left of the corridor too but belong to the full-width text that follows.
    A column that merely runs longer than its neighbour continues at its usual spacing.
    """
    before: list[Seg] = []
    after: list[Seg] = []
    top = max(left[0].top, right[0].top)  # both lists are sorted by top
    bottom = min(max(s.bottom for s in left), max(s.bottom for s in right))
    sides = []
    for side in (left, right):
        start, end = 0, len(side)
        # Where this side's lines start while the other side runs beside them.
        edge = min((s.x0 for s in side if top - 1 <= s.top < bottom), default=side[0].x0)
        for i in range(1, len(side)):
            a, b = side[i - 1], side[i]
            gap = (b.top - a.bottom) / a.size
            if b.top >= bottom and gap > (_DETACHED_NEAR_TEXT if text_after else _DETACHED):
                end = i
                break
            if b.top >= bottom and text_after and b.x0 < edge - 2 * _ALIGN_PT:
                # A two-column list of skills, then "Experience" at the margin: a line that
                # starts left of the column, past the other side's end, is the text after.
                end = i
                break
            if a.bottom <= top and gap > (_DETACHED_NEAR_TEXT if text_before else _DETACHED):
                start = i
        before += side[:start]
        after += side[end:]
        sides.append(side[start:end])
    return sides[0], sides[1], before, after


def _row_order(segs: list[Seg]) -> list[Seg]:
    """Order segments with no column structure: rows top to bottom, left to right."""
    out: list[Seg] = []
    row: list[Seg] = []
    for s in segs:  # sorted by top
        if row and s.top > row[0].top + _SAME_LINE * row[0].size and s.top >= row[0].bottom - 1:
            out.extend(sorted(row, key=lambda r: r.x0))
            row = []
        row.append(s)
    out.extend(sorted(row, key=lambda r: r.x0))
    return out


def _best_split(segs: list[Seg]) -> tuple[int, int, float] | None:
    """Find the vertical whitespace corridor that separates most of this region.

    A candidate corridor ends where some line starts (a column's left edge). It holds over a
    run of consecutive lines (by top) that none crosses; the run counts only if lines on
    both sides overlap vertically (side by side, not merely stacked). The tallest run wins.
    """
    xmin = min(s.x0 for s in segs)
    starts = Counter(round(s.x0) for s in segs if s.x0 > xmin + 2 * _GUTTER_PT)
    # Column edges are shared by many lines; keep the commonest so the search stays cheap.
    cands = sorted(x for x, _ in starts.most_common(_MAX_CANDIDATES))
    best: tuple[float, int, int, int, int] | None = None
    n = len(segs)
    for x in cands:
        lim_l = x - _GUTTER_PT
        lim_r = x - _ALIGN_PT
        start = 0
        i = 0
        while i <= n:
            crossing = i == n or (segs[i].x1 > lim_l and segs[i].x0 < lim_r)
            if crossing:
                if i - start >= 2:
                    cand = _score(segs, start, i, lim_l, lim_r)
                    if cand is not None:
                        height, count = cand
                        key = (height, count, i, start, x)
                        if best is None or key[:2] > best[:2]:
                            best = key
                start = i + 1
            i += 1
    if best is None:
        return None
    return best[3], best[2], float(best[4])


def _score(
    segs: list[Seg], i0: int, i1: int, lim_l: float, lim_r: float
) -> tuple[float, int] | None:
    left = [s for s in segs[i0:i1] if s.x1 <= lim_l]
    right = [s for s in segs[i0:i1] if s.x0 >= lim_r]
    if not left or not right:
        return None
    if not _side_by_side(segs[i0:i1], lim_l):
        return None
    height = max(s.bottom for s in segs[i0:i1]) - segs[i0].top
    return height, i1 - i0


def _side_by_side(run: list[Seg], lim_l: float) -> bool:
    """Tell whether some line left of the corridor shares a row with one right of it."""
    low = {True: -1e9, False: -1e9}  # lowest bottom seen so far, per side
    for s in run:  # sorted by top
        is_left = s.x1 <= lim_l
        if low[not is_left] > s.top + 0.5:
            return True
        low[is_left] = max(low[is_left], s.bottom)
    return False


def _width(segs: list[Seg]) -> float:
    return max(s.x1 for s in segs) - min(s.x0 for s in segs)


def _blocks(segs: list[Seg]) -> list[list[Seg]]:
    """Split one side into blocks at vertical gaps wider than a line's own leading."""
    segs = sorted(segs, key=lambda s: (s.top, s.x0))
    blocks: list[list[Seg]] = [[segs[0]]]
    for prev, s in zip(segs, segs[1:], strict=False):
        if s.top - prev.bottom > 0.45 * prev.size or s.top < prev.top - 1:
            blocks.append([s])
        else:
            blocks[-1].append(s)
    return blocks


def _line_starts(segs: list[Seg]) -> list[Seg]:
    """The lines that start a block: the first, and any after a wider gap than usual."""
    segs = sorted(segs, key=lambda s: s.top)
    gaps = sorted(b.top - a.bottom for a, b in zip(segs, segs[1:], strict=False))
    # The tightest spacing is that inside paragraphs; entries and rows sit further apart.
    usual = min((g for g in gaps if g > 0.5), default=0.0)
    starts = [segs[0]]
    prev = segs[0]
    for s in segs[1:]:
        if s.top > prev.bottom + usual + 0.2 * prev.size:
            starts.append(s)
        if s.bottom > prev.bottom:
            prev = s
    return starts


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _dense_labels(block: list[Seg]) -> bool:
    """Tell a run of row labels (flush right, or all dates) from a sidebar section."""
    flush_right = max(s.x1 for s in block) - min(s.x1 for s in block) <= 2 * _ALIGN_PT
    ragged_left = max(s.x0 for s in block) - min(s.x0 for s in block) > 2 * _ALIGN_PT
    return (flush_right and ragged_left) or all(_YEAR.search(s.text) for s in block)


def _style(s: Seg) -> tuple[float, bool]:
    return round(s.size * 2) / 2, s.words[0].bold


def _aligned(a: Seg, b: Seg) -> bool:
    # Cells of one table row share a baseline to within a point or so, even in two sizes.
    return abs(a.bottom - b.bottom) <= _ALIGNED * max(a.size, b.size)


def _table_order(left: list[Seg], right: list[Seg]) -> list[Seg] | None:
    """Read a label column beside content row by row, or return None for true columns.

    Europass labels and the date column beside CV entries are narrow, and each label block
    starts on the baseline of a content line that itself starts an entry (after a gap, or
    in a row of a dense table) and ends before the next entry. A sidebar's sections ignore
    the main column's rhythm, so they fail that test.
    """
    wl, wr = _width(left), _width(right)
    narrow, wide = (left, right) if wl <= wr else (right, left)
    span = max(s.x1 for s in left + right) - min(s.x0 for s in left + right)
    if _width(narrow) > _NARROW * span:
        return None
    if narrow is right and max(s.x1 for s in right) - min(s.x1 for s in right) > 2 * _ALIGN_PT:
        # Dates beside entries on the right are set flush right; a ragged right column is a
        # sidebar, however well its lines happen to line up with the main column.
        return None
    wide = sorted(wide, key=lambda s: s.top)
    starts = _line_starts(wide)
    start_ids = {id(s) for s in starts}
    blocks: list[list[Seg]] = []
    for b in _blocks(narrow):
        if len(b) > 1 and _dense_labels(b) and all(any(_aligned(w, n) for w in wide) for n in b):
            blocks.extend([n] for n in b)  # a dense table: a label on every row
        else:
            blocks.append(b)
    good = counted = 0
    partners: list[Seg | None] = []
    for b in blocks:
        first = b[0]
        k = next((i for i, w in enumerate(wide) if _aligned(w, first)), -1)
        partner = wide[k] if k >= 0 else None
        partners.append(partner)
        block_bottom = max(s.bottom for s in b)
        if partner is None:
            if any(_overlaps(w, first.top, block_bottom) for w in wide):
                counted += 1
            continue
        counted += 1
        inside = any(first.bottom < t.top < block_bottom - 1 for t in starts)
        above = wide[k - 1] if k > 0 else None
        entry = (
            narrow is right  # flush-right dates, checked above
            or above is None
            or id(partner) in start_ids
            or _style(partner) != _style(above)  # a bold title after plain bullets
            or any(_aligned(above, n) for n in narrow)  # a dense table: a label every row
            or (len(first.text) <= 32 and _YEAR.search(first.text) is not None)  # a date
        )
        if entry and not inside:
            good += 1
    if not good or good < 0.75 * counted:
        return None

    # Cut the region into row groups at the top of every label block.
    cuts = [min(s.top for s in b) for b in blocks]
    groups: list[list[Seg]] = [[] for _ in range(len(blocks) + 1)]
    for w in wide:
        g = 0
        for k, c in enumerate(cuts):
            if w.bottom > c + _SAME_LINE * w.size:
                g = k + 1
        groups[g].append(w)
    out = order(groups[0])
    narrow_left = narrow is left
    for k, b in enumerate(blocks):
        body = order(groups[k + 1])
        if narrow_left:
            out += b + body
        else:
            p = partners[k]
            at = body.index(p) + 1 if p is not None and p in body else 0
            out += body[:at] + b + body[at:]
    return out


def page_order(segs: list[Seg]) -> list[Seg]:
    """Return one page's segments in reading order."""
    return order(segs)
