"""Measure OCR: generated CVs as pictures, read back by the reader (Tesseract, ron+eng).

Run: .venv/bin/python bench/ocr.py [--langs ro,en] [--layouts single,...] [--quick]

Every generated CV (tests/cvgen.py) is rendered with pypdfium2 at 300 and 150 dpi (PNG), and
photographed by a phone simulation (Pillow: turned 2-5 degrees, blurred, lit unevenly, JPEG
quality 70). Each picture goes through `read_document` (the reader's child, its limits) and
is compared with what the same reader reads from the PDF's text layer:
- CER: character error rate, the Levenshtein distance between the two texts (whitespace
  runs made one space) over the PDF text's length; "order aside" compares each line of the PDF's
  text with the OCR line nearest to it, so that only recognition counts, not where the
  layout pass put a line;
- name, e-mail, date ranges: the profile's name, e-mails and (start, end) of every position,
  extracted from the OCR text, equal to those extracted from the PDF's own text;
- seconds per page: the median wall time of a read, and the median CPU time it cost (the
  reader child and Tesseract; Tesseract runs on one thread), which is what one free core
  would take whatever else the machine is doing.
Targets (issue 14): CER <= 2% at 300 dpi, <= 5% on photos, <= 3 s a page on one core.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import process  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from recruit.core.pipeline import analyse_read  # noqa: E402
from recruit.core.reading import Limits, ReadResult, read_document  # noqa: E402
from tests import cvgen  # noqa: E402

LIMITS = Limits(timeout_s=300)


def _cpu_children() -> float:
    # Tesseract's runs are this process's children when the read is in-process (_read).
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    s = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime + s.ru_utime + s.ru_stime


def _flat(text: str) -> str:
    return " ".join(text.split())


def cer(reference: str, got: str) -> float:
    ref, hyp = _flat(reference), _flat(got)
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)


def cer_lines(reference: str, got: str) -> float:
    """CER with reading order aside: each line of the reference against the OCR line nearest
    to it (fewest edits), so only recognition counts, not where the layout pass put a line."""
    lines = [_flat(ln) for ln in got.splitlines() if ln.strip()]
    ref = [_flat(ln) for ln in reference.splitlines() if ln.strip()]
    if not lines:
        return 1.0
    edits = sum(
        process.extractOne(ln, lines, scorer=Levenshtein.distance)[1]  # type: ignore[index]
        for ln in ref
    )
    return edits / max(sum(len(ln) for ln in ref), 1)


def _facts(read: ReadResult) -> tuple[object, tuple[str, ...], list[tuple[object, object]]]:
    profile = analyse_read(read).profile
    if profile is None:
        return None, (), []
    ranges = sorted((p.start, p.end) for p in profile.experience.positions)
    return profile.name, profile.emails, ranges


def _read(data: bytes) -> tuple[ReadResult, float, float]:
    """Read in this process (so the CPU clock sees the Tesseract runs): result, wall, cpu."""
    cpu0, wall0 = _cpu_children(), time.perf_counter()
    result = read_document(data, limits=Limits(timeout_s=300, isolate=False))
    return result, time.perf_counter() - wall0, _cpu_children() - cpu0


def pictures(pdf: bytes, seed: int) -> dict[str, bytes]:
    """Return the pictures of `pdf`'s first page the bench reads, by kind."""
    import random

    rnd = random.Random(seed)
    angle = rnd.choice((-1, 1)) * rnd.uniform(2.0, 5.0)
    return {
        "300 dpi": cvgen.image_bytes(cvgen.page_image(pdf, 300), dpi=300),
        "150 dpi": cvgen.image_bytes(cvgen.page_image(pdf, 150), dpi=150),
        "photo": cvgen.phone_photo(
            cvgen.page_image(pdf, 200),
            angle=angle,
            blur=rnd.uniform(0.6, 1.2),
            light=rnd.uniform(0.25, 0.45),
            quality=70,
            seed=seed,
        ),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--langs", default="ro,en")
    ap.add_argument("--layouts", default="single,two_column,sidebar_left")
    ap.add_argument("--quick", action="store_true", help="one layout per language")
    args = ap.parse_args()
    docs = cvgen.sample_cvs()
    layouts = args.layouts.split(",")[:1] if args.quick else args.layouts.split(",")
    rows: dict[str, dict[str, list[float]]] = {}
    seed = 0
    for lang in args.langs.split(","):
        for layout in layouts:
            pdf = cvgen.render_pdf(docs[lang], layout)
            # One page each: the pictures are of the first page, the reference is its text.
            original = read_document(pdf, limits=LIMITS)
            reference, first = original.text, original.page_starts
            if len(first) > 1:
                reference = reference[: first[1]]
            want = _facts(original) if len(first) == 1 else None
            seed += 1
            for kind, data in pictures(pdf, seed).items():
                read, wall, cpu = _read(data)
                text, conf = read.text, read.ocr_confidence
                row = rows.setdefault(kind, {})
                row.setdefault("cer", []).append(cer(reference, text))
                row.setdefault("cer_words", []).append(cer_lines(reference, text))
                row.setdefault("wall", []).append(wall)
                row.setdefault("cpu", []).append(cpu)
                row.setdefault("conf", []).append(conf or 0.0)
                if want is not None:
                    got = _facts(read)
                    for k, name in enumerate(("name", "email", "dates")):
                        row.setdefault(name, []).append(float(got[k] == want[k]))
                print(
                    f"{lang:3} {layout:14} {kind:8} CER {100 * row['cer'][-1]:5.2f}%  "
                    f"(order aside {100 * row['cer_words'][-1]:5.2f}%)  "
                    f"conf {conf or 0:5.1f}  wall {wall:5.2f} s  cpu {cpu:5.2f} s",
                    flush=True,
                )
    print()
    print(
        "kind      CER median  CER mean  order aside (median)  name    e-mail  dates   "
        "s/page wall  s/page cpu"
    )
    for kind, row in rows.items():
        n = len(row.get("name", []))

        def share(k: str, row: dict[str, list[float]] = row, n: int = n) -> str:
            return f"{int(sum(row.get(k, [])))}/{n}"

        print(
            f"{kind:8}  {100 * statistics.median(row['cer']):9.2f}%  "
            f"{100 * statistics.mean(row['cer']):7.2f}%  "
            f"{100 * statistics.median(row['cer_words']):19.2f}%  {share('name'):6}  "
            f"{share('email'):6}  {share('dates'):6}  "
            f"{statistics.median(row['wall']):11.2f}  {statistics.median(row['cpu']):11.2f}"
        )


if __name__ == "__main__":
    main()
