"""Europass "PDF + XML": the CV the editor attaches as XML wins over the page text, and every
fact it gives is shown where the page says it (issue 14, point 2)."""

from __future__ import annotations

import datetime
from pathlib import Path

import defusedxml.ElementTree as SafeTree
import pytest

from recruit.core.europass import find_europass_xml, read_europass
from recruit.core.pipeline import analyse
from recruit.core.profile import Profile
from tests import cvgen
from tests.cvgen import CvDocument, Section

EUROPASS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "europass"
EXAMPLES = ["Europass_CV_V3.0.3_Example.xml", "Europass_CV_V3.1.0_Example.xml"]
ATTACHMENT = "Europass-CV-XML-Attachment.xml"
needs_shared = pytest.mark.skipif(not EUROPASS.is_dir(), reason="../shared/data/europass is absent")

NS = "{http://europass.cedefop.europa.eu/Europass}"


def _find(element, path: str) -> str:  # type: ignore[no-untyped-def]
    found = element.find("/".join(NS + part for part in path.split("/")))
    return " ".join((found.text or "").split()) if found is not None else ""


def _page_of(xml: bytes) -> CvDocument:
    """Lay out the visible CV of a Europass XML as the editor's PDF shows it (2013 layout)."""
    root = SafeTree.fromstring(xml)
    learner = root.find(NS + "LearnerInfo")
    name = " ".join(
        _find(learner, f"Identification/PersonName/{part}") for part in ("FirstName", "Surname")
    )
    work = []
    for item in learner.iter(NS + "WorkExperience"):
        start = item.find(f"{NS}Period/{NS}From").get("year")
        current = _find(item, "Period/Current") == "true"
        work.append(
            f"{start} – {'Present' if current else '2010'}\t{_find(item, 'Position/Label')}"
        )
        work.append(_find(item, "Employer/Name"))
    education = []
    for item in learner.iter(NS + "Education"):
        start = item.find(f"{NS}Period/{NS}From").get("year")
        education.append(f"{start} – Present\t{_find(item, 'Title')}")
        education.append(_find(item, "Organisation/Name"))
    languages = []
    for item in learner.iter(NS + "MotherTongue"):
        languages.append("Mother tongue(s) " + _find(item, "Description/Label"))
    for item in learner.iter(NS + "ForeignLanguage"):
        levels = [
            _find(item, f"ProficiencyLevel/{skill}")
            for skill in (
                "Listening",
                "Reading",
                "SpokenInteraction",
                "SpokenProduction",
                "Writing",
            )
        ]
        languages.append(" ".join([_find(item, "Description/Label"), *filter(None, levels)]))
    licences = [el.text for el in learner.iter(NS + "Licence")]
    return CvDocument(
        header=[name, _find(learner, "Identification/ContactInfo/Email/Contact")],
        main=[
            Section("Work experience", work),
            Section("Education and training", education),
            Section("Personal skills", languages),
            Section("Driving licence", [" ".join(licences)]),
        ],
    )


def _analyse(xml: bytes, *, attach: bool = True) -> tuple[bytes, Profile]:
    page = cvgen.render_pdf(_page_of(xml), "europass")
    data = cvgen.attach_files(page, [(ATTACHMENT, xml)]) if attach else page
    analysis = analyse(data, "cv.pdf")
    assert analysis.read.status == "ok" and analysis.profile is not None
    return data, analysis.profile


@needs_shared
@pytest.mark.parametrize("example", EXAMPLES)
def test_the_attached_xml_gives_positions_education_languages_and_licences(
    example: str,
) -> None:
    xml = (EUROPASS / example).read_bytes()
    _, profile = _analyse(xml)
    (job,) = profile.experience.positions
    assert (job.title, job.employer, job.start, job.current) == (
        "Martial Arts Instructor",
        "School of Ninjutsu",
        "2001-01",
        True,
    )
    (study,) = profile.education.entries
    assert study.level == "bachelor"  # EQF 6, though the page names no degree
    assert study.in_progress and study.end is None
    # Studying for a bachelor's (current since 1995 in the example): not yet a graduate.
    assert (profile.education.highest, profile.education.in_progress) == ("secondary", "bachelor")
    by_code = {lang.code: lang for lang in profile.languages}
    assert by_code["en"].level == "C2"  # mother tongue
    japanese = by_code["ja"]
    assert japanese.level == "C1"
    assert japanese.skill_levels == dict.fromkeys(
        ("listening", "reading", "spoken_interaction", "spoken_production", "writing"), "C1"
    )
    assert "grc" not in by_code and "el" not in by_code  # Ancient Greek has no ISO 639-1 code
    assert profile.driving_licence == ("A", "B", "BE")


@needs_shared
@pytest.mark.parametrize("example", EXAMPLES)
def test_every_fact_from_the_xml_points_at_the_page_text(example: str) -> None:
    xml = (EUROPASS / example).read_bytes()
    data, profile = _analyse(xml)
    text = analyse(data).read.text
    (job,) = profile.experience.positions
    quoted = [e.text for e in job.evidence]
    assert quoted == ["2001 – Present", "Martial Arts Instructor", "School of Ninjutsu"]
    (study,) = profile.education.entries
    assert [e.text for e in study.evidence][:2] == ["1995 – Present", "Martial Arts"]
    japanese = next(lang for lang in profile.languages if lang.code == "ja")
    assert [e.text for e in japanese.evidence] == ["Japanese C1 C1 C1 C1 C1"]
    assert profile.licence_evidence and "A B BE" in profile.licence_evidence[0].text
    for evidence in (*job.evidence, *study.evidence, *japanese.evidence):
        assert text[evidence.start : evidence.end] == evidence.text
        assert evidence.page == 1


@needs_shared
def test_without_the_attachment_the_page_text_is_read() -> None:
    xml = (EUROPASS / EXAMPLES[1]).read_bytes()
    _, from_text = _analyse(xml, attach=False)
    _, from_xml = _analyse(xml)
    assert [lang.skill_levels for lang in from_text.languages] == [{}] * len(from_text.languages)
    assert {lang.code for lang in from_xml.languages if lang.skill_levels} == {"ja"}
    assert from_text.experience.positions[0].evidence != from_xml.experience.positions[0].evidence


@needs_shared
def test_the_editor_s_own_pdf_xml_export() -> None:
    path = EUROPASS / "Europass-CV-20130618-Emmanouilidi-EN.pdf"
    analysis = analyse(path.read_bytes(), path.name)
    attached = [(f.name, f.data) for f in analysis.read.embedded_files]
    xml = find_europass_xml(attached)
    assert xml is not None
    cv = read_europass(xml, analysis.read.text, analysis.read.page_starts)
    # The sample states only a name: no facts to take from it, nothing invented.
    assert cv is not None and (cv.jobs, cv.studies, cv.languages, cv.licences) == ((), (), (), ())
    assert analysis.profile is not None and analysis.profile.name == "Sofia Emmanouilidi"
    assert analysis.profile.experience.positions == ()


def _xml(learner: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<SkillsPassport xmlns="http://europass.cedefop.europa.eu/Europass">'
        f"<LearnerInfo>{learner}</LearnerInfo></SkillsPassport>"
    ).encode()


def test_periods_levels_and_grids_of_a_romanian_europass_xml() -> None:
    xml = _xml(
        "<WorkExperienceList>"
        '<WorkExperience><Period><From year="2019" month="--03"/><Current>true</Current></Period>'
        "<Position><Label>Manager de cont</Label></Position>"
        "<Activities>&lt;ul&gt;&lt;li&gt;Vânzări de credite și negocierea contractelor"
        "&lt;/li&gt;&lt;/ul&gt;</Activities>"
        "<Employer><Name>Banca Transilvania</Name></Employer></WorkExperience>"
        '<WorkExperience><Period><From year="2015" month="--06"/><To year="2019" month="--02"/>'
        "</Period><Position><Label>Casier</Label></Position>"
        "<Employer><Name>Lidl România</Name></Employer></WorkExperience>"
        "</WorkExperienceList><EducationList>"
        '<Education><Period><From year="2022" month="--10"/><Current>true</Current></Period>'
        "<Title>Master în marketing</Title><Organisation><Name>Academia de Studii Economice"
        "</Name></Organisation><Level><Code>7</Code></Level></Education>"
        '<Education><Period><From year="2011"/><To year="2014"/></Period>'
        "<Title>Științe economice</Title><Organisation><Name>Universitatea de Vest</Name>"
        "</Organisation><Level><Label>EQF 6</Label></Level></Education>"
        "</EducationList><Skills><Linguistic>"
        "<MotherTongueList><MotherTongue><Description><Code>ro</Code><Label>română</Label>"
        "</Description></MotherTongue></MotherTongueList><ForeignLanguageList>"
        "<ForeignLanguage><Description><Label>engleză</Label></Description><ProficiencyLevel>"
        "<Listening>C1</Listening><Reading>C2</Reading><SpokenInteraction>B2"
        "</SpokenInteraction><SpokenProduction>B1</SpokenProduction><Writing>a2</Writing>"
        "</ProficiencyLevel></ForeignLanguage></ForeignLanguageList></Linguistic>"
        "<Driving><Description><Licence>B</Licence></Description></Driving></Skills>"
    )
    text = (
        "EXPERIENȚA PROFESIONALĂ\n03/2019 – prezent\nManager de cont\nBanca Transilvania\n"
        "06/2015 – 02/2019\nCasier\nLidl România\nEDUCAȚIE ȘI FORMARE\n10/2022 – prezent\n"
        "Master în marketing\nAcademia de Studii Economice\n2011 – 2014\nȘtiințe economice\n"
        "Universitatea de Vest\nCOMPETENȚE PERSONALE\nLimba(i) maternă(e) română\n"
        "engleză C1 C2 B2 B1 A2\nPermis de conducere\nB\n"
    )
    from recruit.core.extraction import extract_profile

    profile = extract_profile(
        text, doc_date=datetime.date(2024, 6, 15), attachments=[("cv.xml", xml)]
    )
    exp = profile.experience
    assert [(p.title, p.employer, p.start, p.end, p.current, p.sales) for p in exp.positions] == [
        ("Manager de cont", "Banca Transilvania", "2019-03", "2024-06", True, True),
        ("Casier", "Lidl România", "2015-06", "2019-02", False, True),
    ]
    assert exp.total_months == 64 + 45
    assert [p.evidence[0].text for p in exp.positions] == ["03/2019 – prezent", "06/2015 – 02/2019"]
    edu = profile.education
    assert [(e.level, e.in_progress, e.end) for e in edu.entries] == [
        ("master", True, None),
        ("bachelor", False, "2014-12"),
    ]
    # A master's student with a bachelor's: the bachelor's is held, the master's under way.
    assert (edu.highest, edu.incomplete, edu.in_progress) == ("bachelor", True, "master")
    english = next(lang for lang in profile.languages if lang.code == "en")
    # Sorted A2 B1 B2 C1 C2: the median is B2.
    assert english.level == "B2"
    assert english.skill_levels == {
        "listening": "C1",
        "reading": "C2",
        "spoken_interaction": "B2",
        "spoken_production": "B1",
        "writing": "A2",
    }
    assert english.evidence[0].text == "engleză C1 C2 B2 B1 A2"
    assert profile.driving_licence == ("B",)
    assert Profile.from_dict(profile.to_dict()) == profile


@pytest.mark.parametrize(
    "payload",
    [
        # Billion laughs: entities that expand to gigabytes.
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<SkillsPassport><LearnerInfo>&lol2;</LearnerInfo></SkillsPassport>",
        # An external entity that would read a local file.
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY f SYSTEM "file:///etc/passwd">]>'
        b"<SkillsPassport><LearnerInfo>&f;</LearnerInfo></SkillsPassport>",
        b"<SkillsPassport><LearnerInfo><unclosed></SkillsPassport>",
        b"<Other/>",
        b"\xff\xfe not xml at all",
    ],
    ids=["entities", "external-entity", "broken", "not-europass", "binary"],
)
def test_unsafe_or_broken_xml_is_ignored_and_the_page_is_read(payload: bytes) -> None:
    assert read_europass(payload, "text") is None
    page = cvgen.render_pdf(cvgen.sample_cvs()["en"], "europass")
    analysis = analyse(cvgen.attach_files(page, [("cv.xml", payload)]), "cv.pdf")
    plain = analyse(page, "cv.pdf")
    assert analysis.read.status == "ok"
    assert analysis.profile == plain.profile


def test_only_a_europass_xml_is_taken() -> None:
    xml = _xml("")
    assert find_europass_xml([("notes.txt", b"hello"), ("cv.xml", xml)]) == xml
    assert find_europass_xml([("data.xml", b"<?xml version='1.0'?><Invoice/>")]) is None
    assert find_europass_xml([]) is None
