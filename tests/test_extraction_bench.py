"""The extraction bench's hand labels are well-formed, and its matching rules score as documented.

A typo in bench/real_labels.json (a month 13, a total that does not recompute, a level outside
the vocabulary) would silently move every figure the bench prints, so the file is checked
against its own stated rules; the checks themselves are shown to catch such typos.
"""

from __future__ import annotations

import copy
import csv
import datetime
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench.extraction import SET_FIELDS, _from_shared, label_month, label_months, score_cv
from recruit.core.profile import (
    CEFR_LEVELS,
    EDUCATION_LEVELS,
    Education,
    Experience,
    LanguageSkill,
    Position,
    Profile,
)

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "real_labels.json"
RANKING = ROOT.parent / "shared" / "data" / "cvs" / "livecareer-ranking"
needs_shared = pytest.mark.skipif(not RANKING.is_dir(), reason="../shared/data/cvs absent")

ENTRY_FIELDS = {
    "headline",
    "name",
    "emails",
    "phones",
    "positions",
    "total_months",
    "present_as",
    "highest_education",
    "education_in_progress",
    "education_field",
    "languages",
    "notes",
}
DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2]))?")
# ranking_set: every 3rd labels.csv row of a category from its 2nd, this many per category.
PER_CATEGORY = {"SALES": 10, "BUSINESS-DEVELOPMENT": 10, "BANKING": 10}
OTHERS = 2


def labelled_months(positions: list[dict[str, Any]], present_as: str | None) -> int:
    """Recompute total_months by the labels' rule, from positions as written in the file."""
    return label_months(
        [(p["title"], p["employer"], p["start"], p["end"]) for p in positions], present_as
    )


def _date_errors(key: str, value: Any, *, end: bool) -> list[str]:
    if value is None or (end and value == "present"):
        return []
    if not isinstance(value, str) or not DATE.fullmatch(value):
        return [f"{key}: bad date {value!r}"]
    return []


def entry_errors(key: str, entry: dict[str, Any]) -> list[str]:
    """Return what is wrong with one ranking_set entry (empty when it is well-formed)."""
    if set(entry) != ENTRY_FIELDS:
        return [f"{key}: fields {sorted(set(entry) ^ ENTRY_FIELDS)} missing or extra"]
    errors = []
    for p in entry["positions"]:
        if set(p) != {"title", "employer", "start", "end"}:
            errors.append(f"{key}: position fields {sorted(p)}")
            continue
        errors += _date_errors(key, p["start"], end=False) + _date_errors(key, p["end"], end=True)
        if p["start"] is None and p["end"] is not None:
            errors.append(f"{key}: an end without a start ({p})")
        dated = p["start"] and p["end"] not in (None, "present") and not errors
        if dated and label_month(p["start"], end=False) > label_month(p["end"], end=True):
            errors.append(f"{key}: ends before it starts ({p})")
    current = any(p.get("end") == "present" for p in entry["positions"])
    present_as = entry["present_as"]
    if current != (present_as is not None):
        errors.append(f"{key}: present_as {present_as!r} but current job: {current}")
    errors += _date_errors(key, present_as, end=True)
    if not errors:
        months = labelled_months(entry["positions"], present_as)
        if months != entry["total_months"]:
            errors.append(f"{key}: total_months {entry['total_months']}, positions give {months}")
    level, in_progress = entry["highest_education"], entry["education_in_progress"]
    if level not in (*EDUCATION_LEVELS, None) or not isinstance(in_progress, bool):
        errors.append(f"{key}: education {level!r} in progress {in_progress!r}")
    if in_progress and level is None:
        errors.append(f"{key}: in progress with no level")
    codes = [x.get("code") for x in entry["languages"]]
    for x in entry["languages"]:
        if not re.fullmatch(r"[a-z]{2}", str(x.get("code"))) or x.get("level") not in (
            *CEFR_LEVELS,
            None,
        ):
            errors.append(f"{key}: language {x}")
    if len(set(codes)) != len(codes):
        errors.append(f"{key}: a language listed twice")
    if not (entry["name"] is None or isinstance(entry["name"], str) and entry["name"].strip()):
        errors.append(f"{key}: name {entry['name']!r}")
    if not all(isinstance(e, str) and "@" in e for e in entry["emails"]):
        errors.append(f"{key}: emails {entry['emails']}")
    if not all(isinstance(x, str) and sum(c.isdigit() for c in x) >= 7 for x in entry["phones"]):
        errors.append(f"{key}: phones {entry['phones']}")
    if not isinstance(entry["notes"], str) or not entry["notes"]:
        errors.append(f"{key}: no notes")
    return errors


def _labels() -> dict[str, Any]:
    return json.loads(LABELS.read_text(encoding="utf-8"))


def _rows() -> list[dict[str, str]]:
    with (RANKING / "labels.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@needs_shared
@pytest.mark.shared
def test_ranking_set_follows_its_selection_rule() -> None:
    by_category: dict[str, list[dict[str, str]]] = {}
    for row in _rows():
        by_category.setdefault(row["category"], []).append(row)
    chosen = {
        row["path"]: row
        for category, rows in by_category.items()
        for row in rows[1::3][: PER_CATEGORY.get(category, OTHERS)]
    }
    cvs = _labels()["ranking_set"]["cvs"]
    assert set(cvs) == set(chosen)
    shared = json.loads((RANKING / "extraction_labels.json").read_text(encoding="utf-8"))
    assert not set(cvs) & set(shared["files"])
    for key, entry in cvs.items():
        assert (RANKING / key).is_file(), key
        assert entry["headline"] == chosen[key]["title_line"], key


@needs_shared
@pytest.mark.shared
def test_ranking_set_entries_are_well_formed() -> None:
    data = _labels()
    assert "never" in data["ranking_set"]["_about"]  # says it was not written from output
    cvs = data["ranking_set"]["cvs"]
    assert len(cvs) >= 48
    assert [e for key, entry in cvs.items() for e in entry_errors(key, entry)] == []


@needs_shared
@pytest.mark.shared
def test_the_month_rule_is_the_shared_sets_rule() -> None:
    # The same rule recomputes the 64 labelled independently, and the bench maps their levels.
    shared = json.loads((RANKING / "extraction_labels.json").read_text(encoding="utf-8"))
    for key, entry in shared["files"].items():
        months = labelled_months(entry["positions"], entry["present_as"])
        assert months == entry["total_months"], key
        level, _ = _from_shared(entry)["education"]
        assert level in EDUCATION_LEVELS, (key, entry["highest_education"])


def test_the_original_sixteen_are_kept() -> None:
    cvs = _labels()["cvs"]
    assert len(cvs) == 16
    for entry in cvs.values():
        assert set(entry) == {"name", "total_months", "education"}
        assert entry["education"] in EDUCATION_LEVELS


GOOD = {
    "headline": "SALES",
    "name": None,
    "emails": [],
    "phones": [],
    "positions": [
        {"title": "Sales", "employer": "Company Name", "start": "2014-10", "end": "present"},
        {"title": "Clerk", "employer": None, "start": "2010", "end": "2012-03"},
        {"title": "Intern", "employer": "Company Name", "start": "2009-06", "end": None},
    ],
    "total_months": 34,
    "present_as": "2015-03",
    "highest_education": "bachelor",
    "education_in_progress": False,
    "education_field": None,
    "languages": [{"code": "es", "level": None}],
    "notes": "x",
}


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("positions", 0, "start"), "2014-13", "bad date"),
        (("positions", 1, "end"), "03/2012", "bad date"),
        (("positions", 1, "end"), "2009-12", "ends before"),
        (("total_months",), 33, "positions give 34"),
        (("present_as",), None, "current job"),
        (("highest_education",), "associate", "education"),
        (("languages", 0, "code"), "spa", "language"),
        (("languages", 0, "level"), "C3", "language"),
        (("emails",), ["nobody"], "emails"),
    ],
)
def test_label_checks_catch_typos(path: tuple[Any, ...], value: Any, message: str) -> None:
    assert entry_errors("good", GOOD) == []
    bad = copy.deepcopy(GOOD)
    target: Any = bad
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    errors = entry_errors("bad", bad)
    assert errors and message in errors[0], errors


def test_a_missing_field_is_caught() -> None:
    bad = {k: v for k, v in GOOD.items() if k != "education_field"}
    assert "education_field" in entry_errors("bad", bad)[0]


# --- the bench's matching rules -------------------------------------------------------------


def _score(want: dict[str, Any], profile: Profile) -> dict[str, tuple[int, int, int]]:
    counts: dict[str, Counter[str]] = {f: Counter() for f in SET_FIELDS}
    score_cv(want, profile, counts)
    return {f: (c["tp"], c["fp"], c["fn"]) for f, c in counts.items() if sum(c.values())}


def _profile(*positions: Position, **kwargs: Any) -> Profile:
    return Profile(experience=Experience(total_months=0, positions=positions), **kwargs)


def test_positions_agree_on_title_words_and_months() -> None:
    want = {
        "positions": [
            ("Sales Manager", "Company Name", "2010-01", "present"),
            ("Emergency Road Service Technician", "Company Name", "2007", "2010-03"),
            ("Lab Assistant", "Company Name", "2006-05", None),
        ]
    }
    got = _profile(
        Position("SALES MANAGER", "Company Name", "2010-01", "2021-08", True),
        # Two shared words of seven: not the title.
        Position("Road Service Company Name City", "Company Name", "2007-04", "2010-03", False),
        Position("Lab Assistant", "State", "2006-05", "2006-05", False),
    )
    scores = _score(want, got)
    assert scores["positions"] == (2, 1, 1)
    assert scores["titles"] == (2, 1, 1)
    assert scores["employers"] == (2, 1, 1)
    assert scores["starts"] == (3, 0, 0)  # a bare year agrees with any of its months
    assert scores["ends"] == (3, 0, 0)  # "present" agrees with a current job
    assert scores["position_count"] == (1, 0, 0)


def test_present_needs_a_current_job() -> None:
    want = {"positions": [("Sales", None, "2014-10", "present")]}
    got = _profile(Position("Sales", None, "2014-10", "2015-03", False))
    assert _score(want, got)["ends"] == (0, 1, 1)


def test_education_in_progress_agrees_with_a_lower_finished_level() -> None:
    want = {"education": ("bachelor", True)}
    right = Profile(education=Education("secondary", True))
    assert _score(want, right) == {"education": (1, 0, 0), "in_progress": (1, 0, 0)}
    claimed = Profile(education=Education("bachelor", False))
    assert _score(want, claimed) == {"education": (0, 1, 1), "in_progress": (0, 0, 1)}
    unclassifiable = {"education": (None, False)}
    assert _score(unclassifiable, claimed) == {"education": (0, 1, 0)}


def test_language_levels_agree_within_one_step() -> None:
    want = {"languages": [("es", "C1"), ("fr", None), ("de", "A2")]}
    got = Profile(
        languages=(LanguageSkill("es", "B2"), LanguageSkill("fr", "C2"), LanguageSkill("de", "B2"))
    )
    scores = _score(want, got)
    assert scores["languages"] == (3, 0, 0)
    assert scores["language_levels"] == (1, 2, 1)


def test_total_months_within_a_fifth_and_names_folded() -> None:
    want = {"total_months": 100, "name": "Ana-Maria Popescu"}
    got = Profile(name="ANA-MARIA  POPESCU", experience=Experience(total_months=121))
    assert _score(want, got) == {"total_months": (0, 1, 1), "name": (1, 0, 0)}
    got = Profile(name="Sales Associate", experience=Experience(total_months=80))
    assert _score({"total_months": 100, "name": None}, got) == {
        "total_months": (1, 0, 0),
        "name": (0, 1, 0),
    }


def test_months_at_the_file_date_are_a_separate_row() -> None:
    # Labelled to the resume's latest date (2015-03): 6 months; to the file's date: 82.
    want = {"positions": [("Sales", None, "2014-10", "present")], "total_months": 6}
    got = _profile(Position("Sales", None, "2014-10", "2021-07", True))
    got = Profile(experience=Experience(total_months=82, positions=got.experience.positions))
    scores: dict[str, Counter[str]] = {f: Counter() for f in SET_FIELDS}
    score_cv(want, got, scores, datetime.date(2021, 7, 9))
    assert scores["total_months"] == Counter(tp=0, fp=1, fn=1)
    assert scores["months_file_date"] == Counter(tp=1, fp=0, fn=0)
    assert scores["positions"] == Counter(tp=1, fp=0, fn=0)
