"""What a file is, from its bytes alone: the one sniffer that upload, reading, import and
download all ask. A file's name or the browser's guess never decides its type."""

from __future__ import annotations

import io
import zipfile
import zlib

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
# Pictures of a CV (a phone photo of the paper, a scan saved as an image): read by OCR.
IMAGE_TYPES = frozenset({PNG, JPEG})

# What the product accepts as a CV: the upload form, the API, the bulk import and the reader
# all ask `cv_media_type`, so a type added here (once the reader can read it) is added
# everywhere at once.
CV_MEDIA_TYPES = frozenset({PDF, DOCX}) | IMAGE_TYPES

# The file extension each type is served with. A type missing here (HTML, unknown bytes) is
# served as a generic download: its own extension would open it in a browser once saved.
EXTENSIONS = {
    PDF: "pdf",
    DOCX: "docx",
    "application/msword": "doc",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/rtf": "rtf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/tiff": "tif",
    "image/webp": "webp",
    "image/heic": "heic",
    "text/plain": "txt",
    "application/zip": "zip",
}
GENERIC = ("application/octet-stream", "bin")

# What a person calls each type, and how to turn it into a PDF (for the candidate's message).
_NAMES = {
    "application/msword": ("Word 97-2003 (.doc)", ": in Word choose File > Save As > PDF"),
    "application/vnd.oasis.opendocument.text": (
        "OpenDocument (.odt)",
        ": in LibreOffice choose File > Export as PDF",
    ),
    "application/rtf": ("RTF", ": open it in your editor and save it as PDF"),
    "image/gif": ("image (GIF)", ", or the photo saved as JPEG"),
    "image/tiff": ("image (TIFF)", ", or the photo saved as JPEG"),
    "image/webp": ("image (WebP)", ", or the photo saved as JPEG"),
    "image/heic": ("image (HEIC)", ", or the photo saved as JPEG"),
    "text/html": ("web page (HTML)", ": print the page to PDF"),
    "text/plain": ("plain text", ""),
    "application/zip": ("ZIP archive", ": send the CV itself, not an archive"),
    "application/x-encrypted-office": ("password-protected Office", " without a password"),
}


def sniff_media_type(data: bytes) -> str | None:
    """Return the media type the bytes really have, whatever the file is called."""
    head = data[:1024]
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                if "word/document.xml" in names:
                    return DOCX
                if "mimetype" in names:
                    # OpenDocument names its type in the package; anything else it says there
                    # (even "application/pdf") is the uploader's word, not what the bytes are.
                    with z.open("mimetype") as entry:  # a bounded read: the entry may be a bomb
                        declared = entry.read(100).decode("ascii", "replace").strip()
                    if declared.startswith("application/vnd.oasis.opendocument."):
                        return declared
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
    # Readers accept a header anywhere in the first 1,024 bytes (PDF 1.7 implementation note
    # 13): mail gateways and some generators put a line or a byte-order mark before it.
    # Checked after the signatures above, so a zip or image that merely mentions it stays one.
    if b"%PDF-" in head:
        return PDF
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


def cv_media_type(data: bytes) -> str | None:
    """Return the media type of `data` when the product accepts it as a CV, else None."""
    media = sniff_media_type(data)
    return media if media in CV_MEDIA_TYPES else None


def served_as(media: str | None) -> tuple[str, str]:
    """Return (media type, file extension) to serve a stored file of this sniffed type with."""
    if media in EXTENSIONS:
        return media, EXTENSIONS[media]
    return GENERIC


def describe(media: str | None) -> tuple[str, str]:
    """Return (what the file is, how to make a PDF of it) for a person, or ("", "")."""
    return _NAMES.get(media or "", ("", ""))
