"""Europass CVs as their editors lay them out (issue 14, point 1): the 2004 label column
(Perioada, Funcția sau postul ocupat ...), the 2013 editor and the 2020 editor (capitals,
"– CURRENT", a full-width language grid), in Romanian and English, with and without
diacritics, written in reading order and row by row; read from real generated PDFs."""

from __future__ import annotations

import datetime

import pytest

from recruit.core.pipeline import analyse
from recruit.core.profile import Profile
from recruit.core.text import fold
from tests import cvgen
from tests.cvgen import EuropassCv, EuropassJob, EuropassStudy

TODAY = datetime.date.today()  # reportlab stamps 2000-01-01: "present" is today
NOW = f"{TODAY.year:04d}-{TODAY.month:02d}"

ENGLISH_RO = {
    "listening": "C1",
    "reading": "C2",
    "spoken_interaction": "B2",
    "spoken_production": "B1",
    "writing": "A2",
}
FRENCH_RO = {
    "listening": "A2",
    "reading": "B1",
    "spoken_interaction": "A2",
    "spoken_production": "A1",
    "writing": "A1",
}
# The CV: ENGLISH; Listening B2, Reading B2, Spoken production B1, Spoken
# interaction B2, Writing B2.
ENGLISH_EN = {
    "listening": "B2",
    "reading": "B2",
    "spoken_production": "B1",
    "spoken_interaction": "B2",
    "writing": "B2",
}

ROMANIAN = EuropassCv(
    language="ro",
    name="Ioana-Maria Dumitrescu",
    email="ioana.dumitrescu@example.ro",
    phone="0744 555 321",
    jobs=[
        EuropassJob(
            (2019, 3),
            None,
            "Manager de cont",
            "Banca Transilvania",
            "Cluj-Napoca, România",
            ["Gestionarea portofoliului de clienți corporativi", "Vânzarea de credite"],
        ),
        EuropassJob(
            (2015, 6),
            (2019, 2),
            "Consultant vânzări",
            "Orange România",
            "București, România",
            ["Consilierea clienților pentru abonamente"],
        ),
    ],
    studies=[
        # A master's student with a bachelor's degree.
        EuropassStudy(
            (2022, 10),
            None,
            "Master în marketing",
            "Academia de Studii Economice",
            "București, România",
            7,
        ),  # fmt: skip
        EuropassStudy(
            (2011, 10),
            (2014, 7),
            "Licență în științe economice",
            "Universitatea Babeș-Bolyai",
            "Cluj-Napoca, România",
            6,
        ),  # fmt: skip
    ],
    mother_tongue="română",
    languages=[("Engleză", ENGLISH_RO), ("Franceză", FRENCH_RO)],
    licence="B",
)
ENGLISH = EuropassCv(
    language="en",
    name="Andrei Popa",
    email="andrei.popa@example.com",
    phone="+40 745 111 222",
    jobs=[
        EuropassJob(
            (2021, 9),
            None,
            "Customer Service Representative",
            "Telekom Romania",
            "Cluj-Napoca, Romania",
            ["Answering client calls and selling subscriptions"],
        )
    ],
    studies=[
        # "2023 – CURRENT Cluj-Napoca, Romania / STUDENT Technical University of Cluj-Napoca"
        EuropassStudy(
            (2023, 10),
            None,
            "Student",
            "Technical University of Cluj-Napoca",
            "Cluj-Napoca, Romania",
        ),  # fmt: skip
        EuropassStudy(
            (2018, 9),
            (2022, 6),
            "Baccalaureate diploma",
            "Emil Racoviță National College",
            "Cluj-Napoca, Romania",
            4,
        ),  # fmt: skip
    ],
    mother_tongue="Romanian",
    languages=[("English", ENGLISH_EN)],
    licence="B",
)


def _profile(cv: EuropassCv, generation: str, diacritics: bool, order: str) -> Profile:
    data = cvgen.render_europass(cv, generation, diacritics=diacritics, file_order=order)
    analysis = analyse(data, "cv.pdf")
    assert analysis.read.status == "ok" and analysis.profile is not None
    text = analysis.read.text
    profile = analysis.profile
    evidence = [e for p in profile.experience.positions for e in p.evidence]
    evidence += [e for x in profile.education.entries for e in x.evidence]
    evidence += [e for lang in profile.languages for e in lang.evidence]
    for item in evidence:
        assert text[item.start : item.end] == item.text
    return profile


def _key(text: str | None) -> str:
    return fold(text or "")


layouts = pytest.mark.parametrize(
    ("generation", "diacritics", "order"),
    [
        pytest.param(
            generation, diacritics, order, marks=[pytest.mark.slow] if order == "rows" else []
        )
        for generation in cvgen.EUROPASS_GENERATIONS
        for diacritics in (True, False)
        for order in ("flow", "rows")
    ],
)


@layouts
def test_a_romanian_europass(generation: str, diacritics: bool, order: str) -> None:
    profile = _profile(ROMANIAN, generation, diacritics, order)
    positions = [
        (_key(p.title), _key(p.employer), p.start, p.end, p.current)
        for p in profile.experience.positions
    ]
    assert positions == [
        ("manager de cont", "banca transilvania", "2019-03", NOW, True),
        ("consultant vanzari", "orange romania", "2015-06", "2019-02", False),
    ]
    edu = profile.education
    assert [(e.level, e.in_progress) for e in edu.entries] == [
        ("master", True),
        ("bachelor", False),
    ]
    # Master's student with a bachelor's: the bachelor's is held, the master's under way.
    assert (edu.highest, edu.in_progress) == ("bachelor", "master")
    languages = {lang.code: lang for lang in profile.languages}
    assert languages["ro"].level == "C2"
    assert languages["en"].skill_levels == ENGLISH_RO
    assert languages["en"].level == "B2"  # A2 B1 B2 C1 C2: the median
    assert languages["fr"].skill_levels == FRENCH_RO
    assert languages["fr"].level == "A2"  # A1 A1 A2 A2 B1
    # The evidence shows the grid row: the language's line and every level read.
    row = languages["en"].evidence
    assert _key(row[0].text).startswith("engleza")
    assert sorted(code for e in row for code in e.text.split() if code in ENGLISH_RO.values()) == [
        "A2", "B1", "B2", "C1", "C2",
    ]  # fmt: skip
    assert profile.driving_licence == ("B",)


@layouts
def test_an_english_europass_of_a_student(generation: str, diacritics: bool, order: str) -> None:
    profile = _profile(ENGLISH, generation, diacritics, order)
    (job,) = profile.experience.positions
    assert (_key(job.title), _key(job.employer), job.start, job.current) == (
        "customer service representative",
        "telekom romania",
        "2021-09",
        True,
    )
    student, school = profile.education.entries
    # Not a degree called "Cluj-Napoca": the place after the dates is no part of the entry.
    assert _key(student.degree) == "student"
    assert _key(student.institution).startswith("technical university of cluj-napoca")
    assert (student.level, student.in_progress, student.end) == ("bachelor", True, None)
    assert (school.level, school.in_progress) == ("secondary", False)
    # A student is not yet a graduate: secondary held, a bachelor's under way.
    assert (profile.education.highest, profile.education.in_progress) == ("secondary", "bachelor")
    english = next(lang for lang in profile.languages if lang.code == "en")
    assert english.skill_levels == ENGLISH_EN
    assert english.level == "B2"
    assert profile.driving_licence == ("B",)
    assert [lang.code for lang in profile.languages] == ["ro", "en"]


def test_the_2020_grid_s_last_column_is_read_by_its_place_not_its_text_order() -> None:
    data = cvgen.render_europass(ENGLISH, "2020")
    analysis = analyse(data, "cv.pdf")
    text = analysis.read.text
    english = next(lang for lang in analysis.profile.languages if lang.code == "en")  # type: ignore[union-attr]
    writing = [e for e in english.evidence if e.start > text.index("DRIVING LICENCE")]
    if writing:  # the reader wrote the WRITING column after the next section
        assert [e.text for e in writing] == ["B2"]
    assert english.skill_levels["writing"] == "B2"
    assert analysis.profile.driving_licence == ("B",)  # type: ignore[union-attr]


@pytest.mark.parametrize("layout", cvgen.LAYOUTS)
def test_a_cv_without_a_grid_keeps_its_listed_levels(layout: str) -> None:
    analysis = analyse(cvgen.render_pdf(cvgen.sample_cvs()["ro"], layout), "cv.pdf")
    languages = {lang.code: lang for lang in analysis.profile.languages}  # type: ignore[union-attr]
    assert (languages["en"].level, languages["fr"].level) == ("C1", "B1")
    assert all(not lang.skill_levels for lang in languages.values())


# --- the rules behind them, on text -------------------------------------------------------

DOC_DATE = datetime.date(2024, 6, 15)


def _text_profile(text: str) -> Profile:
    from recruit.core.extraction import extract_profile

    return extract_profile(text, doc_date=DOC_DATE)


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("2015 – 2017 Titre de niveau 7 — École de commerce, Lyon", "master"),
        ("2012 – 2014 Diplôme RNCP niveau 7, Grenoble", "master"),
        ("2016 – 2019 Economics, EQF level 6, University of Bucharest", "bachelor"),
        ("2016 – 2019 Nivel EQF 6 — Universitatea din Craiova", "bachelor"),
        ("2019 – 2023 Doctorat, nivelul 8 EQF", "doctorate"),
        # A graduate whose entry names no degree: the school says the level.
        ("2010 – 2014 Universitatea Politehnica din București", "bachelor"),
        ("2010 – 2014 Institutul de Studii Financiare, București", "bachelor"),
        ("2006 – 2010 Liceul Teoretic „Avram Iancu”", "secondary"),
    ],
)
def test_qualification_levels(line: str, level: str) -> None:
    education = _text_profile(f"Ana Pop\nEDUCAȚIE\n{line}\n").education
    assert education.highest == level
    assert education.in_progress is None


@pytest.mark.parametrize(
    ("line", "title", "employer"),
    [
        ("2019 – 2021 ACCOUNT MANAGER Banca Transilvania", "ACCOUNT MANAGER", "Banca Transilvania"),
        ("2019 – 2021 IT Manager — Orange", "IT Manager", "Orange"),
        ("2019 – 2021 SAP Consultant, Accenture", "SAP Consultant", "Accenture"),
    ],
)
def test_a_title_in_capitals_then_the_employer(line: str, title: str, employer: str) -> None:
    (position,) = _text_profile(f"Ana Pop\nEXPERIENȚĂ\n{line}\n").experience.positions
    assert (position.title, position.employer) == (title, employer)


def test_a_label_wrapped_in_the_label_column() -> None:
    text = (
        "Ana Pop\nExperiența profesională\nPerioada Martie 2019 – prezent\n"
        "Funcția sau postul ocupat Manager de cont\nNumele și adresa\nangajatorului\n"
        "Banca Transilvania, Cluj-Napoca\nEducație și formare\nPerioada 2010 – 2014\n"
        "Calificarea / diploma obținută Licență în economie\nName and type of organisation\n"
        "providing education and\ntraining\nUniversitatea de Vest, Timișoara\n"
    )
    profile = _text_profile(text)
    (position,) = profile.experience.positions
    assert (position.title, position.employer) == ("Manager de cont", "Banca Transilvania")
    # "training" after "providing education and" continues the label: no new section.
    (entry,) = profile.education.entries
    assert entry.institution == "Universitatea de Vest, Timișoara"
