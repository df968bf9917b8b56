"""Measure extraction: precision and recall per field on generated and real labelled CVs, speed.

Run: .venv/bin/python bench/extraction.py [--no-pdf] [--no-real] [--jobs 2] [--json]
     [--misses livecareer-16|ranking-52]

First the generated set as before: tests/labelled.py's 60 CVs from their expected text, then
rendered to PDF and read back (flow and rows file order), scored per field with `score()`.

Then four sets side by side, every field scored by the same rules:
- generated: the same 60 CVs through PDF + reader (`read_document`, then `extract_profile` with
  the CV's date, since the generated truth counts "present" to that date);
- livecareer-16: `cvs` of bench/real_labels.json (../shared/data/cvs/livecareer/; name, total
  months and highest completed education only);
- ranking-52: `ranking_set` of bench/real_labels.json, 52 resumes of
  ../shared/data/cvs/livecareer-ranking/ labelled by hand for this bench (tune on these);
- shared-64: that folder's extraction_labels.json, labelled independently (the untouched check).
Real CVs go through the public pipeline only (`recruit.core.pipeline.analyse_paths`, what
`recruit parse` runs), never through the extractor's tables. A field a set does not label shows
"-"; a precision or recall with nothing to divide by shows "-" next to its counts. A CV the
reader rejects is scored as an empty profile.

Matching rules (fold = lowercase without diacritics; "agree" below):
- name: folded, whitespace-collapsed names equal. A name predicted where the label is null is
  a false positive.
- headline (shared-64 only): the title at the top of the resume; the title rule below.
- e-mail: lowercased addresses equal. phone: the digits of one end with the digits of the other
  (at least 7), so "+1 555..." and "(555) ..." agree.
- position count: per CV, predicted within one of the labelled count (right = tp, wrong = fp+fn).
- positions: one to one, in label order, the first unused predicted position whose title, start
  and end all agree. Titles agree when their folded word sets share at least half of their union
  (Jaccard >= 0.5), or both are null. A start or end agrees when the months are equal; a
  labelled year without month agrees with any month of that year; a labelled "present" agrees
  with a current predicted position; a position with one date ends where it starts (on both
  sides); a null start agrees only with a null start.
- titles, employers, starts, ends: the same agreements, each matched one to one on its own
  over the non-null values of the CV (so a right title with wrong dates still counts here).
  Employers use the title rule.
- total months: per CV, within 20% of the label (a label of 0 needs 0). The labels of the real
  sets run a current job to the latest date written in the resume (`label_months`), recruit to
  the file's date; months_file_date is a diagnostic: the same check against the labelled
  positions counted with "present" at the file's date as the pipeline read it.
- highest education (exact): labelled level L completed agrees with predicted highest == L; a
  label of L still in progress agrees with a predicted lower level (or none) flagged
  incomplete, since recruit's `highest` is the highest level finished. Label null (nothing
  classifiable): any predicted level is a false positive. shared-64's levels are mapped:
  associate -> post_secondary, phd -> doctorate, X_in_progress -> X in progress.
- education in progress: the positive class is "in progress" (recruit's `incomplete`).
- languages: ISO 639-1 codes, as sets.
- language levels: (code, CEFR level) pairs with a level on both sides; the same code and at
  most one CEFR step apart. A level predicted where the label states none is a false positive.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recruit.core.dates import total_months  # noqa: E402
from recruit.core.extraction import extract_profile  # noqa: E402
from recruit.core.pipeline import analyse_paths  # noqa: E402
from recruit.core.profile import CEFR_LEVELS, EDUCATION_LEVELS, Profile  # noqa: E402
from recruit.core.reading import read_document  # noqa: E402
from recruit.core.text import fold  # noqa: E402
from tests.cvgen import expected_text, render_pdf  # noqa: E402
from tests.labelled import LabelledCv, Truth, labelled_cvs  # noqa: E402

SHARED_CVS = ROOT.parent / "shared" / "data" / "cvs"
REAL_CVS = SHARED_CVS / "livecareer"
RANKING_CVS = SHARED_CVS / "livecareer-ranking"
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
# The fields of the side-by-side table, in print order.
SET_FIELDS = (
    "name",
    "headline",
    "emails",
    "phones",
    "position_count",
    "positions",
    "titles",
    "employers",
    "starts",
    "ends",
    "total_months",
    "months_file_date",
    "education",
    "in_progress",
    "languages",
    "language_levels",
)
SETS = ("generated", "livecareer-16", "ranking-52", "shared-64")
# Sets whose per-CV misses may be printed: the shared 64 stay an untouched check.
TUNABLE = ("livecareer-16", "ranking-52")


def _key(text: str | None) -> str | None:
    return None if text is None else " ".join(fold(text).split())


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


# --- one labelled CV, any set ---------------------------------------------------------------
# An expected record holds only the fields its set labels: name, emails, phones, positions
# [(title, employer, start, end)], total_months, education (level, in progress or None when the
# set does not say), languages [(code, level)].

_SHARED_LEVELS = {"associate": "post_secondary", "phd": "doctorate"}


def _from_generated(truth: Truth) -> dict[str, Any]:
    return {
        "name": truth.name,
        "emails": list(truth.emails),
        "phones": list(truth.phones),
        "positions": [tuple(p) for p in truth.positions],
        "total_months": truth.total_months,
        # The generated truth is the highest level finished, as recruit's `highest`.
        "education": (truth.education, None),
        "languages": list(truth.languages),
    }


def _from_ranking(label: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": label["name"],
        "emails": label["emails"],
        "phones": label["phones"],
        "positions": [
            (p["title"], p["employer"], p["start"], p["end"]) for p in label["positions"]
        ],
        "total_months": label["total_months"],
        "education": (label["highest_education"], label["education_in_progress"]),
        "languages": [(x["code"], x["level"]) for x in label["languages"]],
    }


def _from_shared(label: dict[str, Any]) -> dict[str, Any]:
    level = label["highest_education"]
    in_progress = level is not None and level.endswith("_in_progress")
    if in_progress:
        level = level.removesuffix("_in_progress")
    return {
        "headline": label["headline"],
        "positions": [
            (p["title"], p["employer"], p["start"], p["end"]) for p in label["positions"]
        ],
        "total_months": label["total_months"],
        "education": (_SHARED_LEVELS.get(level, level), in_progress),
        "languages": [(x["code"], x["level"]) for x in label["languages"]],
    }


def _from_livecareer(label: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": label["name"],
        "total_months": label["total_months"],
        "education": (label["education"], None),
    }


def label_month(value: str, *, end: bool) -> tuple[int, int]:
    """Return (year, month) of a label date; a bare year starts in January and ends in December."""
    return int(value[:4]), int(value[5:7]) if len(value) > 4 else (12 if end else 1)


def label_months(positions: Iterable[Sequence[Any]], present_as: str | None) -> int:
    """Count the labels' total months: the union of the dated (title, employer, start, end)."""
    spans = []
    for _, _, start, end in positions:
        if start is None:
            continue  # undated positions are not counted
        end = end or start  # a lone date is one month
        end = present_as or start if end == "present" else end
        spans.append((label_month(start, end=False), label_month(end, end=True)))
    return total_months(spans)


# --- agreement rules (see the module docstring) ----------------------------------------------


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"\w+", fold(text or "")))


def _text_agrees(want: str | None, got: str | None) -> bool:
    a, b = _words(want), _words(got)
    if not a or not b:
        return not a and not b
    return len(a & b) >= 0.5 * len(a | b)


def _month_agrees(want: str | None, got: str | None, current: bool = False) -> bool:
    if want == "present":
        return current
    if want is None or got is None:
        return want is None and got is None
    return got[: len(want)] == want  # "2015" agrees with any month of 2015


def _end(start: str | None, end: str | None) -> str | None:
    return start if end is None else end  # a position with one date ends where it starts


def _one_to_one(want: Sequence[Any], got: Sequence[Any], agree: Callable[[Any, Any], bool]) -> int:
    """Pair labelled items with predicted ones in label order, each used once; count pairs."""
    used: set[int] = set()
    for w in want:
        for j, g in enumerate(got):
            if j not in used and agree(w, g):
                used.add(j)
                break
    return len(used)


def _count(c: Counter[str], want: Sequence[Any], got: Sequence[Any], agree: Any) -> None:
    hits = _one_to_one(want, got, agree)
    c["tp"] += hits
    c["fp"] += len(got) - hits
    c["fn"] += len(want) - hits


def _right(c: Counter[str], ok: bool) -> None:
    """A per-CV value is right (tp) or wrong (both fp and fn)."""
    c["tp" if ok else "fp"] += 1
    c["fn"] += not ok


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def _phone_agrees(want: str, got: str) -> bool:
    a, b = _digits(want), _digits(got)
    short, long = sorted((a, b), key=len)
    return len(short) >= 7 and long.endswith(short)


def _level_agrees(want: tuple[str, str], got: tuple[str, str]) -> bool:
    step = abs(CEFR_LEVELS.index(want[1]) - CEFR_LEVELS.index(got[1]))
    return want[0] == got[0] and step <= 1


def _education_agrees(level: str | None, in_progress: bool | None, profile: Profile) -> bool:
    got = profile.education.highest
    if level is None or not in_progress:
        return got == level
    below = got is None or EDUCATION_LEVELS.index(got) < EDUCATION_LEVELS.index(level)
    return profile.education.incomplete and below


def score_cv(
    want: dict[str, Any],
    profile: Profile,
    counts: dict[str, Counter[str]],
    file_date: datetime.date | None = None,
) -> None:
    """Add one CV's counts, per field its set labels, to `counts`."""
    positions = profile.experience.positions
    got_positions = [
        (p.title, p.employer, p.start, _end(p.start, p.end), p.current) for p in positions
    ]
    if "name" in want:
        wanted, named = _key(want["name"]), _key(profile.name)
        _count(counts["name"], [wanted] if wanted else [], [named] if named else [], str.__eq__)
    if "headline" in want:
        wanted, said = want["headline"], profile.headline
        _count(counts["headline"], [wanted] if wanted else [], [said] if said else [], _text_agrees)
    if "emails" in want:
        got_emails = [e.lower() for e in profile.emails]
        _count(counts["emails"], [e.lower() for e in want["emails"]], got_emails, str.__eq__)
    if "phones" in want:
        _count(counts["phones"], want["phones"], list(profile.phones), _phone_agrees)
    if "positions" in want:
        labelled = [(t, e, s, _end(s, x)) for t, e, s, x in want["positions"]]
        _right(counts["position_count"], abs(len(positions) - len(labelled)) <= 1)

        def same(w: tuple[Any, ...], g: tuple[Any, ...]) -> bool:
            return (
                _text_agrees(w[0], g[0])
                and _month_agrees(w[2], g[2])
                and _month_agrees(w[3], g[3], g[4])
            )

        _count(counts["positions"], labelled, got_positions, same)
        for k, name in ((0, "titles"), (1, "employers")):
            _count(
                counts[name],
                [w[k] for w in labelled if w[k]],
                [g[k] for g in got_positions if g[k]],
                _text_agrees,
            )
        _count(
            counts["starts"],
            [w[2] for w in labelled if w[2]],
            [g[2] for g in got_positions if g[2]],
            _month_agrees,
        )
        _count(
            counts["ends"],
            [w[3] for w in labelled if w[3]],
            [(g[3], g[4]) for g in got_positions if g[3]],
            lambda w, g: _month_agrees(w, g[0], g[1]),
        )
    if "total_months" in want:
        expected, found = want["total_months"], profile.experience.total_months
        _right(counts["total_months"], abs(found - expected) <= 0.2 * expected)
        if "positions" in want and file_date is not None:
            expected = label_months(want["positions"], f"{file_date:%Y-%m}")
            _right(counts["months_file_date"], abs(found - expected) <= 0.2 * expected)
    if "education" in want:
        level, in_progress = want["education"]
        got = profile.education.highest
        ok = _education_agrees(level, in_progress, profile)
        counts["education"]["tp"] += ok and level is not None
        counts["education"]["fp"] += not ok and got is not None
        counts["education"]["fn"] += not ok and level is not None
        if in_progress is not None:
            _count(
                counts["in_progress"],
                [True] if in_progress else [],
                [True] if profile.education.incomplete else [],
                bool.__eq__,
            )
    if "languages" in want:
        got_languages = [(x.code, x.level) for x in profile.languages]
        _count(
            counts["languages"],
            sorted({c for c, _ in want["languages"]}),
            sorted({c for c, _ in got_languages}),
            str.__eq__,
        )
        _count(
            counts["language_levels"],
            [x for x in want["languages"] if x[1]],
            [x for x in got_languages if x[1]],
            _level_agrees,
        )


# --- the sets ----------------------------------------------------------------------------------


def _real_sets() -> dict[str, list[tuple[Path, dict[str, Any]]]]:
    """Return the labelled real CVs per set: (PDF path, expected record)."""
    sets: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    labels = json.loads(REAL_LABELS.read_text(encoding="utf-8"))
    if REAL_CVS.is_dir():
        by_id = {p.stem: p for p in REAL_CVS.glob("*/*.pdf")}
        sets["livecareer-16"] = [(by_id[i], _from_livecareer(x)) for i, x in labels["cvs"].items()]
    if RANKING_CVS.is_dir():
        ranking = labels["ranking_set"]["cvs"]
        sets["ranking-52"] = [(RANKING_CVS / k, _from_ranking(x)) for k, x in ranking.items()]
        shared = json.loads((RANKING_CVS / "extraction_labels.json").read_text(encoding="utf-8"))
        sets["shared-64"] = [(RANKING_CVS / k, _from_shared(x)) for k, x in shared["files"].items()]
    return sets


def _generated_through_pdf(cvs: list[LabelledCv]) -> list[Profile]:
    profiles = []
    for k, cv in enumerate(cvs):
        data = render_pdf(cv.doc, cv.layout, file_order="rows" if k % 2 else "flow")
        result = read_document(data, f"{cv.id}.pdf")
        profile = extract_profile(
            result.text,
            language=result.language,
            page_starts=result.page_starts,
            doc_date=cv.doc_date,
        )
        # The pipeline takes contacts from the reader (they survive layout), so do the same.
        profiles.append(dataclasses.replace(profile, emails=result.emails, phones=result.phones))
    return profiles


def _rates(c: Counter[str]) -> dict[str, Any] | None:
    """Return precision, recall and counts; None when the set does not label the field."""
    if not c:  # score_cv never touched it; a labelled field with nothing in it counts zeros
        return None
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    return {
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _cell(rates: dict[str, Any] | None) -> str:
    if rates is None:
        return "-"

    def num(x: float | None) -> str:
        return "  - " if x is None else f"{x:.2f}"

    counts = f"({rates['tp']} {rates['fp']} {rates['fn']})"
    return f"{num(rates['precision'])} {num(rates['recall'])} {counts}"


def _side_by_side(results: dict[str, dict[str, Any]]) -> None:
    names = [s for s in SETS if s in results]
    print("\nper field, side by side: precision recall (tp fp fn); '-' = not labelled in that set")
    heads = [f"{s} ({results[s]['cvs']})" for s in names]
    print(f"{'':<18}" + "".join(f"{h:<25}" for h in heads))
    for field_name in SET_FIELDS:
        row = "".join(f"{_cell(results[s]['fields'][field_name]):<25}" for s in names)
        print(f"{field_name:<18}{row}")


def _misses(name: str, pairs: list[tuple[Path, dict[str, Any], Profile]]) -> None:
    print(f"\nmisses in {name} (expected / got):")
    for path, want, profile in pairs:
        counts: dict[str, Counter[str]] = {f: Counter() for f in SET_FIELDS}
        score_cv(want, profile, counts)
        wrong = [f for f, c in counts.items() if c["fp"] or c["fn"]]
        if not wrong:
            continue
        print(f"  {path.parent.name}/{path.name}: {', '.join(wrong)}")
        exp = profile.experience
        if "total_months" in wrong:
            print(f"    total months {want['total_months']} / {exp.total_months}")
        if "education" in wrong:
            print(f"    education {want['education']} / {profile.education.highest}")
        if "name" in wrong:
            print(f"    name {want['name']!r} / {profile.name!r}")
        if {"positions", "position_count"} & set(wrong):
            for t, e, s, x in want["positions"]:
                print(f"    - want {t!r} @ {e!r} {s}..{x}")
            for p in exp.positions:
                print(f"    + got  {p.title!r} @ {p.employer!r} {p.start}..{p.end}")


def main() -> None:
    """Print the tables and the speed (or, with --json, the side-by-side figures as JSON)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-pdf", action="store_true", help="skip rendering PDFs + reader")
    parser.add_argument("--no-real", action="store_true", help="skip the real CVs")
    parser.add_argument("--jobs", type=int, default=2, help="processes reading the real CVs")
    parser.add_argument("--json", action="store_true", help="print only the figures, as JSON")
    parser.add_argument("--misses", choices=TUNABLE, help="list the CVs a set's fields miss")
    args = parser.parse_args()
    say = (lambda *a, **k: print(*a, **k, file=sys.stderr)) if args.json else print
    cvs = labelled_cvs()
    texts = [expected_text(cv.doc, cv.layout) for cv in cvs]
    extract_profile("warm up", language="ro")
    extract_profile("warm up", language="en")
    results: dict[str, dict[str, Any]] = {}

    if not args.json:
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

    if not args.no_pdf:
        profiles = _generated_through_pdf(cvs)
        if not args.json:
            title = "generated CVs through PDF + reader (flow and rows file order)"
            _table(title, score(zip((cv.truth for cv in cvs), profiles, strict=True)))
        counts = {f: Counter() for f in SET_FIELDS}
        for cv, profile in zip(cvs, profiles, strict=True):
            score_cv(_from_generated(cv.truth), profile, counts, cv.doc_date)
        results["generated"] = {"cvs": len(cvs), "counts": counts}

    if not args.no_real:
        sets = _real_sets()
        if not sets:
            say("\nreal CVs: skipped (no ../shared/data/cvs)")
        paths = sorted({str(path) for labelled in sets.values() for path, _ in labelled})
        started = time.perf_counter()
        analysed = (
            dict(zip(paths, analyse_paths(paths, jobs=args.jobs), strict=True)) if paths else {}
        )
        elapsed = time.perf_counter() - started
        for name, labelled in sets.items():
            counts = {f: Counter() for f in SET_FIELDS}
            pairs = []
            for path, want in labelled:
                analysis = analysed[str(path)]
                profile = analysis.profile or Profile()
                score_cv(want, profile, counts, analysis.read.doc_date)
                pairs.append((path, want, profile))
            results[name] = {"cvs": len(labelled), "counts": counts}
            if args.misses == name:
                _misses(name, pairs)
        if paths:
            say(
                f"\nreal CVs through recruit.core.pipeline ({len(paths)} PDFs, {args.jobs} "
                f"processes): {len(paths) / elapsed:.1f} CVs/s"
            )

    for result in results.values():
        result["fields"] = {f: _rates(c) for f, c in result.pop("counts").items()}
    if args.json:
        out = {"date": datetime.date.today().isoformat(), "sets": results}
        json.dump(out, sys.stdout, indent=1)
        print()
    elif results:
        _side_by_side(results)


if __name__ == "__main__":
    main()
