"""Read a CV (PDF, DOCX, or a PNG/JPEG picture of one, by OCR) into normalised text in
reading order, or say why not.

`read_document` never raises for bad input: every failure is a `ReadResult` whose
`DocumentError` carries a code (see ARCHITECTURE.md) and a message for the candidate.

One job per module: `media` (core) says what the bytes are, `sandbox` runs the parse in a
child with hard limits, `pdf` and `docx` parse, `ocr` reads pictures of pages (scans, phone
photos), `assembly` builds the text and its geometry.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from typing import Any

from recruit.core.contacts import (
    EMAIL,
    HANDLE,
    LINK,
    PHONE,
    find_contacts,
    find_link_contacts,
    merge_links,
    values,
)
from recruit.core.media import (
    CV_MEDIA_TYPES,
    DOCX,
    IMAGE_TYPES,
    PDF,
    describe,
    sniff_media_type,
)
from recruit.core.reading.ocr import LOW_CONFIDENCE
from recruit.core.reading.result import (
    ERROR_CODES,
    MESSAGES,
    DocumentError,
    EmbeddedFile,
    Limits,
    ReadResult,
    Span,
)
from recruit.core.reading.sandbox import run_guarded
from recruit.core.text import detect_language

__all__ = [
    "DOCX",
    "ERROR_CODES",
    "MESSAGES",
    "PDF",
    "DocumentError",
    "EmbeddedFile",
    "Limits",
    "ReadResult",
    "Span",
    "read_document",
    "read_path",
    "type_error",
]


def read_document(data: bytes, filename: str = "", *, limits: Limits | None = None) -> ReadResult:
    """Read a CV's bytes into normalised text, or a result that says what is wrong."""
    limits = limits or Limits()
    sha = hashlib.sha256(data).hexdigest()
    media = sniff_media_type(data)
    if len(data) > limits.max_bytes:
        return _error(sha, media, "too_large", limit=limits.max_bytes // (1024 * 1024))
    refused = _refusal(media, filename, empty=not data)
    if refused is not None or media is None:
        return ReadResult("error", refused, sha, media)
    fields = run_guarded(media, data, limits)
    if "error" in fields:
        code = fields.pop("error")
        return _error(sha, media, code, **fields)
    return _finish(sha, media, fields)


def read_path(path: str, limits: Limits | None = None) -> ReadResult:
    """Read the file at `path`; a file over the size limit is hashed but never loaded whole."""
    limits = limits or Limits()
    digest = hashlib.sha256()
    head = bytearray()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            if len(head) <= limits.max_bytes:
                head += chunk
    read = read_document(bytes(head), os.path.basename(path), limits=limits)
    if read.sha256 != digest.hexdigest():  # only when the file was cut at the limit
        read = replace(read, sha256=digest.hexdigest())
    return read


def type_error(data: bytes, filename: str = "") -> DocumentError | None:
    """Return why `read_document` refuses these bytes by their type alone, or None."""
    return _refusal(sniff_media_type(data), filename, empty=not data)


def _finish(sha: str, media: str, f: dict[str, Any]) -> ReadResult:
    text: str = f["text"]
    # A link's target counts as written: "LinkedIn" or "e-mail" may be all the page shows.
    link_emails, link_phones, link_urls = find_link_contacts(f.get("uris", ()))
    contacts = find_contacts(text)
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
        emails=tuple(dict.fromkeys(values(contacts, EMAIL) + link_emails)),
        phones=tuple(dict.fromkeys(values(contacts, PHONE) + link_phones)),
        links=merge_links(values(contacts, LINK), link_urls),
        handles=values(contacts, HANDLE),
        cid_count=f.get("cid", 0),
        replacement_count=f.get("fffd", 0),
        ocr=f.get("ocr", False),
        ocr_confidence=f.get("ocr_confidence"),
        page_sizes=f.get("page_sizes", ()),
        spans=f.get("spans", ()),
        embedded_files=f.get("embedded_files", ()),
        images=f.get("images", ()),
    )
    if result.ocr and (result.ocr_confidence or 0.0) < LOW_CONFIDENCE:
        msg = MESSAGES["ocr_low_confidence"].format(what=_picture(media))
        error = DocumentError("ocr_low_confidence", msg)
        result = replace(result, status="needs_review", error=error)
    elif f.get("no_text") and not result.ocr:
        msg = MESSAGES["no_text_layer"] + _NO_OCR
        result = replace(result, status="needs_review", error=DocumentError("no_text_layer", msg))
    return result


_NO_OCR = " (Automatic text recognition, OCR, is not installed here.)"


def _picture(media: str | None) -> str:
    return "scanned PDF" if media == PDF else "picture"


def _error(sha: str, media: str | None, code: str, **fmt: Any) -> ReadResult:
    if code == "no_text_layer" and media in IMAGE_TYPES:
        # A picture of a CV where OCR is not installed: kept for a person to read.
        fmt["message"] = _NO_OCR_PICTURE
    message = fmt.pop("message", None) or MESSAGES[code].format(what=_picture(media), **fmt)
    status = "needs_review" if code == "no_text_layer" else "error"
    return ReadResult(
        status=status,
        error=DocumentError(code, message),
        sha256=sha,
        media_type=media,
        pages=fmt.get("pages", 0) if isinstance(fmt.get("pages"), int) else 0,
    )


def _refusal(media: str | None, filename: str, *, empty: bool) -> DocumentError | None:
    if media in CV_MEDIA_TYPES:
        return None
    what, how = describe(media)
    if media == "application/x-encrypted-office":
        return DocumentError("encrypted", MESSAGES["encrypted"])
    claims = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if empty:
        return DocumentError("not_a_pdf", _EMPTY)
    if claims in ("pdf", "docx") or not what:
        # The name promises a CV format the bytes are not (or we cannot tell what they are).
        what = f": it is really {a(what)} file" if what else ""
        return DocumentError("not_a_pdf", MESSAGES["not_a_pdf"].format(what=what))
    return DocumentError(
        "unsupported_type", MESSAGES["unsupported_type"].format(what=what, how=how)
    )


_NO_OCR_PICTURE = (
    "This is a picture of a CV, and automatic text recognition (OCR) is not installed here, "
    "so a recruiter will read it. A PDF exported from your editor reads best."
)
_EMPTY = "This file is empty (0 bytes), perhaps the upload failed. Please upload your CV again."


def a(noun: str) -> str:
    """Prefix `noun` with its English indefinite article."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun
