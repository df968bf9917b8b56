"""Requirement profiles: the criteria a role asks for, loaded from `models/roles/` and validated.

A requirement profile is data: a hiring manager edits its weights, the database stores each
version as JSON (`to_dict`), and `parse_requirements` turns that JSON back into the same
profile. Validation happens here, once, so scoring never meets a malformed criterion.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from recruit.core.assets import models_path, role_ids
from recruit.core.criteria import (
    CRITERION_TYPES,
    Criterion,
    EducationCriterion,
    ExperienceCriterion,
    Invalid,
    LanguageCriterion,
    LicenceCriterion,
    OwnCarCriterion,
    ProfileError,
    SkillCriterion,
    WrittenAccuracyCriterion,
)

MAX_WEIGHT = 10.0
# Scoring sums points x weights in float32; 100 criteria keep those sums exact integers.
MAX_CRITERIA = 100


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
    kind = CRITERION_TYPES[ctype]
    _no_unknown_keys(item, _COMMON_KEYS | {p.name for p in kind.PARAMS}, source, line, name)
    weight = _weight(item.get("weight", 1.0), name, source, line)
    must_have = item.get("must_have", False)
    if not isinstance(must_have, bool):
        raise fail("'must_have' must be true or false")
    label = item.get("label")
    if label is not None and not isinstance(label, str):
        raise fail("'label' must be text")
    try:
        values = kind.check({p.name: p.parse(item) for p in kind.PARAMS})
    except Invalid as exc:
        error = fail(str(exc))
        error.reason = exc  # what the manager's form says, in the reader's language
        raise error from None
    return kind(
        id=cid,
        label=label or kind.default_label(values),
        weight=weight,
        must_have=must_have,
        **values,
    )


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


def criterion_schema() -> dict[str, Any]:
    """Return the JSON Schema of one criterion, one branch per registered type."""
    branches = []
    for ctype, kind in CRITERION_TYPES.items():
        properties: dict[str, Any] = {
            "id": {"type": "string", "minLength": 1},
            "type": {"const": ctype},
            "label": {"type": "string"},
            "weight": {"type": "number", "minimum": 0, "maximum": MAX_WEIGHT, "default": 1},
            "must_have": {"type": "boolean", "default": False},
        }
        properties |= {p.name: p.schema() for p in kind.PARAMS}
        required = ["id", "type"] + [p.name for p in kind.PARAMS if p.default is None]
        branches.append(
            {
                "title": kind.title,
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            }
        )
    return {"oneOf": branches}


# --- built-in roles ------------------------------------------------------------------------


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
    "MAX_CRITERIA",
    "MAX_WEIGHT",
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
    "criterion_schema",
    "load_role",
    "parse_requirements",
    "role_ids",
]
