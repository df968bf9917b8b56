"""Measure extraction: precision / recall / F1 per field on the labelled CVs, speed, real CVs.

Run: .venv/bin/python bench/extraction.py [--no-pdf] [--no-real]
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recruit.core.extraction import extract_profile  # noqa: E402
from recruit.core.profile import Profile  # noqa: E402
from tests.cvgen import expected_text, render_pdf  # noqa: E402
from tests.labelled import LabelledCv, Truth, labelled_cvs  # noqa: E402

REAL_CVS = ROOT.parent / "shared" / "data" / "cvs" / "livecareer"
REAL_LABELS = ROOT / "bench" / "real_labels.json"
FIELDS = (
    "emails",
    "phones",
    "name",
    "positions",
    "titles",
    "employers",
    "total_months",
    "sales_months",
    "education",
    "languages",
    "licence",
    "own_car",
    "skills",
)


def _key(text: str | None) -> str | None:
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _sets(truth: Truth, profile: Profile) -> dict[str, tuple[set[Any], set[Any]]]:
    """Return (true, predicted) sets per field for one CV."""
    exp = profile.experience
    within = abs(exp.total_months - truth.total_months) <= 3
    sales_within = abs(exp.sales_months - truth.sales_months) <= 3
    return {
        "emails": (set(truth.emails), set(profile.emails)),
        "phones": (set(truth.phones), set(profile.phones)),
        "name": (
            {_key(truth.name)} - {None},
            {_key(profile.name)} - {None},
        ),
        "positions": (
            {(p[2], p[3]) for p in truth.positions},
            {(p.start, p.end) for p in exp.positions},
        ),
        "titles": ({_key(p[0]) for p in truth.positions}, {_key(p.title) for p in exp.positions}),
        "employers": (
            {_key(p[1]) for p in truth.positions},
            {_key(p.employer) for p in exp.positions},
        ),
        # A month count is right or wrong: a right one is a true positive, a wrong one both
        # a false positive and a false negative.
        "total_months": ({"ok"}, {"ok" if within else "wrong"}),
        "sales_months": ({"ok"}, {"ok" if sales_within else "wrong"}),
        "education": ({truth.education} - {None}, {profile.education.highest} - {None}),
        "languages": (set(truth.languages), {(x.code, x.level) for x in profile.languages}),
        "licence": (set(truth.licence), set(profile.driving_licence)),
        "own_car": ({True} if truth.own_car else set(), {True} if profile.own_car else set()),
        "skills": (set(truth.skills), {s.id for s in profile.skills}),
    }


def score(
    pairs: Iterable[tuple[Truth, Profile]], fields: Iterable[str] = FIELDS
) -> dict[str, Counter[str]]:
    """Count true positives, false positives and false negatives per field."""
    counts: dict[str, Counter[str]] = {f: Counter() for f in fields}
    for truth, profile in pairs:
        for field_name, (want, got) in _sets(truth, profile).items():
            if field_name not in counts:
                continue
            counts[field_name]["tp"] += len(want & got)
            counts[field_name]["fp"] += len(got - want)
            counts[field_name]["fn"] += len(want - got)
    return counts


def _table(title: str, counts: dict[str, Counter[str]]) -> None:
    print(f"\n{title}")
    print(f"{'field':<14}{'precision':>10}{'recall':>10}{'F1':>8}{'tp':>6}{'fp':>5}{'fn':>5}")
    for field_name, c in counts.items():
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        if tp + fp + fn == 0:
            print(f"{field_name:<14}{'-':>10}{'-':>10}{'-':>8}")
            continue
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{field_name:<14}{p:>10.3f}{r:>10.3f}{f1:>8.3f}{tp:>6}{fp:>5}{fn:>5}")


def _extract(cv: LabelledCv, text: str, **kwargs: Any) -> Profile:
    return extract_profile(text, doc_date=cv.doc_date, **kwargs)


def _reader() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("recruit.core.reading")
    except ImportError:
        return None
    return getattr(module, "read_document", None)


def _real_table() -> None:
    if not REAL_LABELS.exists() or not REAL_CVS.exists():
        print("\nreal CVs: skipped (no labels or no ../shared/data/cvs)")
        return
    import pdfplumber

    data = json.loads(REAL_LABELS.read_text())
    labels: dict[str, dict[str, Any]] = data["cvs"]
    doc_date = datetime.date.fromisoformat(data["doc_date"])
    read = _reader()
    rows: dict[str, Counter[str]] = {f: Counter() for f in ("name", "total_months", "education")}
    misses = []
    texts = []
    for path in sorted(REAL_CVS.rglob("*.pdf")):
        label = labels.get(path.stem)
        if label is None:
            continue
        if read is not None:
            result = read(path.read_bytes(), path.name)
            profile = extract_profile(
                result.text,
                language=result.language,
                page_starts=result.page_starts,
                doc_date=result.doc_date or doc_date,
            )
        else:
            with pdfplumber.open(path) as pdf:
                text = "\n".join(page.extract_text() or "" for page in pdf.pages)
            profile = extract_profile(text, language="en", doc_date=doc_date)
        texts.append(result.text if read is not None else text)
        ok_name = _key(profile.name) == _key(label["name"])
        rows["name"]["tp" if ok_name and label["name"] else "tn" if ok_name else "miss"] += 1
        ok_months = abs(profile.experience.total_months - label["total_months"]) <= 3
        rows["total_months"]["tp" if ok_months else "miss"] += 1
        ok_edu = profile.education.highest == label["education"]
        rows["education"]["tp" if ok_edu else "miss"] += 1
        if not (ok_name and ok_months and ok_edu):
            misses.append(
                f"  {path.stem}: name {profile.name!r}/{label['name']!r}, months "
                f"{profile.experience.total_months}/{label['total_months']}, education "
                f"{profile.education.highest}/{label['education']}"
            )
    total = sum(rows["name"].values())
    print(
        f"\nreal CVs ({total} labelled by hand in bench/real_labels.json; "
        f"{'reader' if read else 'pdfplumber extract_text'} text): share right"
    )
    for field_name, c in rows.items():
        right = total - c["miss"]
        print(f"{field_name:<14}{right:>4}/{total}  ({right / total:.2f})")
    print("misses (got/expected):")
    print("\n".join(misses) or "  none")
    rounds, started = 0, time.perf_counter()
    while time.perf_counter() - started < 2.0:
        for text in texts:
            extract_profile(text, language="en", doc_date=doc_date)
        rounds += 1
    elapsed = time.perf_counter() - started
    words = sum(len(t.split()) for t in texts) * rounds
    print(
        f"speed on these real CVs ({sum(len(t.split()) for t in texts) // len(texts)} words "
        f"each on average): {rounds * len(texts) / elapsed:.0f} CVs/s, "
        f"{words / elapsed / 1000:.0f}k words/s"
    )


def main() -> None:
    """Print the tables and the speed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-pdf", action="store_true", help="skip rendering PDFs + reader")
    parser.add_argument("--no-real", action="store_true", help="skip the real CVs")
    args = parser.parse_args()
    cvs = labelled_cvs()
    texts = [expected_text(cv.doc, cv.layout) for cv in cvs]
    extract_profile("warm up", language="ro")
    extract_profile("warm up", language="en")

    pairs = [(cv.truth, _extract(cv, text)) for cv, text in zip(cvs, texts, strict=True)]
    counts = score(pairs, [f for f in FIELDS if f not in ("emails", "phones")])
    _table(f"generated CVs, expected text ({len(cvs)} CVs)", counts)

    rounds, started = 0, time.perf_counter()
    while time.perf_counter() - started < 2.0:
        for cv, text in zip(cvs, texts, strict=True):
            _extract(cv, text)
        rounds += 1
    elapsed = time.perf_counter() - started
    words = sum(len(t.split()) for t in texts) * rounds
    print(
        f"\nspeed, extraction alone (one core): {rounds * len(cvs) / elapsed:.0f} CVs/s, "
        f"{words / elapsed / 1000:.0f}k words/s"
    )

    read = _reader()
    if read is not None and not args.no_pdf:
        pdf_pairs = []
        for k, cv in enumerate(cvs):
            data = render_pdf(cv.doc, cv.layout, file_order="rows" if k % 2 else "flow")
            result = read(data, f"{cv.id}.pdf")
            profile = extract_profile(
                result.text,
                language=result.language,
                page_starts=result.page_starts,
                doc_date=cv.doc_date,
            )
            profile = profile.__class__(
                **{
                    **profile.__dict__,
                    "emails": tuple(result.emails),
                    "phones": tuple(result.phones),
                }
            )
            pdf_pairs.append((cv.truth, profile))
        _table("generated CVs through PDF + reader (flow and rows file order)", score(pdf_pairs))
    elif read is None:
        print("\nPDF + reader: skipped (recruit.core.reading not there yet)")
    if not args.no_real:
        _real_table()


if __name__ == "__main__":
    main()
