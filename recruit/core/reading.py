"""Read a CV (PDF or DOCX bytes) into normalised text in reading order, or say why not.

`read_document` never raises for bad input: every failure is a `ReadResult` whose
`DocumentError` carries a code (see ARCHITECTURE.md) and a message for the candidate.

PDFs are parsed with pdfminer (pdfplumber's engine) through a lean device that keeps only
characters: on CV pages, building pdfplumber's per-object dicts and
curve objects costs more than our whole layout pass. The parse runs in a long-lived child
process with a hard time limit (the child is killed and replaced) and an address-space
limit, so a hostile file cannot hang or exhaust the worker that calls us.
"""

from __future__ import annotations

import atexit
import bisect
import contextlib
import datetime
import hashlib
import io
import os
import pickle
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # not on Windows
    resource = None  # type: ignore[assignment]

from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.utils import apply_matrix_rect

from recruit.core import layout
from recruit.core.contacts import find_emails, find_links, find_phones
from recruit.core.language import detect_language
from recruit.core.normalise import BULLET, is_bullet, joins_hyphenated, normalise_word

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

MESSAGES = {
    "not_a_pdf": "This file is not a PDF or DOCX, whatever its name says{what}. "
    "Please upload your CV as a PDF (or DOCX) exported from your editor.",
    "encrypted": "This PDF is protected by a password, so we cannot read it. "
    "Please upload a copy without a password.",
    "corrupt": "This file is damaged or incomplete (perhaps the upload was cut off), so we "
    "cannot read it. Please export your CV again and upload the new file.",
    "no_text_layer": "This PDF is a scanned image with no text we can read. Please upload the "
    "PDF exported from your editor (Word, Google Docs, Europass).",
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


# (start, end, page, x0, top, x1, bottom): where one word of `text` sits on its page.
Span = tuple[int, int, int, float, float, float, float]


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
    cid_count: int = 0  # glyphs with no Unicode mapping, dropped from the text
    replacement_count: int = 0  # U+FFFD characters, dropped from the text
    ocr: bool = False  # the text came from OCR
    page_sizes: tuple[tuple[float, float], ...] = ()  # (width, height) in points, PDF only
    spans: tuple[Span, ...] = field(default=(), repr=False)

    def page_of(self, offset: int) -> int:
        """Return the 1-based page holding character `offset` of `text`."""
        if not self.page_starts:
            return 1
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def boxes(self, start: int, end: int) -> list[tuple[int, float, float, float, float]]:
        """Return (page, x0, top, x1, bottom) rectangles covering text[start:end], per line."""
        out: list[tuple[int, float, float, float, float]] = []
        i = bisect.bisect_right(self.spans, (start, 1 << 62)) - 1
        i = max(i, 0)
        for s0, s1, page, x0, top, x1, bottom in self.spans[i:]:
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


def read_document(data: bytes, filename: str = "", *, limits: Limits | None = None) -> ReadResult:
    """Read a CV's bytes into normalised text, or a result that says what is wrong."""
    limits = limits or Limits()
    sha = hashlib.sha256(data).hexdigest()
    media = sniff_media_type(data)
    if len(data) > limits.max_bytes:
        return _error(sha, media, "too_large", limit=limits.max_bytes // (1024 * 1024))
    if media == PDF:
        parse: Callable[[bytes, Limits], dict[str, Any]] = _parse_pdf
    elif media == DOCX:
        parse = _parse_docx
    else:
        return _wrong_type(sha, media, filename)
    fields = _run_guarded(parse, data, limits)
    if "error" in fields:
        code = fields.pop("error")
        return _error(sha, media, code, **fields)
    return _finish(sha, media, fields)


def _finish(sha: str, media: str, f: dict[str, Any]) -> ReadResult:
    text: str = f["text"]
    result = ReadResult(
        status="ok",
        error=None,
        sha256=sha,
        media_type=media,
        pages=f["pages"],
        text=text,
        page_starts=f["page_starts"],
        language=detect_language(text),
        doc_date=f.get("doc_date"),
        emails=find_emails(text),
        phones=find_phones(text),
        links=find_links(text),
        cid_count=f.get("cid", 0),
        replacement_count=f.get("fffd", 0),
        ocr=f.get("ocr", False),
        page_sizes=f.get("page_sizes", ()),
        spans=f.get("spans", ()),
    )
    if f.get("no_text"):
        msg = MESSAGES["no_text_layer"]
        msg += (
            " We read it with OCR; a recruiter will check the text."
            if result.ocr
            else " (Automatic text recognition, OCR, is not installed here.)"
        )
        result = replace(result, status="needs_review", error=DocumentError("no_text_layer", msg))
    return result


def _error(sha: str, media: str | None, code: str, **fmt: Any) -> ReadResult:
    message = fmt.pop("message", None) or MESSAGES[code].format(**fmt)
    status = "needs_review" if code == "no_text_layer" else "error"
    return ReadResult(
        status=status,
        error=DocumentError(code, message),
        sha256=sha,
        media_type=media,
        pages=fmt.get("pages", 0) if isinstance(fmt.get("pages"), int) else 0,
    )


# --- what the bytes really are -----------------------------------------------------------

_NAMES = {
    "application/msword": ("Word 97-2003 (.doc)", ": in Word choose File > Save As > PDF"),
    "application/vnd.oasis.opendocument.text": (
        "OpenDocument (.odt)",
        ": in LibreOffice choose File > Export as PDF",
    ),
    "application/rtf": ("RTF", ": open it in your editor and save it as PDF"),
    "image/png": ("image (PNG)", " exported from your editor, not a photo or scan"),
    "image/jpeg": ("image (JPEG)", " exported from your editor, not a photo or scan"),
    "image/gif": ("image (GIF)", " exported from your editor, not a photo or scan"),
    "image/tiff": ("image (TIFF)", " exported from your editor, not a photo or scan"),
    "image/webp": ("image (WebP)", " exported from your editor, not a photo or scan"),
    "image/heic": ("image (HEIC)", " exported from your editor, not a photo or scan"),
    "text/html": ("web page (HTML)", ": print the page to PDF"),
    "text/plain": ("plain text", ""),
    "application/zip": ("ZIP archive", ": send the CV itself, not an archive"),
    "application/x-encrypted-office": ("password-protected Office", " without a password"),
}


def sniff_media_type(data: bytes) -> str | None:
    """Return the media type the bytes really have, whatever the file is called."""
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                if "word/document.xml" in names:
                    return DOCX
                if "mimetype" in names:
                    return z.read("mimetype").decode("ascii", "replace").strip() or None
        # NotImplementedError: the fuzzer's DOCX asking for zip version 6.4; EOFError,
        # RuntimeError and zlib.error come from reading a damaged or encrypted "mimetype".
        except (
            zipfile.BadZipFile,
            OSError,
            ValueError,
            NotImplementedError,
            EOFError,
            RuntimeError,
            zlib.error,
        ):
            # A package we cannot open but whose local headers name a Word body is a DOCX
            # (the DOCX reader then reports it corrupt), not some other zip.
            if b"word/document.xml" in data:
                return DOCX
            return "application/zip"
        return "application/zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An OLE file: a legacy .doc, or a password-protected DOCX (its package is encrypted).
        if "EncryptedPackage".encode("utf-16-le") in data[:65536]:
            return "application/x-encrypted-office"
        return "application/msword"
    for magic, media in (
        (b"\x89PNG", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF8", "image/gif"),
        (b"II*\x00", "image/tiff"),
        (b"MM\x00*", "image/tiff"),
        (b"{\\rtf", "application/rtf"),
    ):
        if data.startswith(magic):
            return media
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    lower = head.lstrip().lower()
    if lower.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    if not data:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


def _wrong_type(sha: str, media: str | None, filename: str) -> ReadResult:
    what, how = _NAMES.get(media or "", ("", ""))
    if media == "application/x-encrypted-office":
        return _error(sha, media, "encrypted")
    claims = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if media is None and not what and sha == _EMPTY_SHA:
        return _error(sha, media, "not_a_pdf", message=_EMPTY)
    if claims in ("pdf", "docx") or not what:
        # The name promises a CV format the bytes are not (or we cannot tell what they are).
        what = f": it is really {a(what)} file" if what else ""
        return _error(sha, media, "not_a_pdf", what=what)
    return _error(sha, media, "unsupported_type", what=what, how=how)


_EMPTY_SHA = hashlib.sha256(b"").hexdigest()
_EMPTY = "This file is empty (0 bytes), perhaps the upload failed. Please upload your CV again."


def a(noun: str) -> str:
    """Prefix `noun` with its English indefinite article."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


# --- running the parse with a hard limit ----------------------------------------------------


def _run_guarded(
    parse: Callable[[bytes, Limits], dict[str, Any]], data: bytes, limits: Limits
) -> dict[str, Any]:
    if not limits.isolate or os.name != "posix":
        return _run_here(parse, data, limits)
    kind = "pdf" if parse is _parse_pdf else "docx"
    for _ in range(2):  # a second try only when a host died before it got the document
        try:
            host = _pool().take(limits.max_memory_mb)
        except OSError:
            return _run_here(parse, data, limits)  # cannot start a child: soft limit only
        outcome, result = host.call(kind, data, limits)
        if outcome == "ok" and not result.pop("fatal", False):
            _pool().give(host)
            return result
        host.close(kill=True)
        if outcome == "timeout":
            return {"error": "timeout"}
        if outcome == "ok":
            return result
        if outcome == "dead_after_send":
            # Killed by the memory limit (or crashed in C code) on this very file.
            return {"error": "too_large", "message": _TOO_COMPLEX}
    return _run_here(parse, data, limits)


_TOO_COMPLEX = (
    "This file needs more memory to read than we allow (it unpacks to something huge). "
    "Please export your CV again as a plain PDF and upload it."
)


def _run_here(
    parse: Callable[[bytes, Limits], dict[str, Any]], data: bytes, limits: Limits
) -> dict[str, Any]:
    try:
        with warnings.catch_warnings():
            # pdfminer warns about every oddity of real-world files; none of it is ours.
            warnings.simplefilter("ignore")
            return parse(data, limits)
    except _Timeout:
        return {"error": "timeout"}
    except MemoryError:
        return {"error": "too_large", "message": _TOO_COMPLEX, "fatal": True}
    except Exception:  # noqa: BLE001 - any parser failure on untrusted bytes is "corrupt"
        return {"error": "corrupt"}


class _Host:
    """A reader child process, parsing one document at a time; killed when over time.

    Forking the caller for every document cost 20-60 ms here (copy-on-write of a heap that
    holds spaCy); a long-lived small child costs a pipe round trip (<1 ms).
    """

    def __init__(self, memory_mb: int) -> None:
        root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        self.memory_mb = memory_mb
        self.used = 0
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from recruit.core.reading import serve; serve()",
                str(memory_mb),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        os.set_blocking(self._in, False)
        if self._read(1, time.monotonic() + 60) != b"R":
            self.close(kill=True)
            raise OSError("the reader child did not start")

    def call(self, kind: str, data: bytes, limits: Limits) -> tuple[str, dict[str, Any]]:
        """Send one document; return ("ok", fields), ("timeout" | "dead*", {})."""
        if self.proc.poll() is not None:
            return "dead", {}
        payload = pickle.dumps((kind, data, limits), pickle.HIGHEST_PROTOCOL)
        deadline = time.monotonic() + limits.timeout_s
        sent = self._write(len(payload).to_bytes(8, "big") + payload, deadline)
        head = self._read(8, deadline) if sent else None
        body = self._read(int.from_bytes(head, "big"), deadline) if head else None
        if body is None:
            if time.monotonic() >= deadline:
                return "timeout", {}
            return ("dead_after_send" if sent else "dead"), {}
        self.used += 1
        result: dict[str, Any] = pickle.loads(body)  # noqa: S301 - from our own child
        return "ok", result

    def _write(self, data: bytes, deadline: float) -> bool:
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [self._in], [], left)[1]:
                return False
            try:
                view = view[os.write(self._in, view) :]
            except BlockingIOError:
                continue
            except OSError:  # the child is gone
                return False
        return True

    def _read(self, n: int, deadline: float) -> bytes | None:
        chunks: list[bytes] = []
        while n > 0:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._out], [], [], left)[0]:
                return None
            chunk = os.read(self._out, min(n, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def close(self, *, kill: bool = False) -> None:
        """Stop the child: politely (end of input), or at once."""
        if self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                with contextlib.suppress(OSError):
                    self.proc.stdin.close()  # type: ignore[union-attr]
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]


class _Pool:
    """Idle reader hosts of this process, shared by its threads; one busy host per reader."""

    RECYCLE = 500  # documents per host, so that leaks in the parser stay bounded

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.idle: list[_Host] = []

    def take(self, memory_mb: int) -> _Host:
        with self.lock:
            for i, host in enumerate(self.idle):
                if host.memory_mb == memory_mb:
                    return self.idle.pop(i)
        return _Host(memory_mb)

    def give(self, host: _Host) -> None:
        with self.lock:
            if host.used < self.RECYCLE and len(self.idle) < (os.cpu_count() or 2):
                self.idle.append(host)
                return
        host.close()

    def close(self) -> None:
        with self.lock:
            hosts, self.idle = self.idle, []
        for host in hosts:
            host.close()


_POOLS: list[_Pool] = []  # [the pool of this process]; pools inherited by fork stay below


def _pool() -> _Pool:
    if not _POOLS or _POOLS[-1].pid != os.getpid():
        # A forked child (a process-pool worker) must not share its parent's hosts; the
        # inherited pool stays referenced so its pipes are never closed from here.
        _POOLS.append(_Pool())
    return _POOLS[-1]


@atexit.register
def _close_pools() -> None:
    if _POOLS and _POOLS[-1].pid == os.getpid():
        _POOLS[-1].close()


def serve() -> None:
    """Serve documents on stdin/stdout: the child process behind `read_document`."""
    _limit_memory(int(sys.argv[1]) if len(sys.argv) > 1 else Limits.max_memory_mb)
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the replies
    out.write(b"R")
    out.flush()
    while True:
        head = inp.read(8)
        if len(head) < 8:
            return
        kind, data, limits = pickle.loads(inp.read(int.from_bytes(head, "big")))  # noqa: S301
        result = _run_here(_parse_pdf if kind == "pdf" else _parse_docx, data, limits)
        body = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
        out.write(len(body).to_bytes(8, "big") + body)
        out.flush()
        if result.get("fatal"):
            return  # after a MemoryError the heap is suspect: let the parent start afresh


def _limit_memory(extra_mb: int) -> None:
    if resource is None:
        return
    try:
        with open("/proc/self/statm") as f:
            current = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        cap = current + extra_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (OSError, ValueError):
        pass  # no /proc or no rlimit: the deadline still holds


class _Timeout(Exception):
    pass


# --- PDF -----------------------------------------------------------------------------------


def _parse_pdf(data: bytes, limits: Limits) -> dict[str, Any]:
    deadline = time.monotonic() + limits.timeout_s
    if b"%%EOF" not in data:
        return {"error": "corrupt"}  # cut off before its end: an interrupted upload
    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFEncryptionError:
        return {"error": "encrypted"}
    pages = list(PDFPage.create_pages(doc))
    if not pages:
        return {"error": "corrupt"}
    if len(pages) > limits.max_pages:
        return {"error": "too_many_pages", "pages": len(pages), "limit": limits.max_pages}
    rsrc = PDFResourceManager(caching=True)
    device = _CharDevice(rsrc)
    device.deadline = deadline
    interp = PDFPageInterpreter(rsrc, device)
    seg_pages: list[list[layout.Seg]] = []
    sizes: list[tuple[float, float]] = []
    for page in pages:
        if time.monotonic() > deadline:
            raise _Timeout
        interp.process_page(page)
        words = layout.build_words(device.chars)
        seg_pages.append(layout.build_segments(words, is_bullet) if words else [])
        sizes.append((round(device.width, 2), round(device.height, 2)))
    seg_pages = layout.drop_running_lines(seg_pages, [h for _, h in sizes])
    ordered = [layout.page_order(segs) for segs in seg_pages]
    fields = _build_text(ordered)
    fields["pages"] = len(pages)
    fields["page_sizes"] = tuple(sizes)
    fields["doc_date"] = _pdf_date(doc)
    alnum = sum(ch.isalnum() for ch in fields["text"])
    garbage = fields["cid"] + fields["fffd"]
    if alnum < 40 * len(pages) or garbage > alnum:
        fields["no_text"] = True
        ocred = _ocr(data, deadline)
        if ocred is not None:
            ocr_fields = _parse_pdf(ocred, replace(limits, timeout_s=deadline - time.monotonic()))
            if "error" not in ocr_fields:
                ocr_fields.update(no_text=True, ocr=True)
                return ocr_fields
    return fields


def _ocr(data: bytes, deadline: float) -> bytes | None:
    """OCR a scanned PDF with ocrmypdf (Romanian + English) when it is installed."""
    exe = shutil.which("ocrmypdf")
    if exe is None or shutil.which("tesseract") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.pdf"), os.path.join(tmp, "out.pdf")
        with open(src, "wb") as f:
            f.write(data)
        try:
            subprocess.run(
                [exe, "-q", "-l", "ron+eng", "--skip-text", src, dst],
                timeout=max(1.0, deadline - time.monotonic()),
                check=True,
                capture_output=True,
            )
            with open(dst, "rb") as f:
                return f.read()
        except (subprocess.SubprocessError, OSError):
            return None


def _pdf_date(doc: Any) -> datetime.date | None:
    for info in getattr(doc, "info", []) or []:
        raw = resolve1(info.get("CreationDate")) if isinstance(info, dict) else None
        if isinstance(raw, bytes):
            raw = raw.decode("latin-1", "replace")
        m = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", raw or "")
        if m:
            try:
                return datetime.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
            except ValueError:
                return None
    return None


_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")


class _CharDevice(PDFTextDevice):  # type: ignore[misc]
    """Collect horizontal characters as tuples; ignore images and vector graphics."""

    def __init__(self, rsrcmgr: PDFResourceManager) -> None:
        super().__init__(rsrcmgr)
        self.chars: list[layout.Char] = []
        self.width = self.height = 0.0
        self._bold: dict[Any, bool] = {}

    def begin_page(self, page: Any, ctm: Any) -> None:
        x0, y0, x1, y1 = apply_matrix_rect(ctm, page.mediabox)
        self.width, self.height = abs(x1 - x0), abs(y1 - y0)
        self.chars = []

    deadline = float("inf")
    _ticks = 0

    def _tick(self) -> None:
        # In-process reads have no child to kill: a page with millions of operators must
        # still stop near the deadline, so check the clock every few hundred glyphs/paths.
        self._ticks += 1
        if not self._ticks & 511 and time.monotonic() > self.deadline:
            raise _Timeout

    def render_image(self, name: Any, stream: Any) -> None:
        self._tick()

    def paint_path(self, *args: Any) -> None:
        self._tick()

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
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = f"(cid:{cid})"
        low = font.get_descent() * fontsize + rise
        y0 = d * low + f
        y1 = d * (low + fontsize) + f
        h = self.height
        bold = self._bold.get(font.fontname)
        if bold is None:
            name = str(font.fontname).lower()
            bold = self._bold[font.fontname] = any(w in name for w in _BOLD_NAMES)
        self.chars.append((text, e, e + a * adv, h - y1, h - y0, y1 - y0, bold))
        return adv


# --- text assembly ---------------------------------------------------------------------------


def _build_text(pages: list[list[layout.Seg]]) -> dict[str, Any]:
    """Join ordered segments into text, keeping each word's box and page."""
    # token: [text, separator before it, page, x0, top, x1, bottom, raw text]
    toks: list[list[Any]] = []
    page_tok: list[int] = []
    breaks: list[int] = []  # tokens that follow a line ending in a hyphen
    cid = fffd = 0
    for pno, segs in enumerate(pages, start=1):
        page_tok.append(len(toks))
        prev: layout.Seg | None = None
        for seg in segs:
            if prev is None:
                sep = "\n\n"
            elif abs(seg.bottom - prev.bottom) < 0.5 * prev.size and seg.x0 >= prev.x1:
                sep = " "  # the next cell of the same row (label, then its content)
            elif seg.top - prev.bottom > 0.9 * prev.size or seg.top < prev.top - 1:
                sep = "\n\n"
            else:
                sep = "\n"
            first = True
            for w in seg.words:
                t, c, f = normalise_word(w.text)
                cid += c
                fffd += f
                if not t:
                    continue
                if first and is_bullet(t):
                    t = BULLET
                if first and sep == "\n" and toks and toks[-1][7].endswith("\u00ad"):
                    sep = ""  # a soft hyphen ended the line (normalising dropped it)
                elif first and sep == "\n" and toks and toks[-1][0].endswith("-"):
                    breaks.append(len(toks))
                toks.append([t, sep if first else " ", pno, w.x0, w.top, w.x1, w.bottom, w.text])
                first = False
            prev = seg
    if breaks:
        vocabulary = frozenset(tok[0].rstrip(".,;:)").lower() for tok in toks)
        for i in breaks:
            left, right = toks[i - 1][0], toks[i][0]
            joined = joins_hyphenated(left, right, vocabulary)
            if joined is not None:
                if joined != left + right:
                    toks[i - 1][0] = left[:-1]  # the hyphen only broke the line
                toks[i][1] = ""
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    starts: list[int] = []
    k = 0
    for i, tok in enumerate(toks):
        while k < len(page_tok) and page_tok[k] <= i:
            starts.append(pos + (len(tok[1]) if i else 0))
            k += 1
        sep = tok[1] if i else ""
        parts.append(sep)
        pos += len(sep)
        spans.append(
            (
                pos,
                pos + len(tok[0]),
                tok[2],
                round(tok[3], 1),
                round(tok[4], 1),
                round(tok[5], 1),
                round(tok[6], 1),
            )
        )
        parts.append(tok[0])
        pos += len(tok[0])
    while len(starts) < len(page_tok):
        starts.append(pos)
    return {
        "text": "".join(parts),
        "spans": tuple(spans),
        "page_starts": tuple(starts),
        "cid": cid,
        "fffd": fffd,
    }


# --- DOCX ----------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _parse_docx(data: bytes, limits: Limits) -> dict[str, Any]:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - python-docx raises many types on broken packages
        return {"error": "corrupt"}
    lines: list[str] = []
    # Contact details often sit in the page header of DOCX templates.
    for section in document.sections[:1]:
        lines.extend(_docx_lines(section.header._element))
    lines.extend(_docx_lines(document.element.body))
    cid = fffd = 0
    out_lines: list[str] = []
    for line in lines:
        words = []
        for raw in line.split():
            t, c, f = normalise_word(raw)
            cid += c
            fffd += f
            if t:
                words.append(t)
        if words and is_bullet(words[0]):
            words[0] = BULLET
        if words:
            out_lines.append(" ".join(words))
    text = "\n".join(out_lines)
    pages = 1
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            app = z.read("docProps/app.xml").decode("utf-8", "replace")
        m = re.search(r"<Pages>(\d+)</Pages>", app)
        pages = max(1, int(m[1])) if m else 1
    except (KeyError, zipfile.BadZipFile, ValueError):
        pass
    if pages > limits.max_pages:
        return {"error": "too_many_pages", "pages": pages, "limit": limits.max_pages}
    created = document.core_properties.created
    fields: dict[str, Any] = {
        "text": text,
        "pages": pages,
        "page_starts": (0,),
        "cid": cid,
        "fffd": fffd,
        "doc_date": created.date() if created else None,
    }
    if sum(ch.isalnum() for ch in text) < 40:
        fields["error"] = "corrupt"
        fields["message"] = (
            "This Word document has no text we can read. Please upload your CV as a PDF."
        )
    return fields


def _docx_lines(root: Any) -> list[str]:
    """Return the text of every paragraph (body, tables, text boxes) in document order."""
    lines = []
    for p in root.iter(f"{_W}p"):
        if any(anc.tag == _MC_FALLBACK for anc in p.iterancestors()):
            continue  # the VML copy of a text box already read from mc:Choice
        if p.find(f".//{_W}p") is not None:
            continue  # a paragraph holding a text box: its inner paragraphs come next
        buf = []
        for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
            if el.tag == f"{_W}t":
                buf.append(el.text or "")
            else:
                buf.append("\n" if el.tag in (f"{_W}br", f"{_W}cr") else " ")
        lines.extend("".join(buf).split("\n"))
    return lines
