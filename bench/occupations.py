"""Measure the job-title mapper against ESCO's own occupation labels (EN and RO).

For each title family of `models/occupations/families.json` that the roles screen for, over
every ESCO occupation's preferred and alternative labels in ../shared/data/taxonomy/:
- recall: the share of labels of the family's ISCO-08 unit groups that map to the family;
- false positives: the share of labels of all other groups that map to it.
Also the O*NET alternate titles of the sales, customer-service, loan and teller codes. The
vocabulary was written without looking at these lists' results; they only measure it.

    .venv/bin/python bench/occupations.py
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recruit.core.occupations import classify_title, families  # noqa: E402

TAXONOMY = ROOT.parent / "shared" / "data" / "taxonomy"
# O*NET codes of the selected occupations -> the family a recruiter files them under.
ONET_FAMILY = {
    "41-4012.00": "sales",
    "41-4011.00": "sales",
    "41-3091.00": "sales",
    "11-2022.00": "sales",
    "41-1012.00": "sales",
    "41-1011.00": "sales",
    "41-2031.00": "sales",
    "43-4051.00": "customer_service",
    "41-3031.00": "banking",
    "13-2072.00": "banking",
    "43-3071.00": "banking",
    "41-2011.00": "retail",
}


def esco_labels() -> list[tuple[str, str, str]]:
    """Return (isco unit group, language, label) for every ESCO occupation label."""
    out = []
    with (TAXONOMY / "esco_occupations_labels_en_ro.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for column, lang in (
                ("preferred_label_en", "en"),
                ("alt_labels_en", "en"),
                ("preferred_label_ro", "ro"),
                ("alt_labels_ro", "ro"),
            ):
                for label in (row[column] or "").split(" | "):
                    if label.strip():
                        out.append((row["isco08_code"][:4], lang, label.strip()))
    return out


def measure_esco() -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Return per relevant ISCO group and language the share of ESCO labels mapped right.

    Right: to a related family that lists the group. Also, per language, the share of labels
    of every other group mapped to some related family (false positives).
    """
    related = [f for f in families().values() if f.related]
    groups = sorted({g for f in related for g in f.isco})
    rows: dict[str, dict[str, float]] = {}
    counts: dict[str, list[int]] = {}
    for isco, lang, label in esco_labels():
        found = {m.family for m in classify_title(label)}
        if isco in groups:
            right = {f.id for f in related if isco in f.isco}
            key = f"{isco} {lang}"
            counts.setdefault(key, [0, 0])
            counts[key][0] += 1
            counts[key][1] += bool(found & right)
        else:
            key = f"other {lang}"
            counts.setdefault(key, [0, 0])
            counts[key][0] += 1
            counts[key][1] += any(f.id in found for f in related)
    for key, (n, hit) in sorted(counts.items()):
        rows[key] = {"labels": n, "share": hit / n}
    totals = {}
    for lang in ("en", "ro"):
        n = sum(v[0] for k, v in counts.items() if k.endswith(lang) and not k.startswith("other"))
        hit = sum(v[1] for k, v in counts.items() if k.endswith(lang) and not k.startswith("other"))
        totals[f"relevant {lang}"] = hit / n
        totals[f"other {lang}"] = rows[f"other {lang}"]["share"]
    return rows, totals


def measure_onet() -> dict[str, tuple[int, float]]:
    """Return per family: O*NET alternate and reported titles, and the share mapped to it."""
    data = json.loads((TAXONOMY / "onet_sales_cs.json").read_text(encoding="utf-8"))
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for occ in data["occupations"]:
        family = ONET_FAMILY.get(occ["onet_soc_code"])
        if not family:
            continue
        titles = [
            t if isinstance(t, str) else t.get("title", "") for t in occ.get("alternate_titles", [])
        ]
        titles += [
            t if isinstance(t, str) else t.get("title", "")
            for t in occ.get("sample_reported_titles", [])
        ]
        for title in titles:
            totals[family] += 1
            hits[family] += family in {m.family for m in classify_title(title)}
    return {f: (totals[f], hits[f] / totals[f]) for f in totals}


def main() -> int:
    if not TAXONOMY.is_dir():
        print(f"skipped: {TAXONOMY} is absent")
        return 0
    rows, totals = measure_esco()
    names = {g: "" for g in rows}
    print("ESCO labels (EN v1.1.1, RO v1.0.8) per ISCO-08 unit group of a related family:")
    print(f"{'group':<10} {'labels':>6} {'mapped right':>13}")
    for key, row in rows.items():
        print(f"{key:<10} {row['labels']:>6} {row['share']:>13.2f}{names[key]}")
    print(
        "\nall relevant groups: EN {:.2f}, RO {:.2f} mapped right".format(
            totals["relevant en"], totals["relevant ro"]
        )
    )
    print(
        "all other groups: EN {:.4f}, RO {:.4f} wrongly mapped to a related family".format(
            totals["other en"], totals["other ro"]
        )
    )
    print("\nO*NET alternate and reported titles of the selected codes")
    for family, (n, share) in measure_onet().items():
        print(f"{family:<26} {n:>6} {share:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
