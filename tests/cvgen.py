"""Generate test CVs whose true reading order is known: PDFs in several layouts, DOCX, bad files.

The layouts and the PDF writer are the package's (recruit/core/cvpdf.py, which `recruit demo`
uses too); this module adds what only tests need: `expected_text`, damaged text layers,
Europass files, DOCX and broken files.

Reading order decided here ("true" text):
- header lines first (page 1 only), then per page the columns left to right: a left sidebar is
  read before the main column, a right sidebar after it;
- a dated entry `"date\\tentry"` is read date first, then the entry (row by row, as a human
  reads a table); in narrow columns the date is a line of its own above the entry;
- Europass: the narrow left column holds section labels and dates, the right column the
  content: read row by row, the label then its content;
- running headers, footers and page numbers are not part of the text.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import cache

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from recruit.core.cvpdf import (
    BOLD,
    BULLETS,
    LAYOUTS,
    PAGE_H,
    PAGE_W,
    REGULAR,
    CvDocument,
    Section,
    _Line,
    _plan,
    map_text,
    render_pdf,
)
from recruit.core.cvpdf import fonts as _fonts
from recruit.core.cvpdf import wrap as _wrap

__all__ = ["LAYOUTS", "CvDocument", "Section", "map_text", "render_pdf"]

CEDILLA = str.maketrans("șțȘȚ", "şţŞŢ")
COMMA = str.maketrans("şţŞŢ", "șțȘȚ")


def _true(line: _Line) -> str:
    return line.true_text if line.true_text is not None else line.text


def expected_text(doc: CvDocument, layout: str, *, min_pages: int = 1) -> str:
    """Return the true reading-order text of `render_pdf(doc, layout)`, normalised."""
    plan = _plan(doc, layout, min_pages)
    lines = sorted(plan.lines, key=lambda ln: ln.rank)
    text = "\n".join(_true(ln) for ln in lines if ln.text)
    return _normal(text)


def _normal(text: str) -> str:
    # What the reader promises: NFC, comma-below ș ț, one bullet glyph.
    text = unicodedata.normalize("NFC", text).translate(COMMA)
    for b in set(BULLETS.values()):
        text = text.replace(b + " ", "• ")
    return text


# --- real-world text damage ---------------------------------------------------------------

DAMAGES = ("tex", "marks", "faux_bold", "glyphs")  # see render_damaged
_ROMANIAN = {  # letter: (base, spacing accent glyph, combining mark)
    "ă": ("a", "breve", "\u0306"),
    "Ă": ("A", "breve", "\u0306"),
    "â": ("a", "circumflex", "\u0302"),
    "Â": ("A", "circumflex", "\u0302"),
    "î": ("\u0131", "circumflex", "\u0302"),
    "Î": ("I", "circumflex", "\u0302"),
    "ș": ("s", "cedilla", "\u0327"),
    "ş": ("s", "cedilla", "\u0327"),
    "Ș": ("S", "cedilla", "\u0327"),
    "Ş": ("S", "cedilla", "\u0327"),
    "ț": ("t", "cedilla", "\u0327"),
    "ţ": ("t", "cedilla", "\u0327"),
    "Ț": ("T", "cedilla", "\u0327"),
    "Ţ": ("T", "cedilla", "\u0327"),
}


def render_damaged(doc: CvDocument, layout: str, damage: str) -> bytes:
    """Render `doc` the way a real-world producer damages its text layer; it reads the same.

    - "tex": as pdfTeX writes OT1 text: no space glyphs (words set apart by TJ offsets of a
      justified line, 0.17-0.40 em, with kerning inside words), and ă â î ș ț drawn as a
      spacing accent (breve, circumflex, cedilla) centred over the letter, before it;
    - "marks": each Romanian letter as its base letter and a combining mark drawn as a run
      of its own, moved below (cedilla) or above (breve, circumflex) as OpenType fonts do;
    - "faux_bold": bold text drawn three times, 0.3 pt apart (editors without a bold face);
    - "glyphs": every glyph a run of its own, no space glyphs, rows across the columns, each
      line in a slightly different size (design tools such as Canva).
    """
    if damage == "tex":
        return _render_tex(doc, layout)
    if damage not in DAMAGES:
        raise ValueError(f"unknown damage {damage!r}")
    import random

    _fonts()
    rng = random.Random(7)
    plan = _plan(doc, layout, 1)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for p in range(1, plan.pages + 1):
        lines = [ln for ln in plan.lines if ln.page == p and ln.text]
        lines.sort(key=lambda ln: (-round(ln.y, 1), ln.x) if damage == "glyphs" else ln.flow)
        for ln in lines:
            width = pdfmetrics.stringWidth(ln.text, ln.font, ln.size)
            x = ln.x - {"left": 0.0, "right": width, "center": width / 2}[ln.align]
            if damage == "faux_bold" and ln.font == BOLD:
                for k in range(3):
                    c.setFont(REGULAR, ln.size)
                    c.drawString(x + 0.3 * k, ln.y, ln.text)
            elif damage == "glyphs":
                size = round(ln.size * (1 + rng.uniform(-0.02, 0.02)), 2)
                for i, ch in enumerate(ln.text):
                    if ch != " ":
                        c.setFont(ln.font, size)
                        dx = pdfmetrics.stringWidth(ln.text[:i], ln.font, size)
                        c.drawString(x + dx, ln.y, ch)
            elif damage == "marks":
                _draw_with_marks(c, ln, x)
            else:
                c.setFont(ln.font, ln.size)
                c.drawString(x, ln.y, ln.text)
        c.showPage()
    c.save()
    return buf.getvalue()


def render_tight_columns(doc: CvDocument, gutter: float, *, word_runs: bool = False) -> bytes:
    """Render `doc` as a Word or Canva two-column page: main left, justified, side right.

    The columns are `gutter` points apart, less than a justified line's word gap can be; the
    lines are written row by row across both columns, justified by word spacing (Tw, as
    LibreOffice writes it) or, with `word_runs`, one run per word (as Word and Canva do).
    `tight_columns_text` gives the true text.
    """
    _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for x0, x1, y, text, font, size, justify in sorted(
        _tight_lines(doc, gutter), key=lambda ln: (-ln[2], ln[0])
    ):
        words = text.split()
        extra = 0.0
        if justify and len(words) > 1:
            extra = (x1 - x0 - pdfmetrics.stringWidth(text, font, size)) / (len(words) - 1)
        if not word_runs:
            t = c.beginText(x0, y)
            t.setFont(font, size)
            t.setWordSpace(extra)
            t.textOut(text)
            c.drawText(t)
            continue
        x = x0
        space = pdfmetrics.stringWidth(" ", font, size)
        for w in words:
            c.setFont(font, size)
            c.drawString(x, y, w)
            x += pdfmetrics.stringWidth(w, font, size) + space + extra
    c.save()
    return buf.getvalue()


def tight_columns_text(doc: CvDocument, gutter: float) -> str:
    """Return the true text of `render_tight_columns(doc, gutter)`."""
    return _normal("\n".join(ln[3] for ln in _tight_lines(doc, gutter)))


def _tight_lines(doc: CvDocument, gutter: float) -> list[tuple]:  # type: ignore[type-arg]
    """(x0, x1, baseline, text, font, size, justified) in reading order."""
    lines: list[tuple] = []  # type: ignore[type-arg]
    y = PAGE_H - 42
    for i, text in enumerate(doc.header):
        lines.append((45, PAGE_W - 45, y, text, BOLD if i == 0 else REGULAR, 10, False))
        y -= 14
    middle = PAGE_W / 2

    def column(sections: list[Section], x0: float, x1: float, y: float) -> None:
        for sec in sections:
            y -= 6
            lines.append((x0, x1, y, sec.heading.upper(), BOLD, 11, False))
            y -= 14
            for line in sec.lines:
                wrapped = _wrap(line.replace("\t", " "), REGULAR, 10, x1 - x0)
                for k, piece in enumerate(wrapped):
                    lines.append((x0, x1, y, piece, REGULAR, 10, k < len(wrapped) - 1))
                    y -= 13

    column(doc.main, 45, middle - gutter / 2, y - 10)
    column(doc.side, middle + gutter / 2, PAGE_W - 45, y - 10)
    return lines


def _draw_with_marks(c: canvas.Canvas, ln: _Line, x: float) -> None:
    """Draw a line with ă â î ș ț as base letter plus a displaced combining mark."""
    size = ln.size
    start = 0
    pos = x
    text = ln.text
    for i, ch in enumerate(text + "\0"):
        if ch in _ROMANIAN or ch == "\0":
            chunk = text[start:i]
            if chunk:
                c.setFont(ln.font, size)
                c.drawString(pos, ln.y, chunk)
                pos += pdfmetrics.stringWidth(chunk, ln.font, size)
            if ch == "\0":
                break
            base, _, mark = _ROMANIAN[ch]
            base = "i" if base == "\u0131" else base
            c.setFont(ln.font, size)
            c.drawString(pos, ln.y, base)
            w = pdfmetrics.stringWidth(base, ln.font, size)
            # The mark's own run, centred on its letter, below or above the line.
            dy = -0.35 * size if mark == "\u0327" else 0.35 * size
            c.drawString(pos + w / 2 - 0.1 * size, ln.y + dy, mark)
            pos += w
            start = i + 1


def _render_tex(doc: CvDocument, layout: str) -> bytes:
    """Write `doc`'s plan as pdfTeX would with a Type 1 font in OT1-like encoding."""
    import random

    from reportlab.pdfbase._fontdata import encodings, widthsByFontGlyph

    rng = random.Random(11)
    plan = _plan(doc, layout, 1)
    winansi = encodings["WinAnsiEncoding"]
    code_of: dict[str, int] = {}
    for i, name in enumerate(winansi):
        if name:
            code_of.setdefault(name, i)
    extra = {"breve": 1, "cedilla": 2, "circumflex": 3, "dotlessi": 4, "bullet": 5}
    glyph_of = {"•": "bullet", "▪": "bullet", "➢": "bullet", "●": "bullet", "·": "periodcentered"}
    glyph_of.update({"–": "endash", "—": "emdash", "„": "quotedblbase", "”": "quotedblright"})

    for i, name in enumerate(winansi):
        if name and i >= 32:
            glyph_of.setdefault(bytes([i]).decode("cp1252", "replace"), name)

    def glyph(ch: str) -> str:
        return glyph_of[ch]

    def code(name: str) -> bytes:
        n = extra.get(name) or code_of[name]
        return b"\\%03o" % n

    pages: dict[int, list[bytes]] = {}
    for ln in plan.lines:
        if not ln.text:
            continue
        font = "Helvetica-Bold" if ln.font == BOLD else "Helvetica"
        widths = widthsByFontGlyph[font]
        size = ln.size
        gap = rng.uniform(170, 400)  # this line's interword space, thousandths of an em
        ops: list[bytes] = []  # TJ arrays and rise changes of this line
        tj: list[bytes] = []
        total = 0.0  # advance in thousandths of an em, to align right/centre
        for w, word in enumerate(ln.text.split(" ")):
            if w:
                g = gap + rng.uniform(-8, 8)
                tj.append(b"%.1f" % -g)
                total += g
            for k, ch in enumerate(word):
                if k and rng.random() < 0.15:
                    kern = rng.uniform(-25, 80)  # TeX kerns: mostly tighter, a few looser
                    tj.append(b"%.1f" % kern)
                    total -= kern
                if ch in _ROMANIAN:
                    base, accent, _ = _ROMANIAN[ch]
                    bname = "dotlessi" if base == "\u0131" else glyph(base)
                    wb, wa = widths[bname], widths[accent]
                    d = (wb - wa) / 2
                    raise_ = ch.isupper() and accent != "cedilla"
                    if raise_:  # over a capital the accent is raised, in a run of its own
                        ops.append(b"[" + b" ".join(tj) + b"] TJ")
                        tj = []
                        ops.append(b"%.2f Ts" % (0.2 * size))
                        ops.append(b"[%.1f (%s) %.1f] TJ" % (-d, code(accent), wa + d))
                        ops.append(b"0 Ts")
                    else:
                        tj += [b"%.1f" % -d, b"(" + code(accent) + b")", b"%.1f" % (wa + d)]
                    tj.append(b"(" + code(bname) + b")")
                    total += wb
                else:
                    name = glyph(ch)
                    tj.append(b"(" + code(name) + b")")
                    total += widths[name]
        ops.append(b"[" + b" ".join(tj) + b"] TJ")
        width = total * size / 1000
        x = ln.x - {"left": 0.0, "right": width, "center": width / 2}[ln.align]
        fid = b"F2" if font == "Helvetica-Bold" else b"F1"
        pages.setdefault(ln.page, []).append(
            b"BT /%s %.2f Tf 1 0 0 1 %.2f %.2f Tm " % (fid, size, x, ln.y) + b" ".join(ops) + b" ET"
        )
    enc = (
        b"<</Type/Encoding/BaseEncoding/WinAnsiEncoding"
        b"/Differences[1/breve/cedilla/circumflex/dotlessi/bullet]>>"
    )
    npages = max(pages)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (6 + 2 * i) for i in range(npages)), npages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding 5 0 R >>",
        enc,
    ]
    for p in range(1, npages + 1):
        content = b"\n".join(pages.get(p, []))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>"
            % (PAGE_W, PAGE_H, 7 + 2 * (p - 1))
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return _raw_pdf(objects)


def render_docx(doc: CvDocument) -> bytes:
    """Render `doc` as a DOCX: paragraphs, with dated entries as two-cell table rows."""
    import docx

    d = docx.Document()
    for text in doc.header:
        d.add_paragraph(text)
    for sec in doc.main + doc.side:
        d.add_heading(sec.heading.upper(), level=2)
        table = None
        for line in sec.lines:
            if "\t" in line:
                date, entry = line.split("\t", 1)
                table = d.add_table(rows=0, cols=2)
                cells = table.add_row().cells
                cells[0].text = date
                cells[1].text = entry
            elif table is not None:
                table.rows[-1].cells[1].add_paragraph(line)
            else:
                d.add_paragraph(line)
        # A plain line after a table starts a new paragraph flow in the next section only.
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def bigram_recall(expected: str, got: str) -> float:
    """Return the share of the true word bigrams (as a multiset) that `got` keeps."""
    from collections import Counter

    def grams(s: str) -> Counter[tuple[str, str]]:
        w = s.split()
        return Counter(zip(w, w[1:], strict=False))

    want, have = grams(expected), grams(got)
    total = sum(want.values())
    if not total:
        return 1.0
    return sum(min(n, have[g]) for g, n in want.items()) / total


def attach_files(
    pdf: bytes,
    files: list[tuple[str, bytes]],
    *,
    compress: bool = True,
    deflated: tuple[str, ...] = (),
    kids: bool = False,
    cycle: bool = False,
) -> bytes:
    """Attach `files` to a reportlab PDF as the Europass editor does (/Names /EmbeddedFiles).

    Written as an incremental update, the way editors append to a PDF. `deflated`: files
    whose data is a zlib stream already (a decompression bomb); `kids` puts the names under an
    intermediate node of the name tree; `cycle` makes that node its own kid.
    """
    root = int(re.findall(rb"/Root (\d+) 0 R", pdf)[-1])
    size = int(re.findall(rb"/Size (\d+)", pdf)[-1])
    info = re.findall(rb"/Info (\d+) 0 R", pdf)
    prev = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    catalog = re.search(rb"\n%d 0 obj\s*<<(.*?)>>\s*endobj" % root, pdf, re.S)
    assert catalog is not None and b"/Names" not in catalog[1]
    objects: dict[int, bytes] = {}
    pairs = []
    number = size
    for name, data in files:
        body = zlib.compress(data) if compress and name not in deflated else data
        head = b"<< /Type /EmbeddedFile /Length %d /Params << /Size %d >>%s >>" % (
            len(body),
            len(data),
            b" /Filter /FlateDecode" if compress or name in deflated else b"",
        )
        objects[number] = head + b"\nstream\n" + body + b"\nendstream"
        spec = _pdf_string(name)
        objects[number + 1] = (
            b"<< /Type /Filespec /F %s /UF %s /EF << /F %d 0 R /UF %d 0 R >> >>"
            % (
                spec,
                spec,
                number,
                number,
            )
        )
        pairs.append(b"%s %d 0 R" % (_pdf_string(name), number + 1))
        number += 2
    names = b"/Names [" + b" ".join(pairs) + b"]"
    if kids:
        kid = number
        extra = b" %d 0 R" % kid if cycle else b""
        objects[kid] = b"<< " + names + b" /Kids [" + extra.strip() + b"] >>"
        tree = b"<< /Kids [%d 0 R] >>" % kid
        number += 1
    else:
        tree = b"<< " + names + b" >>"
    objects[number] = b"<< /EmbeddedFiles " + tree + b" >>"
    objects[root] = b"<<" + catalog[1] + b" /Names %d 0 R >>" % number
    out = bytearray(pdf)
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (root, offsets[root])
    new = sorted(n for n in objects if n != root)
    out += b"%d %d\n" % (new[0], len(new)) + b"".join(b"%010d 00000 n \n" % offsets[n] for n in new)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        number + 1,
        root,
        prev,
        b" /Info %s 0 R" % info[-1] if info else b"",
        xref,
    )
    return bytes(out)


def _pdf_string(text: str) -> bytes:
    # Non-ASCII names go as UTF-16 with its byte order mark, as PDF text strings must.
    if text.isascii():
        return (
            b"("
            + text.encode().replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            + b")"
        )
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().encode() + b">"


# --- sample content -----------------------------------------------------------------------

_RO = CvDocument(
    header=[
        "Ana-Maria Popescu",
        "Manager de cont — vânzări B2B și relația cu clienții corporativi",
        "Telefon: 0722 123 456 · E-mail: ana.popescu@example.ro",
        "Strada Fabricii 12, Cluj-Napoca · linkedin.com/in/ana-maria-popescu",
    ],
    main=[
        Section(
            "Profil",
            [
                "Manager de cont cu peste șapte ani de experiență în vânzări către clienți "
                "corporativi, negociere și fidelizarea clienților. Îmi place să construiesc "
                "relații de lungă durată și să ating ținte ambițioase de vânzări.",
            ],
        ),
        Section(
            "Experiență profesională",
            [
                "ian. 2021 – prezent\tKey Account Manager — Orange România, București",
                "• Gestionez un portofoliu de 120 de clienți corporativi cu venituri anuale de "
                "peste două milioane de euro",
                "• Am crescut vânzările cu 18% în 2023 prin ofertare personalizată și upselling",
                "mar. 2017 – dec. 2020\tManager relații cu clienții — Banca Transilvania, "
                "Cluj-Napoca",
                "• Am coordonat o echipă de șase consultanți și am redus timpul de răspuns la "
                "reclamații",
                "• Analiza nevoilor clienților și prezentarea produselor de creditare",
                "iun. 2015 – feb. 2017\tConsultant vânzări — Vodafone, magazinul din Iulius Mall",
                "• Consiliere pentru abonamente de telefonie mobilă și încheierea contractelor",
            ],
        ),
        Section(
            "Educație și formare",
            [
                "2013 – 2016\tLicență în Științe Economice — Universitatea Babeș-Bolyai, "
                "Cluj-Napoca",
                "2009 – 2013\tDiplomă de bacalaureat — Colegiul Național „Emil Racoviță”",
            ],
        ),
    ],
    side=[
        Section(
            "Competențe",
            [
                "Negociere și închiderea vânzărilor",
                "CRM: Salesforce, Microsoft Dynamics",
                "Microsoft Excel avansat",
                "Prezentări în fața clienților",
            ],
        ),
        Section("Limbi străine", ["Engleză — C1 (utilizator experimentat)", "Franceză — B1"]),
        Section("Permis de conducere", ["Categoria B, din 2012"]),
        Section("Contact", ["Mobil: +40 (0)722-123-456", "github.com/anapopescu"]),
    ],
)

_EN = CvDocument(
    header=[
        "John Smith",
        "Key Account Manager — B2B sales and corporate client relationships",
        "Phone: +40 (0)745-987-654 · E-mail: john.smith@example.com",
        "Bucharest, Romania · https://www.linkedin.com/in/john-smith-sales",
    ],
    main=[
        Section(
            "Profile",
            [
                "Account manager with more than seven years of experience in corporate sales, "
                "negotiation and customer retention. I enjoy building long-term relationships and "
                "reaching ambitious sales targets for the company.",
            ],
        ),
        Section(
            "Professional experience",
            [
                "Jan 2021 – present\tKey Account Manager — Orange Romania, Bucharest",
                "• Manage a portfolio of 120 corporate clients with annual revenue of more than "
                "two million euro",
                "• Grew sales by 18% in 2023 through tailored offers and upselling",
                "Mar 2017 – Dec 2020\tCustomer Relationship Manager — Banca Transilvania, Cluj",
                "• Led a team of six consultants and cut the response time to complaints",
                "• Analysed customer needs and presented the lending products of the bank",
                "Jun 2015 – Feb 2017\tSales Consultant — Vodafone, Iulius Mall store",
                "• Advised customers on mobile phone plans and closed the contracts",
            ],
        ),
        Section(
            "Education and training",
            [
                "2013 – 2016\tBachelor of Economics — Babeș-Bolyai University, Cluj-Napoca",
                "2009 – 2013\tBaccalaureate diploma — Emil Racoviță National College",
            ],
        ),
    ],
    side=[
        Section(
            "Skills",
            [
                "Negotiation and closing deals",
                "CRM: Salesforce, Microsoft Dynamics",
                "Advanced Microsoft Excel",
                "Presentations to clients",
            ],
        ),
        Section("Languages", ["English — C2 (native speaker)", "Romanian — B2"]),
        Section("Driving licence", ["Category B, since 2012"]),
        Section("Contact", ["Mobile: 0040 21 312 4567", "https://johnsmith.example.com"]),
    ],
)


def strip_diacritics(text: str) -> str:
    """Drop Romanian diacritics the way people typing on an English keyboard do."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def sample_cvs() -> dict[str, CvDocument]:
    """Return the sample CVs: ro, ro_plain (no diacritics), ro_cedilla (ş ţ), en."""
    return {
        "ro": map_text(_RO, str),
        "ro_plain": map_text(_RO, strip_diacritics),
        "ro_cedilla": map_text(_RO, lambda t: t.translate(CEDILLA)),
        "en": map_text(_EN, str),
    }


def with_running(doc: CvDocument, header: str, footer: str) -> CvDocument:
    """Return `doc` with a running header and footer on every page."""
    out = map_text(doc, str)
    out.running_header = header
    out.running_footer = footer
    return out


# --- Europass layouts ---------------------------------------------------------------------

MONTHS_RO = [
    "ianuarie",
    "februarie",
    "martie",
    "aprilie",
    "mai",
    "iunie",
    "iulie",
    "august",
    "septembrie",
    "octombrie",
    "noiembrie",
    "decembrie",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SKILLS = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")
EUROPASS_GENERATIONS = ("2004", "2013", "2020")


@dataclass
class EuropassJob:
    start: tuple[int, int]
    end: tuple[int, int] | None  # None: still held
    title: str
    employer: str
    place: str
    duties: list[str] = field(default_factory=list)


@dataclass
class EuropassStudy:
    start: tuple[int, int]
    end: tuple[int, int] | None  # None: still studying
    title: str
    organisation: str
    place: str
    eqf: int | None = None


@dataclass
class EuropassCv:
    """The content of a Europass CV; `render_europass` lays it out as one generation does."""

    language: str  # "ro" | "en": the language of the labels
    name: str
    email: str
    phone: str
    jobs: list[EuropassJob]
    studies: list[EuropassStudy]
    mother_tongue: str
    languages: list[tuple[str, dict[str, str]]]  # (name, {skill: level}) per foreign language
    licence: str | None = None


_EUROPASS_LABELS = {
    "ro": {
        "personal": "Informații personale",
        "work": "Experiența profesională",
        "education": "Educație și formare",
        "skills": "Competențe personale",
        "period": "Perioada",
        "title": "Funcția sau postul ocupat",
        "duties": "Activități și responsabilități principale",
        "employer": "Numele și adresa angajatorului",
        "qualification": "Calificarea / diploma obținută",
        "organisation": "Numele și tipul instituției de învățământ / furnizorului de formare",
        "level": "Nivelul în clasificarea națională sau internațională",
        "mother": "Limba(i) maternă(e)",
        "other": "Alte limbi străine cunoscute",
        "self": "Autoevaluare",
        "groups": ("Înțelegere", "Vorbire", "Scriere"),
        "listening": "Ascultare",
        "reading": "Citire",
        "spoken_interaction": "Participare la conversație",
        "spoken_production": "Discurs oral",
        "writing": "Exprimare scrisă",
        "legend": "Niveluri: A1/A2: Utilizator elementar - B1/B2: Utilizator independent - "
        "C1/C2: Utilizator experimentat",
        "users": {
            "A": "Utilizator elementar",
            "B": "Utilizator independent",
            "C": "Utilizator experimentat",
        },
        "licence": "Permis de conducere",
        "languages_2020": "Competențe lingvistice",
        "other_2020": "Altă limbă (Alte limbi):",
        "current": "prezent",
        "current_2020": "ÎN CURS",
        "eqf": "Nivel EQF {0}",
        "phone": "Telefon",
        "months": [m.capitalize() for m in MONTHS_RO],
    },
    "en": {
        "personal": "Personal information",
        "work": "Work experience",
        "education": "Education and training",
        "skills": "Personal skills",
        "period": "Dates",
        "title": "Occupation or position held",
        "duties": "Main activities and responsibilities",
        "employer": "Name and address of employer",
        "qualification": "Title of qualification awarded",
        "organisation": "Name and type of organisation providing education and training",
        "level": "Level in national or international classification",
        "mother": "Mother tongue(s)",
        "other": "Other language(s)",
        "self": "Self-assessment",
        "groups": ("Understanding", "Speaking", "Writing"),
        "listening": "Listening",
        "reading": "Reading",
        "spoken_interaction": "Spoken interaction",
        "spoken_production": "Spoken production",
        "writing": "Writing",
        "legend": "Levels: A1/A2: Basic user - B1/B2: Independent user - C1/C2: Proficient user",
        "users": {"A": "Basic user", "B": "Independent user", "C": "Proficient user"},
        "licence": "Driving licence",
        "languages_2020": "Language skills",
        "other_2020": "Other language(s):",
        "current": "Present",
        "current_2020": "CURRENT",
        "eqf": "EQF level {0}",
        "phone": "Phone",
        "months": MONTHS_EN,
    },
}


class _Canvas:
    """Placed text runs on pages, drawn in the file order asked for."""

    def __init__(self, clean) -> None:  # type: ignore[no-untyped-def]
        self.runs: list[tuple[int, float, float, str, str, float, str, int]] = []
        self.page = 1
        self.clean = clean

    def text(
        self, x: float, y: float, text: str, *, font: str = REGULAR, size: float = 9,
        align: str = "left",
    ) -> None:  # fmt: skip
        if text:
            self.runs.append((self.page, x, y, self.clean(text), font, size, align, len(self.runs)))

    def render(self, file_order: str) -> bytes:
        _fonts()
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=A4, invariant=1)
        if file_order == "rows":
            runs = sorted(self.runs, key=lambda r: (r[0], -round(r[2], 1), r[1]))
        else:
            runs = sorted(self.runs, key=lambda r: (r[0], r[7]))
        for page in range(1, max((r[0] for r in runs), default=1) + 1):
            for _, x, y, text, font, size, align, _seq in (r for r in runs if r[0] == page):
                c.setFont(font, size)
                if align == "right":
                    c.drawRightString(x, y, text)
                elif align == "center":
                    c.drawCentredString(x, y, text)
                else:
                    c.drawString(x, y, text)
            c.showPage()
        c.save()
        return buf.getvalue()


def _europass_date(month: tuple[int, int] | None, generation: str, words: dict) -> str:  # type: ignore[type-arg]
    if month is None:
        return words["current_2020"] if generation == "2020" else words["current"]
    if generation == "2004":
        return f"{words['months'][month[1] - 1]} {month[0]}"
    if generation == "2013":
        return f"{month[1]:02d}/{month[0]}"
    return f"01/{month[1]:02d}/{month[0]}"


def render_europass(
    cv: EuropassCv, generation: str, *, diacritics: bool = True, file_order: str = "flow"
) -> bytes:
    """Render `cv` as a Europass PDF: "2004" (label column: Perioada, Funcția sau postul
    ocupat ...), "2013" (the 2013 editor: dates in the label column) or "2020" (upper-case
    headings, "– CURRENT", the language grid as a full-width table)."""
    if generation not in EUROPASS_GENERATIONS:
        raise ValueError(f"unknown Europass generation {generation!r}")
    words = _EUROPASS_LABELS[cv.language]
    page = _Canvas(str if diacritics else strip_diacritics)
    if generation == "2020":
        _europass_2020(page, cv, words)
    else:
        _europass_labelled(page, cv, words, generation)
    return page.render(file_order)


def _period(start, end, generation: str, words: dict) -> str:  # type: ignore[no-untyped-def,type-arg]
    first = _europass_date(start, generation, words)
    return f"{first} – {_europass_date(end, generation, words)}"


def _europass_labelled(page: _Canvas, cv: EuropassCv, words: dict, generation: str) -> None:  # type: ignore[type-arg]
    label_x, value_x, right = 165.0, 180.0, PAGE_W - 40
    y = PAGE_H - 60

    def room(need: float) -> None:
        nonlocal y
        if y - need < 50:
            page.page += 1
            y = PAGE_H - 50

    def row(label: str, value: str | list[str], *, bold: bool = False, size: float = 9) -> None:
        nonlocal y
        labels = _wrap(label, REGULAR, 8, label_x - 40) if label else []
        values: list[str] = []
        for piece in [value] if isinstance(value, str) else value:
            values.extend(_wrap(piece, BOLD if bold else REGULAR, size, right - value_x))
        height = max(len(labels) * 10, len(values) * 12)
        room(height + 6)
        for k, text in enumerate(labels):
            page.text(label_x, y - k * 10, text, size=8, align="right")
        for k, text in enumerate(values):
            page.text(value_x, y - k * 12, text, font=BOLD if bold and not k else REGULAR,
                      size=size)  # fmt: skip
        y -= height + 6

    def heading(text: str) -> None:
        nonlocal y
        room(30)
        y -= 8
        shown = text.upper() if generation == "2013" else text
        page.text(label_x, y, shown, font=BOLD, size=10, align="right")
        y -= 16

    page.text(label_x, y, "Curriculum vitae" + (" Europass" if generation == "2004" else ""),
              font=BOLD, size=14, align="right")  # fmt: skip
    y -= 28
    heading(words["personal"])
    row("", cv.name, bold=True, size=12)
    row("", [f"{words['phone']}: {cv.phone}", cv.email])
    heading(words["work"])
    for job in cv.jobs:
        when = _period(job.start, job.end, generation, words)
        if generation == "2004":
            row(words["period"], when)
            row(words["title"], job.title, bold=True)
            if job.duties:
                row(words["duties"], "; ".join(job.duties))
            row(words["employer"], f"{job.employer}, {job.place}")
        else:
            row(when, [job.title, f"{job.employer}, {job.place}", *("▪ " + d for d in job.duties)])
    heading(words["education"])
    for study in cv.studies:
        when = _period(study.start, study.end, generation, words)
        level = words["eqf"].format(study.eqf) if study.eqf else ""
        if generation == "2004":
            row(words["period"], when)
            row(words["qualification"], study.title, bold=True)
            row(words["organisation"], f"{study.organisation}, {study.place}")
            if level:
                row(words["level"], level)
        else:
            row(when, [study.title, f"{study.organisation}, {study.place}", level])
    heading(words["skills"])
    row(words["mother"], cv.mother_tongue)
    row(words["other"], "")
    room(40 + 24 * len(cv.languages))
    # The grid: five columns in the value column, group headers above the skill names.
    width = (right - value_x) / 5
    centre = [value_x + width * (k + 0.5) for k in range(5)]
    if generation == "2004":
        page.text(label_x, y, words["self"], size=8, align="right")
    for text, cols in zip(words["groups"], ((0, 1), (2, 3), (4,)), strict=True):
        shown = text.upper() if generation == "2013" else text
        page.text(sum(centre[c] for c in cols) / len(cols), y, shown, font=BOLD, size=8,
                  align="center")  # fmt: skip
    y -= 11
    for k, skill in enumerate(SKILLS[:4]):
        for j, piece in enumerate(_wrap(words[skill], REGULAR, 7.5, width - 6)):
            page.text(centre[k], y - j * 9, piece, size=7.5, align="center")
    if generation == "2004":
        page.text(centre[4], y, words["writing"], size=7.5, align="center")
    y -= 26
    for name, levels in cv.languages:
        page.text(label_x, y, name, font=BOLD, size=9, align="right")
        for k, skill in enumerate(SKILLS):
            level = levels.get(skill, "")
            page.text(centre[k], y, level, font=BOLD, size=9, align="center")
            if generation == "2004" and level:
                for j, piece in enumerate(_wrap(words["users"][level[0]], REGULAR, 7, width - 8)):
                    page.text(centre[k], y - 9 - j * 8, piece, size=7, align="center")
        y -= 30 if generation == "2004" else 16
    page.text(value_x, y, words["legend"], size=7)
    y -= 16
    if cv.licence:
        row(words["licence"], cv.licence)


def _europass_2020(page: _Canvas, cv: EuropassCv, words: dict) -> None:  # type: ignore[type-arg]
    left, right = 45.0, PAGE_W - 45
    y = PAGE_H - 60

    def line(text: str, *, font: str = REGULAR, size: float = 9.5, x: float = left) -> None:
        nonlocal y
        for piece in _wrap(text, font, size, right - x):
            if y < 60:
                page.page += 1
                y = PAGE_H - 50
            page.text(x, y, piece, font=font, size=size)
            y -= size * 1.45

    def heading(text: str) -> None:
        nonlocal y
        y -= 8
        line(text.upper(), font=BOLD, size=11)
        y -= 2

    line(cv.name, font=BOLD, size=18)
    line(f"{words['phone']}: {cv.phone}   E-mail: {cv.email}")
    heading(words["work"])
    for job in cv.jobs:
        line(f"{_period(job.start, job.end, '2020', words)} {job.place}", size=8.5)
        # The title in capitals, then the employer, on one bold line.
        line(f"{job.title.upper()} {job.employer}", font=BOLD, size=10)
        for duty in job.duties:
            line("• " + duty)
        y -= 4
    heading(words["education"])
    for study in cv.studies:
        start, end = (study.start[0], 1), study.end and (study.end[0], 12)
        when = f"{start[0]} – {end[0] if end else words['current_2020']}"
        line(f"{when} {study.place}", size=8.5)
        line(f"{study.title.upper()} {study.organisation}", font=BOLD, size=10)
        if study.eqf:
            line(words["eqf"].format(study.eqf))
        y -= 4
    heading(words["languages_2020"])
    line(f"{words['mother']}: {cv.mother_tongue.upper()}")
    line(words["other_2020"])
    # Full-width table: language names, then five columns (2020 order: production first).
    order = ("listening", "reading", "spoken_production", "spoken_interaction", "writing")
    x0, width = 150.0, (right - 150.0) / 5
    centre = [x0 + width * (k + 0.5) for k in range(5)]
    y -= 4
    for text, cols in zip(words["groups"], ((0, 1), (2, 3), (4,)), strict=True):
        page.text(sum(centre[c] for c in cols) / len(cols), y, text.upper(), font=BOLD, size=8,
                  align="center")  # fmt: skip
    y -= 11
    for k, skill in enumerate(order[:4]):
        page.text(centre[k], y, words[skill], size=8, align="center")
    y -= 14
    for name, levels in cv.languages:
        page.text(left, y, name.upper(), font=BOLD, size=9)
        for k, skill in enumerate(order):
            page.text(centre[k], y, levels.get(skill, ""), size=9, align="center")
        y -= 14
    line(words["legend"], size=7)
    if cv.licence:
        heading(words["licence"])
        line(f"{words['licence']}: {cv.licence}")


# --- bad inputs ---------------------------------------------------------------------------


@cache
def small_pdf() -> bytes:
    """Return a real one-page CV PDF that reads: for tests that only need a valid upload."""
    doc = CvDocument(
        header=["Ana Popescu", "Account Manager", "E-mail: ana.popescu@example.ro"],
        main=[Section("Experiență profesională", ["2019 – prezent\tAccount Manager — Alfa SRL"])],
    )
    return render_pdf(doc, "single")


def png_bytes(width: int = 64, height: int = 64) -> bytes:
    """Return a small valid grey PNG."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes([200]) * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def gif_bytes(width: int = 64, height: int = 64) -> bytes:
    """Return a small valid GIF: a picture type the product does not take as a CV."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (width, height), 200).save(buf, "GIF")
    return buf.getvalue()


def encrypted_pdf(password: str = "secret") -> bytes:
    """Return a CV PDF that needs `password` to open."""
    return render_pdf(sample_cvs()["ro"], "single", encrypt=password)


def empty_password_pdf() -> bytes:
    """Return an encrypted CV PDF whose user password is empty (opens without asking)."""
    return render_pdf(sample_cvs()["ro"], "single", encrypt="")


def truncated_pdf() -> bytes:
    """Return the first half of a CV PDF, as an interrupted upload leaves it."""
    data = render_pdf(sample_cvs()["en"], "two_column")
    return data[: len(data) // 2]


def image_only_pdf() -> bytes:
    """Return a scanned CV: one page holding only a picture of text."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(sample_cvs()["en"].header):
        draw.text((40, 40 + 30 * i), line, fill=0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(img), 0, 0, PAGE_W, PAGE_H)
    c.showPage()
    c.save()
    return buf.getvalue()


PHOTO_BOX = (455.0, 40.0, 540.0, 150.0)  # x0, top, x1, bottom of linked_pdf's photo


def linked_pdf() -> bytes:
    """Return a CV page with a photo and contacts that only its links hold.

    The words "LinkedIn", "E-mail" and "Telefon" are link labels; the profile URL, address and
    number live in the link annotations, as CV builders (Canva, Word) write them.
    """
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    photo = Image.new("RGB", (85, 110), (180, 140, 120))
    x0, top, x1, bottom = PHOTO_BOX
    c.drawImage(ImageReader(photo), x0, PAGE_H - bottom, x1 - x0, bottom - top)
    c.setFont(BOLD, 18)
    c.drawString(45, PAGE_H - 60, "Ioana Dumitrescu")
    c.setFont(REGULAR, 10)
    y = PAGE_H - 80
    for label, uri in (
        ("LinkedIn", "https://www.linkedin.com/in/ioana-dumitrescu-42/"),
        ("E-mail", "mailto:ioana.dumitrescu@example.ro?subject=CV"),
        ("Telefon", "tel:+40722111222"),
    ):
        c.drawString(45, y, label)
        width = pdfmetrics.stringWidth(label, REGULAR, 10)
        c.linkURL(uri, (45, y - 2, 45 + width, y + 9), relative=0)
        y -= 14
    for line in (
        "Manager de cont cu șase ani de experiență în vânzări B2B și negociere.",
        "Am gestionat un portofoliu de clienți corporativi din telecomunicații.",
    ):
        y -= 14
        c.drawString(45, y, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def many_pages_pdf(pages: int = 200) -> bytes:
    """Return a PDF with `pages` short text pages."""
    _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for p in range(pages):
        c.setFont(REGULAR, 10)
        c.drawString(50, 800, f"Pagina {p + 1}: experiență în vânzări")
        c.showPage()
    c.save()
    return buf.getvalue()


def doc_bytes() -> bytes:
    """Return the start of a legacy Word .doc file (an OLE compound file)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def odt_bytes() -> bytes:
    """Return a minimal OpenDocument text file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def _raw_pdf(objects: list[bytes]) -> bytes:
    """Assemble numbered PDF objects (1..n, object 1 the catalog) with a valid xref."""
    from recruit.tasks import assemble_pdf  # the task layer only when a raw PDF is asked for

    return assemble_pdf(objects)


def slow_pdf(operators: int = 3_000_000) -> bytes:
    """Return a small PDF whose compressed page holds millions of text operators.

    A few kilobytes on disk, minutes of work for a PDF parser: the hostile file the time
    limit is for.
    """
    ops = b"BT /F1 1 Tf (x) Tj ET\n" * operators
    stream = zlib.compress(ops, 9)
    return _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


# --- pictures of CVs: scans and phone photos, for OCR ------------------------------------


def page_image(pdf: bytes, dpi: int, page: int = 0):  # type: ignore[no-untyped-def]
    """Return page `page` of `pdf` as a grey PIL image rendered at `dpi` (pypdfium2)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return doc[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()


def image_bytes(img, fmt: str = "PNG", quality: int = 90, dpi: int | None = None) -> bytes:  # type: ignore[no-untyped-def]
    """Return `img` encoded as PNG or JPEG (with its resolution recorded when `dpi` is given)."""
    buf = io.BytesIO()
    extra: dict = {"dpi": (dpi, dpi)} if dpi else {}  # type: ignore[type-arg]
    if fmt == "JPEG":
        img.convert("RGB").save(buf, "JPEG", quality=quality, **extra)
    else:
        img.save(buf, "PNG", **extra)
    return buf.getvalue()


def scanned_pdf(pdf: bytes, dpi: int = 200) -> bytes:
    """Return `pdf` as a scanner makes it: every page only a picture of itself, no text."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader

    pages = len(pdfium.PdfDocument(pdf))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for i in range(pages):
        png = io.BytesIO(image_bytes(page_image(pdf, dpi, i)))
        c.drawImage(ImageReader(png), 0, 0, PAGE_W, PAGE_H)
        c.showPage()
    c.save()
    return buf.getvalue()


def phone_photo(  # type: ignore[no-untyped-def]
    img,
    *,
    angle: float = 3.0,
    blur: float = 1.0,
    light: float = 0.35,
    quality: int = 70,
    turn: int = 0,
    seed: int = 0,
) -> bytes:
    """Return a phone photo of the page `img`: turned `angle` degrees, blurred, lit unevenly
    (`light`: how much darker the far corner is), on a grey desk, as a JPEG of `quality`.
    `turn` (0, 90, 180, 270) photographs it sideways or upside down."""
    import random

    from PIL import Image, ImageFilter

    rnd = random.Random(seed)
    page = img.convert("L")
    margin = page.width // 12
    desk = Image.new("L", (page.width + 2 * margin, page.height + 2 * margin), 110)
    desk.paste(page, (margin, margin))
    photo = desk.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=110)
    # A lamp on one side: brightness falls off linearly towards the opposite corner.
    import numpy as np

    w, h = photo.size
    dx, dy = rnd.choice(((1.0, 0.0), (0.7, 0.7), (-0.7, 0.7), (0.0, -1.0)))
    ys, xs = np.mgrid[0:h, 0:w]
    v = dx * xs / w + dy * ys / h
    v = (v - v.min()) / max(float(v.max() - v.min()), 1e-9)
    shade = Image.fromarray((255 * (1 - light * v)).astype(np.uint8), "L")
    photo = Image.composite(photo, Image.new("L", (w, h), 0), shade)
    photo = photo.filter(ImageFilter.GaussianBlur(blur))
    noise = Image.effect_noise((w, h), 6)  # sensor grain around mid-grey
    photo = Image.blend(photo, noise, 0.04)
    if turn:
        photo = photo.rotate(turn, expand=True)
    return image_bytes(photo.convert("RGB"), "JPEG", quality)
