"""Write CVs as real PDFs: a header, sections in one of five layouts, any number of pages.

`recruit demo` writes its invented candidates with it, and the tests theirs (tests/cvgen.py
adds what only tests need: the true reading order, damaged text layers, Europass, bad files).
Every layout is built as a list of placed lines, each with its reading-order rank, so the same
plan renders the PDF in reading order, row by row across the columns (as design tools write
it), or one run per word; a dated entry is written `"date\\tentry"`, a bullet `"• text"`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from recruit.core.text import fold

# Where Linux distributions (and Homebrew, fontconfig users) keep DejaVu Sans.
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/opt/homebrew/share/fonts",
)
REGULAR, BOLD = "CvSans", "CvSans-Bold"
PAGE_W, PAGE_H = A4
LAYOUTS = ("single", "two_column", "sidebar_left", "sidebar_right", "europass")
BULLETS = {"single": "•", "two_column": "▪", "sidebar_left": "➢", "sidebar_right": "●"}


@dataclass
class Section:
    heading: str
    lines: list[str]


@dataclass
class CvDocument:
    header: list[str]  # name, headline, contact lines at the top
    main: list[Section]
    side: list[Section] = field(default_factory=list)  # sidebar / second column
    running_header: str | None = None  # repeated on every page
    running_footer: str | None = None  # repeated on every page, with the page number


@dataclass
class _Line:
    page: int
    x: float
    y: float  # baseline, PDF coordinates
    text: str
    font: str
    size: float
    align: str = "left"  # left | right | center (x is the anchor)
    rank: tuple = ()  # reading order
    flow: tuple = ()  # file order in "flow" mode
    true_text: str | None = None  # what a reader should produce, when it differs from text


@cache
def fonts() -> frozenset[int] | None:
    """Register REGULAR and BOLD; return the code points they lack drawing (None: they have all).

    DejaVu Sans where the system has it (Romanian's ă ș ț included); otherwise reportlab's own
    Bitstream Vera, which lacks ă ș ț: those letters are then written without their marks, as
    CVs typed on an English keyboard are.
    """
    for folder in FONT_DIRS:
        regular, bold = Path(folder, "DejaVuSans.ttf"), Path(folder, "DejaVuSans-Bold.ttf")
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            return None
    pdfmetrics.registerFont(TTFont(REGULAR, "Vera.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))
    face = pdfmetrics.getFont(REGULAR).face  # type: ignore[attr-defined]
    return frozenset(range(0x80, 0x250)) - frozenset(face.charToGlyph)


def drawable(text: str) -> str:
    """Return `text` with the letters the registered fonts cannot draw folded to their base."""
    missing = fonts()
    if not missing or all(ord(ch) not in missing for ch in text):
        return text
    return "".join(fold(ch, lower=False) if ord(ch) in missing else ch for ch in text)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    fonts()
    out: list[str] = []
    cur = ""
    for word in text.split():
        cand = f"{cur} {word}" if cur else word
        if cur and pdfmetrics.stringWidth(cand, font, size) > width:
            out.append(cur)
            cur = word
        else:
            cur = cand
    if cur:
        out.append(cur)
    return out or [""]


def _spaced(text: str) -> str:
    """Letter-space a heading the way designer templates do: "E X P   P R O"."""
    return "   ".join(" ".join(word) for word in text.split())


class _Plan:
    """Places lines on pages; each column keeps its own cursor and page."""

    def __init__(self, top: float, bottom: float) -> None:
        self.lines: list[_Line] = []
        self.top = top
        self.bottom = bottom
        self.seq = 0

    def put(self, line: _Line) -> None:
        self.seq += 1
        line.flow = (*line.flow, self.seq)
        line.rank = (*line.rank, self.seq)
        self.lines.append(line)

    @property
    def pages(self) -> int:
        return max((ln.page for ln in self.lines), default=1)


class _Column:
    def __init__(self, plan: _Plan, x0: float, x1: float, size: float, lead: float, col: int):
        self.plan, self.x0, self.x1, self.size, self.lead, self.col = plan, x0, x1, size, lead, col
        self.page = 1
        self.y = plan.top

    def start_at(self, y: float) -> None:
        self.y = min(self.y, y)

    def new_page(self) -> None:
        self.page += 1
        self.y = self.plan.top

    def space(self, pts: float) -> None:
        self.y -= pts

    def text(
        self,
        text: str,
        *,
        font: str = REGULAR,
        size: float | None = None,
        true_text: str | None = None,
        indent: float = 0.0,
    ) -> None:
        size = size or self.size
        lines = wrap(text, font, size, self.x1 - self.x0 - indent)
        for i, piece in enumerate(lines):
            if self.y - self.lead < self.plan.bottom:
                self.new_page()
            self.y -= self.lead * size / self.size
            tt = true_text if (true_text is not None and i == 0 and len(lines) == 1) else None
            self.plan.put(
                _Line(
                    self.page,
                    self.x0 + (indent if i else 0.0),
                    self.y,
                    piece,
                    font,
                    size,
                    rank=(self.page, self.col),
                    flow=(self.page, self.col),
                    true_text=tt,
                )
            )


def _bullet(line: str, layout: str) -> str:
    if line.startswith("• "):
        return BULLETS.get(layout, "•") + line[1:]
    return line


def _plan(doc: CvDocument, layout: str, min_pages: int) -> _Plan:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    top = PAGE_H - (58 if doc.running_header else 42)
    plan = _Plan(top, 50 if doc.running_footer else 40)
    # Spread the main sections over min_pages pages by forcing page breaks before some.
    breaks_before = (
        {
            i
            for i in range(1, len(doc.main))
            if (i * min_pages) // len(doc.main) != ((i - 1) * min_pages) // len(doc.main)
        }
        if min_pages > 1
        else set()
    )

    # Header: full width at the top of page 1.
    head = _Column(plan, 45, PAGE_W - 45, 10, 13.5, 0)
    for i, text in enumerate(doc.header):
        if i == 0:
            head.text(text, font=BOLD, size=18)
        else:
            head.text(text)
    y_body = head.y - 10

    if layout == "single":
        _rows(
            plan,
            doc.main + doc.side,
            45,
            130,
            140,
            PAGE_W - 45,
            y_body,
            layout,
            breaks_before,
            spaced=True,
        )
    elif layout == "europass":
        _rows(
            plan,
            doc.main + doc.side,
            40,
            165,
            180,
            PAGE_W - 40,
            y_body,
            layout,
            breaks_before,
            europass=True,
        )
    elif layout == "two_column":
        left = _Column(plan, 45, 285, 10, 13, 1)
        right = _Column(plan, 310, PAGE_W - 45, 10, 13, 2)
        for col in (left, right):
            col.start_at(y_body)
        _stack(left, doc.main, layout, breaks_before)
        _stack(right, doc.side, layout, set())
    elif layout == "sidebar_left":
        side = _Column(plan, 38, 180, 9, 11.5, 1)
        main = _Column(plan, 205, PAGE_W - 40, 10, 13.5, 2)
        for col in (side, main):
            col.start_at(y_body)
        _stack(side, doc.side, layout, set())
        _stack(main, doc.main, layout, breaks_before)
    else:  # sidebar_right: main with a date column inside, narrow sidebar on the right
        _rows(plan, doc.main, 40, 105, 113, 395, y_body, layout, breaks_before, col=1)
        side = _Column(plan, 420, PAGE_W - 35, 9, 11.5, 2)
        side.start_at(y_body)
        _stack(side, doc.side, layout, set())

    while plan.pages < min_pages:
        # Pad with an (almost) blank page: running header and footer only.
        plan.put(
            _Line(
                plan.pages + 1,
                45,
                plan.top - 12,
                "",
                REGULAR,
                10,
                rank=(plan.pages + 1, 9),
                flow=(plan.pages + 1, 9),
            )
        )
    return plan


def _stack(col: _Column, sections: list[Section], layout: str, breaks: set[int]) -> None:
    """Fill one column: headings, then lines; a dated entry puts its date on a line above."""
    for i, sec in enumerate(sections):
        if i in breaks:
            col.new_page()
        elif i:
            col.space(col.lead * 0.8)
        col.text(sec.heading.upper(), font=BOLD, size=col.size + 1)
        col.space(2)
        for line in sec.lines:
            if "\t" in line:
                date, entry = line.split("\t", 1)
                col.space(3)
                col.text(date, font=BOLD, size=col.size - 1)
                col.text(entry, font=BOLD)
            else:
                col.text(_bullet(line, layout), indent=8 if line.startswith("• ") else 0)


def _rows(
    plan: _Plan,
    sections: list[Section],
    lx0: float,
    lx1: float,
    rx0: float,
    rx1: float,
    y: float,
    layout: str,
    breaks: set[int],
    *,
    spaced: bool = False,
    europass: bool = False,
    col: int = 1,
) -> None:
    """Lay sections out as rows of a label column (dates, Europass labels) and content."""
    page = 1
    lead = 13.5
    label_size = 9.0

    def room(need: float) -> None:
        nonlocal page, y
        if y - need < plan.bottom:
            page += 1
            y = plan.top

    def put(
        x: float,
        yy: float,
        text: str,
        font: str,
        size: float,
        sub: int,
        seq: int,
        align: str = "left",
        true_text: str | None = None,
    ) -> None:
        # Europass files (from word processors) are written row by row; keep the label column
        # first in "flow" order anyway so that the file order differs from reading order.
        flow = (page, col, sub if europass else 0, seq)
        plan.put(
            _Line(
                page,
                x,
                yy,
                text,
                font,
                size,
                align,
                rank=(page, col, seq),
                flow=flow,
                true_text=true_text,
            )
        )

    seq = 0
    for i, sec in enumerate(sections):
        if i in breaks:
            page += 1
            y = plan.top
        else:
            y -= 8 if i else 0
        # Group lines into rows: a dated line starts a row, plain lines continue it.
        rows: list[tuple[str | None, list[str]]] = []
        for line in sec.lines:
            if "\t" in line:
                date, entry = line.split("\t", 1)
                rows.append((date, [entry]))
            elif rows and rows[-1][0] is not None:
                rows[-1][1].append(line)
            else:
                rows.append((None, [line]))
        heading = sec.heading.upper()
        room(lead * 2)
        y -= lead
        seq += 1
        if europass:
            put(lx1, y, heading, BOLD, 10, 0, seq, align="right")
            y -= 4
        else:
            text = _spaced(heading) if spaced else heading
            put(lx0, y, text, BOLD, 11, 0, seq, true_text=heading if spaced else None)
            y -= 6
        for label, contents in rows:
            left = wrap(label, REGULAR, label_size, lx1 - lx0) if label else []
            right: list[tuple[str, str, float]] = []
            for j, c in enumerate(contents):
                font = BOLD if (label and j == 0) else REGULAR
                ind = 8.0 if c.startswith("• ") else 0.0
                for k, piece in enumerate(wrap(_bullet(c, layout), font, 10, rx1 - rx0 - ind)):
                    right.append((piece, font, ind if k else 0))
            height = max(len(left) * 11.5, len(right) * lead)
            room(height + 4)
            y -= 4
            seq += 1
            for k, piece in enumerate(left):
                yy = y - 10 - k * 11.5
                if europass:
                    put(lx1, yy, piece, REGULAR, label_size, 0, seq, align="right")
                else:
                    put(lx0, yy, piece, REGULAR, label_size, 0, seq)
            seq += 1
            for k, (piece, font, ind) in enumerate(right):
                put(rx0 + ind, y - 10 - k * lead, piece, font, 10, 1, seq)
                seq += 1
            y -= height


def _word_runs(lines: list[_Line], *, shuffle: bool, jitter: float = 0.02) -> list[_Line]:
    """Split every line into one run per word, at the word's place, each in its own size."""
    import random

    rng = random.Random(1)  # the same file every run
    out: list[_Line] = []
    for ln in lines:
        if not ln.text:
            continue
        width = pdfmetrics.stringWidth(ln.text, ln.font, ln.size)
        left = ln.x - {"left": 0.0, "right": width, "center": width / 2}[ln.align]
        start = 0
        for word in ln.text.split(" "):
            if word:
                x = left + pdfmetrics.stringWidth(ln.text[:start], ln.font, ln.size)
                size = round(ln.size * (1 + rng.uniform(-jitter, jitter)), 2)
                out.append(_Line(ln.page, x, ln.y, word, ln.font, size, rank=ln.rank))
            start += len(word) + 1
    order = list(range(len(out)))
    if shuffle:
        rng.shuffle(order)
    for n, k in zip(order, range(len(out)), strict=True):
        out[k].flow = (out[k].page, n)
    return out


def render_pdf(
    doc: CvDocument,
    layout: str,
    *,
    file_order: str = "flow",
    min_pages: int = 1,
    encrypt: str | None = None,
) -> bytes:
    """Render `doc` as a PDF; `file_order="rows"` writes lines row by row across columns.

    `"words"` draws every word on its own, row by row, and `"shuffled"` draws the words of each
    page in random order (seeded): design tools write pages that way, and each run there may
    carry a slightly different font size (here within +-2%). The page looks the same.
    """
    fonts()
    plan = _plan(doc, layout, min_pages)
    if file_order in ("words", "shuffled"):
        plan.lines = _word_runs(plan.lines, shuffle=file_order == "shuffled")
    if file_order == "flow":
        key = lambda ln: ln.flow  # noqa: E731
    elif file_order in ("rows", "words"):
        key = lambda ln: (ln.page, -round(ln.y, 1), ln.x)  # noqa: E731
    elif file_order == "shuffled":
        key = lambda ln: ln.flow  # noqa: E731 - _word_runs numbered them in random order
    else:
        raise ValueError(f"unknown file_order {file_order!r}")
    buf = io.BytesIO()
    enc = None
    if encrypt is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        enc = StandardEncryption(encrypt, ownerPassword="owner-" + encrypt, strength=128)
    c = canvas.Canvas(buf, pagesize=A4, encrypt=enc, invariant=1)
    c.setTitle("Curriculum Vitae")
    npages = plan.pages
    by_page: dict[int, list[_Line]] = {}
    for ln in plan.lines:
        by_page.setdefault(ln.page, []).append(ln)
    for p in range(1, npages + 1):
        extras = []
        if doc.running_header:
            extras.append(
                _Line(
                    p,
                    PAGE_W / 2,
                    PAGE_H - 30,
                    doc.running_header,
                    REGULAR,
                    8,
                    "center",
                    flow=(p, -1),
                )
            )
        if doc.running_footer:
            extras.append(
                _Line(
                    p,
                    PAGE_W / 2,
                    25,
                    f"{doc.running_footer} · {p}/{npages}",
                    REGULAR,
                    8,
                    "center",
                    flow=(p, 99),
                )
            )
        page_lines = sorted(by_page.get(p, []), key=key)
        # Header and footer written last in rows mode would still be rows: keep them in place.
        for ln in (
            sorted(extras + page_lines, key=key)
            if file_order == "rows"
            else (extras[:1] + page_lines + extras[1:])
        ):
            if not ln.text:
                continue
            c.setFont(ln.font, ln.size)
            text = drawable(ln.text)
            if ln.align == "right":
                c.drawRightString(ln.x, ln.y, text)
            elif ln.align == "center":
                c.drawCentredString(ln.x, ln.y, text)
            else:
                c.drawString(ln.x, ln.y, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def map_text(doc: CvDocument, fn) -> CvDocument:  # type: ignore[no-untyped-def]
    """Return `doc` with `fn` applied to every piece of text."""
    return CvDocument(
        header=[fn(t) for t in doc.header],
        main=[Section(fn(s.heading), [fn(t) for t in s.lines]) for s in doc.main],
        side=[Section(fn(s.heading), [fn(t) for t in s.lines]) for s in doc.side],
        running_header=doc.running_header and fn(doc.running_header),
        running_footer=doc.running_footer and fn(doc.running_footer),
    )
