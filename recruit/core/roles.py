"""Requirement profiles: the criteria a role asks for, loaded from `models/roles/` and validated.

A requirement profile is data: a hiring manager edits its weights, the database stores each
version as JSON (`to_dict`), and `parse_requirements` turns that JSON back into the same
profile. Validation happens here, once, so scoring never meets a malformed criterion.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, ClassVar

from recruit.core.assets import models_path
from recruit.core.profile import CEFR_LEVELS, EDUCATION_LEVELS
from recruit.core.skills import skill_catalog

MAX_WEIGHT = 10.0
# Scoring sums points x weights in float32; 100 criteria keep those sums exact integers.
MAX_CRITERIA = 100


class ProfileError(ValueError):
    """A requirement profile that cannot be used, with where the problem is."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "<profile>",
        line: int | None = None,
        criterion: str | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.criterion = criterion
        where = source if line is None else f"{source}, line {line}"
        what = f"criterion {criterion}: " if criterion else ""
        super().__init__(f"{where}: {what}{message}")


@dataclass(frozen=True)
class Criterion:
    """One requirement: what is asked, how much it weighs, and whether it is a must-have."""

    type: ClassVar[str] = ""
    id: str
    label: str
    weight: float
    must_have: bool = False

    def params(self) -> dict[str, Any]:
        """Return the type-specific fields in their JSON form."""
        return {}

    def values_key(self) -> str:
        """Return what decides this criterion's values: its type and parameters.

        Not its id, label, weight or must-have: criteria that differ only in those share
        the values computed for every candidate, so a cached column is reused.
        """
        return json.dumps({"type": self.type, **self.params()}, sort_keys=True)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form, as written in `models/roles/`."""
        return {
            "id": self.id,
            "type": self.type,
            "label": self.label,
            "weight": self.weight,
            "must_have": self.must_have,
            **self.params(),
        }


@dataclass(frozen=True)
class SkillCriterion(Criterion):
    """Any of a set of skills; each distinct one found earns a share of the points up to `cap`."""

    type: ClassVar[str] = "skill"
    skills: tuple[str, ...] = ()
    cap: int = 1

    def params(self) -> dict[str, Any]:
        return {"skills": list(self.skills), "cap": self.cap}


@dataclass(frozen=True)
class ExperienceCriterion(Criterion):
    """Months of total or sales experience: full at `target`, linear below, 0 under `minimum`."""

    type: ClassVar[str] = "experience_months"
    kind: str = "total"  # "total" or "sales"
    target: int = 12
    minimum: int = 0

    def params(self) -> dict[str, Any]:
        return {"kind": self.kind, "target": self.target, "minimum": self.minimum}


@dataclass(frozen=True)
class EducationCriterion(Criterion):
    """The highest education level reached is at least `level`."""

    type: ClassVar[str] = "education_at_least"
    level: str = "bachelor"

    def params(self) -> dict[str, Any]:
        return {"level": self.level}


@dataclass(frozen=True)
class LanguageCriterion(Criterion):
    """A language at CEFR `level` or above; one level below (or no level stated) earns `partial`."""

    type: ClassVar[str] = "language_at_least"
    language: str = "en"
    level: str = "B1"
    partial: float = 5.0

    def params(self) -> dict[str, Any]:
        return {"language": self.language, "level": self.level, "partial": self.partial}


@dataclass(frozen=True)
class LicenceCriterion(Criterion):
    """A driving licence of `category`."""

    type: ClassVar[str] = "licence"
    category: str = "B"

    def params(self) -> dict[str, Any]:
        return {"category": self.category}


@dataclass(frozen=True)
class OwnCarCriterion(Criterion):
    """The CV says the candidate has a car of their own."""

    type: ClassVar[str] = "own_car"


@dataclass(frozen=True)
class WrittenAccuracyCriterion(Criterion):
    """Key-term typos per 1,000 words: full points up to `full_at`, none from `zero_at`."""

    type: ClassVar[str] = "written_accuracy"
    full_at: float = 0.0
    zero_at: float = 8.0

    def params(self) -> dict[str, Any]:
        return {"full_at": self.full_at, "zero_at": self.zero_at}


CRITERION_TYPES: dict[str, type[Criterion]] = {
    c.type: c
    for c in (
        SkillCriterion,
        ExperienceCriterion,
        EducationCriterion,
        LanguageCriterion,
        LicenceCriterion,
        OwnCarCriterion,
        WrittenAccuracyCriterion,
    )
}


@dataclass(frozen=True)
class RequirementProfile:
    """A role's criteria, in order; what an opening version stores and scoring reads."""

    id: str
    label: str
    criteria: tuple[Criterion, ...]
    description: str = ""
    origin: str = ""

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    @property
    def weights(self) -> tuple[float, ...]:
        return tuple(c.weight for c in self.criteria)

    @property
    def must_have(self) -> tuple[bool, ...]:
        return tuple(c.must_have for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        """Return the criterion with id `criterion_id`."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def with_weights(
        self,
        weights: Mapping[str, float] | None = None,
        must_have: Mapping[str, bool] | None = None,
    ) -> RequirementProfile:
        """Return a copy with some weights and must-have flags changed (validated)."""
        weights = weights or {}
        must_have = must_have or {}
        unknown = (set(weights) | set(must_have)) - set(self.criterion_ids)
        if unknown:
            raise ProfileError(f"unknown criterion ids {sorted(unknown)}", source=self.id)
        criteria = []
        for c in self.criteria:
            w = _weight(weights.get(c.id, c.weight), c.id, self.id, None)
            mh = must_have.get(c.id, c.must_have)
            if not isinstance(mh, bool):
                raise ProfileError(
                    "must_have must be true or false", source=self.id, criterion=c.id
                )
            criteria.append(replace(c, weight=w, must_have=mh))
        return replace(self, criteria=tuple(criteria))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form; `parse_requirements` reads it back unchanged."""
        data: dict[str, Any] = {"id": self.id, "label": self.label}
        if self.description:
            data["description"] = self.description
        if self.origin:
            data["origin"] = self.origin
        data["criteria"] = [c.to_dict() for c in self.criteria]
        return data


# --- parsing -------------------------------------------------------------------------------


class _LineDict(dict[str, Any]):
    """A JSON object that remembers the line it starts on."""

    line: int | None = None


def _decode_with_lines(text: str, source: str) -> Any:
    # The C scanner gives no positions; the pure-Python one lets us hook object parsing.
    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        s, end = s_and_end
        obj, new_end = json.decoder.JSONObject(s_and_end, *args)  # type: ignore[attr-defined]
        tagged = _LineDict(obj)
        tagged.line = s.count("\n", 0, end) + 1
        return tagged, new_end

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"not valid JSON: {exc.msg}", source=source, line=exc.lineno) from None


def parse_requirements(
    data: Mapping[str, Any] | str, source: str = "<profile>"
) -> RequirementProfile:
    """Validate a requirement profile given as JSON text or as its decoded dict."""
    if isinstance(data, str):
        data = _decode_with_lines(data, source)
    if not isinstance(data, Mapping):
        raise ProfileError("a requirement profile is a JSON object", source=source)
    top_line = getattr(data, "line", None)
    _no_unknown_keys(
        data, {"id", "label", "description", "origin", "criteria"}, source, top_line, None
    )
    profile_id = data.get("id")
    if not isinstance(profile_id, str) or not profile_id.strip():
        raise ProfileError("needs an 'id' (text)", source=source, line=top_line)
    label = data.get("label", profile_id)
    description = data.get("description", "")
    origin = data.get("origin", "")
    for key, value in (("label", label), ("description", description), ("origin", origin)):
        if not isinstance(value, str):
            raise ProfileError(f"'{key}' must be text", source=source, line=top_line)
    raw = data.get("criteria")
    if not isinstance(raw, list) or not raw:
        raise ProfileError(
            "needs at least one criterion in 'criteria'", source=source, line=top_line
        )
    if len(raw) > MAX_CRITERIA:
        raise ProfileError(f"at most {MAX_CRITERIA} criteria", source=source, line=top_line)
    criteria: list[Criterion] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        criterion = _parse_criterion(item, index, source)
        if criterion.id in seen:
            raise ProfileError(
                "duplicate criterion id",
                source=source,
                line=getattr(item, "line", None),
                criterion=repr(criterion.id),
            )
        seen.add(criterion.id)
        criteria.append(criterion)
    return RequirementProfile(profile_id, label, tuple(criteria), description, origin)


_COMMON_KEYS = {"id", "type", "label", "weight", "must_have"}


def _parse_criterion(item: Any, index: int, source: str) -> Criterion:
    line = getattr(item, "line", None)
    if not isinstance(item, Mapping):
        raise ProfileError("must be a JSON object", source=source, criterion=f"#{index}")
    cid = item.get("id")
    name = f"#{index} {cid!r}" if isinstance(cid, str) else f"#{index}"

    def fail(message: str) -> ProfileError:
        return ProfileError(message, source=source, line=line, criterion=name)

    if not isinstance(cid, str) or not cid.strip():
        raise fail("needs an 'id' (text)")
    ctype = item.get("type")
    if not isinstance(ctype, str) or ctype not in CRITERION_TYPES:
        raise fail(f"unknown criterion type {ctype!r} (known: {', '.join(CRITERION_TYPES)})")
    _no_unknown_keys(item, _COMMON_KEYS | _PARAM_KEYS[ctype], source, line, name)
    weight = _weight(item.get("weight", 1.0), name, source, line)
    must_have = item.get("must_have", False)
    if not isinstance(must_have, bool):
        raise fail("'must_have' must be true or false")
    label = item.get("label")
    if label is not None and not isinstance(label, str):
        raise fail("'label' must be text")
    common = {"id": cid, "weight": weight, "must_have": must_have}
    try:
        return _PARAM_PARSERS[ctype](item, common, label)
    except _Invalid as exc:
        raise fail(str(exc)) from None


class _Invalid(Exception):
    pass


def _weight(value: Any, name: str, source: str, line: int | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProfileError(
            f"weight must be a number from 0 to {MAX_WEIGHT:g}",
            source=source,
            line=line,
            criterion=name,
        )
    if not 0 <= value <= MAX_WEIGHT:
        raise ProfileError(
            f"weight {value:g} is out of range 0 to {MAX_WEIGHT:g}",
            source=source,
            line=line,
            criterion=name,
        )
    return float(value)


def _no_unknown_keys(
    data: Mapping[str, Any], allowed: set[str], source: str, line: int | None, name: str | None
) -> None:
    # A misspelt key ("wieght") would otherwise fall back to a default without a word.
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ProfileError(
            f"unknown key(s) {', '.join(map(repr, unknown))}",
            source=source,
            line=line,
            criterion=name,
        )


def _int(item: Mapping[str, Any], key: str, default: int, low: int) -> int:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _Invalid(f"'{key}' must be a whole number of at least {low}")
    return value


def _number(item: Mapping[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Invalid(f"'{key}' must be a number")
    if not low <= value <= high:
        raise _Invalid(f"'{key}' {value:g} is out of range {low:g} to {high:g}")
    return float(value)


def _choice(item: Mapping[str, Any], key: str, default: str | None, allowed: Iterable[str]) -> str:
    value = item.get(key, default)
    allowed = tuple(allowed)
    if value not in allowed:
        raise _Invalid(f"'{key}' must be one of {', '.join(allowed)} (got {value!r})")
    return str(value)


def _skill(item: Mapping[str, Any], common: dict[str, Any], label: str | None) -> Criterion:
    skills = item.get("skills")
    if isinstance(skills, str):
        skills = [skills]
    if not isinstance(skills, list) or not skills or not all(isinstance(s, str) for s in skills):
        raise _Invalid("'skills' must be a non-empty list of skill ids")
    catalog = skill_catalog()
    unknown = [s for s in skills if s not in catalog]
    if unknown:
        raise _Invalid(f"unknown skill id(s) {', '.join(map(repr, unknown))}")
    if len(set(skills)) != len(skills):
        raise _Invalid("'skills' lists a skill twice")
    cap = _int(item, "cap", 1, 1)
    if cap > len(skills):
        raise _Invalid(f"'cap' {cap} is more than the {len(skills)} skills listed")
    label = label or " / ".join(catalog[s].en for s in skills[:3])
    return SkillCriterion(label=label, skills=tuple(skills), cap=cap, **common)


def _experience(item: Mapping[str, Any], common: dict[str, Any], label: str | None) -> Criterion:
    kind = _choice(item, "kind", "total", ("total", "sales"))
    target = _int(item, "target", 12, 1)
    minimum = _int(item, "minimum", 0, 0)
    if minimum > target:
        raise _Invalid(f"'minimum' {minimum} is above 'target' {target}")
    label = label or ("Sales experience" if kind == "sales" else "Work experience")
    return ExperienceCriterion(label=label, kind=kind, target=target, minimum=minimum, **common)


def _education(item: Mapping[str, Any], common: dict[str, Any], label: str | None) -> Criterion:
    level = _choice(item, "level", None, EDUCATION_LEVELS[1:])
    label = label or f"Education: {level.replace('_', '-')} or above"
    return EducationCriterion(label=label, level=level, **common)


def _language(item: Mapping[str, Any], common: dict[str, Any], label: str | None) -> Criterion:
    language = item.get("language")
    if not isinstance(language, str) or len(language) != 2 or not language.isalpha():
        raise _Invalid("'language' must be a two-letter ISO 639-1 code")
    level = _choice(item, "level", None, CEFR_LEVELS)
    partial = _number(item, "partial", 5.0, 0.0, 10.0)
    label = label or f"Language {language.lower()} {level}"
    return LanguageCriterion(
        label=label, language=language.lower(), level=level, partial=partial, **common
    )


def _licence(item: Mapping[str, Any], common: dict[str, Any], label: str | None) -> Criterion:
    category = item.get("category", "B")
    if not isinstance(category, str) or not category.strip():
        raise _Invalid("'category' must be a licence category such as 'B'")
    category = category.strip().upper()
    return LicenceCriterion(
        label=label or f"Driving licence {category}", category=category, **common
    )


def _own_car(item: Mapping[str, Any], common: dict[str, Any], label: str | None) -> Criterion:
    return OwnCarCriterion(label=label or "Own car", **common)


def _written(item: Mapping[str, Any], common: dict[str, Any], label: str | None) -> Criterion:
    full_at = _number(item, "full_at", 0.0, 0.0, 1000.0)
    zero_at = _number(item, "zero_at", 8.0, 0.0, 1000.0)
    if zero_at <= full_at:
        raise _Invalid(f"'zero_at' {zero_at:g} must be above 'full_at' {full_at:g}")
    label = label or "Written accuracy"
    return WrittenAccuracyCriterion(label=label, full_at=full_at, zero_at=zero_at, **common)


_PARAM_PARSERS = {
    "skill": _skill,
    "experience_months": _experience,
    "education_at_least": _education,
    "language_at_least": _language,
    "licence": _licence,
    "own_car": _own_car,
    "written_accuracy": _written,
}
_PARAM_KEYS: dict[str, set[str]] = {
    "skill": {"skills", "cap"},
    "experience_months": {"kind", "target", "minimum"},
    "education_at_least": {"level"},
    "language_at_least": {"language", "level", "partial"},
    "licence": {"category"},
    "own_car": set(),
    "written_accuracy": {"full_at", "zero_at"},
}


# --- built-in roles ------------------------------------------------------------------------


def role_ids() -> list[str]:
    """Return the ids of the built-in roles (one JSON file each in `models/roles/`)."""
    return sorted(p.stem for p in models_path("roles").glob("*.json"))


@cache
def load_role(role_id: str) -> RequirementProfile:
    """Load and validate the built-in role `role_id`."""
    if role_id not in role_ids():
        raise ProfileError(f"unknown role (known: {', '.join(role_ids())})", source=role_id)
    path = models_path("roles", f"{role_id}.json")
    profile = parse_requirements(path.read_text(encoding="utf-8"), source=path.name)
    if profile.id != role_id:
        raise ProfileError(f"its id {profile.id!r} differs from the file name", source=path.name)
    return profile


__all__ = [
    "CRITERION_TYPES",
    "Criterion",
    "EducationCriterion",
    "ExperienceCriterion",
    "LanguageCriterion",
    "LicenceCriterion",
    "OwnCarCriterion",
    "ProfileError",
    "RequirementProfile",
    "SkillCriterion",
    "WrittenAccuracyCriterion",
    "load_role",
    "parse_requirements",
    "role_ids",
]
