"""Education and languages as real resumes write them: a line that says the degree above is
under way, graduate degrees by their abbreviation, a level word leading a list of languages."""

from __future__ import annotations

import datetime

import pytest

from recruit.core.extraction import extract_profile
from recruit.core.profile import Profile

DOC_DATE = datetime.date(2024, 6, 15)


def _profile(text: str) -> Profile:
    return extract_profile(text, doc_date=DOC_DATE)


@pytest.mark.parametrize("marker", ["Currently enrolled", "Expected Graduation: June"])
def test_a_line_saying_the_degree_above_is_under_way(marker: str) -> None:
    text = (
        "Education\nBachelor of Science : Management, Eastern University\n"
        f"MBA : Management, Davenport University\n{marker}\n"
    )
    education = _profile(text).education
    assert [(e.level, e.in_progress) for e in education.entries] == [
        ("bachelor", False),
        ("master", True),
    ]
    assert (education.highest, education.in_progress) == ("bachelor", "master")


@pytest.mark.parametrize("degree", ["MFA : Creative Writing", "M.Ed. : Education", "LLM : Law"])
def test_graduate_degrees_by_their_abbreviation(degree: str) -> None:
    assert _profile(f"Education\n{degree}, State University\n").education.highest == "master"


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Fluent in English and Spanish- Reading and Writing", [("en", "C1"), ("es", "C1")]),
        ("Bilingual (Romanian & English)", [("ro", "C2"), ("en", "C2")]),
        ("Spanish fluency, oral and written", [("es", "C1")]),
    ],
)
def test_a_level_word_leading_a_list_of_languages(line: str, want: list[tuple[str, str]]) -> None:
    text = f"Experience\n2019 - 2021 Teller, First Bank\nSkills\n{line}\n"
    assert [(x.code, x.level) for x in _profile(text).languages] == want


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Native English speaker; conversational Italian", [("en", "C2"), ("it", "B1")]),
        ("Native speaker of Spanish and fluent in English", [("es", "C2"), ("en", "C1")]),
        ("Fluent in English, conversational in Spanish", [("en", "C1"), ("es", "B1")]),
        ("English fluent; Spanish basic", [("en", "C1"), ("es", "A2")]),
    ],
)
def test_a_level_word_after_a_separator_is_the_next_languages(
    line: str, want: list[tuple[str, str]]
) -> None:
    text = f"Experience\n2019 - 2021 Teller, First Bank\nSkills\n{line}\n"
    assert [(x.code, x.level) for x in _profile(text).languages] == want


def test_an_educational_background_is_education_and_awards_end_it() -> None:
    text = (
        "Experience\n2015 - 2020 Sales Agent, Altex\n"
        "Educational Background\nBA : Business Administration 1998 Old Dominion University\n"
        "Awards and Recognition\nJ.D Power and Associates award winner for customer service\n"
    )
    education = _profile(text).education
    assert [e.level for e in education.entries] == ["bachelor"]  # an award is no law degree
    assert education.highest == "bachelor"


def test_languages_of_south_asia_and_the_rest_of_europe_are_read() -> None:
    text = "Skills\nBilingual (Bangla & English)\nLanguages\nEnglish, Marathi, Hindi, Croatian\n"
    languages = {lang.code: lang.level for lang in _profile(text).languages}
    assert languages == {"bn": "C2", "en": "C2", "mr": None, "hi": None, "hr": None}


@pytest.mark.parametrize(
    "line",
    [
        "General Courses : Cluj Community College",
        "Accounting 2009 Pinewood College City , State Coursework in Payroll and Bookkeeping",
        "Some college, Northern State University",
    ],
)
def test_courses_at_a_college_are_no_degree_the_diploma_is_the_highest(line: str) -> None:
    text = f"Education\n{line}\nHigh School Diploma 2005 Lincoln High School\n"
    assert _profile(text).education.highest == "secondary"


@pytest.mark.parametrize(
    "line",
    [
        "Bachelor of Arts : Economics, Eastern University. Relevant coursework: Finance, Audit",
        "Facultatea de Științe Economice, ASE București, cursuri de zi, 2010 - 2013",
        "Economics, State University",
    ],
)
def test_a_degree_or_a_school_alone_still_names_the_level(line: str) -> None:
    assert _profile(f"Education\n{line}\n").education.highest == "bachelor"
