"""Written accuracy: key-term typos per 1,000 words."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from recruit.core.criteria.base import FULL, Criterion, Invalid, Outcome, Param, Say, _l, units
from recruit.core.profile import Evidence, Profile


@dataclass(frozen=True)
class WrittenAccuracyCriterion(Criterion):
    """Key-term typos per 1,000 words: full points up to `full_at`, none from `zero_at`."""

    type: ClassVar[str] = "written_accuracy"
    title: ClassVar[str] = _l("Written accuracy (typos)")
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("full_at", "number", _l("Full points up to (per 1,000 words)"), 0.0, 0.0, 1000.0),
        Param("zero_at", "number", _l("No points from (per 1,000 words)"), 8.0, 0.0, 1000.0),
    )
    full_at: float = 0.0
    zero_at: float = 8.0

    @classmethod
    def check(cls, values: dict[str, Any]) -> dict[str, Any]:
        if values["zero_at"] <= values["full_at"]:
            raise Invalid(
                _l("'zero_at' %(zero)s must be above 'full_at' %(full)s"),
                zero=f"{values['zero_at']:g}",
                full=f"{values['full_at']:g}",
            )
        return values

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        if profile.words <= 0:
            # No text to judge: no points, rather than full marks for saying nothing.
            return Outcome(0, False, (), (), Say(_l("no words to judge")) if explain else "")
        rate = Fraction(len(profile.typos) * 1000, profile.words)
        full_at, zero_at = Fraction(self.full_at), Fraction(self.zero_at)
        if rate <= full_at:
            points = FULL
        elif rate >= zero_at:
            points = 0
        else:
            points = units(zero_at - rate, zero_at - full_at)
        passed = rate < zero_at
        if not explain:
            return Outcome(points, passed)
        spans = tuple(Evidence(t.page, t.start, t.end, t.found) for t in profile.typos)
        evidence = tuple(
            Say(
                _l("'%(found)s' for '%(term)s' (page %(page)s)"),
                found=t.found,
                term=t.term,
                page=t.page,
            )
            for t in profile.typos
        ) or (Say(_l("no key-term typos in %(words)s words"), words=profile.words),)
        explanation = Say(
            _l(
                "%(typos)s key-term typos in %(words)s words (%(rate)s per 1,000); "
                "full points up to %(full)s, none from %(zero)s"
            ),
            typos=len(profile.typos),
            words=profile.words,
            rate=f"{float(rate):.1f}",
            full=f"{self.full_at:g}",
            zero=f"{self.zero_at:g}",
        )
        return Outcome(points, passed, evidence, spans, explanation)
