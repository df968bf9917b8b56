"""What reading a CV returns: the text with its geometry, or an error a person understands."""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

MESSAGES = {
    "not_a_pdf": "This file is not a PDF, DOCX or photo (JPEG, PNG), whatever its name "
    "says{what}. Please upload your CV as a PDF (or DOCX) exported from your editor.",
    "encrypted": "This PDF is protected by a password, so we cannot read it. "
    "Please upload a copy without a password.",
    "corrupt": "This file is damaged or incomplete (perhaps the upload was cut off), so we "
    "cannot read it. Please export your CV again and upload the new file.",
    "no_text_layer": "This PDF is a scanned image with no text we can read. Please upload the "
    "PDF exported from your editor (Word, Google Docs, Europass).",
    "no_text": "We found no text in this {what}: it looks blank, or too dark or blurred to "
    "read. Please upload the PDF exported from your editor, or a sharp, well-lit photo of "
    "the whole page.",
    "ocr_low_confidence": "We read this {what} with text recognition (OCR), but parts of it "
    "were hard to make out; a recruiter will check the text. A PDF exported from your editor "
    "reads best.",
    "too_large": "This file is larger than the {limit} MB limit. Please upload a smaller PDF "
    "(export it again without large pictures).",
    "too_many_pages": "This document has {pages} pages; we accept at most {limit}. "
    "Please upload only your CV.",
    "timeout": "This file took too long to read, so we stopped. Please export your CV again "
    "as a plain PDF and upload it.",
    "unsupported_type": "We cannot read {what} files. Please upload your CV as a PDF or DOCX{how}.",
}


# The error codes of ARCHITECTURE.md ("Error codes for documents"): the only ones we return.
ERROR_CODES = frozenset(
    {
        "not_a_pdf",
        "encrypted",
        "corrupt",
        "no_text_layer",
        "too_large",
        "too_many_pages",
        "timeout",
        "unsupported_type",
        "no_text",  # OCR found no text on a picture or a scan: no CV is made up
        "ocr_low_confidence",  # read by OCR, but unsure of its words: a person checks
    }
)


@dataclass(frozen=True)
class DocumentError:
    code: str  # one of ERROR_CODES
    message: str


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_pages: int = 20
    timeout_s: float = 30.0
    max_memory_mb: int = 1024  # address space a parse may add to the caller's
    isolate: bool = True  # parse in a child process (hard timeout); False: in-process, soft
    # An attached file bigger than this is left out (the Europass XML is 5-50 kB, a few MB
    # with the photo and scanned diplomas it may carry in base64).
    max_embedded_bytes: int = 4 * 1024 * 1024


# (start, end, page, x0, top, x1, bottom): where one word of `text` sits on its page.
Span = tuple[int, int, int, float, float, float, float]
# (page, x0, top, x1, bottom): a rectangle on a page, in points from its top-left corner.
Box = tuple[int, float, float, float, float]


@dataclass(frozen=True)
class EmbeddedFile:
    """A file attached to a PDF: the Europass editor's "PDF + XML" export attaches the CV."""

    name: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class ReadResult:
    status: str  # "ok" | "error" | "needs_review"
    error: DocumentError | None
    sha256: str
    media_type: str | None
    pages: int = 0
    text: str = ""
    page_starts: tuple[int, ...] = ()  # DOCX: (0,), its page breaks are the renderer's
    language: str | None = None
    doc_date: datetime.date | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()  # "@name", "skype:name": see core/contacts.py
    cid_count: int = 0  # glyphs with no Unicode mapping, dropped from the text
    replacement_count: int = 0  # U+FFFD characters, dropped from the text
    ocr: bool = False  # the text (of some pages) came from OCR ("read by OCR")
    ocr_confidence: float | None = None  # mean word confidence of the OCR, 0-100
    page_sizes: tuple[tuple[float, float], ...] = ()  # (width, height) in points, PDF only
    spans: tuple[Span, ...] = field(default=(), repr=False)
    embedded_files: tuple[EmbeddedFile, ...] = field(default=(), repr=False)  # PDF only
    images: tuple[Box, ...] = ()  # pictures drawn on the pages (a photo, logos), PDF only

    def page_of(self, offset: int) -> int:
        """Return the 1-based page holding character `offset` of `text`."""
        if not self.page_starts:
            return 1
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def boxes(self, start: int, end: int) -> list[Box]:
        """Return (page, x0, top, x1, bottom) rectangles covering text[start:end], per line."""
        return word_boxes(self.spans, start, end)


def word_boxes(spans: Sequence[Span], start: int, end: int) -> list[Box]:
    """Return (page, x0, top, x1, bottom) rectangles covering text[start:end], per line."""
    out: list[Box] = []
    i = bisect.bisect_right(spans, (start, 1 << 62)) - 1
    i = max(i, 0)
    for s0, s1, page, x0, top, x1, bottom in spans[i:]:
        if s0 >= end:
            break
        if s1 <= start:
            continue
        # Clip a partly covered word by the share of its characters (glyphs vary little).
        w = (x1 - x0) / max(s1 - s0, 1)
        a = x0 + w * max(0, start - s0)
        b = x1 - w * max(0, s1 - end)
        if out and out[-1][0] == page and abs(out[-1][2] - top) < 2 and a >= out[-1][3]:
            p, ox0, otop, _, obottom = out[-1]
            out[-1] = (p, ox0, min(otop, top), b, max(obottom, bottom))
        else:
            out.append((page, a, top, b, bottom))
    return out


class Timeout(Exception):
    """A parse ran past its deadline (raised in-process; a child is simply killed)."""


TOO_COMPLEX = (
    "This file needs more memory to read than we allow (it unpacks to something huge). "
    "Please export your CV again as a plain PDF and upload it."
)


def keepable(read: ReadResult) -> bool:
    """Tell whether a reading is worth keeping for the worker that would read the file next.

    A reading that found text (or said what a person must check) is; an error is not: the
    worker reads the file again, with its full deadline, and says why itself.
    """
    return read.status in ("ok", "needs_review") and bool(read.text.strip())


def dump_kept(read: ReadResult) -> bytes:
    """Return a reading as kept beside its file, tagged with the extractor's version."""
    import pickle

    from recruit.core.version import EXTRACTOR_VERSION

    return pickle.dumps((EXTRACTOR_VERSION, read), pickle.HIGHEST_PROTOCOL)


def load_kept(kept: bytes) -> ReadResult | None:
    """Return a kept reading, or None when another version of the reader (or Python) kept it.

    Kept by this installation's own processes in its owner-only upload folder, as the
    originals are: not input from outside.
    """
    import pickle

    from recruit.core.version import EXTRACTOR_VERSION

    try:
        version, read = pickle.loads(kept)  # noqa: S301 - see the docstring
    except Exception:  # noqa: BLE001 - cut short or from another Python: read the file
        return None
    if version != EXTRACTOR_VERSION or not isinstance(read, ReadResult):
        return None
    return read
