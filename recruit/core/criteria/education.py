"""Education: the highest level reached is at least the one asked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from recruit.core.criteria.base import FULL, NOT_FOUND, Criterion, Outcome, Param, _l, quote
from recruit.core.profile import EDUCATION_LEVELS, Evidence, Profile


def education_levels(language: str | None) -> Sequence[tuple[str, str]]:
    """Return the levels a criterion may ask for, lowest first."""
    return [(lvl, lvl.replace("_", "-")) for lvl in EDUCATION_LEVELS[1:]]


@dataclass(frozen=True)
class EducationCriterion(Criterion):
    """The highest education level reached is at least `level`."""

    type: ClassVar[str] = "education_at_least"
    title: ClassVar[str] = _l("Education level")
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("level", "choice", _l("At least"), choices=education_levels),
    )
    level: str = "bachelor"

    @classmethod
    def default_label(cls, values: Mapping[str, Any]) -> str:
        return f"Education: {values['level'].replace('_', '-')} or above"

    @classmethod
    def new_values(cls) -> dict[str, Any]:
        return {"level": "bachelor"}

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        highest = profile.education.highest
        wanted = EDUCATION_LEVELS.index(self.level)
        reached = EDUCATION_LEVELS.index(highest) if highest in EDUCATION_LEVELS else -1
        passed = reached >= wanted
        points = FULL if passed else 0
        if not explain:
            return Outcome(points, passed)
        entries = [e for e in profile.education.entries if e.level == highest] if highest else []
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
        if highest and not evidence:
            evidence.append(f"highest level: {highest}")
        note = " (studies not finished)" if profile.education.incomplete else ""
        explanation = f"highest level {highest or NOT_FOUND}{note}; asked: {self.level} or above"
        return Outcome(points, passed, tuple(evidence), tuple(spans), explanation)
