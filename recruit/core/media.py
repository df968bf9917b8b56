"""What a file is, from its bytes alone: the one sniffer that upload, reading, import and
download all ask. A file's name or the browser's guess never decides its type."""

from __future__ import annotations

import io
import zipfile
import zlib

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# What a person calls each type, and how to turn it into a PDF (for the candidate's message).
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


def describe(media: str | None) -> tuple[str, str]:
    """Return (what the file is, how to make a PDF of it) for a person, or ("", "")."""
    return _NAMES.get(media or "", ("", ""))
