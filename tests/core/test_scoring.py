"""The rules engine: each criterion type, knockouts, partial credit, missing data, re-ranking."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recruit.core.profile import (
    Education,
    EducationEntry,
    Evidence,
    Experience,
    LanguageSkill,
    Position,
    Profile,
    Skill,
    Typo,
)
from recruit.core.scoring import (
    NOT_FOUND,
    CriterionMatrix,
    CriterionScore,
    ScoreResult,
    criterion_matrix,
    parse_requirements,
    rank,
    score,
)

# --- builders ------------------------------------------------------------------------------


def ev(text: str, page: int = 1, start: int = 0) -> Evidence:
    return Evidence(page, start, start + len(text), text)


def make_profile(
    *,
    skills: dict[str, int] | None = None,
    total_months: int = 0,
    sales_months: int = 0,
    positions: tuple[Position, ...] = (),
    education: str | None = None,
    languages: dict[str, str | None] | None = None,
    licence: tuple[str, ...] = (),
    own_car: bool = False,
    typos: int = 0,
    words: int = 0,
) -> Profile:
    """Build a profile as extraction would, with one evidence span per fact."""
    return Profile(
        skills=tuple(
            Skill(sid, sid.replace("_", " "), count, (ev(f"text about {sid}"),))
            for sid, count in (skills or {}).items()
        ),
        experience=Experience(total_months, sales_months, positions),
        education=Education(
            highest=education,
            entries=(EducationEntry("Licență", "ASE", "2010-10", "2013-07", education),)
            if education
            else (),
        ),
        languages=tuple(
            LanguageSkill(code, level, (ev(f"{code} {level}", page=2),))
            for code, level in (languages or {}).items()
        ),
        driving_licence=licence,
        licence_evidence=(ev("Permis de conducere categoria B"),) if licence else (),
        own_car=own_car,
        own_car_evidence=(ev("autoturism propriu"),) if own_car else (),
        typos=tuple(
            Typo("contracte", "contacte", "contracte", 1, 10 * i, 10 * i + 8) for i in range(typos)
        ),
        words=words,
    )


def requirements(*criteria: dict[str, object]):
    return parse_requirements({"id": "test", "label": "Test", "criteria": list(criteria)})


def only(criterion: dict[str, object], profile: Profile) -> CriterionScore:
    criterion = {"id": "c", "weight": 5, **criterion}
    return score(profile, requirements(criterion)).criteria[0]


# --- skill ---------------------------------------------------------------------------------

BANKING = {"type": "skill", "skills": ["banking_products", "loans", "cards", "deposits"], "cap": 3}


def test_skill_partial_credit_per_skill_found_up_to_the_cap() -> None:
    points = [
        only(BANKING, make_profile(skills=dict.fromkeys(found, 1))).points
        for found in ([], ["loans"], ["loans", "cards"], ["loans", "cards", "deposits"])
    ]
    assert points == [0, 3.33, 6.67, 10]
    everything = make_profile(skills=dict.fromkeys(BANKING["skills"], 1))  # type: ignore[arg-type]
    assert only(BANKING, everything).points == 10  # capped


def test_skill_evidence_quotes_the_span_and_page() -> None:
    profile = Profile(
        skills=(
            Skill(
                "negotiation",
                "negociere",
                2,
                (ev("negocierea contractelor cu clienții corporativi", page=1, start=120),),
            ),
        )
    )
    result = only({"type": "skill", "skills": ["negotiation"], "label": "Negotiation"}, profile)
    assert result.points == 10
    assert result.evidence == ("'negocierea contractelor cu clienții corporativi' (page 1)",)
    assert result.spans[0].start == 120
    assert result.describe() == (
        "Negotiation: 10/10 - 'negocierea contractelor cu clienții corporativi' (page 1)"
    )


def test_skill_with_zero_count_is_not_found() -> None:
    result = only({"type": "skill", "skills": ["crm"]}, make_profile(skills={"crm": 0}))
    assert (result.points, result.passed, result.evidence) == (0, False, (NOT_FOUND,))


# --- experience ----------------------------------------------------------------------------


def test_experience_full_at_target_linear_below() -> None:
    crit = {"type": "experience_months", "kind": "sales", "target": 24}
    assert only(crit, make_profile(sales_months=36)).points == 10
    assert only(crit, make_profile(sales_months=24)).points == 10
    assert only(crit, make_profile(sales_months=12)).points == 5
    assert only(crit, make_profile(sales_months=0, total_months=100)).points == 0


def test_experience_minimum_zeroes_points_and_knocks_out_a_must_have() -> None:
    crit = {
        "type": "experience_months",
        "kind": "total",
        "target": 36,
        "minimum": 12,
        "must_have": True,
    }
    short = only(crit, make_profile(total_months=11))
    assert (short.points, short.passed, short.knocked_out) == (0, False, True)
    enough = only(crit, make_profile(total_months=12))
    assert (enough.points, enough.knocked_out) == (3.33, False)


def test_experience_evidence_lists_the_positions_that_count() -> None:
    positions = (
        Position("Agent vânzări", "Orange", "2019-03", "2021-03", False, True, (ev("Agent", 1),)),
        Position("Ospătar", "Hanul", "2017-01", "2019-01", False, False, (ev("Ospătar", 2),)),
    )
    profile = make_profile(total_months=48, sales_months=24, positions=positions)
    sales = only({"type": "experience_months", "kind": "sales", "target": 24}, profile)
    assert sales.evidence == ("'Agent vânzări, Orange' (2019-03 to 2021-03, page 1)",)
    total = only({"type": "experience_months", "target": 24}, profile)
    assert len(total.evidence) == 2


# --- education -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("highest", "points"),
    [(None, 0), ("secondary", 0), ("bachelor", 10), ("master", 10), ("doctorate", 10)],
)
def test_education_at_least(highest: str | None, points: float) -> None:
    result = only(
        {"type": "education_at_least", "level": "bachelor"}, make_profile(education=highest)
    )
    assert result.points == points
    assert result.passed is (points == 10)


def test_education_missing_says_not_found() -> None:
    result = only({"type": "education_at_least", "level": "secondary"}, make_profile())
    assert result.evidence == (NOT_FOUND,)


# --- language ------------------------------------------------------------------------------

ENGLISH_B2 = {"type": "language_at_least", "language": "en", "level": "B2", "label": "English"}


@pytest.mark.parametrize(
    ("level", "points", "passed"),
    [("C2", 10, True), ("B2", 10, True), ("B1", 5, False), ("A2", 0, False), (None, 5, False)],
)
def test_language_one_level_below_earns_part(
    level: str | None, points: float, passed: bool
) -> None:
    result = only(ENGLISH_B2, make_profile(languages={"en": level, "fr": "C2"}))
    assert (result.points, result.passed) == (points, passed)


def test_no_languages_scores_zero_with_not_found() -> None:
    result = only(ENGLISH_B2, make_profile())
    assert (result.points, result.evidence) == (0, (NOT_FOUND,))
    assert result.describe() == "English: 0/10 - not found"


def test_language_partial_is_configurable() -> None:
    crit = {**ENGLISH_B2, "partial": 7.5}
    assert only(crit, make_profile(languages={"en": "B1"})).points == 7.5


def test_language_takes_the_best_of_repeated_entries() -> None:
    profile = Profile(languages=(LanguageSkill("en", "A2"), LanguageSkill("EN", "C1")))
    assert only(ENGLISH_B2, profile).points == 10


# --- licence and car -----------------------------------------------------------------------


def test_licence_category() -> None:
    crit = {"type": "licence", "category": "b"}
    assert only(crit, make_profile(licence=("B", "C"))).points == 10
    assert only(crit, make_profile(licence=("A",))).points == 0
    missing = only(crit, make_profile())
    assert (missing.points, missing.evidence) == (0, (NOT_FOUND,))


def test_own_car() -> None:
    result = only({"type": "own_car"}, make_profile(own_car=True))
    assert (result.points, result.evidence) == (10, ("'autoturism propriu' (page 1)",))
    assert only({"type": "own_car"}, make_profile()).points == 0


# --- written accuracy ----------------------------------------------------------------------

WRITTEN = {"type": "written_accuracy", "full_at": 0, "zero_at": 8}


@pytest.mark.parametrize(
    ("typos", "words", "points"),
    [(0, 500, 10), (1, 500, 7.5), (2, 500, 5), (4, 500, 0), (9, 500, 0)],
)
def test_written_accuracy_per_thousand_words(typos: int, words: int, points: float) -> None:
    assert only(WRITTEN, make_profile(typos=typos, words=words)).points == points


def test_written_accuracy_evidence_names_the_typos() -> None:
    result = only(WRITTEN, make_profile(typos=1, words=500))
    assert result.evidence == ("'contacte' for 'contracte' (page 1)",)
    assert result.spans == (Evidence(1, 0, 8, "contacte"),)


def test_written_accuracy_without_text_earns_nothing() -> None:
    result = only(WRITTEN, make_profile(words=0))
    assert (result.points, result.passed, result.evidence) == (0, False, (NOT_FOUND,))


# --- totals and knockouts ------------------------------------------------------------------

ROLE = requirements(
    {"id": "neg", "type": "skill", "skills": ["negotiation"], "weight": 8},
    {"id": "en", "type": "language_at_least", "language": "en", "level": "B2", "weight": 4},
    {"id": "lic", "type": "licence", "category": "B", "weight": 2, "must_have": True},
)


def test_total_is_the_weighted_mean_times_ten() -> None:
    profile = make_profile(skills={"negotiation": 1}, languages={"en": "B1"}, licence=("B",))
    result = score(profile, ROLE)
    assert result.total == pytest.approx((8 * 10 + 4 * 5 + 2 * 10) / 14 * 10)
    assert not result.knocked_out


def test_a_knocked_out_candidate_keeps_a_score_and_is_named() -> None:
    profile = make_profile(skills={"negotiation": 1}, languages={"en": "C1"})
    result = score(profile, ROLE)
    assert result.knockouts == ("lic",)
    assert result.knocked_out
    assert result.total == pytest.approx(120 / 14 * 10)


def test_rank_lists_knocked_out_candidates_apart() -> None:
    fit = make_profile(skills={"negotiation": 1}, languages={"en": "C1"}, licence=("B",))
    no_licence = make_profile(skills={"negotiation": 1}, languages={"en": "C1"})
    weak = make_profile(licence=("B",))
    matrix = criterion_matrix([no_licence, weak, fit], ROLE)
    result = rank(matrix, matrix.weights, matrix.must_have)
    assert result.order.tolist() == [2, 1]
    assert result.knocked_out_order.tolist() == [0]
    assert result.knocked_out.tolist() == [True, False, False]
    assert result.knockouts(0) == ("lic",)
    # Unsaved preview: dropping the must-have brings the candidate back.
    preview = rank(matrix, matrix.weights, [False, False, False])
    assert preview.order.tolist() == [2, 0, 1]
    assert preview.knocked_out_order.tolist() == []


def test_rank_breaks_ties_by_input_order() -> None:
    same = make_profile(skills={"negotiation": 1}, licence=("B",))
    matrix = criterion_matrix([same] * 5 + [make_profile(licence=("B",))], ROLE)
    result = rank(matrix, matrix.weights, matrix.must_have)
    assert result.order.tolist() == [0, 1, 2, 3, 4, 5]


def test_rank_and_score_agree_exactly() -> None:
    profiles = [
        make_profile(skills={"negotiation": 1}, languages={"en": level}, licence=lic)
        for level in ("A1", "B1", "B2", None)
        for lic in ((), ("B",))
    ]
    matrix = criterion_matrix(profiles, ROLE)
    result = rank(matrix, matrix.weights, matrix.must_have)
    for i, profile in enumerate(profiles):
        single = score(profile, ROLE)
        assert result.totals[i] == single.total
        assert result.knockouts(i) == single.knockouts


def test_all_weights_zero_scores_zero_without_error() -> None:
    matrix = criterion_matrix([make_profile(skills={"negotiation": 1})], ROLE)
    result = rank(matrix, [0, 0, 0], [False] * 3)
    assert result.totals.tolist() == [0.0]
    assert score(make_profile(), ROLE.with_weights({"neg": 0, "en": 0, "lic": 0})).total == 0


def test_rank_rejects_weights_of_the_wrong_shape_or_range() -> None:
    matrix = criterion_matrix([make_profile()], ROLE)
    with pytest.raises(ValueError, match="3 weights"):
        rank(matrix, [1, 2], [False] * 3)
    with pytest.raises(ValueError, match="0..10"):
        rank(matrix, [1, 2, 11], [False] * 3)


def test_rank_of_no_candidates() -> None:
    matrix = criterion_matrix([], ROLE)
    result = rank(matrix, matrix.weights, matrix.must_have)
    assert result.order.tolist() == [] and result.totals.shape == (0,)


def test_rank_sorts_large_keys_correctly() -> None:
    # Many criteria push the integer sort key past one 16-bit radix digit.
    rng = np.random.default_rng(7)
    k = 40
    role = requirements(
        *({"id": f"c{j}", "type": "own_car", "weight": 10} for j in range(k)),
    )
    matrix = criterion_matrix([make_profile()] * 2000, role)
    values = rng.integers(0, 1001, size=matrix.values.shape).astype(np.float32)
    matrix = type(matrix)(matrix.criterion_ids, values, matrix.passed, matrix.weights, (False,) * k)
    result = rank(matrix, matrix.weights, matrix.must_have)
    expected = sorted(range(2000), key=lambda i: (-result.totals[i], i))
    assert result.order.tolist() == expected


def test_score_result_round_trips_through_json() -> None:
    profile = make_profile(skills={"negotiation": 2}, languages={"en": "B1"})
    result = score(profile, ROLE)
    data = json.loads(json.dumps(result.to_dict()))
    assert ScoreResult.from_dict(data) == result
    assert data["score"] == result.total
    assert data["knockouts"] == ["lic"]
    assert {"id", "weight", "points", "evidence"} <= set(data["criteria"][0])


def test_a_stored_profile_scores_the_same_as_the_original() -> None:
    profile = make_profile(
        skills={"negotiation": 1}, languages={"en": "B2"}, licence=("B",), education="master"
    )
    rebuilt = Profile.from_dict(json.loads(json.dumps(profile.to_dict())))
    assert score(rebuilt, ROLE) == score(profile, ROLE)


def test_matrix_round_trips_through_bytes() -> None:
    profiles = [make_profile(skills={"negotiation": 1}, licence=("B",)), make_profile()]
    matrix = criterion_matrix(profiles, ROLE)
    again = CriterionMatrix.from_bytes(matrix.to_bytes())
    assert np.array_equal(again.values, matrix.values) and again.values.dtype == np.float32
    assert np.array_equal(again.passed, matrix.passed)
    assert (again.criterion_ids, again.weights, again.must_have) == (
        matrix.criterion_ids,
        matrix.weights,
        matrix.must_have,
    )
    empty = criterion_matrix([], ROLE)
    assert CriterionMatrix.from_bytes(empty.to_bytes()).values.shape == (0, 3)
