"""OCR for scans and phone photos (issue 14, point 7): generated CVs rendered to pictures with
pypdfium2 read back by Tesseract, through the reader's sandbox, to the same name, e-mail and
date ranges as their PDF's own text."""

from __future__ import annotations

import io
import shutil

import pytest

from recruit.core.media import CV_MEDIA_TYPES, JPEG, PNG, cv_media_type
from recruit.core.pipeline import analyse
from recruit.core.reading import ERROR_CODES, Limits, read_document
from recruit.core.reading import ocr as ocr_module
from tests import cvgen

DOCS = cvgen.sample_cvs()

needs_tesseract = pytest.mark.skipif(
    not ocr_module.available(), reason="tesseract-ocr with ron and eng data is not installed"
)


def _facts(data: bytes, filename: str) -> tuple[str | None, tuple[str, ...], list[tuple]]:  # type: ignore[type-arg]
    profile = analyse(data, filename).profile
    assert profile is not None
    ranges = sorted((p.start, p.end) for p in profile.experience.positions)
    return profile.name, profile.emails, ranges


def test_pictures_are_cv_media_types() -> None:
    img = cvgen.page_image(cvgen.render_pdf(DOCS["en"], "single"), 72)
    assert {PNG, JPEG} <= CV_MEDIA_TYPES
    assert cv_media_type(cvgen.image_bytes(img)) == PNG
    assert cv_media_type(cvgen.image_bytes(img, "JPEG")) == JPEG
    assert {"no_text", "ocr_low_confidence"} <= ERROR_CODES


@needs_tesseract
@pytest.mark.slow
@pytest.mark.parametrize(
    ("lang", "layout", "fmt"),
    [("ro", "single", "PNG"), ("en", "two_column", "JPEG"), ("ro", "sidebar_left", "JPEG")],
)
def test_page_picture_reads_as_its_pdf(lang: str, layout: str, fmt: str) -> None:
    pdf = cvgen.render_pdf(DOCS[lang], layout)
    data = cvgen.image_bytes(cvgen.page_image(pdf, 300), fmt, quality=85, dpi=300)
    result = read_document(data, "cv." + fmt.lower())
    assert result.status == "ok", result.error
    assert result.ocr and result.ocr_confidence is not None and result.ocr_confidence >= 75
    assert result.media_type == (PNG if fmt == "PNG" else JPEG)
    assert result.pages == 1 and result.page_sizes
    # A 300 dpi picture of an A4 page is an A4 page again, in points.
    width, height = result.page_sizes[0]
    assert abs(width - 595) < 3 and abs(height - 842) < 3
    assert _facts(data, "cv.png") == _facts(pdf, "cv.pdf")


@needs_tesseract
@pytest.mark.slow
def test_scanned_pdf_is_read_by_ocr() -> None:
    pdf = cvgen.render_pdf(DOCS["ro"], "single")
    scan = cvgen.scanned_pdf(pdf, dpi=200)
    result = read_document(scan, "scan.pdf", limits=Limits(timeout_s=120))
    assert result.status == "ok", result.error
    assert result.ocr and (result.ocr_confidence or 0) >= 75
    assert result.images == ()  # the scan's picture is the page, not a photo on it
    assert _facts(scan, "scan.pdf") == _facts(pdf, "cv.pdf")
    # The words sit where the PDF's own words sit (boxes in points, same page).
    name = result.text.index("Ana-Maria")
    (box,) = result.boxes(name, name + len("Ana-Maria"))
    original = read_document(pdf, "cv.pdf")
    at = original.text.index("Ana-Maria")
    (want,) = original.boxes(at, at + len("Ana-Maria"))
    assert box[0] == want[0] and all(abs(a - b) < 6 for a, b in zip(box[1:], want[1:], strict=True))


@needs_tesseract
@pytest.mark.slow
@pytest.mark.parametrize(("angle", "turn"), [(3.5, 0), (-2.5, 90), (4.5, 180)])
def test_rotated_phone_photo_reads(angle: float, turn: int) -> None:
    pdf = cvgen.render_pdf(DOCS["en"], "single")
    photo = cvgen.phone_photo(cvgen.page_image(pdf, 200), angle=angle, turn=turn, seed=turn)
    assert cv_media_type(photo) == JPEG
    result = read_document(photo, "IMG_0001.jpg", limits=Limits(timeout_s=120))
    assert result.ocr and result.status in ("ok", "needs_review")
    assert _facts(photo, "IMG_0001.jpg") == _facts(pdf, "cv.pdf")


def test_skew_is_measured() -> None:
    from PIL import Image

    page = cvgen.page_image(cvgen.render_pdf(DOCS["en"], "single"), 100)
    for angle in (-4.0, 2.5, 0.0):
        turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        assert abs(ocr_module.skew_angle(turned) + angle) <= 0.3


@needs_tesseract
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_blank_picture_is_no_text_not_a_cv(fmt: str) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("L", (1240, 1754), 250)
    ImageDraw.Draw(img).rectangle((100, 100, 400, 400), outline=180, width=3)  # a smudge
    result = read_document(cvgen.image_bytes(img, fmt), "cv." + fmt.lower())
    assert result.status == "error" and result.error is not None
    assert result.error.code == "no_text" and "no text" in result.error.message
    assert result.text == "" and result.emails == ()
    assert analyse(cvgen.image_bytes(img, fmt), "cv.png").profile is None


@needs_tesseract
def test_blank_scanned_pdf_is_no_text() -> None:
    from PIL import Image

    blank = cvgen.image_bytes(Image.new("L", (620, 877), 255))
    pdf = cvgen.scanned_pdf(_pdf_of_picture(blank))
    result = read_document(pdf, "scan.pdf")
    assert result.status == "error" and result.error and result.error.code == "no_text"


def _pdf_of_picture(png: bytes) -> bytes:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(cvgen.PAGE_W, cvgen.PAGE_H))
    c.drawImage(ImageReader(io.BytesIO(png)), 0, 0, cvgen.PAGE_W, cvgen.PAGE_H)
    c.showPage()
    c.save()
    return buf.getvalue()


@needs_tesseract
def test_unsure_ocr_goes_to_review() -> None:
    from PIL import ImageFilter

    pdf = cvgen.render_pdf(DOCS["en"], "single")
    smeared = cvgen.page_image(pdf, 150).filter(ImageFilter.GaussianBlur(2.6))
    result = read_document(cvgen.image_bytes(smeared, "JPEG", quality=40), "cv.jpg")
    # Blurred past reading (a shaken phone): Tesseract guesses, and says it is unsure (46 here).
    assert result.ocr and result.ocr_confidence is not None
    assert result.ocr_confidence < ocr_module.LOW_CONFIDENCE
    assert result.status == "needs_review" and result.error is not None
    assert (
        result.error.code == "ocr_low_confidence" and "recruiter will check" in result.error.message
    )
    assert result.text  # kept for the recruiter, who sees why it needs a look


def test_without_tesseract_the_picture_is_kept_for_a_person(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    img = cvgen.page_image(cvgen.render_pdf(DOCS["en"], "single"), 100)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert shutil.which("tesseract") is None and not ocr_module.available()
    here = Limits(isolate=False)
    result = read_document(cvgen.image_bytes(img, "JPEG"), "cv.jpg", limits=here)
    assert result.status == "needs_review" and result.error is not None
    assert result.error.code == "no_text_layer" and "not installed" in result.error.message
    scan = read_document(cvgen.scanned_pdf(cvgen.render_pdf(DOCS["en"], "single")), limits=here)
    assert scan.status == "needs_review" and scan.error and scan.error.code == "no_text_layer"
    assert "not installed" in scan.error.message and not scan.ocr


def test_damaged_picture_is_corrupt_and_a_huge_one_refused() -> None:
    img = cvgen.page_image(cvgen.render_pdf(DOCS["en"], "single"), 72)
    cut = cvgen.image_bytes(img)[:200]
    assert read_document(cut, "cv.png").error.code == "corrupt"  # type: ignore[union-attr]
    # A PNG header announcing 100,000 x 100,000 pixels is refused before it is decoded.
    import struct
    import zlib

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    assert cv_media_type(bomb) == PNG
    result = read_document(bomb, "cv.png")
    assert result.status == "error" and result.error.code == "too_large"  # type: ignore[union-attr]
