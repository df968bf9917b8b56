"""The reader: true reading order on every layout, every bad file handled, determinism."""

from __future__ import annotations

import datetime
import functools
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from recruit.core import reading
from recruit.core.reading import Limits, ReadResult, read_document
from tests import cvgen

DOCS = cvgen.sample_cvs()
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
REAL_CVS = SHARED / "data" / "cvs" / "livecareer"


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("file_order", ["flow", "rows"])
@pytest.mark.parametrize("layout", cvgen.LAYOUTS)
@pytest.mark.parametrize("lang", sorted(DOCS))
def test_reading_order_is_the_true_text(lang: str, layout: str, file_order: str) -> None:
    doc = DOCS[lang]
    result = read_document(cvgen.render_pdf(doc, layout, file_order=file_order), "cv.pdf")
    assert result.status == "ok", result.error
    assert _words(result.text) == _words(cvgen.expected_text(doc, layout))
    assert result.language == ("en" if lang == "en" else "ro")


@pytest.mark.parametrize("file_order", ["flow", "rows"])
@pytest.mark.parametrize("layout", cvgen.LAYOUTS)
def test_running_header_footer_and_page_numbers_are_dropped(layout: str, file_order: str) -> None:
    doc = cvgen.with_running(DOCS["ro"], "Ana-Maria Popescu — Curriculum Vitae", "CV")
    data = cvgen.render_pdf(doc, layout, file_order=file_order, min_pages=2)
    result = read_document(data, "cv.pdf")
    assert result.pages == 2
    assert _words(result.text) == _words(cvgen.expected_text(doc, layout, min_pages=2))
    assert "Curriculum Vitae" not in result.text


def test_romanian_text_has_only_comma_below_letters() -> None:
    for lang in ("ro", "ro_cedilla"):
        text = read_document(cvgen.render_pdf(DOCS[lang], "europass")).text
        assert not set("şţŞŢ") & set(text)
        assert "Științe" in text and "experiență" in text


def test_contacts_and_date_are_found() -> None:
    result = read_document(cvgen.render_pdf(DOCS["en"], "sidebar_left"))
    assert result.doc_date == datetime.date(2000, 1, 1)  # reportlab's invariant mode
    assert result.emails == ("john.smith@example.com",)
    assert result.phones == ("+40745987654", "+40213124567")
    assert result.links == (
        "https://www.linkedin.com/in/john-smith-sales",
        "https://johnsmith.example.com",
    )


def test_link_targets_count_as_contacts() -> None:
    # Only the link annotations hold them: the page shows "LinkedIn", "E-mail", "Telefon".
    result = read_document(cvgen.linked_pdf(), "cv.pdf")
    assert result.status == "ok"
    assert "linkedin.com" not in result.text and "@" not in result.text
    assert result.links == ("https://www.linkedin.com/in/ioana-dumitrescu-42/",)
    assert result.emails == ("ioana.dumitrescu@example.ro",)
    assert result.phones == ("+40722111222",)


def test_image_boxes_say_where_the_photo_is() -> None:
    import io

    import pdfplumber

    data = cvgen.linked_pdf()
    result = read_document(data, "cv.pdf")
    assert result.images == ((1, *cvgen.PHOTO_BOX),)
    with pdfplumber.open(io.BytesIO(data)) as pdf:  # the same box as pdfplumber's own objects
        [image] = pdf.pages[0].images
    assert result.images[0][1:] == tuple(round(image[k], 1) for k in ("x0", "top", "x1", "bottom"))
    assert read_document(cvgen.render_pdf(DOCS["en"], "single")).images == ()


def test_same_document_read_twice_is_identical() -> None:
    data = cvgen.render_pdf(DOCS["ro"], "sidebar_right", file_order="rows")
    first, second = read_document(data, "a.pdf"), read_document(data, "a.pdf")
    assert first == second
    assert first.spans == second.spans


def test_page_of_and_boxes_locate_the_evidence() -> None:
    doc = DOCS["en"]
    result = read_document(cvgen.render_pdf(doc, "single", min_pages=2))
    assert result.page_starts[0] == 0 and len(result.page_starts) == 2
    start = result.text.index("Orange Romania")
    assert result.page_of(start) == 1
    [(page, x0, top, x1, bottom)] = result.boxes(start, start + len("Orange Romania"))
    width, height = result.page_sizes[0]
    assert page == 1 and 0 < x0 < x1 < width and 0 < top < bottom < height
    last = result.text.rindex("Dynamics")
    assert result.page_of(last) == 2
    assert result.boxes(last, last + 8)[0][0] == 2


def test_docx_reads_paragraphs_and_tables_in_order() -> None:
    doc = DOCS["ro_cedilla"]
    result = read_document(cvgen.render_docx(doc), "cv.docx")
    assert result.status == "ok"
    assert result.media_type == reading.DOCX
    assert _words(result.text) == _words(cvgen.expected_text(doc, "single"))
    assert result.language == "ro"
    assert result.phones == ("+40722123456",)


EUROPASS = SHARED / "data" / "europass"


@pytest.mark.skipif(not EUROPASS.is_dir(), reason="../shared/data/europass is absent")
def test_the_europass_pdf_xml_export_carries_its_xml() -> None:
    path = EUROPASS / "Europass-CV-20130618-Emmanouilidi-EN.pdf"
    result = read_document(path.read_bytes(), path.name)
    assert result.status == "ok"
    [attached] = result.embedded_files
    assert attached.name == "Europass-CV-XML-Attachment.xml"
    assert attached.data.startswith(b"<?xml") and b"<SkillsPassport" in attached.data
    assert len(attached.data) == 5926  # the stream's /Params /Size
    older = EUROPASS / "Europass-CV-130619-Emmanouilidi.pdf"
    assert read_document(older.read_bytes(), older.name).embedded_files == ()


@pytest.mark.parametrize(
    "shape",
    [{}, {"compress": False}, {"kids": True}, {"kids": True, "cycle": True}],
    ids=["deflated", "plain", "name-tree-kids", "cyclic-kids"],
)
def test_attached_files_come_back_with_their_names(shape: dict[str, bool]) -> None:
    plain = cvgen.render_pdf(DOCS["ro"], "europass")
    files = [("cv.xml", b"<SkillsPassport/>"), ("CV Ștefan (2).xml", "Ăă".encode() * 500)]
    result = read_document(cvgen.attach_files(plain, files, **shape), "cv.pdf")
    assert result.status == "ok"
    assert [(f.name, f.data) for f in result.embedded_files] == files
    assert result.text == read_document(plain).text
    assert result.doc_date == datetime.date(2000, 1, 1)  # the update kept the /Info
    assert read_document(plain).embedded_files == ()


@pytest.mark.parametrize("kind", ["bomb", "plain"])
def test_an_attachment_over_the_cap_is_left_out_and_the_cv_still_reads(kind: str) -> None:
    plain = cvgen.render_pdf(DOCS["en"], "single")
    # A bomb: 256 MB of zeros deflated to under 1 MB; it must never be inflated whole.
    big = _deflated_zeros(256) if kind == "bomb" else bytes(300_000)
    bombs = ("bomb.xml",) if kind == "bomb" else ()
    files = [("bomb.xml", big), ("cv.xml", b"<x/>")]
    data = cvgen.attach_files(plain, files, deflated=bombs, compress=False)
    limits = Limits(max_embedded_bytes=200_000, isolate=False)
    tracemalloc.start()
    try:
        result = read_document(data, "cv.pdf", limits=limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.status == "ok", result.error
    assert [(f.name, f.data) for f in result.embedded_files] == [("cv.xml", b"<x/>")]
    assert "John Smith" in result.text
    assert peak < 64 << 20


@functools.cache
def _deflated_zeros(megabytes: int) -> bytes:
    deflate, zeros = zlib.compressobj(1), bytes(1 << 20)
    return b"".join(deflate.compress(zeros) for _ in range(megabytes)) + deflate.flush()


def _assert_error(result: ReadResult, code: str, status: str = "error") -> None:
    assert result.status == status
    assert result.error is not None and result.error.code == code
    assert len(result.error.message) > 40  # a sentence for the candidate, not a code
    assert len(result.sha256) == 64


@pytest.mark.parametrize(
    ("name", "make", "filename", "code"),
    [
        ("encrypted", cvgen.encrypted_pdf, "cv.pdf", "encrypted"),
        ("truncated", cvgen.truncated_pdf, "cv.pdf", "corrupt"),
        ("gif renamed", cvgen.gif_bytes, "cv.pdf", "not_a_pdf"),
        ("gif", cvgen.gif_bytes, "photo.gif", "unsupported_type"),
        ("doc", cvgen.doc_bytes, "cv.doc", "unsupported_type"),
        ("odt", cvgen.odt_bytes, "cv.odt", "unsupported_type"),
        ("doc renamed", cvgen.doc_bytes, "cv.pdf", "not_a_pdf"),
        ("empty", lambda: b"", "cv.pdf", "not_a_pdf"),
        ("garbage", lambda: b"%PDF-1.4\n garbage \n%%EOF", "cv.pdf", "corrupt"),
        ("200 pages", cvgen.many_pages_pdf, "cv.pdf", "too_many_pages"),
    ],
)
def test_bad_files_get_their_error(name: str, make, filename: str, code: str) -> None:  # type: ignore[no-untyped-def]
    _assert_error(read_document(make(), filename), code)


def test_empty_password_pdf_opens() -> None:
    result = read_document(cvgen.empty_password_pdf(), "cv.pdf")
    assert result.status == "ok"
    assert "Ana-Maria Popescu" in result.text


def test_scanned_pdf_is_read_by_ocr_or_needs_review() -> None:
    result = read_document(cvgen.image_only_pdf(), "scan.pdf")
    assert result.pages == 1
    if result.ocr:  # tesseract is installed: see tests/core/test_ocr.py
        assert "John Smith" in result.text and result.ocr_confidence is not None
    else:
        _assert_error(result, "no_text_layer", status="needs_review")
        assert "OCR" in result.error.message  # type: ignore[union-attr]


def test_size_limit() -> None:
    data = cvgen.render_pdf(DOCS["en"], "single")
    _assert_error(
        read_document(data, "cv.pdf", limits=Limits(max_bytes=len(data) - 1)), "too_large"
    )


@pytest.mark.parametrize("isolate", [True, False])
def test_hostile_pdf_times_out(isolate: bool) -> None:
    start = time.monotonic()
    limits = Limits(timeout_s=1.0, isolate=isolate)
    result = read_document(cvgen.slow_pdf(300_000), "cv.pdf", limits=limits)
    _assert_error(result, "timeout")
    assert time.monotonic() - start < 5


def test_in_process_mode_reads_the_same() -> None:
    data = cvgen.render_pdf(DOCS["ro_plain"], "two_column", file_order="rows")
    assert read_document(data, limits=Limits(isolate=False)) == read_document(data)


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.skipif(not REAL_CVS.is_dir(), reason="../shared/data/cvs is absent")
def test_real_cvs_read_cleanly() -> None:
    files = sorted(REAL_CVS.glob("*/*.pdf"))
    assert files
    for path in files:
        result = read_document(path.read_bytes(), path.name)
        assert result.status == "ok", (path, result.error)
        assert result.language == "en", path
        assert len(result.text) > 500, path
        # Conversion debris is repaired or dropped, never passed on.
        assert "ï¼" not in result.text and "â€" not in result.text, path
        assert len(result.page_starts) == result.pages


@pytest.mark.slow
def test_labelled_cvs_read_in_true_order() -> None:
    from tests.labelled import labelled_cvs

    for cv in labelled_cvs():
        want = _words(cvgen.expected_text(cv.doc, cv.layout))
        for order in ("flow", "rows"):
            result = read_document(cvgen.render_pdf(cv.doc, cv.layout, file_order=order))
            assert _words(result.text) == want, (cv.layout, order, cv.doc.header[:1])


def test_reader_recovers_after_a_timeout_and_serves_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    read_document(cvgen.slow_pdf(300_000), "cv.pdf", limits=Limits(timeout_s=0.5))
    data = [cvgen.render_pdf(DOCS[lang], "europass") for lang in sorted(DOCS)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(read_document, data * 2))
    assert all(r.status == "ok" for r in results)
    assert results[:4] == results[4:]


def test_an_in_process_read_lifts_its_alarm_and_memory_cap_afterwards() -> None:
    import resource
    import signal

    before = resource.getrlimit(resource.RLIMIT_AS)
    result = read_document(
        cvgen.slow_pdf(300_000), "cv.pdf", limits=Limits(timeout_s=0.5, isolate=False)
    )
    _assert_error(result, "timeout")
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    ok = read_document(cvgen.render_pdf(DOCS["en"], "single"), limits=Limits(isolate=False))
    assert ok.status == "ok"
