"""Skills: any of a set of skills, each weighed by where the CV names it.

A skill named in the duties of a job whose title is in the families asked earns full credit,
unless that job ended more than `stale_after` months before the CV's latest month of work;
named there or anywhere else (a summary, a skills list, another job) it earns `partial`. With
`context` domains, a mention outside such a job counts only with a word of one of them close
by: a chef's "advised clients" on menus is no banker's advice, "reports" alone are anybody's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from recruit.core.criteria.base import (
    MAX_POINTS,
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
from recruit.core.criteria.occupation import ended_long_ago, family_options, latest_month
from recruit.core.domains import domain_options, domains, near
from recruit.core.occupations import families, title_matches
from recruit.core.profile import Evidence, Position, Profile, Region, Skill
from recruit.core.skills import skill_catalog

# Why a mention earned what it did: the first words of its evidence line.
IN_MATCHING_JOB = _l("Full points, in the duties of a matching job")
IN_OTHER_JOB = _l("Partial points, in another job")
IN_OLD_JOB = _l("Partial points, in a matching job that ended long before the latest")
IN_SUMMARY = _l("Partial points, in the summary")
IN_SKILLS = _l("Partial points, in a skills list")
ELSEWHERE = _l("Partial points, elsewhere in the CV")
NO_CONTEXT = _l("Not counted, no word of the domain close by")
_BY_REGION = {"summary": IN_SUMMARY, "header": IN_SUMMARY, "desired": IN_SUMMARY}
_BY_REGION |= {"skills": IN_SKILLS, "experience": IN_OTHER_JOB}


# A job that ended more than this many months before the CV's latest month is background.
STALE_AFTER = Param(
    "stale_after",
    "int",
    _l("Jobs ended longer ago than this count as background (months; 0: never)"),
    default=0,
    low=0,
    high=600,
    hint=_l("Measured back from the CV's latest month of work; a current job never is."),
)


def skill_options(language: str | None) -> Sequence[tuple[str, str]]:
    """Return the catalogue's skills as (id, label in `language`), sorted by label."""
    return sorted(((s.id, s.label(language)) for s in skill_catalog().values()), key=lambda c: c[1])


def region_at(profile: Profile, offset: int) -> Region | None:
    """Return the innermost section that holds `offset` (a one-line field inside another wins)."""
    best = None
    for region in profile.regions:
        if region.start <= offset <= region.end and (best is None or region.start >= best.start):
            best = region
    return best


def position_at(profile: Profile, region: Region, offset: int) -> tuple[Position | None, int, int]:
    """Return the position whose entry holds `offset` (the last one starting before it).

    With it, where its entry starts and ends (the next entry or the section's end); with no
    position, the section's bounds.
    """
    best: Position | None = None
    start, end = region.start, region.end
    for p in profile.experience.positions:
        if not p.evidence:
            continue
        at = p.evidence[0].start
        if region.start <= at <= offset and (best is None or at > start):
            best, start = p, at
        elif offset < at < end:
            end = at
    return best, start, end


@dataclass(frozen=True)
class _Credit:
    share: Fraction  # of one skill's full credit, 0..1
    why: str
    span: Evidence | None
    position: Position | None = None


@dataclass(frozen=True)
class SkillCriterion(Criterion):
    """Any of a set of skills; each distinct one earns a share of the points up to `cap`.

    A skill earns full credit in the duties of a job of `families` (any job when none is
    given) and `partial` (out of 10) elsewhere, if a word of a `context` domain is close by.
    """

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
        Param(
            "families",
            "multi",
            _l("Jobs where a skill earns full points"),
            default=(),
            choices=family_options,
            noun="title family",
            hint=_l("Named in the duties of a job with such a title. None chosen: any job."),
        ),
        Param(
            "partial",
            "number",
            _l("Points for a skill named elsewhere"),
            5.0,
            0.0,
            10.0,
            hint=_l("In a summary, a skills list or another job."),
        ),
        Param(
            "context",
            "multi",
            _l("Elsewhere, only near words of"),
            default=(),
            choices=domain_options,
            noun="domain",
            hint=_l("Outside those jobs a mention counts only with such a word close by."),
        ),
        STALE_AFTER,
    )
    skills: tuple[str, ...] = ()
    cap: int = 1
    families: tuple[str, ...] = ()
    partial: float = 5.0
    context: tuple[str, ...] = ()
    stale_after: int = 0

    @classmethod
    def check(cls, values: dict[str, Any]) -> dict[str, Any]:
        if values["cap"] > len(values["skills"]):
            raise Invalid(
                _l("'cap' %(cap)s is more than the %(n)s skills listed"),
                cap=values["cap"],
                n=len(values["skills"]),
            )
        return values

    @classmethod
    def default_label(cls, values: Mapping[str, Any]) -> str:
        catalog = skill_catalog()
        return Say(
            _l("%(skills)s"),
            skills=[Term("skill", s, catalog[s].en) for s in values["skills"][:3]],
        )

    @classmethod
    def new_values(cls) -> dict[str, Any]:
        return {"skills": ["negotiation"], "cap": 1, "partial": 5.0}

    def _relevant(self, position: Position | None) -> bool:
        if position is None:
            return False
        return not self.families or bool(title_matches(position.title, self.families))

    def _mention(self, profile: Profile, span: Evidence) -> _Credit:
        region = region_at(profile, span.start)
        position = None
        low, high = (region.start, region.end) if region else (0, None)
        if region is not None and region.kind == "experience":
            # The context of a duty is its own job's entry, not the job listed above it.
            position, low, high = position_at(profile, region, span.start)
            if self._relevant(position):
                assert position is not None
                if not self.stale_after or not ended_long_ago(
                    position, latest_month(profile), self.stale_after
                ):
                    return _Credit(Fraction(1), IN_MATCHING_JOB, span, position)
                # The job is its own context; long ago, it is background.
                return _Credit(Fraction(self.partial) / MAX_POINTS, IN_OLD_JOB, span, position)
        if (
            self.context
            and near(profile.cues, self.context, span.start, span.end, low=low, high=high) is None
        ):
            return _Credit(Fraction(0), NO_CONTEXT, span, position)
        why = _BY_REGION.get(region.kind, ELSEWHERE) if region else ELSEWHERE
        return _Credit(Fraction(self.partial) / MAX_POINTS, why, span, position)

    def _credit(self, profile: Profile, skill: Skill) -> _Credit:
        if not profile.regions or not skill.evidence:
            # A profile stored before sections were recorded: full credit, as before.
            return _Credit(Fraction(1), "", skill.evidence[0] if skill.evidence else None)
        best: _Credit | None = None
        for span in skill.evidence:
            credit = self._mention(profile, span)
            if best is None or credit.share > best.share:
                best = credit
                if credit.share == 1:
                    break
        assert best is not None
        return best

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        have = {s.id: s for s in profile.skills if s.count > 0}
        found = [(have[s], self._credit(profile, have[s])) for s in self.skills if s in have]
        shares = sorted((c.share for _, c in found), reverse=True)[: self.cap]
        points = units(sum(shares, Fraction(0)), self.cap)
        passed = any(c.share > 0 for _, c in found)
        if not explain:
            return Outcome(points, passed)
        catalog = skill_catalog()
        evidence: list[str] = []
        spans: list[Evidence] = []
        names = []
        for skill, credit in found:
            term = Term("skill", skill.id, catalog[skill.id].en)
            evidence.append(self._line(skill, credit, term))
            # The span behind each evidence line first, in the lines' order; then the rest.
            if credit.span is not None:
                spans.append(credit.span)
            share = credit.share * MAX_POINTS
            names.append(
                Say(
                    _l("%(skill)s %(points)s/%(max)s"),
                    skill=term,
                    points=f"{float(share):g}",
                    max=MAX_POINTS,
                )
            )
        spans += [e for skill, _ in found for e in skill.evidence if e not in spans]
        explanation = Say(
            _l("%(found)s of %(asked)s skills found (full points at %(cap)s): %(names)s"),
            found=len(found),
            asked=len(self.skills),
            cap=self.cap,
            names=names or Say(_l("none")),
        )
        if self.families:
            named = families()
            explanation = Say(
                _l("%(before)s; full credit in the duties of jobs in %(families)s"),
                before=explanation,
                families=[Term("family", f, named[f].en) for f in self.families],
            )
        if self.context:
            named_domains = domains()
            explanation = Say(
                _l("%(before)s; elsewhere only near words of %(domains)s"),
                before=explanation,
                domains=[Term("domain", d, named_domains[d].en) for d in self.context],
            )
        return Outcome(points, passed, tuple(evidence), tuple(spans), explanation)

    @staticmethod
    def _line(skill: Skill, credit: _Credit, term: Term) -> str:
        if credit.span is None:
            return Say(_l("%(skill)s (%(count)s times)"), skill=term, count=skill.count)
        if not credit.why:
            return quote(credit.span)
        why = Say(credit.why)
        if credit.position is not None and credit.position.title:
            return Say(
                _l("%(why)s ('%(title)s'): %(quote)s"),
                why=why,
                title=credit.position.title,
                quote=quote(credit.span),
            )
        return Say(_l("%(why)s: %(quote)s"), why=why, quote=quote(credit.span))
