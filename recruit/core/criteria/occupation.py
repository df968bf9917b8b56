"""What the candidate has worked as: months in positions of a title family, the latest title."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from recruit.core import dates
from recruit.core.criteria.base import (
    FULL,
    Criterion,
    Invalid,
    Outcome,
    Param,
    Say,
    Term,
    _l,
    units,
)
from recruit.core.criteria.experience import describe_position, months_explanation
from recruit.core.occupations import TitleMatch, families, title_matches
from recruit.core.profile import Position, Profile


def family_options(language: str | None) -> Sequence[tuple[str, str]]:
    """Return the title families as (id, name in `language`), related ones first."""
    ordered = sorted(families().values(), key=lambda f: (not f.related, f.label(language)))
    return [(f.id, f.label(language)) for f in ordered]


def _isco(value: Any) -> str:
    if not isinstance(value, str) or not value.isdigit() or not 1 <= len(value) <= 4:
        raise Invalid(_l("'isco' must list ISCO-08 group codes of 1 to 4 digits, such as '3312'"))
    return value


_FAMILIES = Param(
    "families",
    "multi",
    _l("Title families"),
    choices=family_options,
    noun="title family",
    hint=_l("A position counts when its title is one of these (English or Romanian)."),
)
_ISCO = Param(
    "isco",
    "codes",
    _l("ISCO-08 groups"),
    default=(),
    clean=_isco,
    hint=_l("Optional: titles of these ISCO-08 groups count too, e.g. 3312, 4211."),
)


def _matches(criterion: Any, position: Position) -> tuple[TitleMatch, ...]:
    return title_matches(position.title, criterion.families, criterion.isco)


def _span(position: Position) -> tuple[tuple[int, int], tuple[int, int]] | None:
    start = dates.parse_month(position.start)
    end = dates.parse_month(position.end) or start
    if start is None or end is None:
        return None
    return start, max(start, end)


def latest_month(profile: Profile) -> int | None:
    """Return the CV's latest month of work (a `dates.month_index`), None with no dated job."""
    ends = [s[1] for p in profile.experience.positions if (s := _span(p))]
    return dates.month_index(max(ends)) if ends else None


def ended_long_ago(position: Position, latest: int | None, months: int) -> bool:
    """Return whether `position` ended more than `months` before `latest` (0 months: never).

    A recruiter reads a job of ten years ago as background, not as what the person does now.
    """
    if not months or latest is None or position.current:
        return False
    span = _span(position)
    return span is not None and latest - dates.month_index(span[1]) > months


def _why(position: Position, found: Sequence[TitleMatch]) -> Say:
    names = families()
    kinds = [
        Say(_l("%(family)s (ISCO %(isco)s)"), family=_family(names, family), isco=isco)
        for family, isco in dict.fromkeys((m.family, m.isco) for m in found)
    ]
    return Say(_l("%(position)s: %(kinds)s"), position=describe_position(position), kinds=kinds)


def _family(names: Mapping[str, Any], family: str) -> Term:
    return Term("family", family, names[family].en if family in names else family)


def _families(criterion: Any) -> list[Term]:
    names = families()
    return [_family(names, f) for f in criterion.families]


@dataclass(frozen=True)
class OccupationMonthsCriterion(Criterion):
    """Months in positions whose title is in the families asked: full at `target`.

    With a half-life, a month counts less the longer ago it was: half as much `half_life`
    months before the latest month of the CV.
    """

    type: ClassVar[str] = "occupation_months"
    title: ClassVar[str] = _l("Months in an occupation")
    PARAMS: ClassVar[tuple[Param, ...]] = (
        _FAMILIES,
        _ISCO,
        Param("target", "int", _l("Target months"), default=36, low=1, high=600),
        Param("minimum", "int", _l("Minimum months"), default=0, low=0, high=600),
        Param(
            "half_life",
            "int",
            _l("Half-life in months (0: no fading)"),
            default=0,
            low=0,
            high=600,
        ),
    )
    families: tuple[str, ...] = ()
    isco: tuple[str, ...] = ()
    target: int = 36
    minimum: int = 0
    half_life: int = 0

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
        names = families()
        return Say(
            _l("Experience as %(families)s"),
            families=[_family(names, f) for f in values["families"][:3]],
        )

    @classmethod
    def new_values(cls) -> dict[str, Any]:
        return {"families": ["sales", "account_management"], "target": 36, "minimum": 0}

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        positions = profile.experience.positions
        spans = [_span(p) for p in positions]
        matched = [
            (p, m, s) for p, s in zip(positions, spans, strict=True) if (m := _matches(self, p))
        ]
        months = dates.covered_months(s for _, _, s in matched if s)
        if self.half_life and months:
            latest = latest_month(profile)
            assert latest is not None  # months were found
            # Hundredths of a month, rounded once, so score and rank see the same number.
            weighted = sum(0.5 ** ((latest - m) / self.half_life) for m in months)
            hundredths = round(weighted * 100)
        else:
            hundredths = 100 * len(months)
        below = hundredths < 100 * self.minimum
        points = 0 if below else units(min(hundredths, 100 * self.target), 100 * self.target)
        passed = hundredths >= 100 * max(self.minimum, 1)
        if not explain:
            return Outcome(points, passed)
        evidence = tuple(_why(p, m) for p, m, _ in matched)
        spans_of = tuple(e for p, _, _ in matched for e in p.evidence)
        shown = f"{hundredths // 100}.{hundredths % 100:02d}".rstrip("0").rstrip(".")
        amount = Say(
            _l("%(months)s months in %(families)s (fading by half every %(half)s months)")
            if self.half_life
            else _l("%(months)s months in %(families)s"),
            months=shown,
            families=_families(self),
            half=self.half_life,
        )
        explanation = months_explanation(amount, self.target, self.minimum)
        return Outcome(points, passed, evidence, spans_of, explanation)


def latest_position(profile: Profile) -> Position | None:
    """Return the position held last: current first, then by end and start; else the first."""
    positions = profile.experience.positions
    dated = [(p, _span(p)) for p in positions]
    known = [(p, s) for p, s in dated if s]
    if not known:
        return positions[0] if positions else None
    # Ties keep the CV's order (newest is usually listed first).
    return max(reversed(known), key=lambda item: (item[0].current, item[1][1], item[1][0]))[0]


@dataclass(frozen=True)
class RecentTitleCriterion(Criterion):
    """The latest position's title is in one of the families asked.

    The CV's headline (the title at its top, or the job applied for) stands for that title
    when none was read for the latest position; beside another title it counts half.
    """

    type: ClassVar[str] = "recent_title"
    title: ClassVar[str] = _l("Latest job title")
    PARAMS: ClassVar[tuple[Param, ...]] = (_FAMILIES, _ISCO)
    families: tuple[str, ...] = ()
    isco: tuple[str, ...] = ()

    @classmethod
    def default_label(cls, values: Mapping[str, Any]) -> str:
        names = families()
        return Say(
            _l("Latest job: %(families)s"),
            families=[_family(names, f) for f in values["families"][:3]],
        )

    @classmethod
    def new_values(cls) -> dict[str, Any]:
        return {"families": ["sales", "account_management"]}

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        latest = latest_position(profile)
        found = _matches(self, latest) if latest else ()
        untitled = latest is None or latest.title is None
        headline = () if found else title_matches(profile.headline, self.families, self.isco)
        passed = bool(found) or bool(headline and untitled)
        points = FULL if passed else units(1, 2) if headline else 0
        if not explain:
            return Outcome(points, passed)
        if headline:
            return self._headline_outcome(profile, latest, points, passed)
        if latest is None:
            return Outcome(points, passed, (), (), Say(_l("no positions found")))
        evidence = (_why(latest, found) if found else describe_position(latest),)
        explanation = Say(
            _l("the latest job title is in %(families)s")
            if found
            else _l("the latest job title is not in %(families)s"),
            families=_families(self),
        )
        return Outcome(points, passed, evidence, latest.evidence, explanation)

    def _headline_outcome(
        self, profile: Profile, latest: Position | None, points: int, passed: bool
    ) -> Outcome:
        said = Say(_l("headline '%(headline)s'"), headline=profile.headline or "")
        evidence: tuple[Any, ...] = (said,)
        spans = profile.headline_evidence
        if latest is not None:
            evidence += (describe_position(latest),)
            spans += latest.evidence
        explanation = Say(
            _l("the CV's headline is in %(families)s and no title was read for the latest job")
            if passed
            else _l("the CV's headline is in %(families)s, not the latest job title (half points)"),
            families=_families(self),
        )
        return Outcome(points, passed, evidence, spans, explanation)
