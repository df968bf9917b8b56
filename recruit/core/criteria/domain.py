"""Domain of work: how much a CV's jobs and summary speak of banking, of sales ..."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from recruit.core.criteria.base import Criterion, Outcome, Param, Say, Term, _l, units
from recruit.core.criteria.occupation import ended_long_ago, latest_month
from recruit.core.criteria.skill import STALE_AFTER, position_at, region_at
from recruit.core.domains import domain_options, domains
from recruit.core.profile import Cue, Evidence, Profile

# What a person did and says about themselves; not what they studied or list as keywords.
_COUNTED = frozenset({"experience", "summary", "header", "desired"})
_SHOWN = 8  # distinct words quoted in the evidence line


def counted_words(profile: Profile, wanted: tuple[str, ...], stale_after: int = 0) -> list[Cue]:
    """Return the words of the `wanted` domains in the CV's jobs, summary and headline.

    With `stale_after`, not those in the duties of a job that ended more months than that
    before the CV's latest month.
    """
    latest = latest_month(profile) if stale_after else None
    old = {id(p) for p in profile.experience.positions if ended_long_ago(p, latest, stale_after)}
    out = []
    for cue in profile.cues:
        if cue.domain in wanted:
            region = region_at(profile, cue.start)
            if region is not None and region.kind not in _COUNTED:
                continue
            if (
                old
                and region is not None
                and region.kind == "experience"
                and id(position_at(profile, region, cue.start)[0]) in old
            ):
                continue  # the duties of a job long ago
            out.append(cue)
    return out


@dataclass(frozen=True)
class DomainWordsCriterion(Criterion):
    """Words of a domain of work (banking, sales) in the jobs and summary: full at `target`.

    A recruiter's first read: a teller's or a loan officer's duties are full of bank, loan,
    deposit and branch; a chef's or a pilot's hardly ever name them.
    """

    type: ClassVar[str] = "domain_words"
    title: ClassVar[str] = _l("Words of a domain of work")
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param(
            "domains",
            "multi",
            _l("Domains"),
            choices=domain_options,
            noun="domain",
            hint=_l("Words of these domains in the jobs, the summary and the headline count."),
        ),
        Param("target", "int", _l("Words for full points"), default=10, low=1, high=500),
        STALE_AFTER,
    )
    domains: tuple[str, ...] = ()
    target: int = 10
    stale_after: int = 0

    @classmethod
    def default_label(cls, values: Mapping[str, Any]) -> str:
        named = domains()
        return Say(
            _l("Work in %(domains)s"),
            domains=[Term("domain", d, named[d].en.lower()) for d in values["domains"][:3]],
        )

    @classmethod
    def new_values(cls) -> dict[str, Any]:
        return {"domains": ["sales"], "target": 10}

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        words = counted_words(profile, self.domains, self.stale_after)
        points = units(min(len(words), self.target), self.target)
        passed = bool(words)
        if not explain:
            return Outcome(points, passed)
        named = domains()
        terms = [Term("domain", d, named[d].en) for d in self.domains]
        distinct = list(dict.fromkeys(" ".join(c.text.lower().split()) for c in words))
        evidence: tuple[str, ...] = ()
        if words:
            shown = ", ".join(f"'{w}'" for w in distinct[:_SHOWN])
            evidence = (
                Say(
                    _l("%(count)s words of %(domains)s: %(words)s"),
                    count=len(words),
                    domains=terms,
                    words=shown + (", …" if len(distinct) > _SHOWN else ""),
                ),
            )
        spans = tuple(Evidence(c.page, c.start, c.end, c.text) for c in words)
        explanation = Say(
            _l("%(count)s words of %(domains)s in jobs and summary, full points at %(target)s"),
            count=len(words),
            domains=terms,
            target=self.target,
        )
        if self.stale_after:
            explanation = Say(
                _l(
                    "%(before)s; none from jobs that ended over %(months)s months before the latest"
                ),
                before=explanation,
                months=self.stale_after,
            )
        return Outcome(points, passed, evidence, spans, explanation)
