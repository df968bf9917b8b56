"""Months of work: total, or in positions the extractor judged to be sales."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from recruit.core.criteria.base import Criterion, Invalid, Outcome, Param, Say, _l, units
from recruit.core.profile import Evidence, Position, Profile


def _kinds(language: str | None) -> Sequence[tuple[str, str]]:
    return (("sales", _l("Sales")), ("total", _l("Any work")))


def months_explanation(amount: Any, target: Any, minimum: Any) -> Say:
    """Say how many months were found against the criterion's target and minimum."""
    if minimum:
        return Say(
            _l("%(amount)s; full points at %(target)s, none below %(minimum)s"),
            amount=amount,
            target=target,
            minimum=minimum,
        )
    return Say(_l("%(amount)s; full points at %(target)s"), amount=amount, target=target)


def describe_position(p: Position) -> Say:
    """Return a position as one evidence line: "'title, employer' (start to end, page N)"."""
    what = ", ".join(x for x in (p.title, p.employer) if x) or Say(_l("position"))
    end = Say(_l("now")) if p.current else p.end or "?"
    if p.evidence:
        return Say(
            _l("'%(what)s' (%(start)s to %(end)s, page %(page)s)"),
            what=what,
            start=p.start or "?",
            end=end,
            page=p.evidence[0].page,
        )
    return Say(_l("'%(what)s' (%(start)s to %(end)s)"), what=what, start=p.start or "?", end=end)


@dataclass(frozen=True)
class ExperienceCriterion(Criterion):
    """Months of total or sales experience: full at `target`, linear below, 0 under `minimum`."""

    type: ClassVar[str] = "experience_months"
    title: ClassVar[str] = _l("Months of experience")
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("kind", "choice", _l("Experience"), default="total", choices=_kinds),
        Param("target", "int", _l("Target months"), default=12, low=1, high=600),
        Param("minimum", "int", _l("Minimum months"), default=0, low=0, high=600),
    )
    kind: str = "total"  # "total" or "sales"
    target: int = 12
    minimum: int = 0

    @classmethod
    def check(cls, values: dict[str, Any]) -> dict[str, Any]:
        if values["minimum"] > values["target"]:
            raise Invalid(
                _l("'minimum' %(minimum)s is above 'target' %(target)s"),
                minimum=values["minimum"],
                target=values["target"],
            )
        return values

    @classmethod
    def default_label(cls, values: Mapping[str, Any]) -> str:
        return _l("Sales experience") if values["kind"] == "sales" else _l("Work experience")

    @classmethod
    def new_values(cls) -> dict[str, Any]:
        return {"kind": "sales", "target": 24, "minimum": 0}

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        exp = profile.experience
        months = exp.sales_months if self.kind == "sales" else exp.total_months
        below = months < self.minimum
        points = 0 if below else units(min(months, self.target), self.target)
        passed = months >= max(self.minimum, 1)
        if not explain:
            return Outcome(points, passed)
        positions = [p for p in exp.positions if self.kind == "total" or p.sales]
        evidence = [describe_position(p) for p in positions]
        spans: list[Evidence] = [s for p in positions for s in p.evidence]
        if self.kind == "sales":
            amount = Say(_l("%(months)s months of sales experience"), months=months)
        else:
            amount = Say(_l("%(months)s months of experience"), months=months)
        if months and not evidence:
            evidence.append(amount)
        explanation = months_explanation(amount, self.target, self.minimum)
        return Outcome(points, passed, tuple(evidence), tuple(spans), explanation)
