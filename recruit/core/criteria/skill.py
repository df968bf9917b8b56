"""Skills: any of a set of skills; each distinct one found earns a share of the points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from recruit.core.criteria.base import (
    Criterion,
    Invalid,
    Outcome,
    Param,
    Say,
    Term,
    _l,
    quote,
    units,
)
from recruit.core.profile import Evidence, Profile
from recruit.core.skills import skill_catalog


def skill_options(language: str | None) -> Sequence[tuple[str, str]]:
    """Return the catalogue's skills as (id, label in `language`), sorted by label."""
    return sorted(((s.id, s.label(language)) for s in skill_catalog().values()), key=lambda c: c[1])


@dataclass(frozen=True)
class SkillCriterion(Criterion):
    """Any of a set of skills; each distinct one found earns a share of the points up to `cap`."""

    type: ClassVar[str] = "skill"
    title: ClassVar[str] = _l("Skills")
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param(
            "skills",
            "multi",
            _l("Skills"),
            choices=skill_options,
            noun="skill id",
            hint=_l("Any of these counts. Ctrl-click to choose several."),
        ),
        Param(
            "cap",
            "int",
            _l("Full points at"),
            default=1,
            low=1,
            high=50,
            hint=_l("How many of them give full points."),
        ),
    )
    skills: tuple[str, ...] = ()
    cap: int = 1

    @classmethod
    def check(cls, values: dict[str, Any]) -> dict[str, Any]:
        if values["cap"] > len(values["skills"]):
            raise Invalid(
                f"'cap' {values['cap']} is more than the {len(values['skills'])} skills listed"
            )
        return values

    @classmethod
    def default_label(cls, values: Mapping[str, Any]) -> str:
        catalog = skill_catalog()
        return " / ".join(catalog[s].en for s in values["skills"][:3])

    @classmethod
    def new_values(cls) -> dict[str, Any]:
        return {"skills": ["negotiation"], "cap": 1}

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        have = {s.id: s for s in profile.skills if s.count > 0}
        found = [have[sid] for sid in self.skills if sid in have]
        points = units(min(len(found), self.cap), self.cap)
        passed = bool(found)
        if not explain:
            return Outcome(points, passed)
        catalog = skill_catalog()
        evidence: list[str] = []
        spans: list[Evidence] = []
        for skill in found:
            spans.extend(skill.evidence)
            if skill.evidence:
                evidence.append(quote(skill.evidence[0]))
            else:
                evidence.append(
                    Say(
                        _l("%(skill)s (%(count)s times)"),
                        skill=Term("skill", skill.id, skill.label or catalog[skill.id].en),
                        count=skill.count,
                    )
                )
        names = [Term("skill", s.id, catalog[s.id].en) for s in found] or Say(_l("none"))
        explanation = Say(
            _l("%(found)s of %(asked)s skills found (full points at %(cap)s): %(names)s"),
            found=len(found),
            asked=len(self.skills),
            cap=self.cap,
            names=names,
        )
        return Outcome(points, passed, tuple(evidence), tuple(spans), explanation)
