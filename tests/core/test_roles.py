"""Requirement profiles: the built-in roles load, and a bad profile is refused with its line."""

from __future__ import annotations

import json

import pytest

from recruit.core.criteria import DomainWordsCriterion, RecentTitleCriterion
from recruit.core.profile import (
    Cue,
    Education,
    EducationEntry,
    Experience,
    LanguageSkill,
    Position,
    Profile,
    Region,
    Skill,
)
from recruit.core.roles import (
    CRITERION_TYPES,
    ProfileError,
    RequirementProfile,
    SkillCriterion,
    load_role,
    parse_requirements,
    role_ids,
)
from recruit.core.scoring import criterion_matrix, rank, score
from recruit.core.skills import skill_catalog

BUILT_IN = {
    "account-manager",
    "bank-account-manager",
    "telecom-retail-manager",
    "corporate-account-manager",
    "customer-service-manager",
}


def test_the_five_roles_are_built_in() -> None:
    assert set(role_ids()) == BUILT_IN
    assert role_ids() == sorted(role_ids())


@pytest.mark.parametrize("role_id", sorted(BUILT_IN))
def test_each_role_loads_validates_and_round_trips(role_id: str) -> None:
    role = load_role(role_id)
    assert role.id == role_id
    assert role.criteria and role.origin
    assert all(0 <= c.weight <= 10 for c in role.criteria)
    skills = {s for c in role.criteria if isinstance(c, SkillCriterion) for s in c.skills}
    assert skills <= set(skill_catalog())
    assert parse_requirements(role.to_dict()) == role
    assert parse_requirements(json.dumps(role.to_dict(), indent=2)) == role


def test_customer_service_manager_scores_written_accuracy() -> None:
    # Issue 5 asks for correct written language for the client manager only.
    with_it = [r for r in role_ids() if "written_accuracy" in load_role(r).criterion_ids]
    assert with_it == ["customer-service-manager"]


def test_unknown_role() -> None:
    with pytest.raises(ProfileError, match="unknown role"):
        load_role("chef")


GOOD = """{
  "id": "opening-17",
  "label": "Account manager, Cluj",
  "criteria": [
    {"id": "negotiation", "type": "skill", "skills": ["negotiation"], "weight": 8},
    {"id": "english", "type": "language_at_least", "language": "en", "level": "B2", "weight": 4}
  ]
}"""


def bad(old: str, new: str) -> ProfileError:
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    with pytest.raises(ProfileError) as info:
        parse_requirements(text, source="opening.json")
    return info.value


def test_a_good_profile_parses() -> None:
    profile = parse_requirements(GOOD)
    assert isinstance(profile, RequirementProfile)
    assert profile.criterion_ids == ("negotiation", "english")
    assert profile.weights == (8.0, 4.0)


def test_unknown_criterion_type_names_the_criterion_and_line() -> None:
    error = bad('"type": "language_at_least"', '"type": "language"')
    assert error.line == 6
    assert str(error).startswith("opening.json, line 6: criterion #2 'english': ")
    assert "unknown criterion type 'language'" in str(error)


def test_unknown_skill_id_names_the_line() -> None:
    error = bad('"skills": ["negotiation"]', '"skills": ["haggling"]')
    assert (error.line, error.criterion) == (5, "#1 'negotiation'")
    assert "unknown skill id(s) 'haggling'" in str(error)


@pytest.mark.parametrize("weight", ["11", "-1", '"high"', "true", "NaN"])
def test_weight_out_of_range(weight: str) -> None:
    error = bad('"weight": 8', f'"weight": {weight}')
    assert error.line == 5
    assert "weight" in str(error)


def test_no_criteria() -> None:
    error = bad(GOOD[GOOD.index("[") : GOOD.rindex("]") + 1], "[]")
    assert "at least one criterion" in str(error)
    assert error.line == 1


def test_misspelt_key_is_refused_rather_than_defaulted() -> None:
    error = bad('"weight": 4', '"wieght": 4')
    assert "unknown key(s) 'wieght'" in str(error) and error.line == 6


def test_duplicate_criterion_ids() -> None:
    error = bad('"id": "english"', '"id": "negotiation"')
    assert "duplicate" in str(error) and error.line == 6


def test_invalid_json_names_the_line() -> None:
    error = bad('"weight": 4}', '"weight": 4,}')
    assert "not valid JSON" in str(error) and error.line == 6


def test_dict_input_names_the_criterion_without_a_line() -> None:
    data = json.loads(GOOD)
    data["criteria"][1]["level"] = "B3"
    with pytest.raises(ProfileError) as info:
        parse_requirements(data)
    assert info.value.line is None
    assert str(info.value).startswith("<profile>: criterion #2 'english': 'level' must be one of")


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        ({"type": "skill", "skills": []}, "non-empty list"),
        ({"type": "skill", "skills": ["crm", "crm"]}, "twice"),
        ({"type": "skill", "skills": ["crm"], "cap": 2}, "'cap' 2 is more than"),
        ({"type": "skill", "skills": ["crm"], "context": ["cooking"]}, "unknown domain"),
        ({"type": "domain_words", "domains": []}, "non-empty list"),
        ({"type": "domain_words", "domains": ["banking"], "target": 0}, "'target' must be"),
        ({"type": "experience_months", "target": 0}, "'target' must be"),
        ({"type": "experience_months", "target": 12, "minimum": 24}, "above 'target'"),
        ({"type": "experience_months", "kind": "retail"}, "'kind' must be one of"),
        ({"type": "education_at_least", "level": "none"}, "'level' must be one of"),
        ({"type": "language_at_least", "language": "English", "level": "B2"}, "ISO 639-1"),
        ({"type": "language_at_least", "language": "en", "level": "B2", "partial": 12}, "out of"),
        ({"type": "licence", "category": ""}, "'category'"),
        ({"type": "written_accuracy", "full_at": 5, "zero_at": 2}, "must be above"),
        ({"type": "own_car", "must_have": "yes"}, "true or false"),
    ],
)
def test_type_specific_validation(criterion: dict[str, object], message: str) -> None:
    data = {"id": "x", "criteria": [{"id": "c", "weight": 1, **criterion}]}
    with pytest.raises(ProfileError, match=message):
        parse_requirements(data)


def test_every_criterion_type_round_trips() -> None:
    examples = {
        "skill": {
            "skills": ["crm", "sap"],
            "cap": 2,
            "families": ["sales"],
            "partial": 2.5,
            "context": ["sales", "banking"],
        },
        "domain_words": {"domains": ["banking"], "target": 12},
        "experience_months": {"kind": "sales", "target": 24, "minimum": 6},
        "education_at_least": {"level": "master"},
        "language_at_least": {"language": "de", "level": "A2", "partial": 2.5},
        "licence": {"category": "C"},
        "own_car": {},
        "written_accuracy": {"full_at": 1, "zero_at": 6},
        "occupation_months": {
            "families": ["banking"],
            "isco": ["3312"],
            "target": 24,
            "minimum": 3,
            "half_life": 36,
        },
        "recent_title": {"families": ["sales", "retail"], "isco": []},
    }
    assert set(examples) == set(CRITERION_TYPES)
    criteria = [
        {"id": t, "type": t, "weight": 2.5, "must_have": True, **params}
        for t, params in examples.items()
    ]
    profile = parse_requirements({"id": "all", "criteria": criteria})
    again = parse_requirements(json.loads(json.dumps(profile.to_dict())))
    assert again == profile
    for given, parsed in zip(criteria, again.to_dict()["criteria"], strict=True):
        assert given.items() <= {**parsed, "weight": 2.5}.items()


def test_with_weights_changes_only_what_is_named_and_validates() -> None:
    role = load_role("account-manager")
    tuned = role.with_weights({"english": 10}, {"licence_b": True})
    assert tuned.criterion("english").weight == 10
    assert tuned.criterion("licence_b").must_have
    assert tuned.criterion("negotiation") == role.criterion("negotiation")
    with pytest.raises(ProfileError, match="unknown criterion"):
        role.with_weights({"cooking": 3})
    with pytest.raises(ProfileError, match="out of range"):
        role.with_weights({"english": 12})


@pytest.mark.parametrize("role_id", sorted(BUILT_IN))
def test_a_candidate_who_fits_outranks_a_chef(role_id: str) -> None:
    role = load_role(role_id)
    asked = [s for c in role.criteria if isinstance(c, SkillCriterion) for s in c.skills]
    family = next(c.families[0] for c in role.criteria if isinstance(c, RecentTitleCriterion))
    title = {
        "sales": "Sales Representative",
        "banking": "Relationship Banker",
        "customer_service": "Customer Service Representative",
        "retail": "Store Manager",
        "account_management": "Key Account Manager",
    }[family]
    fit = Profile(
        skills=tuple(Skill(s, s, 1) for s in asked),
        experience=Experience(
            total_months=72,
            sales_months=48,
            positions=(Position(title, None, "2015-01", "2021-12", True),),
        ),
        education=Education(
            highest="master",
            entries=(EducationEntry("Master in Finance", None, None, None, "master"),),
        ),
        languages=(LanguageSkill("en", "C1"),),
        driving_licence=("B",),
        own_car=True,
        words=600,
        # Their duties speak of the role's domains as often as the role asks.
        regions=(Region("experience", 0, 10_000),),
        cues=tuple(
            Cue(c.domains[0], 1, 10 * i, 10 * i + 5, "words")
            for c in role.criteria
            if isinstance(c, DomainWordsCriterion)
            for i in range(c.target)
        ),
    )
    chef = Profile(
        skills=(Skill("teamwork", "teamwork", 2), Skill("organisation", "organisation", 1)),
        experience=Experience(
            total_months=120,
            positions=(Position("Executive Chef", None, "2011-01", "2021-12", True),),
        ),
        education=Education(highest="post_secondary"),
        languages=(LanguageSkill("fr", "B1"),),
        words=400,
    )
    assert score(fit, role).total == 100
    assert score(chef, role).total < 20
    matrix = criterion_matrix([chef, fit], role)
    assert rank(matrix, matrix.weights, matrix.must_have).order.tolist() == [1, 0]


def test_values_key_ignores_what_does_not_change_criterion_values() -> None:
    role = load_role("account-manager")
    keys = [c.values_key() for c in role.criteria]
    tuned = role.with_weights({"english": 9}, {"licence_b": True})
    assert [c.values_key() for c in tuned.criteria] == keys
    data = role.to_dict()
    data["criteria"][0]["label"] = "Negociere"
    data["criteria"][0]["id"] = "negociere"
    assert [c.values_key() for c in parse_requirements(data).criteria] == keys
    data["criteria"][-1]["category"] = "C"
    assert parse_requirements(data).criteria[-1].values_key() != keys[-1]
