"""The extracted profile of a CV: the contract between extraction, typos, scoring and storage.

A profile is stored as JSON (``to_dict``) and scored again from that JSON (``from_dict``)
whenever weights change, so both directions must round-trip exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

EDUCATION_LEVELS = ("none", "secondary", "post_secondary", "bachelor", "master", "doctorate")
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
# The skills of the CEFR self-assessment grid (Europass), in the grid's order: the keys of
# LanguageSkill.skill_levels.
CEFR_SKILLS = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")
# A CEFR level written as its code ("B2"), not inside a longer word or number ("B2B").
CEFR_CODE = re.compile(r"(?<![A-Za-z0-9])[ABC][12](?![A-Za-z0-9])")


def cefr_by_rule(levels: Iterable[str], rule: str = "median") -> str | None:
    """Return the CEFR level `rule` takes from per-skill levels: median, min or max.

    The median of an even count is the lower middle, as a Europass grid is read.
    """
    ranked = sorted(CEFR_LEVELS.index(v) for v in levels if v in CEFR_LEVELS)
    if not ranked:
        return None
    if rule == "min":
        return CEFR_LEVELS[ranked[0]]
    if rule == "max":
        return CEFR_LEVELS[ranked[-1]]
    return CEFR_LEVELS[ranked[(len(ranked) - 1) // 2]]


@dataclass(frozen=True)
class Evidence:
    """A span of the normalised text that proves a fact."""

    page: int  # 1-based
    start: int  # character offsets in the normalised text
    end: int
    text: str


@dataclass(frozen=True)
class Skill:
    id: str
    label: str
    count: int
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Position:
    title: str | None
    employer: str | None
    start: str | None  # "YYYY-MM"
    end: str | None  # "YYYY-MM"; for a current job, the document's date
    current: bool
    sales: bool = False
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Experience:
    total_months: int = 0
    sales_months: int = 0
    positions: tuple[Position, ...] = ()
    # Volunteering ("Voluntariat") is counted apart: it is not in the work months above.
    volunteer_months: int = 0
    volunteering: tuple[Position, ...] = ()


@dataclass(frozen=True)
class EducationEntry:
    degree: str | None
    institution: str | None
    start: str | None
    end: str | None
    level: str | None = None  # one of EDUCATION_LEVELS
    evidence: tuple[Evidence, ...] = ()
    # Still studying ("student", "în curs", "2019 – prezent"): `level` is not reached yet.
    in_progress: bool = False


@dataclass(frozen=True)
class Education:
    # One of EDUCATION_LEVELS, finished studies only (a student of a first degree has
    # "secondary"); None when no education section.
    highest: str | None = None
    incomplete: bool = False  # studies above `highest` are under way (see `in_progress`)
    entries: tuple[EducationEntry, ...] = ()
    in_progress: str | None = None  # the highest level being studied for, when above `highest`


@dataclass(frozen=True)
class LanguageSkill:
    code: str  # ISO 639-1
    level: str | None  # one of CEFR_LEVELS
    evidence: tuple[Evidence, ...] = ()
    # Per-skill CEFR levels when the CV gives them (Europass grid): "listening", "reading",
    # "spoken_interaction", "spoken_production", "writing" -> "A1".."C2".
    skill_levels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Typo:
    term: str  # the key term meant (lexicon form)
    found: str  # what the CV says
    suggestion: str
    page: int
    start: int
    end: int


@dataclass(frozen=True)
class Region:
    """A section of the CV by kind (experience, skills, summary ...), from start to end."""

    kind: str
    start: int  # character offsets in the normalised text
    end: int


@dataclass(frozen=True)
class Cue:
    """A word of a domain of work (banking, sales) where the normalised text names it."""

    domain: str
    page: int  # 1-based
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Profile:
    language: str | None = None
    name: str | None = None
    name_evidence: tuple[Evidence, ...] = ()
    # The job title the CV gives its author at the top, or the job applied for.
    headline: str | None = None
    headline_evidence: tuple[Evidence, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    skills: tuple[Skill, ...] = ()
    experience: Experience = field(default_factory=Experience)
    education: Education = field(default_factory=Education)
    languages: tuple[LanguageSkill, ...] = ()
    driving_licence: tuple[str, ...] = ()
    licence_evidence: tuple[Evidence, ...] = ()
    own_car: bool = False
    own_car_evidence: tuple[Evidence, ...] = ()
    typos: tuple[Typo, ...] = ()
    missing_diacritics: int = 0
    words: int = 0
    # Where things stand, for skills in context: none in profiles read before version 3.
    regions: tuple[Region, ...] = ()
    cues: tuple[Cue, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: the parse contract's fields plus evidence."""
        return _jsonable(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """Rebuild a profile from its JSON form (unknown keys are ignored)."""

        def ev(items: Any) -> tuple[Evidence, ...]:
            return tuple(Evidence(**e) for e in items or ())

        exp = data.get("experience") or {}
        edu = data.get("education") or {}

        def positions(items: Any) -> tuple[Position, ...]:
            return tuple(
                Position(
                    p.get("title"),
                    p.get("employer"),
                    p.get("start"),
                    p.get("end"),
                    bool(p.get("current")),
                    bool(p.get("sales")),
                    ev(p.get("evidence")),
                )
                for p in items or ()
            )

        return cls(
            language=data.get("language"),
            name=data.get("name"),
            name_evidence=ev(data.get("name_evidence")),
            headline=data.get("headline"),
            headline_evidence=ev(data.get("headline_evidence")),
            emails=tuple(data.get("emails") or ()),
            phones=tuple(data.get("phones") or ()),
            links=tuple(data.get("links") or ()),
            handles=tuple(data.get("handles") or ()),
            skills=tuple(
                Skill(s["id"], s["label"], s["count"], ev(s.get("evidence")))
                for s in data.get("skills") or ()
            ),
            experience=Experience(
                total_months=exp.get("total_months", 0),
                sales_months=exp.get("sales_months", 0),
                positions=positions(exp.get("positions")),
                volunteer_months=exp.get("volunteer_months", 0),
                volunteering=positions(exp.get("volunteering")),
            ),
            education=Education(
                highest=edu.get("highest"),
                incomplete=bool(edu.get("incomplete")),
                in_progress=edu.get("in_progress"),
                entries=tuple(
                    EducationEntry(
                        e.get("degree"),
                        e.get("institution"),
                        e.get("start"),
                        e.get("end"),
                        e.get("level"),
                        ev(e.get("evidence")),
                        bool(e.get("in_progress")),
                    )
                    for e in edu.get("entries") or ()
                ),
            ),
            languages=tuple(
                LanguageSkill(
                    lang["code"],
                    lang.get("level"),
                    ev(lang.get("evidence")),
                    dict(lang.get("skill_levels") or {}),
                )
                for lang in data.get("languages") or ()
            ),
            driving_licence=tuple(data.get("driving_licence") or ()),
            licence_evidence=ev(data.get("licence_evidence")),
            own_car=bool(data.get("own_car")),
            own_car_evidence=ev(data.get("own_car_evidence")),
            typos=tuple(Typo(**t) for t in data.get("typos") or ()),
            missing_diacritics=int(data.get("missing_diacritics") or 0),
            words=int(data.get("words") or 0),
            regions=tuple(Region(**r) for r in data.get("regions") or ()),
            cues=tuple(Cue(**c) for c in data.get("cues") or ()),
        )


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_LEAVES = frozenset({str, int, float, bool, type(None)})


def _jsonable(value: Any) -> Any:
    # dataclasses.asdict's dictionaries in one pass, without its deep copies: a profile's
    # leaves are strings, numbers and None (0.4 ms a generated CV, asdict 0.9).
    if type(value) in _LEAVES:
        return value
    names = _FIELD_NAMES.get(type(value))
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _jsonable(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
