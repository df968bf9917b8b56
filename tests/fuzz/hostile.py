"""Hostile PDFs and DOCX files, built in memory: each attacks one limit of the reader."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

FONT = b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"
TEXT = b"BT /F1 12 Tf 72 720 Td (Account manager, 5 ani vanzari B2B, negociere) Tj ET"


def build_pdf(
    objects: list[bytes], *, root: int = 1, xref: bool = True, trailer_extra: bytes = b""
) -> bytes:
    """Serialise numbered objects (1-based) with a correct xref table unless told otherwise."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<</Size %d /Root %d 0 R%s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", *, flate: bool = False) -> bytes:
    """Return a stream object's body."""
    filt = b"/Filter/FlateDecode" if flate else b""
    return b"<</Length %d%s%s>>\nstream\n" % (len(data), filt, extra) + data + b"\nendstream"


def deflate_zeros(total: int) -> bytes:
    """A zlib stream of `total` zero bytes, about 1,000 times smaller, built in milliseconds.

    After a full flush a deflate block refers to nothing before it, so one compressed MiB
    repeats as is; the Adler-32 of n zeros is (n mod 65521) << 16 | 1.
    """
    chunk = 1 << 20
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * chunk) + c.flush(zlib.Z_FULL_FLUSH)
    count = total // chunk
    adler = ((count * chunk) % 65521) << 16 | 1
    return b"\x78\xda" + block * count + b"\x03\x00" + struct.pack(">I", adler)


def one_page(content: bytes, *, resources: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF around a content stream: 1 catalog, 2 pages, 3 page, 4 content, 5 font."""
    page = (
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>%s>>>>" % resources
    )
    return build_pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            page,
            content,
            FONT,
            *extra,
        ]
    )


def valid() -> bytes:
    """A small, ordinary one-page PDF with a text layer."""
    return one_page(stream(TEXT * 3))


def deep_arrays(depth: int = 100_000) -> bytes:
    """A page whose annotation array nests `depth` levels deep."""
    page = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
    page += b"/Resources<</Font<</F1 5 0 R>>>>/Annots " + b"[" * depth + b"]" * depth + b">>"
    return build_pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            page,
            stream(TEXT),
            FONT,
        ]
    )


def deep_dicts(depth: int = 50_000) -> bytes:
    """A resources dictionary nested `depth` levels deep."""
    nested = b"<</A " * depth + b"1" + b">>" * depth
    return one_page(stream(TEXT), resources=b"/X " + nested)


def many_pages(count: int = 3_000) -> bytes:
    """`count` distinct pages sharing one content stream."""
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[%s]/Count %d>>" % (kids, count),
        stream(TEXT),
        FONT,
    ]
    objects += [
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 3 0 R"
        b"/Resources<</Font<</F1 4 0 R>>>>>>"
    ] * count
    return build_pdf(objects)


def lying_page_count() -> bytes:
    """One page, while the page tree claims two billion."""
    pdf = valid()
    return pdf.replace(b"/Count 1>>", b"/Count 2000000000>>")


def page_tree_loop() -> bytes:
    """A page tree whose node lists itself among its kids."""
    return build_pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[2 0 R 3 0 R 2 0 R]/Count 3>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
            b"/Resources<</Font<</F1 5 0 R>>>>>>",
            stream(TEXT),
            FONT,
        ]
    )


def flate_bomb(total: int = 2 << 30) -> bytes:
    """A content stream that inflates to `total` bytes (2 GiB) from about 2 MB."""
    return one_page(stream(deflate_zeros(total), flate=True))


def huge_image() -> bytes:
    """A 100,000 x 100,000 RGB image (30 GB raw) whose data is a 1 GiB flate bomb."""
    image = stream(
        deflate_zeros(1 << 30),
        b"/Type/XObject/Subtype/Image/Width 100000/Height 100000"
        b"/ColorSpace/DeviceRGB/BitsPerComponent 8",
        flate=True,
    )
    content = stream(TEXT + b"\nq 500 0 0 500 50 50 cm /Im1 Do Q")
    return one_page(content, resources=b"/XObject<</Im1 6 0 R>>", extra=(image,))


def broken_xref() -> bytes:
    """Every xref offset and startxref wrong: readers must rebuild it or give up cleanly."""
    pdf = valid()
    head, _, _ = pdf.partition(b"xref\n")
    return (
        head
        + b"xref\n0 6\n"
        + b"0000099999 00000 n \n" * 6
        + (b"trailer\n<</Size 6/Root 1 0 R>>\nstartxref\n123456789\n%%EOF\n")
    )


def xref_prev_loop() -> bytes:
    """A trailer whose /Prev points back at its own xref section."""
    pdf = valid()
    start = pdf.rindex(b"xref\n")
    return pdf.replace(b"/Root 1 0 R>>", b"/Root 1 0 R/Prev %d>>" % start)


def reference_cycle() -> bytes:
    """A catalog that is a reference to itself (found by atheris in 480 bytes): pdfminer's
    resolve1 follows it forever, inside PDFDocument() before any deadline is checked."""
    return build_pdf(
        [
            b"1 0 R",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
            b"/Resources<</Font<</F1 5 0 R>>>>>>",
            stream(TEXT),
            FONT,
        ]
    )


def page_tree_reference_cycle() -> bytes:
    """A page tree node that is a reference to itself, and a page to a kid that refers back
    (found by atheris in 742 bytes): resolve1 loops while the page list is built."""
    return build_pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"2 0 R",
            b"<</Type/Pages/Kids[4 0 R]/Count 1>>",
            b"5 0 R",
            b"4 0 R",
        ]
    )


def truncated() -> bytes:
    """An upload cut off half way."""
    pdf = valid()
    return pdf[: len(pdf) // 2]


CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
    b'formats-package.relationships+xml"/><Default Extension="xml" ContentType='
    b'"application/xml"/><Override PartName="/word/document.xml" ContentType="application'
    b'/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    b"</Relationships>"
)
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(document_xml: bytes) -> bytes:
    """A minimal DOCX package around `document_xml`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def docx_billion_laughs() -> bytes:
    """Entities that would expand to about 3 GB if a parser resolved them."""
    entities = b'<!ENTITY a0 "lol">' + b"".join(
        b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    xml = b'<?xml version="1.0"?><!DOCTYPE w:document [' + entities + b"]>"
    xml += b"<w:document " + W + b"><w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p>"
    return docx(xml + b"</w:body></w:document>")


def _zip(files: list[tuple[bytes, int, bytes, int, int]]) -> bytes:
    """A zip archive from (name, method, compressed data, crc32, size) entries."""
    out, central = bytearray(), bytearray()
    for name, method, data, crc, size in files:
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(data), size, len(name), 0
        )
        out += name + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0,
            crc,
            len(data),
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    start = len(out)
    out += central
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(files), len(files), len(central), start, 0
    )
    return bytes(out)


def docx_zip_bomb(total: int = 1 << 30) -> bytes:
    """A DOCX whose document.xml inflates to `total` bytes (1 GiB) of one paragraph's text."""
    head = b"<w:document " + W + b"><w:body><w:p><w:r><w:t>"
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    chunk = b"a" * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    count = total // len(chunk)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + count * len(chunk) + len(tail)
    return _zip(
        [
            (
                b"[Content_Types].xml",
                0,
                CONTENT_TYPES,
                zlib.crc32(CONTENT_TYPES),
                len(CONTENT_TYPES),
            ),
            (b"_rels/.rels", 0, RELS, zlib.crc32(RELS), len(RELS)),
            (b"word/document.xml", 8, first + block * count + last, crc, size),
        ]
    )


def docx_future_zip_version() -> bytes:
    """A DOCX whose central directory asks for zip version 6.4 (zipfile raises NotImplemented)."""
    data = bytearray(docx(b"<w:document " + W + b"><w:body/></w:document>"))
    at = data.index(b"PK\x01\x02")
    data[at + 6 : at + 8] = struct.pack("<H", 64)  # "version needed to extract"
    return bytes(data)


CORPUS: dict[str, Callable[[], bytes]] = {
    "deep_arrays": deep_arrays,
    "deep_dicts": deep_dicts,
    "many_pages": many_pages,
    "lying_page_count": lying_page_count,
    "page_tree_loop": page_tree_loop,
    "flate_bomb": flate_bomb,
    "huge_image": huge_image,
    "broken_xref": broken_xref,
    "xref_prev_loop": xref_prev_loop,
    "truncated": truncated,
    "reference_cycle": reference_cycle,
    "page_tree_reference_cycle": page_tree_reference_cycle,
    "docx_billion_laughs": docx_billion_laughs,
    "docx_zip_bomb": docx_zip_bomb,
    "docx_future_zip_version": docx_future_zip_version,
}
