"""Education: the highest level reached is at least the one asked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from recruit.core.criteria.base import (
    FULL,
    MAX_POINTS,
    NOT_FOUND,
    Criterion,
    Outcome,
    Param,
    Say,
    Term,
    _l,
    quote,
    units,
)
from recruit.core.profile import EDUCATION_LEVELS, EducationEntry, Evidence, Profile
from recruit.core.study import field_labels, fields_of_study


def education_levels(language: str | None) -> Sequence[tuple[str, str]]:
    """Return the levels a criterion may ask for, lowest first."""
    return [(lvl, lvl.replace("_", "-")) for lvl in EDUCATION_LEVELS[1:]]


def _field_options(language: str | None) -> Sequence[tuple[str, str]]:
    return sorted(field_labels(language).items(), key=lambda item: item[1])


def entry_fields(entry: EducationEntry) -> tuple[str, ...]:
    """Return the fields of study an education entry names (degree line, then school)."""
    return fields_of_study(" | ".join(x for x in (entry.degree, entry.institution) if x))


@dataclass(frozen=True)
class EducationCriterion(Criterion):
    """The highest education level reached is at least `level`, in one of `fields` if given.

    A degree at the level in another field (or one the CV does not name) earns `partial`.
    """

    type: ClassVar[str] = "education_at_least"
    title: ClassVar[str] = _l("Education level")
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("level", "choice", _l("At least"), choices=education_levels),
        Param(
            "fields",
            "multi",
            _l("Fields of study"),
            default=(),
            choices=_field_options,
            noun="field of study",
            hint=_l("None chosen: any field counts."),
        ),
        Param("partial", "number", _l("Points for another field"), 0.0, 0.0, 10.0),
    )
    level: str = "bachelor"
    fields: tuple[str, ...] = ()
    partial: float = 0.0

    @classmethod
    def default_label(cls, values: Mapping[str, Any]) -> str:
        level = values["level"]
        return Say(
            _l("Education: %(level)s or above"),
            level=Term("level", level, level.replace("_", "-")),
        )

    @classmethod
    def new_values(cls) -> dict[str, Any]:
        return {"level": "bachelor"}

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        highest = profile.education.highest
        wanted = EDUCATION_LEVELS.index(self.level)
        reached = EDUCATION_LEVELS.index(highest) if highest in EDUCATION_LEVELS else -1
        level_met = reached >= wanted
        in_field: list[EducationEntry] = []
        if level_met and self.fields:
            in_field = [
                e
                for e in profile.education.entries
                if e.level in EDUCATION_LEVELS
                and EDUCATION_LEVELS.index(e.level) >= wanted
                and set(entry_fields(e)) & set(self.fields)
            ]
        passed = level_met and (not self.fields or bool(in_field))
        if passed:
            points = FULL
        elif level_met:
            points = units(Fraction(self.partial), MAX_POINTS)
        else:
            points = 0
        if not explain:
            return Outcome(points, passed)
        entries = in_field or (
            [e for e in profile.education.entries if e.level == highest] if highest else []
        )
        evidence: list[str] = []
        spans: list[Evidence] = []
        for e in entries:
            if e.evidence:
                evidence.append(quote(e.evidence[0]))
                spans.extend(e.evidence)
            else:
                evidence.append(
                    ", ".join(x for x in (e.degree, e.institution) if x) or highest or ""
                )
        reached_term = Term("level", highest, highest) if highest else NOT_FOUND
        asked = Term("level", self.level, self.level)
        if highest and not evidence:
            evidence.append(Say(_l("highest level: %(level)s"), level=reached_term))
        explanation = Say(
            _l("highest level %(level)s (studies not finished); asked: %(asked)s or above")
            if profile.education.incomplete
            else _l("highest level %(level)s; asked: %(asked)s or above"),
            level=reached_term,
            asked=asked,
        )
        if self.fields:
            named = sorted({f for e in profile.education.entries for f in entry_fields(e)})
            why: Say
            if in_field:
                why = Say(
                    _l("full points: the degree is in %(fields)s"),
                    fields=_fields(sorted(set(entry_fields(in_field[0])) & set(self.fields))),
                )
            elif level_met:
                why = Say(
                    _l("partial points: the degree's field is %(fields)s"),
                    fields=_fields(named) or Say(_l("not named")),
                )
            else:
                why = Say(_l("no points"))
            explanation = Say(
                _l("%(level)s, in %(fields)s; %(why)s"),
                level=explanation,
                fields=_fields(self.fields),
                why=why,
            )
        return Outcome(points, passed, tuple(evidence), tuple(spans), explanation)


def _fields(ids: Iterable[str]) -> list[Term]:
    """Return fields of study as terms (their ids: the English the CLI has always printed)."""
    return [Term("field", f, f) for f in ids]
