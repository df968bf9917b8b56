"""PDF pages to ordered text: pdfplumber opens the document and gives its pages, links and
metadata; a lean pdfminer device (pdfplumber's engine) collects characters and image boxes
from each page, then the layout pass orders them. On CV pages, building pdfplumber's
per-object dicts (`page.chars`, `page.images`) costs more than our whole layout pass."""

from __future__ import annotations

import datetime
import io
import operator
import re
import time
import zlib
from typing import Any

import pdfplumber
from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError
from pdfminer.pdfexceptions import PDFObjectNotFound
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import LIT
from pdfminer.utils import apply_matrix_rect, decode_text, mult_matrix
from pdfplumber.utils.exceptions import PdfminerException

from recruit.core import layout
from recruit.core.normalise import is_bullet
from recruit.core.reading import ocr
from recruit.core.reading.assembly import build_text
from recruit.core.reading.content import Interpreter, fast_cmaps, fast_objects
from recruit.core.reading.result import Box, EmbeddedFile, Limits, Timeout


def parse_pdf(data: bytes, limits: Limits) -> dict[str, Any]:
    """Parse a PDF's bytes into the fields of a ReadResult (or {\"error\": code})."""
    deadline = time.monotonic() + limits.timeout_s
    if b"%%EOF" not in data:
        return {"error": "corrupt"}  # cut off before its end: an interrupted upload
    try:
        # raise_unicode_errors=False: an undecodable link target is skipped, not fatal.
        pdf = pdfplumber.open(io.BytesIO(data), password="", raise_unicode_errors=False)
    except PdfminerException as exc:
        if exc.args and isinstance(exc.args[0], PDFEncryptionError):
            return {"error": "encrypted"}
        raise
    with pdf:
        fast_objects(pdf.doc, data)
        _no_reference_cycles(pdf.doc)
        pages = pdf.pages
        if not pages:
            return {"error": "corrupt"}
        if len(pages) > limits.max_pages:
            return {"error": "too_many_pages", "pages": len(pages), "limit": limits.max_pages}
        with fast_cmaps():
            fields = _read_pages(pdf, pages, deadline, data)
        fields["doc_date"] = _pdf_date(pdf.metadata)
        fields["embedded_files"] = embedded_files(pdf.doc, limits.max_embedded_bytes)
    alnum = sum(map(str.isalnum, fields["text"]))
    if fields.get("ocr") and alnum < ocr.MIN_ALNUM:
        return {"error": "no_text", "pages": len(pages)}  # OCR found nothing: no CV to invent
    if alnum < 40 * len(pages) or fields["cid"] + fields["fffd"] > alnum:
        fields["no_text"] = True
    return fields


def _no_reference_cycles(doc: PDFDocument) -> None:
    """Let `doc` read an object that is only a reference (to one that is only a reference...)
    as what the chain ends at, and as null where the chain comes back on itself.

    pdfminer resolves such a chain in a loop with no end when it cycles ("2 0 obj 2 0 R"):
    a damaged page tree hung the reading, beyond the deadline of an in-process read.
    """
    getobj = doc.getobj

    def followed(objid: int) -> Any:
        obj = getobj(objid)
        seen = {objid}
        while isinstance(obj, PDFObjRef):
            if obj.objid in seen:
                return None
            seen.add(obj.objid)
            try:
                obj = getobj(obj.objid)
            except PDFObjectNotFound:
                return obj  # a dangling reference: pdfminer's own reading of it, as before
        return obj

    doc.getobj = followed  # type: ignore[method-assign]


def _read_pages(pdf: Any, pages: list[Any], deadline: float, data: bytes) -> dict[str, Any]:
    """Order the characters of every page into text; collect link targets and image boxes."""
    device = _CharDevice(pdf.rsrcmgr)
    device.deadline = deadline
    interp = _Interpreter(pdf.rsrcmgr, device)
    seg_pages: list[list[layout.Seg]] = []
    sizes: list[tuple[float, float]] = []
    images: list[Box] = []
    uris: dict[str, None] = {}
    scanned: list[int] = []  # pages read by OCR
    confidences: list[float] = []
    for pno, page in enumerate(pages, start=1):
        if time.monotonic() > deadline:
            raise Timeout
        interp.process_page(page.page_obj)
        words = layout.build_words(device.chars)
        if _scanned(device) and ocr.available():
            # A picture of a page and (next to) no text: a scan. Its words come from OCR.
            scan = ocr.read_page(*_render(data, pno - 1), deadline)
            words, device.images = scan.words, []
            confidences.extend(scan.confidences)
            scanned.append(pno)
        seg_pages.append(layout.build_segments(words, is_bullet) if words else [])
        sizes.append((round(device.width, 2), round(device.height, 2)))
        images.extend((pno, *box) for box in device.images)
        uris.update(dict.fromkeys(_link_targets(page)))
    seg_pages = layout.drop_running_lines(seg_pages, [h for _, h in sizes])
    ordered = [layout.page_order(segs) for segs in seg_pages]
    fields = build_text(ordered)
    if scanned:
        fields["ocr"] = True
        fields["ocr_pages"] = tuple(scanned)
        fields["ocr_confidence"] = (
            round(sum(confidences) / len(confidences), 1) if confidences else 0.0
        )
    fields["pages"] = len(pages)
    fields["page_sizes"] = tuple(sizes)
    fields["images"] = tuple(images)
    fields["uris"] = tuple(uris)
    return fields


# A page is a scan when pictures cover this share of it and its text layer holds fewer
# letters and digits than `_SCAN_ALNUM` (a scanner's stamp, a page number).
_SCAN_COVER = 0.3
_SCAN_ALNUM = 40
_IS_CID = operator.methodcaller("startswith", "(cid:")  # a glyph its font gives no text for


def _scanned(device: _CharDevice) -> bool:
    """Tell whether the page just processed is a picture of text, or text we cannot decode."""
    texts = [ch[0] for ch in device.chars]
    alnum = sum(map(str.isalnum, texts))
    garbage = sum(map(_IS_CID, texts)) + texts.count("\ufffd")
    if garbage > max(alnum, _SCAN_ALNUM):
        return True  # glyphs without Unicode (a font with no map): only their picture reads
    if alnum >= _SCAN_ALNUM or not device.images:
        return False
    area = sum((x1 - x0) * (bottom - top) for x0, top, x1, bottom in device.images)
    return area >= _SCAN_COVER * device.width * device.height


def _render(data: bytes, index: int) -> tuple[Any, float]:
    """Return page `index` as a grey PIL image (pdfium, as pdfplumber) and its resolution.

    `ocr.RENDER_DPI`, or less on a page so large that its picture would pass
    `ocr.MAX_RENDER_SIDE` pixels (a hostile page of 200 inches would take gigabytes).
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        page = doc[index]
        try:
            longest = max(page.get_size()) or 1.0
            scale = min(ocr.RENDER_DPI / 72, ocr.MAX_RENDER_SIDE / longest)
            image = page.render(scale=scale, grayscale=True).to_pil()
            return image, scale * 72
        finally:
            page.close()
    finally:
        doc.close()


def _link_targets(page: Any) -> list[str]:
    """Return the URIs of the page's link annotations (a "LinkedIn" word may hide one)."""
    try:
        links = page.hyperlinks
    except Exception:  # noqa: BLE001 - a malformed annotation must not cost the CV its text
        return []
    return [link["uri"].strip() for link in links if isinstance(link.get("uri"), str)]


def _pdf_date(metadata: dict[str, Any]) -> datetime.date | None:
    raw = metadata.get("CreationDate")
    if isinstance(raw, bytes):
        raw = raw.decode("latin-1", "replace")
    m = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", raw if isinstance(raw, str) else "")
    if m:
        try:
            return datetime.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
        except ValueError:
            return None
    return None


# A name tree of attachments is a handful of nodes; a hostile one may be huge or cyclic.
_MAX_NAME_NODES = 256
_MAX_EMBEDDED = 16


def embedded_files(doc: PDFDocument, max_bytes: int) -> tuple[EmbeddedFile, ...]:
    """Return the files attached to `doc` (catalog /Names /EmbeddedFiles), each <= max_bytes."""
    try:
        return _walk_embedded(doc, max_bytes)
    except Exception:  # noqa: BLE001 - a broken attachment tree leaves the CV itself readable
        return ()


def _walk_embedded(doc: PDFDocument, max_bytes: int) -> tuple[EmbeddedFile, ...]:
    names = _dict(_dict(doc.catalog).get("Names"))
    stack = [names.get("EmbeddedFiles")]
    seen: set[int] = set()
    found: list[EmbeddedFile] = []
    nodes = 0
    while stack and nodes < _MAX_NAME_NODES and len(found) < _MAX_EMBEDDED:
        ref = stack.pop()
        if isinstance(ref, PDFObjRef):
            if ref.objid in seen:
                continue
            seen.add(ref.objid)
        node = _dict(ref)
        nodes += 1
        pairs = _list(node.get("Names"))
        for key, spec in zip(pairs[::2], pairs[1::2], strict=False):
            attached = _embedded_file(key, _dict(spec), max_bytes)
            if attached is not None and len(found) < _MAX_EMBEDDED:
                found.append(attached)
        stack.extend(reversed(_list(node.get("Kids"))))
    return tuple(found)


def _embedded_file(key: Any, spec: dict[str, Any], max_bytes: int) -> EmbeddedFile | None:
    streams = _dict(spec.get("EF"))
    stream = resolve1(streams.get("UF") or streams.get("F"))
    if not isinstance(stream, PDFStream):
        return None
    data = _stream_bytes(stream, max_bytes)
    if data is None:
        return None
    name = next(
        (_text(resolve1(spec.get(k))) for k in ("UF", "F") if _text(resolve1(spec.get(k)))),
        _text(resolve1(key)),
    )
    return EmbeddedFile(name, data)


def _stream_bytes(stream: PDFStream, max_bytes: int) -> bytes | None:
    raw = stream.rawdata
    filters = stream.get_filters()
    if raw is not None and stream.decipher is None and not filters:
        return bytes(raw) if len(raw) <= max_bytes else None
    if raw is not None and stream.decipher is None and len(filters) == 1:
        name, params = filters[0]
        if name in (LIT("FlateDecode"), LIT("Fl")) and not params:
            # Inflate with a cap: a few kB of deflated zeros would unpack to gigabytes.
            try:
                data = zlib.decompressobj().decompress(raw, max_bytes + 1)
            except zlib.error:
                return None
            return data if len(data) <= max_bytes else None
    try:
        data = stream.get_data()
    except Exception:  # noqa: BLE001 - a broken attachment leaves the CV itself readable
        return None
    return data if len(data) <= max_bytes else None


def _dict(value: Any) -> dict[str, Any]:
    value = resolve1(value)
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    value = resolve1(value)
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return decode_text(value).strip("\x00")
    return value if isinstance(value, str) else ""


# Images thinner than this are rules and spacers drawn as pictures, not content.
_MIN_IMAGE_PT = 2.0
_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")


class _Interpreter(Interpreter):
    """The interpreter for `_CharDevice`, which keeps nothing of the graphics state: a string
    is shown without the copy of that state pdfminer makes for each one (real resumes show a
    glyph or a word per string, millions in a folder)."""

    def do_TJ(self, seq: Any) -> None:
        if self.textstate.font is None:
            super().do_TJ(seq)  # pdfminer's own answer to text without a font
            return
        self.device.render_string(self.textstate, seq, self.graphicstate.ncs, self.graphicstate)


def _glyph_text(font: Any, cid: int) -> str:
    """Return a glyph's text, or "(cid:N)" where its font does not say it."""
    try:
        text: str = font.to_unichr(cid)
    except PDFUnicodeNotDefined:
        return f"(cid:{cid})"
    return text


class _CharDevice(PDFTextDevice):  # type: ignore[misc]
    """Collect horizontal characters as tuples and where images are; ignore vector graphics."""

    def __init__(self, rsrcmgr: PDFResourceManager) -> None:
        super().__init__(rsrcmgr)
        self.chars: list[layout.Char] = []
        self.images: list[tuple[float, float, float, float]] = []  # x0, top, x1, bottom
        self.width = self.height = 0.0
        self._bold: dict[Any, bool] = {}
        # Per font (the document's own objects): each glyph's width and text, worked out once.
        self._widths: dict[Any, dict[int, float]] = {}
        self._texts: dict[Any, dict[int, str]] = {}

    def begin_page(self, page: Any, ctm: Any) -> None:
        x0, y0, x1, y1 = apply_matrix_rect(ctm, page.mediabox)
        self.width, self.height = abs(x1 - x0), abs(y1 - y0)
        self.chars = []
        self.images = []

    deadline = float("inf")
    _ticks = 0
    _text_matrix: Any = None
    _page_matrix: Any = None
    _matrix: Any = None
    _run = 0  # one per text-showing operator (Tj, TJ, ', "): the file's own runs of glyphs

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        """PDFTextDevice.render_string's horizontal path in one call, counting the run."""
        self._run += 1
        font = textstate.font
        if font.is_vertical():
            super().render_string(textstate, seq, ncs, graphicstate)
            return
        assert self.ctm is not None
        fontsize = textstate.fontsize
        scaling = textstate.scaling * 0.01
        # Real resumes show a glyph or a word per string under the same text and page matrices:
        # their product is worked out again only when one of them is another.
        if textstate.matrix is not self._text_matrix or self.ctm is not self._page_matrix:
            self._text_matrix, self._page_matrix = textstate.matrix, self.ctm
            self._matrix = mult_matrix(textstate.matrix, self.ctm)
        textstate.linematrix = self.render_string_horizontal(
            seq,
            self._matrix,
            textstate.linematrix,
            font,
            fontsize,
            scaling,
            textstate.charspace * scaling,
            0 if font.is_multibyte() else textstate.wordspace * scaling,
            textstate.rise,
            0.001 * fontsize * scaling,
            ncs,
            graphicstate,
        )

    def _tick(self) -> None:
        # In-process reads have no child to kill: a page with millions of operators must
        # still stop near the deadline, so check the clock every few hundred glyphs/paths.
        self._ticks += 1
        if not self._ticks & 511 and time.monotonic() > self.deadline:
            raise Timeout

    def render_image(self, name: Any, stream: Any) -> None:
        self._tick()
        if self.ctm is None:
            return
        # The interpreter draws every image into the unit square of the current matrix.
        x0, y0, x1, y1 = apply_matrix_rect(self.ctm, (0, 0, 1, 1))
        if x1 - x0 >= _MIN_IMAGE_PT and y1 - y0 >= _MIN_IMAGE_PT:
            h = self.height
            self.images.append((round(x0, 1), round(h - y1, 1), round(x1, 1), round(h - y0, 1)))

    def paint_path(self, *args: Any) -> None:
        self._tick()

    def render_string_horizontal(
        self,
        seq: Any,
        matrix: Any,
        pos: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        charspace: float,
        wordspace: float,
        rise: float,
        dxscale: float,
        ncs: Any,
        graphicstate: Any,
    ) -> tuple[float, float]:
        """Lay out a string's glyphs as pdfminer does, collecting them here in one loop.

        pdfminer calls render_char for each glyph with a matrix of its own; a string's glyphs
        share their matrix, font and size, so what depends on those is worked out once, and a
        glyph's width and text once per font (pdfminer looks both up through several calls).
        """
        x, y = pos
        a, b, c, d, e, f = matrix
        # Rotated text is decoration on CVs ("CURRICULUM VITAE" up a margin): advance only.
        kept = not (b or c or a <= 0 or d <= 0)
        chars, run, h = self.chars, self._run, self.height
        low = font.get_descent() * fontsize + rise
        y0 = d * low + (x * b + y * d + f)
        y1 = d * (low + fontsize) + (x * b + y * d + f)
        bold = self._is_bold(font)
        widths = self._widths.get(font)
        if widths is None:
            widths = self._widths[font] = {}
            self._texts[font] = {}
        texts = self._texts[font]
        ticks = self._ticks
        needcharspace = False
        for obj in seq:
            if isinstance(obj, int | float):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    ticks += 1  # as _tick, in line: this loop runs once per glyph
                    if not ticks & 511 and time.monotonic() > self.deadline:
                        raise Timeout
                    width = widths.get(cid)
                    if width is None:
                        width = widths[cid] = font.char_width(cid)
                    adv: float = width * fontsize * scaling
                    if kept:
                        text = texts.get(cid)
                        if text is None:
                            text = texts[cid] = _glyph_text(font, cid)
                        left = x * a + y * c + e
                        chars.append(
                            (text, left, left + a * adv, h - y1, h - y0, y1 - y0, bold, run)
                        )
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
        self._ticks = ticks
        return (x, y)

    def _is_bold(self, font: Any) -> bool:
        bold = self._bold.get(font.fontname)
        if bold is None:
            name = str(font.fontname).lower()
            bold = self._bold[font.fontname] = any(w in name for w in _BOLD_NAMES)
        return bold

    def render_char(
        self,
        matrix: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: Any,
        graphicstate: Any,
    ) -> float:
        self._tick()
        adv: float = font.char_width(cid) * fontsize * scaling
        a, b, c, d, e, f = matrix
        # Rotated or vertical text is decoration on CVs ("CURRICULUM VITAE" up a margin).
        if b or c or a <= 0 or d <= 0 or font.is_vertical():
            return adv
        text = _glyph_text(font, cid)
        low = font.get_descent() * fontsize + rise
        y0 = d * low + f
        y1 = d * (low + fontsize) + f
        h = self.height
        bold = self._is_bold(font)
        self.chars.append((text, e, e + a * adv, h - y1, h - y0, y1 - y0, bold, self._run))
        return adv
