"""Measure the reader: ms per page against plain pdfplumber and pypdfium2, and reading order.

Run: .venv/bin/python bench/reading.py [--repeat N] [--no-real] [--no-labelled] [--no-redraws]

Every file is read by each method in turn, in the same run, `--repeat` times (the best time
per file is kept, which filters out noise from other processes on the machine). Reading
order quality is the share of the true word bigrams kept, per layout, on generated CVs whose
true text `tests.cvgen.expected_text` knows. The same CVs re-drawn word by word (row by row,
and shuffled, each word a run of its own in a slightly different size) must read the same:
bigram order and the extracted name against the original's.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
import pypdfium2  # noqa: E402

from recruit.core.reading import Limits, read_document  # noqa: E402
from tests import cvgen  # noqa: E402

REAL_CVS = ROOT.parent / "shared" / "data" / "cvs" / "livecareer"


def plumber_text(data: bytes) -> tuple[str, int]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages), len(pdf.pages)


def pdfium_text(data: bytes) -> tuple[str, int]:
    pdf = pypdfium2.PdfDocument(data)
    try:
        parts = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(parts), len(pdf)
    finally:
        pdf.close()


def recruit_text(data: bytes) -> tuple[str, int]:
    r = read_document(data, "cv.pdf")
    return r.text, r.pages


def recruit_inproc_text(data: bytes) -> tuple[str, int]:
    r = read_document(data, "cv.pdf", limits=Limits(isolate=False))
    return r.text, r.pages


METHODS: dict[str, Callable[[bytes], tuple[str, int]]] = {
    "recruit": recruit_text,
    "recruit (in-process)": recruit_inproc_text,
    "pdfplumber": plumber_text,
    "pypdfium2": pdfium_text,
}


Item = tuple[str, bytes, str, str]  # layout, pdf, true text, true language


def generated() -> list[Item]:
    """(layout, pdf, true text, language) for the sample CVs in every layout and file order."""
    out = []
    docs = cvgen.sample_cvs()
    for lang, doc in docs.items():
        for layout in cvgen.LAYOUTS:
            for order in ("flow", "rows"):
                out.append(
                    (
                        layout,
                        cvgen.render_pdf(doc, layout, file_order=order),
                        cvgen.expected_text(doc, layout),
                        "en" if lang == "en" else "ro",
                    )
                )
            running = cvgen.with_running(doc, f"{doc.header[0]} — CV", "Curriculum vitae")
            out.append(
                (
                    layout,
                    cvgen.render_pdf(running, layout, file_order="rows", min_pages=2),
                    cvgen.expected_text(running, layout, min_pages=2),
                    "en" if lang == "en" else "ro",
                )
            )
    return out


def labelled() -> list[Item]:
    """The 60 labelled CVs of tests/labelled.py (varied content), both file orders."""
    try:
        from tests.labelled import labelled_cvs
    except ImportError:
        return []
    out = []
    for cv in labelled_cvs():
        for order in ("flow", "rows"):
            out.append(
                (
                    cv.layout,
                    cvgen.render_pdf(cv.doc, cv.layout, file_order=order),
                    cvgen.expected_text(cv.doc, cv.layout),
                    cv.truth.language,
                )
            )
    return out


def timed(files: list[bytes], repeat: int) -> dict[str, list[float]]:
    """Return ms per page of each method on each file (best of `repeat`)."""
    per_page: dict[str, list[float]] = defaultdict(list)
    for data in files:
        best: dict[str, float] = {}
        pages: dict[str, int] = {}
        for _ in range(repeat):
            for name, fn in METHODS.items():  # interleaved: same machine state for all
                t0 = time.perf_counter()
                _, n = fn(data)
                dt = time.perf_counter() - t0
                best[name] = min(best.get(name, dt), dt)
                pages[name] = max(n, 1)
        for name in METHODS:
            per_page[name].append(1000 * best[name] / pages[name])
    return per_page


def report_speed(title: str, per_page: dict[str, list[float]]) -> None:
    base = statistics.median(per_page["pdfplumber"])
    print(f"\n{title}: ms per page (median / p90), ratio to pdfplumber's median")
    for name, values in per_page.items():
        values = sorted(values)
        med = statistics.median(values)
        p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
        print(f"  {name:20s} {med:8.1f} {p90:8.1f}   x{med / base:.2f}")


def print_layouts(scores: dict[str, dict[str, list[float]]]) -> None:
    """Print mean / worst of each method's scores, one row per layout."""
    print("  " + "layout".ljust(16) + "".join(n.rjust(22) for n in scores))
    for layout in cvgen.LAYOUTS:
        cells = []
        for name in scores:
            v = scores[name][layout]
            cells.append(f"{statistics.mean(v):.3f} / {min(v):.3f}".rjust(22) if v else "-")
        print("  " + layout.ljust(16) + "".join(cells))


def report_quality(title: str, corpus: list[Item]) -> None:
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    languages_right = 0
    for layout, data, truth, language in corpus:
        for name in ("recruit", "pdfplumber", "pypdfium2"):
            text, _ = METHODS[name](data)
            scores[name][layout].append(cvgen.bigram_recall(truth, text))
        languages_right += read_document(data).language == language
    print(f"\n{title}: reading order, share of true word bigrams kept (mean / worst)")
    print_layouts(scores)
    print(f"  language (function-word rule) right on {languages_right} of {len(corpus)}")


def report_redraws(cvs: list[tuple[str, cvgen.CvDocument, str | None]]) -> None:
    """Re-draw each (layout, CV, true name) word by word and compare with the original."""
    from recruit.core.extraction import extract_profile

    def name(data: bytes) -> str | None:
        r = read_document(data)
        return extract_profile(r.text, language=r.language, doc_date=r.doc_date).name

    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    same = right = right_original = 0
    for layout, doc, truth_name in cvs:
        truth = cvgen.expected_text(doc, layout)
        original = name(cvgen.render_pdf(doc, layout))
        right_original += 2 * (original == truth_name)
        for order in ("words", "shuffled"):
            data = cvgen.render_pdf(doc, layout, file_order=order)
            for method in ("recruit", "pdfplumber"):
                text, _ = METHODS[method](data)
                scores[method][layout].append(cvgen.bigram_recall(truth, text))
            got = name(data)
            same += got == original
            right += got == truth_name
    n = 2 * len(cvs)
    print(f"\nword-by-word re-draws ({n} PDFs: words in row order and shuffled, sizes +-2%)")
    print_layouts(scores)
    print(
        f"  names as on the original: {same} of {n}; right: {right} of {n} "
        f"(the originals: {right_original} of {n})"
    )


def report_real_language(files: list[bytes]) -> None:
    right = sum(read_document(data).language == "en" for data in files)
    print(f"\nreal CVs (all English): language right on {right} of {len(files)}")


def main() -> None:
    """Print the speed and quality tables."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-real", action="store_true")
    ap.add_argument("--no-labelled", action="store_true")
    ap.add_argument("--no-redraws", action="store_true")
    args = ap.parse_args()

    corpus = generated()
    print(f"generated corpus: {len(corpus)} PDFs (4 CVs x 5 layouts x flow/rows/2-page)")
    report_quality("generated sample CVs", corpus)
    if not args.no_labelled:
        extra = labelled()
        if extra:
            report_quality(f"labelled CVs ({len(extra)} PDFs)", extra)
    if not args.no_redraws:
        cvs = [
            (layout, doc, doc.header[0])
            for doc in cvgen.sample_cvs().values()
            for layout in cvgen.LAYOUTS
        ]
        if not args.no_labelled:
            from tests.labelled import labelled_cvs

            cvs += [(cv.layout, cv.doc, cv.truth.name) for cv in labelled_cvs()]
        report_redraws(cvs)
    report_speed("generated corpus", timed([d for _, d, _, _ in corpus], args.repeat))
    if not args.no_real and REAL_CVS.is_dir():
        files = [p.read_bytes() for p in sorted(REAL_CVS.glob("*/*.pdf"))]
        report_real_language(files)
        report_speed(f"real CVs, ../shared ({len(files)} PDFs)", timed(files, args.repeat))


if __name__ == "__main__":
    main()
