"""What every criterion type shares: its parameters, validation, points and evidence helpers.

A criterion type is one class: its parameters (`PARAMS`, each with a kind, bounds, a default
and an English label that the web translates), `evaluate` for one profile (with evidence or
without), and `column` for many. Role files, the manager's form and the API schema all read
those declarations, so a new type is one new module in this package.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from recruit.core.profile import Evidence, Profile

MAX_POINTS = 10
POINT_UNITS = 100  # points are stored as whole hundredths: 0..1000
FULL = MAX_POINTS * POINT_UNITS
_EVIDENCE_CHARS = 90  # long spans (a whole paragraph) are cut for the one-line evidence


def _l(text: str) -> str:
    """Mark `text` for translation; the web translates it where it shows it."""
    return text


class Say(str):
    """A sentence for a person: its English as the string, and what the web needs to say it
    in the reader's language: the English msgid (marked with `_l` where written) and its
    arguments, each plain (a number, a quote from the CV), a Say, a Term, or a list of them.
    """

    msgid: str
    args: dict[str, Any]

    def __new__(cls, msgid: str, **args: Any) -> Say:
        english = msgid % {k: _english(v) for k, v in args.items()} if args else msgid
        said = super().__new__(cls, english)
        said.msgid, said.args = msgid, args
        return said

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form, which `say` in the web renders in any language."""
        return {"msgid": self.msgid, "args": {k: _json(v) for k, v in self.args.items()}}


class Term(str):
    """A named thing (a skill, an occupation family, an education level or field of study):
    its English name as the string, its kind and id so the web names it in the reader's words.
    """

    kind: str
    id: str

    def __new__(cls, kind: str, id: str, english: str) -> Term:
        term = super().__new__(cls, english)
        term.kind, term.id = kind, id
        return term

    def to_json(self) -> dict[str, Any]:
        return {"term": self.kind, "id": self.id, "text": str(self)}


def _english(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_english(v) for v in value)
    return str(value)


def _json(value: Any) -> Any:
    if isinstance(value, Say | Term):
        return value.to_json()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, int | float):
        return value
    return str(value)


def said(value: str) -> Any:
    """Return the JSON form of a line of evidence or an explanation (plain text stays text)."""
    return value.to_json() if isinstance(value, Say) else str(value)


NOT_FOUND = Say(_l("not found"))


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
        self.reason: Invalid | None = None  # a parameter's refusal, when that is the cause
        where = source if line is None else f"{source}, line {line}"
        what = f"criterion {criterion}: " if criterion else ""
        super().__init__(f"{where}: {what}{message}")


class Invalid(Exception):
    """A parameter value that a criterion type refuses, with why (no location yet).

    The why is an English msgid with %(name)s placeholders filled from `params`: `str()` is
    the English (role files, the CLI, the API); the manager's form translates `msgid`.
    """

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid % params if params else msgid)


Choices = Callable[[str | None], Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class Param:
    """One parameter of a criterion type: its JSON name, kind, bounds, default and label.

    Kinds: "int" (whole number), "number", "choice" (one of `choices`), "multi" (a non-empty
    list of distinct `choices`), "text" (checked by `clean`), "codes" (a list of texts, each
    checked by `clean`, may be empty).
    """

    name: str
    kind: str
    label: str
    default: Any = None  # None: the parameter must be given
    low: float | None = None
    high: float | None = None
    choices: Choices | None = None
    clean: Callable[[Any], Any] | None = None
    hint: str = ""
    noun: str = ""  # what one choice is, for messages: "skill id"

    def options(self, language: str | None = None) -> list[tuple[str, str]]:
        """Return the allowed values as (value, label in `language`)."""
        return list(self.choices(language)) if self.choices else []

    def parse(self, item: Mapping[str, Any]) -> Any:
        """Return this parameter's value from a criterion's JSON, checked; raise Invalid."""
        value = item.get(self.name, self.default)
        if self.kind == "int":
            return self._int(value)
        if self.kind == "number":
            return self._number(value)
        if self.kind == "choice":
            allowed = [v for v, _ in self.options()]
            if value not in allowed:
                raise Invalid(
                    _l("'%(name)s' must be one of %(allowed)s (got %(value)s)"),
                    name=self.name,
                    allowed=", ".join(allowed),
                    value=repr(value),
                )
            return str(value)
        if self.kind == "multi":
            return self._multi(value)
        if self.kind == "codes":
            if isinstance(value, str):
                value = [value]
            if value is None or not isinstance(value, list | tuple):
                raise Invalid(_l("'%(name)s' must be a list"), name=self.name)
            cleaned = tuple(self.clean(v) if self.clean else v for v in value)
            if len(set(cleaned)) != len(cleaned):
                raise Invalid(_l("'%(name)s' lists a value twice"), name=self.name)
            return cleaned
        return self.clean(value) if self.clean else value

    def to_json(self, value: Any) -> Any:
        """Return the JSON form of a value of this parameter."""
        return list(value) if self.kind in ("multi", "codes") else value

    def schema(self) -> dict[str, Any]:
        """Return the JSON Schema of this parameter (for the API description)."""
        out: dict[str, Any]
        if self.kind == "int":
            out = {"type": "integer"}
        elif self.kind == "number":
            out = {"type": "number"}
        elif self.kind == "choice":
            out = {"enum": [v for v, _ in self.options()]}
        elif self.kind == "multi":
            out = {
                "type": "array",
                "items": {"enum": [v for v, _ in self.options()]},
                "minItems": 0 if self.default == () else 1,
                "uniqueItems": True,
            }
        elif self.kind == "codes":
            out = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
        else:
            out = {"type": "string"}
        if self.low is not None:
            out["minimum"] = self.low
        if self.high is not None:
            out["maximum"] = self.high
        if self.default is not None:
            out["default"] = self.to_json(self.default)
        return out | {"title": self.label}

    def _int(self, value: Any) -> int:
        low = int(self.low or 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise Invalid(
                _l("'%(name)s' must be a whole number of at least %(low)s"), name=self.name, low=low
            )
        if self.high is not None and value > self.high:
            raise Invalid(
                _l("'%(name)s' %(value)s is out of range %(low)s to %(high)s"),
                name=self.name,
                value=value,
                low=low,
                high=f"{self.high:g}",
            )
        return value

    def _number(self, value: Any) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise Invalid(_l("'%(name)s' must be a number"), name=self.name)
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        if not low <= value <= high:
            raise Invalid(
                _l("'%(name)s' %(value)s is out of range %(low)s to %(high)s"),
                name=self.name,
                value=f"{value:g}",
                low=f"{low:g}",
                high=f"{high:g}",
            )
        return float(value)

    def _multi(self, value: Any) -> tuple[str, ...]:
        noun = self.noun or "value"
        if isinstance(value, str):
            value = [value]
        if self.default == () and isinstance(value, list | tuple) and not value:
            return ()  # an optional list: empty means "any"
        if (
            not isinstance(value, list | tuple)
            or not value
            or not all(isinstance(v, str) for v in value)
        ):
            raise Invalid(
                _l("'%(name)s' must be a non-empty list of %(noun)ss"), name=self.name, noun=noun
            )
        allowed = {v for v, _ in self.options()}
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise Invalid(
                _l("unknown %(noun)s(s) %(values)s"),
                noun=noun,
                values=", ".join(map(repr, unknown)),
            )
        if len(set(value)) != len(value):
            raise Invalid(
                _l("'%(name)s' lists a %(noun)s twice"), name=self.name, noun=noun.split()[0]
            )
        return tuple(value)


@dataclass(frozen=True)
class Outcome:
    """One criterion's result for one profile: points as hundredths, and why."""

    units: int  # points x POINT_UNITS, 0..1000
    passed: bool
    evidence: tuple[str, ...] = ()
    spans: tuple[Evidence, ...] = ()
    explanation: str = ""


@dataclass(frozen=True)
class Criterion:
    """One requirement: what is asked, how much it weighs, and whether it is a must-have."""

    type: ClassVar[str] = ""
    title: ClassVar[str] = ""  # what the manager's page calls the type
    PARAMS: ClassVar[tuple[Param, ...]] = ()
    id: str
    label: str
    weight: float
    must_have: bool = False

    @classmethod
    def check(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Check the parameters together (one against another); raise Invalid."""
        return values

    @classmethod
    def default_label(cls, values: Mapping[str, Any]) -> str:
        """Return the label a criterion gets when its JSON gives none."""
        return cls.title

    @classmethod
    def new_values(cls) -> dict[str, Any]:
        """Return the parameters of a newly added criterion of this type (JSON form)."""
        return {p.name: p.to_json(p.default) for p in cls.PARAMS if p.default is not None}

    def params(self) -> dict[str, Any]:
        """Return the type-specific fields in their JSON form."""
        return {p.name: p.to_json(getattr(self, p.name)) for p in self.PARAMS}

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

    def evaluate(self, profile: Profile, *, explain: bool) -> Outcome:
        """Return the points of `profile` on this criterion (with evidence when `explain`)."""
        raise NotImplementedError

    def column(
        self, profiles: Sequence[Profile]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
        """Return every profile's points (hundredths) and passed flag, for `rank`."""
        values = np.zeros(len(profiles), dtype=np.float32)
        passed = np.zeros(len(profiles), dtype=np.bool_)
        for i, profile in enumerate(profiles):
            out = self.evaluate(profile, explain=False)
            values[i] = out.units
            passed[i] = out.passed
        return values, passed


def units(part: int | Fraction, whole: int | Fraction = 1) -> int:
    """Return `part / whole` (0..1) of full points as whole hundredths of a point, half up."""
    # Exact rational arithmetic, so no platform's float rounding can move a point.
    return int((2 * FULL * part + whole) // (2 * whole))


def quote(span: Evidence) -> str:
    """Return one evidence line for a span: "'text' (page N)", cut when long."""
    text = " ".join(span.text.split())
    if len(text) > _EVIDENCE_CHARS:
        text = text[: _EVIDENCE_CHARS - 1].rstrip() + "…"
    return Say(_l("'%(text)s' (page %(page)s)"), text=text, page=span.page)
