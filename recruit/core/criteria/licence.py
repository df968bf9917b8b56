"""Driving licence and own car."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from recruit.core.criteria.base import FULL, Criterion, Invalid, Outcome, Param, Say, _l, quote
from recruit.core.profile import Profile


def _category(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 5:
        raise Invalid(_l("'category' must be a licence category such as 'B'"))
    return value.strip().upper()


@dataclass(frozen=True)
class LicenceCriterion(Criterion):
    """A driving licence of `category`."""

    type: ClassVar[str] = "licence"
    title: ClassVar[str] = _l("Driving licence")
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("category", "text", _l("Category"), default="B", clean=_category),
    )
    category: str = "B"

    @classmethod
    def default_label(cls, values: Mapping[str, Any]) -> str:
        return Say(_l("Driving licence %(category)s"), category=values["category"])

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        held = [cat.strip().upper() for cat in profile.driving_licence]
        passed = self.category in held
        points = FULL if passed else 0
        if not explain:
            return Outcome(points, passed)
        spans = profile.licence_evidence if held else ()
        evidence = tuple(quote(s) for s in spans[:1]) or (
            (Say(_l("categories %(held)s"), held=", ".join(held)),) if held else ()
        )
        explanation = Say(
            _l("holds %(held)s; asked: %(asked)s"),
            held=", ".join(held) or Say(_l("no licence found")),
            asked=self.category,
        )
        return Outcome(points, passed, evidence, tuple(spans), explanation)


@dataclass(frozen=True)
class OwnCarCriterion(Criterion):
    """The CV says the candidate has a car of their own."""

    type: ClassVar[str] = "own_car"
    title: ClassVar[str] = _l("Own car")

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        passed = profile.own_car
        points = FULL if passed else 0
        if not explain:
            return Outcome(points, passed)
        spans = profile.own_car_evidence if passed else ()
        evidence = tuple(quote(s) for s in spans[:1]) or ((Say(_l("own car")),) if passed else ())
        explanation = Say(_l("own car mentioned")) if passed else Say(_l("no own car mentioned"))
        return Outcome(points, passed, evidence, tuple(spans), explanation)
