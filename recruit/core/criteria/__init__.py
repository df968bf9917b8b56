"""Criterion types, one module each, and the registry that validation, forms and the API read."""

from __future__ import annotations

from recruit.core.criteria.base import (
    FULL,
    MAX_POINTS,
    NOT_FOUND,
    POINT_UNITS,
    Criterion,
    Invalid,
    Outcome,
    Param,
    ProfileError,
    Say,
    Term,
    quote,
    said,
    units,
)
from recruit.core.criteria.domain import DomainWordsCriterion
from recruit.core.criteria.education import EducationCriterion
from recruit.core.criteria.experience import ExperienceCriterion
from recruit.core.criteria.language import LanguageCriterion
from recruit.core.criteria.licence import LicenceCriterion, OwnCarCriterion
from recruit.core.criteria.occupation import OccupationMonthsCriterion, RecentTitleCriterion
from recruit.core.criteria.skill import SkillCriterion
from recruit.core.criteria.written import WrittenAccuracyCriterion

CRITERION_TYPES: dict[str, type[Criterion]] = {
    c.type: c
    for c in (
        OccupationMonthsCriterion,
        RecentTitleCriterion,
        SkillCriterion,
        DomainWordsCriterion,
        ExperienceCriterion,
        EducationCriterion,
        LanguageCriterion,
        LicenceCriterion,
        OwnCarCriterion,
        WrittenAccuracyCriterion,
    )
}

__all__ = [
    "CRITERION_TYPES",
    "FULL",
    "MAX_POINTS",
    "NOT_FOUND",
    "POINT_UNITS",
    "Criterion",
    "DomainWordsCriterion",
    "Say",
    "Term",
    "said",
    "EducationCriterion",
    "ExperienceCriterion",
    "Invalid",
    "LanguageCriterion",
    "LicenceCriterion",
    "Outcome",
    "OccupationMonthsCriterion",
    "OwnCarCriterion",
    "Param",
    "ProfileError",
    "RecentTitleCriterion",
    "SkillCriterion",
    "WrittenAccuracyCriterion",
    "quote",
    "units",
]
