"""The registry of criterion types: declarations that validation, forms and the API read."""

from __future__ import annotations

import dataclasses

import pytest

from recruit.core.criteria import CRITERION_TYPES
from recruit.core.profile import LanguageSkill
from recruit.core.roles import ProfileError, criterion_schema, parse_requirements
from recruit.core.scoring import score
from tests.core.test_scoring import make_profile


@pytest.mark.parametrize("ctype", sorted(CRITERION_TYPES))
def test_each_type_declares_what_the_form_and_schema_need(ctype: str) -> None:
    kind = CRITERION_TYPES[ctype]
    assert kind.type == ctype and kind.title
    fields = {f.name for f in dataclasses.fields(kind)}
    for p in kind.PARAMS:
        assert p.name in fields and p.label
        if p.kind in ("int", "number"):
            # The form's number inputs take their min and max from here.
            assert p.low is not None and p.high is not None
        if p.kind in ("choice", "multi"):
            assert p.options("en") and p.options("ro")
    # A new criterion of this type (the manager's "Add") is valid as it starts.
    item = {"id": "new", "type": ctype, **kind.new_values()}
    parsed = parse_requirements({"id": "x", "criteria": [item]}).criteria[0]
    assert parsed.label and type(parsed) is kind


def test_the_schema_has_one_branch_per_type_with_its_parameters() -> None:
    branches = criterion_schema()["oneOf"]
    assert [b["properties"]["type"]["const"] for b in branches] == list(CRITERION_TYPES)
    for branch, kind in zip(branches, CRITERION_TYPES.values(), strict=True):
        assert set(branch["properties"]) == {"id", "type", "label", "weight", "must_have"} | {
            p.name for p in kind.PARAMS
        }
        assert branch["additionalProperties"] is False
    language = branches[list(CRITERION_TYPES).index("language_at_least")]
    assert language["properties"]["rule"]["enum"] == ["median", "min", "max"]
    assert set(language["required"]) == {"id", "type", "language", "level"}


def test_a_parameter_out_of_its_bounds_names_the_criterion_and_line() -> None:
    text = """{"id": "x", "criteria": [
      {"id": "a", "type": "skill", "skills": ["crm"]},
      {"id": "b", "type": "experience_months", "target": 700}
    ]}"""
    with pytest.raises(ProfileError) as info:
        parse_requirements(text, source="x.json")
    assert info.value.line == 3
    assert (
        str(info.value) == "x.json, line 3: criterion #2 'b': 'target' 700 is out of range 1 to 600"
    )


def _english(**params: object) -> dict[str, object]:
    return {"id": "en", "type": "language_at_least", "language": "en", "level": "B2"} | params


def _points(profile, **params: object) -> tuple[float, tuple[str, ...]]:
    result = score(profile, parse_requirements({"id": "x", "criteria": [_english(**params)]}))
    return result.criteria[0].points, result.criteria[0].evidence


GRID = {
    "listening": "C1",
    "reading": "C2",
    "spoken_interaction": "B1",
    "spoken_production": "B2",
    "writing": "A2",
}


@pytest.mark.parametrize(("rule", "points"), [("median", 10), ("min", 0), ("max", 10)])
def test_the_language_rule_reads_the_per_skill_levels(rule: str, points: float) -> None:
    profile = make_profile()
    profile = dataclasses.replace(profile, languages=(LanguageSkill("en", "B2", (), GRID),))
    assert _points(profile, rule=rule)[0] == points
    one_below = dataclasses.replace(
        profile, languages=(LanguageSkill("en", None, (), GRID | {"reading": "B1"}),)
    )
    # Median of A2 B1 B1 B2 C1 is B1: one level below B2 earns the partial points.
    assert _points(one_below, rule="median")[0] == 5


def test_a_cv_written_in_english_is_english_at_the_profiles_level() -> None:
    english_cv = dataclasses.replace(make_profile(words=400), language="en")
    assert _points(english_cv) == (10, ("CV written in English",))
    assert _points(english_cv, written_level="B1")[0] == 5
    assert _points(english_cv, written_level="none") == (0, ("not found",))
    # A listed level wins over the CV's own language.
    listed = dataclasses.replace(english_cv, languages=(LanguageSkill("en", "A2"),))
    assert _points(listed)[0] == 0
    # Too short to prove anything, or written in another language: no credit.
    assert _points(dataclasses.replace(english_cv, words=40))[0] == 0
    assert _points(dataclasses.replace(english_cv, language="ro"))[0] == 0
    romanian_cv = dataclasses.replace(make_profile(words=400), language="ro")
    points, evidence = _points(romanian_cv, language="ro")
    assert points == 10 and evidence == ("CV written in Romanian",)
