"""Real-world Romanian sections (issue 14, point 6): how Romanian CVs name their experience,
internships and volunteering, read from text and from generated PDFs."""

from __future__ import annotations

import datetime

import pytest

from recruit.core.extraction import extract_profile
from recruit.core.profile import Profile
from recruit.core.reading import read_document
from tests import cvgen
from tests.cvgen import CvDocument, Section, strip_diacritics

DOC_DATE = datetime.date(2024, 6, 15)

# A student's CV: education first, then the work under "Proiecte și experiență profesională",
# which used to be no heading, so these entries became education.
PROJECTS_CV = """Mihai Ionescu
EDUCAȚIE
2012 – 2016
Licență în informatică — Universitatea Politehnica din București
Proiecte și experiență profesională
2011–prezent
Membru, asociație studențească de software liber
2011 – prezent
Coordonator proiect, laborator de robotică
06.2019 – 03.2021
Analist vânzări — Distribuție SRL
"""


def _extract(text: str) -> Profile:
    return extract_profile(text, doc_date=DOC_DATE)


@pytest.mark.parametrize("plain", [False, True], ids=["diacritics", "plain"])
def test_projects_and_professional_experience_is_work(plain: bool) -> None:
    profile = _extract(strip_diacritics(PROJECTS_CV) if plain else PROJECTS_CV)
    positions = [(p.start, p.end, p.current) for p in profile.experience.positions]
    assert positions == [
        ("2011-01", "2024-06", True),
        ("2011-01", "2024-06", True),
        ("2019-06", "2021-03", False),
    ]
    assert profile.experience.total_months == 162  # 2011-01 .. 2024-06
    (entry,) = profile.education.entries
    assert entry.start == "2012-01" and entry.level == "bachelor"


@pytest.mark.parametrize(
    "heading",
    [
        "Experiență relevantă",
        "Istoric profesional",
        "Activitate profesională",
        "Stagii",
        "Stagii de practică",
        "Internships",
    ],  # fmt: skip
)
def test_other_experience_headings(heading: str) -> None:
    text = (
        "Ana Pop\nEDUCAȚIE\n2015 - 2018 Licență, Universitatea de Vest\n"
        f"{heading.upper()}\nIunie 2019 - Martie 2021\nAgent vânzări — Altex\n"
    )
    (position,) = _extract(text).experience.positions
    assert (position.title, position.employer) == ("Agent vânzări", "Altex")
    assert (position.start, position.end) == ("2019-06", "2021-03")


VOLUNTEER_CV = """Ioana Marin
EXPERIENȚĂ PROFESIONALĂ
2019 - în prezent
Consilier clienți — Banca Comercială Română
VOLUNTARIAT
sept. '15 – iun. '17
Voluntar — Crucea Roșie Română
din 2021
Mentor — asociație pentru tineri
EDUCAȚIE
2015 – 2018 Licență, Academia de Studii Economice
"""


def test_volunteering_is_counted_apart_from_work() -> None:
    exp = _extract(VOLUNTEER_CV).experience
    assert [(p.title, p.start) for p in exp.positions] == [("Consilier clienți", "2019-01")]
    assert exp.total_months == 66  # 2019-01 .. 2024-06: volunteering adds nothing
    assert [(p.title, p.start, p.end, p.current) for p in exp.volunteering] == [
        ("Voluntar", "2015-09", "2017-06", False),
        ("Mentor", "2021-01", "2024-06", True),
    ]
    assert exp.volunteer_months == 22 + 42
    for position in exp.volunteering:
        assert position.evidence and VOLUNTEER_CV[position.evidence[0].start :].startswith(
            position.evidence[0].text
        )


def test_volunteering_survives_the_stored_json() -> None:
    profile = _extract(VOLUNTEER_CV)
    assert Profile.from_dict(profile.to_dict()) == profile


_SECTIONS_PDF = CvDocument(
    header=["Ioana Marin", "Telefon: 0722 000 111"],
    main=[
        Section(
            "Proiecte și experiență profesională",
            [
                "2010–prezent\tCoordonator proiecte — Fundația pentru Educație Digitală",
                "• Organizarea atelierelor de programare pentru elevi",
                "06.2019 – 03.2021\tManager de cont — Orange România",
            ],
        ),
        Section("Stagii", ["Iunie 2008 - Martie 2009\tStagiar vânzări — Altex"]),
        Section("Voluntariat", ["sept. '18 – azi\tVoluntar — Crucea Roșie Română"]),
        Section("Educație și formare", ["2005 – 2009\tLicență — Universitatea din București"]),
    ],
)


@pytest.mark.parametrize("layout", ["single", "europass", "sidebar_left"])
@pytest.mark.parametrize("plain", [False, True], ids=["diacritics", "plain"])
def test_the_sections_through_a_generated_pdf(layout: str, plain: bool) -> None:
    doc = cvgen.map_text(_SECTIONS_PDF, strip_diacritics) if plain else _SECTIONS_PDF
    read = read_document(cvgen.render_pdf(doc, layout), "cv.pdf")
    profile = extract_profile(read.text, language=read.language, doc_date=DOC_DATE)
    exp = profile.experience
    assert [(p.start, p.end) for p in exp.positions] == [
        ("2010-01", "2024-06"),
        ("2019-06", "2021-03"),
        ("2008-06", "2009-03"),
    ]
    assert [(p.start, p.end, p.current) for p in exp.volunteering] == [("2018-09", "2024-06", True)]
    assert exp.total_months == 174 + 10
