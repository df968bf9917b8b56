"""Properties of the engine over generated profiles and requirement profiles (hypothesis)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recruit.core.domains import domains
from recruit.core.occupations import families
from recruit.core.profile import (
    CEFR_LEVELS,
    EDUCATION_LEVELS,
    Cue,
    EducationEntry,
    Evidence,
    Position,
    Profile,
    Region,
    Skill,
)
from recruit.core.roles import RequirementProfile, parse_requirements
from recruit.core.scoring import criterion_matrix, rank, score
from recruit.core.skills import skill_catalog
from recruit.core.study import field_labels
from tests.core.test_scoring import make_profile

# Every test sets deadline=None: on a busy CI machine a slow example is not a failure.
SKILL_IDS = sorted(skill_catalog())
FAMILIES = sorted(families())
FIELDS = sorted(field_labels("en"))
DOMAINS = sorted(domains())
REGION_KINDS = ["header", "summary", "skills", "experience", "experience", "other", "education"]
TITLES = [
    "Sales Associate",
    "Relationship Banker",
    "Executive Chef",
    "Consilier bancar",
    "Agent de vânzări",
    "Cashier",
    "Operations Manager",
]
DEGREES = ["BA Economics", "Licență ASE, Finanțe-Bănci", "B.A. Culinary Arts", "Master", None]
weights = st.floats(min_value=0, max_value=10, allow_nan=False)


@st.composite
def criteria(draw: st.DrawFn) -> dict[str, object]:
    kind = draw(
        st.sampled_from(
            [
                "skill",
                "experience_months",
                "education_at_least",
                "language_at_least",
                "licence",
                "own_car",
                "written_accuracy",
                "occupation_months",
                "recent_title",
                "domain_words",
            ]
        )
    )
    params: dict[str, object] = {}
    if kind == "skill":
        skills = draw(st.lists(st.sampled_from(SKILL_IDS), min_size=1, max_size=5, unique=True))
        params = {
            "skills": skills,
            "cap": draw(st.integers(1, len(skills))),
            "families": draw(st.lists(st.sampled_from(FAMILIES), max_size=3, unique=True)),
            "partial": draw(st.floats(0, 10)),
            "context": draw(st.lists(st.sampled_from(DOMAINS), max_size=2, unique=True)),
            "stale_after": draw(st.sampled_from([0, 1, 24, 120])),
        }
    elif kind == "experience_months":
        target = draw(st.integers(1, 120))
        params = {
            "kind": draw(st.sampled_from(["total", "sales"])),
            "target": target,
            "minimum": draw(st.integers(0, target)),
        }
    elif kind == "education_at_least":
        params = {
            "level": draw(st.sampled_from(EDUCATION_LEVELS[1:])),
            "fields": draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)),
            "partial": draw(st.floats(0, 10)),
        }
    elif kind == "language_at_least":
        params = {
            "language": draw(st.sampled_from(["en", "fr", "de", "ro"])),
            "level": draw(st.sampled_from(CEFR_LEVELS)),
            "partial": draw(st.floats(0, 10)),
            "rule": draw(st.sampled_from(["median", "min", "max"])),
            "written_level": draw(st.sampled_from(["none", *CEFR_LEVELS])),
        }
    elif kind == "licence":
        params = {"category": draw(st.sampled_from(["B", "C"]))}
    elif kind in ("occupation_months", "recent_title"):
        params = {
            "families": draw(
                st.lists(st.sampled_from(FAMILIES), min_size=1, max_size=3, unique=True)
            ),
            "isco": draw(st.lists(st.sampled_from(["3312", "4211", "5223", "34"]), unique=True)),
        }
        if kind == "occupation_months":
            target = draw(st.integers(1, 120))
            params |= {
                "target": target,
                "minimum": draw(st.integers(0, target)),
                "half_life": draw(st.sampled_from([0, 1, 12, 60])),
            }
    elif kind == "domain_words":
        params = {
            "domains": draw(st.lists(st.sampled_from(DOMAINS), min_size=1, unique=True)),
            "target": draw(st.integers(1, 30)),
            "stale_after": draw(st.sampled_from([0, 1, 24, 120])),
        }
    elif kind == "written_accuracy":
        full_at = draw(st.floats(0, 10))
        params = {"full_at": full_at, "zero_at": full_at + draw(st.floats(0.5, 20))}
    return {
        "type": kind,
        "weight": draw(weights),
        "must_have": draw(st.booleans()),
        **params,
    }


@st.composite
def requirement_profiles(draw: st.DrawFn) -> RequirementProfile:
    items = draw(st.lists(criteria(), min_size=1, max_size=12))
    for i, item in enumerate(items):
        item["id"] = f"c{i}"
    return parse_requirements({"id": "generated", "criteria": items})


@st.composite
def positions(draw: st.DrawFn) -> Position:
    start = draw(st.integers(2000 * 12, 2024 * 12))
    end = start + draw(st.integers(0, 120))
    month = lambda m: f"{m // 12:04d}-{m % 12 + 1:02d}"  # noqa: E731
    # A position without dates (the reader found none) must score too.
    dated = draw(st.integers(0, 5)) > 0
    return Position(
        draw(st.none() | st.sampled_from(TITLES)),
        None,
        month(start) if dated else None,
        month(end) if dated else None,
        draw(st.booleans()),
    )


@st.composite
def placed(draw: st.DrawFn, profile: Profile) -> Profile:
    """Return `profile` laid out on a text of 1000 characters: sections, entries, mentions."""
    cuts = sorted(draw(st.lists(st.integers(1, 999), max_size=6, unique=True)))
    bounds = list(zip([0, *cuts], [*cuts, 1000], strict=True))
    regions = tuple(Region(draw(st.sampled_from(REGION_KINDS)), a, b) for a, b in bounds)
    offsets = st.integers(0, 990)

    def mention(text: str) -> Evidence:
        start = draw(offsets)
        return Evidence(1, start, start + draw(st.integers(1, 10)), text)

    positions = tuple(
        dataclasses.replace(p, evidence=(mention(p.title or "entry"),) if keep else ())
        for p, keep in zip(
            profile.experience.positions,
            draw(st.lists(st.booleans(), min_size=len(profile.experience.positions))),
            strict=False,
        )
    )
    skills = tuple(
        dataclasses.replace(s, evidence=tuple(mention(s.id) for _ in range(s.count)))
        for s in profile.skills
    )
    cues = sorted((mention("cue") for _ in range(draw(st.integers(0, 12)))), key=lambda e: e.start)
    kept, end = [], -1
    for e in cues:  # cues never overlap, as regex matches do not
        if e.start >= end:
            kept.append(Cue(draw(st.sampled_from(DOMAINS)), 1, e.start, e.end, e.text))
            end = e.end
    return dataclasses.replace(
        profile,
        regions=regions,
        cues=tuple(kept),
        skills=skills,
        experience=dataclasses.replace(profile.experience, positions=positions),
    )


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    total = draw(st.integers(0, 400))
    profile = make_profile(
        skills=draw(st.dictionaries(st.sampled_from(SKILL_IDS), st.integers(0, 5), max_size=15)),
        total_months=total,
        sales_months=draw(st.integers(0, total)),
        education=draw(st.none() | st.sampled_from(EDUCATION_LEVELS)),
        languages=draw(
            st.dictionaries(
                st.sampled_from(["en", "fr", "de", "ro"]), st.none() | st.sampled_from(CEFR_LEVELS)
            )
        ),
        licence=tuple(draw(st.lists(st.sampled_from(["A", "B", "C"]), unique=True))),
        own_car=draw(st.booleans()),
        typos=draw(st.integers(0, 6)),
        words=draw(st.integers(0, 2000)),
        positions=tuple(draw(st.lists(positions(), max_size=4))),
    )
    entries = tuple(
        EducationEntry(d, None, None, None, draw(st.sampled_from(EDUCATION_LEVELS)))
        for d in draw(st.lists(st.sampled_from(DEGREES), max_size=2))
    )
    languages = tuple(
        dataclasses.replace(
            lang,
            skill_levels=draw(
                st.dictionaries(
                    st.sampled_from(["listening", "reading", "writing"]),
                    st.sampled_from(CEFR_LEVELS),
                )
            ),
        )
        for lang in profile.languages
    )
    if draw(st.integers(0, 3)) > 0:
        profile = draw(placed(profile))
    return dataclasses.replace(
        profile,
        language=draw(st.sampled_from([None, "en", "ro"])),
        headline=draw(st.none() | st.sampled_from(TITLES)),
        education=dataclasses.replace(
            profile.education, entries=profile.education.entries + entries
        ),
        languages=languages,
    )


@settings(deadline=None)
@given(profiles(), requirement_profiles())
def test_scores_stay_within_bounds(profile: Profile, requirements: RequirementProfile) -> None:
    result = score(profile, requirements)
    assert 0 <= result.total <= 100
    assert all(0 <= c.points <= 10 for c in result.criteria)
    assert all(c.evidence for c in result.criteria)
    assert result.knockouts == tuple(c.id for c in result.criteria if c.must_have and not c.passed)


@settings(deadline=None)
@given(st.lists(profiles(), min_size=1, max_size=8), requirement_profiles(), st.data())
def test_rank_gives_exactly_the_totals_of_score(
    people: list[Profile], requirements: RequirementProfile, data: st.DataObject
) -> None:
    k = len(requirements.criteria)
    preview_weights = data.draw(st.lists(weights, min_size=k, max_size=k))
    preview_must = data.draw(st.lists(st.booleans(), min_size=k, max_size=k))
    preview = requirements.with_weights(
        dict(zip(requirements.criterion_ids, preview_weights, strict=True)),
        dict(zip(requirements.criterion_ids, preview_must, strict=True)),
    )
    matrix = criterion_matrix(people, requirements)
    result = rank(matrix, preview_weights, preview_must)
    singles = [score(p, preview) for p in people]
    assert result.totals.tolist() == [s.total for s in singles]
    assert [result.knockouts(i) for i in range(len(people))] == [s.knockouts for s in singles]
    # Best first, ties by input order; knocked-out candidates apart but all present.
    expected = sorted(range(len(people)), key=lambda i: (-singles[i].total, i))
    assert result.order.tolist() == [i for i in expected if not singles[i].knockouts]
    assert result.knocked_out_order.tolist() == [i for i in expected if singles[i].knockouts]


@settings(deadline=None)
@given(profiles(), profiles(), requirement_profiles(), weights, st.floats(0, 10))
def test_raising_a_weight_never_lowers_the_candidate_with_full_points_there(
    a: Profile, b: Profile, requirements: RequirementProfile, low: float, raise_by: float
) -> None:
    # Append a criterion where A has full points and B none: an own car.
    a = dataclasses.replace(a, own_car=True)
    b = dataclasses.replace(b, own_car=False)
    data = requirements.to_dict()
    data["criteria"].append({"id": "car", "type": "own_car", "weight": low})
    before = parse_requirements(data)
    after = before.with_weights({"car": min(10.0, low + raise_by)})
    gap_before = score(a, before).total - score(b, before).total
    gap_after = score(a, after).total - score(b, after).total
    assert gap_after >= gap_before - 1e-9
    matrix = criterion_matrix([a, b], after)
    result = rank(matrix, matrix.weights, [False] * len(after.criteria))
    if gap_before >= 0:
        assert result.order.tolist() == [0, 1]


@settings(deadline=None)
@given(profiles(), requirement_profiles(), st.data())
def test_adding_a_required_skill_never_lowers_the_score(
    profile: Profile, requirements: RequirementProfile, data: st.DataObject
) -> None:
    asked = sorted({s for c in requirements.to_dict()["criteria"] for s in c.get("skills", [])})
    skill_id = data.draw(st.sampled_from(asked or SKILL_IDS))
    others = tuple(s for s in profile.skills if s.id != skill_id)
    richer = dataclasses.replace(profile, skills=(*others, Skill(skill_id, skill_id, 1)))
    before, after = score(profile, requirements), score(richer, requirements)
    assert after.total >= before.total
    assert all(x.points >= y.points for x, y in zip(after.criteria, before.criteria, strict=True))
    assert set(after.knockouts) <= set(before.knockouts)


@settings(max_examples=50, deadline=None)
@given(requirement_profiles())
def test_requirement_profiles_round_trip_through_json(requirements: RequirementProfile) -> None:
    text = json.dumps(requirements.to_dict(), indent=2)
    assert parse_requirements(text) == requirements


@settings(max_examples=25, deadline=None)
@given(st.lists(profiles(), min_size=2, max_size=5), requirement_profiles())
def test_rank_is_deterministic_and_permutation_consistent(
    people: list[Profile], requirements: RequirementProfile
) -> None:
    matrix = criterion_matrix(people, requirements)
    first = rank(matrix, matrix.weights, matrix.must_have)
    again = rank(matrix, matrix.weights, matrix.must_have)
    assert np.array_equal(first.order, again.order)
    assert np.array_equal(first.totals, again.totals)
    reversed_matrix = criterion_matrix(people[::-1], requirements)
    flipped = rank(reversed_matrix, matrix.weights, matrix.must_have)
    assert flipped.totals.tolist() == first.totals.tolist()[::-1]
