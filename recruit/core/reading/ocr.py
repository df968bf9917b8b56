"""Text from pictures of pages: scanned PDFs and photographed CVs, read by Tesseract.

A page image is turned upright by Tesseract's orientation detection (`--psm 0`), its small
skew (a phone held at an angle) measured from the rows of ink and undone, its uneven light
flattened, then read as Romanian + English. Tesseract runs as a subprocess of the reader
child (so inside its deadline and memory cap), on one thread, and dies with the child.

Words come back with their boxes, in points (72 per inch of the page), so the layout pass
orders them into lines and columns exactly as it does a PDF's words.
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from statistics import median
from typing import Any

from recruit.core import layout
from recruit.core.lifeline import parent_death_signal
from recruit.core.normalise import is_bullet
from recruit.core.reading.assembly import build_text
from recruit.core.reading.result import TOO_COMPLEX, Limits, Timeout

LANGUAGES = "ron+eng"
# A PDF page without text is rendered at this resolution for Tesseract (its sweet spot).
RENDER_DPI = 300
MAX_RENDER_SIDE = 5000  # pixels: an A3 page at 300 dpi
# A photo's long side is brought to about an A4 page at 300 dpi: larger only costs time,
# smaller (a thumbnail) reads better enlarged to it.
TARGET_LONG_SIDE = 3300
MIN_LONG_SIDE = 1600
OSD_LONG_SIDE = 2400
# Bigger images than this are refused before they are decoded (a decompression bomb).
MAX_PIXELS = 60_000_000
# Below this mean word confidence (0-100) a person should check the text against the file.
LOW_CONFIDENCE = 75.0
# A page whose recognised words hold fewer letters and digits than this has no text.
MIN_ALNUM = 20


@dataclass(frozen=True)
class OcrPage:
    words: list[layout.Word]  # in points from the page's top-left corner
    confidences: list[float]  # one per word, 0-100
    size: tuple[float, float]  # (width, height) in points


def available() -> bool:
    """Tell whether Tesseract and its Romanian and English data are installed."""
    return _tesseract() is not None


def _tesseract() -> str | None:
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    langs = _languages(exe)
    return exe if {"ron", "eng"} <= langs else None


_LANGS: dict[str, set[str]] = {}


def _languages(exe: str) -> set[str]:
    if exe not in _LANGS:
        try:
            out = subprocess.run(  # a fixed argument list, no shell
                [exe, "--list-langs"], capture_output=True, timeout=10, check=False
            ).stdout.decode("utf-8", "replace")
        except (OSError, subprocess.SubprocessError):
            out = ""
        _LANGS[exe] = {ln.strip() for ln in out.splitlines()[1:] if ln.strip()}
    return _LANGS[exe]


def parse_image(data: bytes, limits: Limits) -> dict[str, Any]:
    """Read a photographed or scanned page (PNG, JPEG) into the fields of a ReadResult."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    deadline = time.monotonic() + limits.timeout_s
    try:
        img: Any = Image.open(io.BytesIO(data))
        if img.width * img.height > MAX_PIXELS:
            return {"error": "too_large", "message": TOO_COMPLEX}
        img.load()
    except Image.DecompressionBombError:  # PIL's own check, before ours can look
        return {"error": "too_large", "message": TOO_COMPLEX}
    except (UnidentifiedImageError, OSError, ValueError, EOFError, SyntaxError):
        return {"error": "corrupt"}
    if getattr(img, "n_frames", 1) > 1:
        img.seek(0)
    img = ImageOps.exif_transpose(img)  # a phone's own record of how it was held
    dpi = _dpi(img)
    if _tesseract() is None:
        return {"error": "no_text_layer", "pages": 1, "ocr_missing": True}
    page = read_page(img, dpi, deadline)
    return ocr_fields([page])


def _dpi(img: Any) -> float:
    """Return the image's resolution: its own when plausible, else the one of an A4 page."""
    raw = img.info.get("dpi")
    try:
        dpi = float(raw[0]) if raw else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    if 100 <= dpi <= 1200:
        return dpi
    # A photo says nothing true about inches: take its width for an A4 page's (8.27 in).
    return max(img.width, 1) / 8.27


def read_page(img: Any, dpi: float, deadline: float) -> OcrPage:
    """Upright, deskew, clean and read one page image; boxes come back in points."""
    from PIL import Image

    img = _flatten(img)
    scale = 1.0
    long_side = max(img.size)
    if long_side > TARGET_LONG_SIDE * 1.15 or long_side < MIN_LONG_SIDE:
        scale = TARGET_LONG_SIDE / long_side
        img = img.resize(
            (max(1, round(img.width * scale)), max(1, round(img.height * scale))),
            Image.Resampling.LANCZOS,
        )
    dpi *= scale
    img = _even_light(img)  # first: orientation and skew both read the ink
    img = _upright(img, deadline)
    img = _deskew(img)
    words, confs = _recognise(img, deadline)
    k = 72.0 / dpi
    for w in words:
        w.x0, w.x1, w.top, w.bottom, w.size = (
            w.x0 * k,
            w.x1 * k,
            w.top * k,
            w.bottom * k,
            w.size * k,
        )
    _snap_starts(words)
    return OcrPage(words, confs, (round(img.width * k, 2), round(img.height * k, 2)))


def _snap_starts(words: list[layout.Word], tolerance: float = 1.5) -> None:
    """Give words that start within `tolerance` points of each other one start.

    A column's lines start at one x in a PDF, to the hundredth of a point, and the layout
    pass finds a column's edge by that; OCR boxes of such lines wander by a pixel or two.
    """
    order = sorted(range(len(words)), key=lambda i: words[i].x0)
    group: list[int] = []
    for i in [*order, -1]:
        if i >= 0 and group and words[i].x0 - words[group[0]].x0 <= tolerance:
            group.append(i)
            continue
        if len(group) > 1:
            start = round(median(words[j].x0 for j in group), 2)
            for j in group:
                words[j].x0 = start
        group = [i]


def ocr_fields(pages: list[OcrPage]) -> dict[str, Any]:
    """Order the words of OCR'd pages into the fields of a ReadResult, with the confidence."""
    seg_pages = [layout.build_segments(p.words, is_bullet) if p.words else [] for p in pages]
    ordered = [layout.page_order(segs) for segs in seg_pages]
    fields = build_text(ordered)
    confs = [c for p in pages for c in p.confidences]
    fields.update(
        pages=len(pages),
        page_sizes=tuple(p.size for p in pages),
        ocr=True,
        ocr_confidence=round(sum(confs) / len(confs), 1) if confs else 0.0,
    )
    if sum(ch.isalnum() for ch in fields["text"]) < MIN_ALNUM:
        return {"error": "no_text", "pages": len(pages)}
    return fields


def _flatten(img: Any) -> Any:
    """Return the image as 8-bit grey, transparency laid on white."""
    from PIL import Image

    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    if img.mode == "I;16" or img.mode == "I":
        img = img.point(lambda v: v / 256)
    return img.convert("L")


def _even_light(img: Any) -> Any:
    """Divide out the page's light (a phone lamp, a shadow) so paper is white everywhere."""
    import numpy as np
    from PIL import Image, ImageFilter

    small = img.resize((max(1, img.width // 8), max(1, img.height // 8)), Image.Resampling.BOX)
    # The paper's brightness around each spot: the brightest nearby (ink is dark), smoothed.
    paper = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(6))
    paper = paper.resize(img.size, Image.Resampling.BILINEAR)
    a = np.asarray(img, dtype=np.float32)
    b = np.maximum(np.asarray(paper, dtype=np.float32), 1.0)
    out = np.clip(a / b * 255.0, 0, 255).astype(np.uint8)
    return Image.fromarray(out, "L")


def _upright(img: Any, deadline: float) -> Any:
    """Turn the page by Tesseract's orientation detection (0, 90, 180 or 270 degrees)."""

    # Orientation needs letters, not detail: 2,400 pixels down the long side (200 dpi on an A4
    # page) read it as surely as 3,300 on photos, faster; 1,350 often did not.
    k = min(1.0, OSD_LONG_SIDE / max(img.size))
    small = img.resize((max(1, round(img.width * k)), max(1, round(img.height * k))))
    out = _run(small, ["--psm", "0", "-l", "osd"], deadline, fail_ok=True)
    rotate, confidence = 0, 0.0
    for line in out.splitlines():
        key, _, value = line.partition(":")
        try:
            if key.strip() == "Rotate":
                rotate = int(value.strip())
            elif key.strip() == "Orientation confidence":
                confidence = float(value.strip())
        except ValueError:
            continue
    if rotate and confidence >= 1.0:
        # Tesseract says how far to turn clockwise; PIL turns counter-clockwise.
        return img.rotate(-rotate, expand=True, fillcolor=255)
    return img


def skew_angle(img: Any) -> float:
    """Return the angle (degrees, counter-clockwise) that makes the rows of ink horizontal."""
    import numpy as np
    from PIL import Image

    width = 600
    small = img.resize((width, max(1, round(img.height * width / img.width))), Image.Resampling.BOX)
    a = np.asarray(small, dtype=np.float32)
    ink = Image.fromarray(((a < a.mean() - 2 * a.std() / 3) * 255).astype(np.uint8), "L")

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32)
        profile = rows.sum(axis=1)
        return float(np.square(np.diff(profile)).sum())

    best = max((a / 2 for a in range(-16, 17)), key=sharpness)  # -8..8 by half a degree
    return max((best + f / 10 for f in range(-5, 6)), key=sharpness)


def _deskew(img: Any) -> Any:
    angle = skew_angle(img)
    if abs(angle) < 0.3:
        return img
    from PIL import Image

    return img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def _recognise(img: Any, deadline: float) -> tuple[list[layout.Word], list[float]]:
    """Return Tesseract's words (in pixels) and their confidences.

    Each word gets a box as tall as its line's text size, from just below its baseline: the
    box a PDF gives every glyph of a line, whatever letters the word holds (its own box grows
    with descenders: "2020" and "răspuns" on one row differ by a fifth of an em). Tesseract
    may join the cells of two columns into one line; the baseline is then each cell's own.
    """
    hocr = _run(img, ["-l", LANGUAGES, "--psm", "3", "hocr"], deadline)
    words: list[layout.Word] = []
    confs: list[float] = []
    line: list[tuple[str, list[float], float]] = []
    size = baseline = 0.0
    for m in _HOCR_SPAN.finditer(hocr):
        kind, title, body = m["kind"], m["title"], m["body"]
        box = [float(v) for v in _BBOX.search(title).group(1).split()]  # type: ignore[union-attr]
        if kind != "ocrx_word":
            _place_line(line, size, baseline, words, confs)
            size_m = _X_SIZE.search(title)
            size = float(size_m.group(1)) if size_m else box[3] - box[1]
            base_m = _BASELINE.search(title)
            baseline = box[3] + (float(base_m[2]) if base_m else 0.0)  # deskewed: no slope
            line = []
            continue
        text = html.unescape(body).strip()
        conf_m = _WCONF.search(title)
        if text and conf_m is not None:
            line.append((_AT_MISREAD.sub(r"\1@\2", text), box, float(conf_m.group(1))))
    _place_line(line, size, baseline, words, confs)
    return _drop_specks(words, confs)


def _place_line(
    line: list[tuple[str, list[float], float]],
    size: float,
    baseline: float,
    words: list[layout.Word],
    confs: list[float],
) -> None:
    """Add one Tesseract line's words, cut where a gap is a column's, on their baselines."""
    if not line or size <= 0:
        return
    cells: list[list[tuple[str, list[float], float]]] = [[line[0]]]
    for item in line[1:]:
        if item[1][0] - cells[-1][-1][1][2] > _CELL_GAP * size:
            cells.append([])
        cells[-1].append(item)
    for cell in cells:
        # Letters without a descender end on the baseline: a cell whose words all end well
        # above the line's baseline (a date beside a bullet) sits on a baseline of its own.
        # Lower ends say nothing: descenders and the comma of ș and ț reach below it.
        lettered = [b[3] for t, b, _ in cell if any(ch.isalnum() for ch in t)]
        own = min(lettered) if lettered else baseline
        base = own if own < baseline - _OWN_BASELINE * size else baseline
        bottom = base + _DESCENT * size
        # Tesseract saw these words as one line of text: the layout pass must not cut it
        # where its gaps are wide (a justified line, a letter-spaced heading), as it keeps a
        # letter-spaced run of a PDF together. The id is unique on the page.
        run = len(words) + 1
        for k, (text, box, conf) in enumerate(cell):
            if text == "|" and k + 1 < len(cell) and cell[k + 1][0][:1].islower():
                text = "I"  # a capital I read as a bar: "| enjoy", "| am"
            words.append(layout.Word(text, box[0], box[2], bottom - size, bottom, size, run))
            confs.append(conf)


# A gap this wide (in text sizes) inside one Tesseract line separates two columns' cells.
_CELL_GAP = 1.2
# A cell ending this far (in text sizes) above its line's baseline has a baseline of its own.
_OWN_BASELINE = 0.1


_HOCR_SPAN = re.compile(
    r"<span class='(?P<kind>ocr_line|ocr_header|ocr_caption|ocr_textfloat|ocrx_word)'"
    r"[^>]*?title=(?P<q>['\"])(?P<title>.*?)(?P=q)[^>]*>(?P<body>[^<]*)"
)
_BBOX = re.compile(r"bbox (-?\d+ -?\d+ -?\d+ -?\d+)")
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_X_SIZE = re.compile(r"x_size ([\d.]+)")
_WCONF = re.compile(r"x_wconf (\d+)")
# Below its baseline a line's glyph boxes reach this share of the text size, as in a PDF.
_DESCENT = 0.22


# An e-mail's "@" read as a capital Q or a © or ® (its loop and tail): a lower-case word with
# that one letter between a name and a domain.
_AT_MISREAD = re.compile(r"^([a-z0-9._%+-]+)[Q©®]([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})$")


def _drop_specks(
    words: list[layout.Word], confs: list[float]
) -> tuple[list[layout.Word], list[float]]:
    """Drop what Tesseract guessed from dirt or a picture: lone low-confidence symbols."""
    if not words:
        return words, confs
    typical = median(w.size for w in words)
    kept = [
        (w, c)
        for w, c in zip(words, confs, strict=True)
        if not (c < 40 and (not any(ch.isalnum() for ch in w.text) or w.size > 3 * typical))
    ]
    return [w for w, _ in kept], [c for _, c in kept]


def _run(img: Any, args: list[str], deadline: float, *, fail_ok: bool = False) -> str:
    """Run Tesseract on `img` with `args`; return what it printed (stdout)."""
    exe = _tesseract()
    if exe is None:
        raise FileNotFoundError("tesseract")
    left = deadline - time.monotonic()
    if left <= 0.5:
        raise Timeout
    with tempfile.TemporaryDirectory(prefix="recruit-ocr-") as tmp:
        path = os.path.join(tmp, "page.pgm")
        img.save(path)  # uncompressed: writing and reading it costs nothing
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core a document, as pdfminer
        try:
            done = subprocess.run(  # a fixed argument list, no shell
                [exe, path, "stdout", *args],
                capture_output=True,
                timeout=left - 0.25,
                check=False,
                env=env,
                preexec_fn=parent_death_signal,  # noqa: PLW1509 - only a prctl, no locks
            )
        except subprocess.TimeoutExpired as exc:
            raise Timeout from exc
    if done.returncode != 0 and not fail_ok:
        raise RuntimeError(done.stderr.decode("utf-8", "replace")[-500:])
    return done.stdout.decode("utf-8", "replace")
