"""Languages: a CEFR level or above, from the CV's language section or from the CV itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from recruit.core.criteria.base import (
    FULL,
    MAX_POINTS,
    NOT_FOUND,
    Criterion,
    Invalid,
    Outcome,
    Param,
    Say,
    _l,
    quote,
    units,
)
from recruit.core.profile import CEFR_LEVELS, LanguageSkill, Profile, cefr_by_rule

# A CV counts as written in a language only past this many words: a one-line CV is no proof.
WRITTEN_MIN_WORDS = 120
NO_LEVEL = "none"


def cefr_levels(language: str | None) -> Sequence[tuple[str, str]]:
    """Return the CEFR levels, lowest first."""
    return [(lvl, lvl) for lvl in CEFR_LEVELS]


def _written_levels(language: str | None) -> Sequence[tuple[str, str]]:
    return [(NO_LEVEL, _l("not counted")), *cefr_levels(language)]


def _rules(language: str | None) -> Sequence[tuple[str, str]]:
    return (
        ("median", _l("median of the skills")),
        ("min", _l("weakest skill")),
        ("max", _l("strongest skill")),
    )


def _code(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 2 or not value.isalpha():
        raise Invalid(_l("'language' must be a two-letter ISO 639-1 code"))
    return value.lower()


def language_level(entry: LanguageSkill, rule: str = "median") -> int | None:
    """Return the CEFR index of a listed language: per-skill levels by `rule`, else its level."""
    level = cefr_by_rule((entry.skill_levels or {}).values(), rule) or entry.level
    return CEFR_LEVELS.index(level) if level in CEFR_LEVELS else None


@dataclass(frozen=True)
class LanguageCriterion(Criterion):
    """A language at CEFR `level` or above; one level below (or no level stated) earns `partial`.

    A CV written (at length) in the language is evidence of it at `written_level`; a level
    the CV lists wins over that.
    """

    type: ClassVar[str] = "language_at_least"
    title: ClassVar[str] = _l("Language level")
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("language", "text", _l("Language code"), clean=_code),
        Param("level", "choice", _l("CEFR level at least"), choices=cefr_levels),
        Param("partial", "number", _l("Points one level below"), 5.0, 0.0, 10.0),
        Param(
            "rule",
            "choice",
            _l("Level from the skills listed"),
            default="median",
            choices=_rules,
            hint=_l("Listening, reading, speaking and writing levels, when the CV gives them."),
        ),
        Param(
            "written_level",
            "choice",
            _l("A CV written in the language counts as"),
            default="C1",
            choices=_written_levels,
        ),
    )
    language: str = "en"
    level: str = "B1"
    partial: float = 5.0
    rule: str = "median"
    written_level: str = "C1"

    @classmethod
    def default_label(cls, values: Mapping[str, Any]) -> str:
        return Say(
            _l("Language %(language)s %(level)s"),
            language=values["language"],
            level=values["level"],
        )

    @classmethod
    def new_values(cls) -> dict[str, Any]:
        return {"language": "en", "level": "B1", "partial": 5.0} | {
            "rule": "median",
            "written_level": "C1",
        }

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        entries = [lang for lang in profile.languages if lang.code.lower() == self.language]
        wanted = CEFR_LEVELS.index(self.level)
        levels = [x for x in (language_level(e, self.rule) for e in entries) if x is not None]
        best = max(levels, default=None)
        written = (
            self.written_level != NO_LEVEL
            and best is None
            and profile.language == self.language
            and profile.words >= WRITTEN_MIN_WORDS
        )
        if written:
            best = CEFR_LEVELS.index(self.written_level)
        partial = units(Fraction(self.partial), MAX_POINTS)
        state: str
        if best is None and not entries:
            points, passed, state = 0, False, NOT_FOUND
        elif best is None:
            # Named but with no level ("English"): some credit, but it cannot pass a must-have.
            points, passed, state = partial, False, Say(_l("no level stated"))
        elif best >= wanted:
            points, passed, state = FULL, True, CEFR_LEVELS[best]
        elif best == wanted - 1:
            points, passed = partial, False
            state = Say(_l("%(level)s, one level below"), level=CEFR_LEVELS[best])
        else:
            points, passed, state = 0, False, CEFR_LEVELS[best]
        if not explain:
            return Outcome(points, passed)
        spans = tuple(s for e in entries for s in e.evidence)
        if written:
            name = {"en": Say(_l("English")), "ro": Say(_l("Romanian"))}.get(
                self.language, self.language
            )
            evidence: tuple[str, ...] = (Say(_l("CV written in %(language)s"), language=name),)
            state = Say(
                _l("%(state)s (CV written in %(language)s, counted as %(level)s)"),
                state=state,
                language=name,
                level=self.written_level,
            )
        else:
            evidence = tuple(quote(s) for s in spans[:1]) or ((state,) if entries else ())
        explanation = Say(
            _l("%(language)s: %(state)s; asked: %(level)s or above"),
            language=self.language,
            state=state,
            level=self.level,
        )
        return Outcome(points, passed, evidence, spans, explanation)
