"""Extraction from normalised CV text: sections, positions, education, languages, licence,
skills and name, each fact with its evidence."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from recruit.core.extraction import extract_profile
from recruit.core.names import looks_like_name
from recruit.core.nlp import load_jsonl, pipeline
from recruit.core.profile import Profile, Typo
from recruit.core.sections import Line, classify_heading, find_sections
from recruit.core.skills import skill_catalog
from recruit.core.text import detect_language, fold
from tests.cvgen import LAYOUTS, expected_text, sample_cvs, strip_diacritics

DOC_DATE = datetime.date(2024, 6, 15)
SHARED_CVS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cvs"


@pytest.fixture(scope="session")
def nlp() -> dict[str, Language]:
    """Build both pipelines once for the whole session."""
    return {language: pipeline(language) for language in ("ro", "en")}


Extract = Callable[..., Profile]


@pytest.fixture
def extract(nlp: dict[str, Language]) -> Extract:
    """Extract with a fixed document date, on the session's pipelines."""

    def run(text: str, **kwargs: object) -> Profile:
        kwargs.setdefault("doc_date", DOC_DATE)
        return extract_profile(text, **kwargs)  # type: ignore[arg-type]

    return run


RO_CV = """Ana-Maria Popescu-Ionescu
Manager de cont
Telefon: 0722 123 456
EXPERIENȚĂ PROFESIONALĂ
03/2019 - prezent
Manager de cont
Banca Transilvania SA, Cluj-Napoca
• Gestionarea portofoliului de clienți, vânzarea de credite și carduri
Agent vânzări — Orange România
Ian 2016 - Mar 2019
• Vânzarea de abonamente și portări
2015 – 2016 | Contabil — Expert Audit SRL
EDUCAȚIE ȘI FORMARE
2010 - 2014 Licență în Economie, Universitatea Babeș-Bolyai
2006 – 2010 Liceul Teoretic „Avram Iancu”
LIMBI STRĂINE
Limba maternă: română
Engleză C1 C1 B2 B2 B2
Franceză - nivel mediu
PERMIS DE CONDUCERE
Categoria B, mașină proprie
COMPETENȚE
Negociere, lucru în echipă, rezistență la stres, Salesforce
"""


def test_a_romanian_cv(extract: Extract) -> None:
    profile = extract(RO_CV)
    assert profile.language == "ro"
    assert profile.name == "Ana-Maria Popescu-Ionescu"
    positions = [(p.title, p.employer, p.start, p.end, p.current, p.sales)
                 for p in profile.experience.positions]  # fmt: skip
    assert positions == [
        ("Manager de cont", "Banca Transilvania SA", "2019-03", "2024-06", True, True),
        ("Agent vânzări", "Orange România", "2016-01", "2019-03", False, True),
        ("Contabil", "Expert Audit SRL", "2015-01", "2016-12", False, False),
    ]
    # 2015-01 .. 2024-06, with 2016-01 .. 2016-12 worked twice.
    assert profile.experience.total_months == 114
    assert profile.experience.sales_months == 102
    assert profile.education.highest == "bachelor"
    assert [e.level for e in profile.education.entries] == ["bachelor", "secondary"]
    assert [(x.code, x.level) for x in profile.languages] == [
        ("ro", "C2"),
        ("en", "B2"),
        ("fr", "B1"),
    ]
    assert profile.driving_licence == ("B",)
    assert profile.own_car
    ids = {s.id for s in profile.skills}
    assert {"negotiation", "teamwork", "stress_resistance", "salesforce", "client_portfolio",
            "loans", "cards", "subscriptions", "sales"} <= ids  # fmt: skip


def test_every_fact_has_evidence_that_quotes_the_text(extract: Extract) -> None:
    profile = extract(RO_CV, page_starts=(0, RO_CV.index("EDUCAȚIE")))
    evidence = [*profile.name_evidence, *profile.licence_evidence, *profile.own_car_evidence]
    for group in (profile.skills, profile.experience.positions, profile.education.entries,
                  profile.languages):  # fmt: skip
        for item in group:
            assert item.evidence, item
            evidence += item.evidence
    for ev in evidence:
        assert RO_CV[ev.start : ev.end] == ev.text
        assert ev.page == (1 if ev.start < RO_CV.index("EDUCAȚIE") else 2)
    assert profile.name_evidence[0].text == "Ana-Maria Popescu-Ionescu"
    assert "Categoria B" in profile.licence_evidence[0].text


def test_romanian_without_diacritics_reads_the_same(extract: Extract) -> None:
    with_marks = extract(RO_CV)
    plain = extract(strip_diacritics(RO_CV))
    assert plain.name == "Ana-Maria Popescu-Ionescu"
    assert _positions(plain) == _positions(with_marks)
    assert plain.experience.total_months == with_marks.experience.total_months
    assert plain.education.highest == with_marks.education.highest
    assert [(x.code, x.level) for x in plain.languages] == [
        (x.code, x.level) for x in with_marks.languages
    ]
    assert {s.id for s in plain.skills} == {s.id for s in with_marks.skills}
    assert plain.driving_licence == ("B",) and plain.own_car


def _positions(profile: Profile) -> list[tuple[object, ...]]:
    return [
        (strip_diacritics(p.title or ""), strip_diacritics(p.employer or ""), p.start, p.end,
         p.current, p.sales)
        for p in profile.experience.positions
    ]  # fmt: skip


def test_matching_ignores_diacritics_and_inflections(extract: Extract) -> None:
    for text in ("vânzări", "vanzari", "Vânzările", "VANZARI", "vânzarea"):
        assert "sales" in {s.id for s in extract(text, language="ro").skills}, text
    skills = extract("negocierea contractelor și gestionarea reclamatiilor", language="ro").skills
    assert {"negotiation", "contracts", "complaint_handling"} <= {s.id for s in skills}
    english = extract("Negotiated contracts, handled complaints", language="en").skills
    assert {"negotiation", "contracts", "complaint_handling"} <= {s.id for s in english}


def test_skill_counts_and_labels_in_the_cv_language(extract: Extract) -> None:
    profile = extract("Negociere. Am negociat contracte. Negocieri zilnice.", language="ro")
    (negotiation,) = [s for s in profile.skills if s.id == "negotiation"]
    assert negotiation.count == 3 and negotiation.label == "Negociere"
    english = extract("Negotiation and more negotiation.", language="en")
    assert [(s.id, s.label, s.count) for s in english.skills] == [("negotiation", "Negotiation", 2)]


def test_a_phrase_wrapped_over_two_lines(extract: Extract) -> None:
    text = "• Advised clients on loans and savings\naccounts"
    (deposits,) = [s for s in extract(text, language="en").skills if s.id == "deposits"]
    assert deposits.evidence[0].text == "savings\naccounts"


def test_ordinary_words_are_not_skills(extract: Extract) -> None:
    text = "In order to cut cost savings we filed tax returns and planned the stock market plan."
    assert extract(text, language="en").skills == ()


def test_word_excel_need_their_capital(extract: Extract) -> None:
    ids = {s.id for s in extract("In other words, we excel at it.", language="en").skills}
    assert not {"word", "excel"} & ids
    ids = {s.id for s in extract("Tools: Word, Excel, PowerPoint", language="en").skills}
    assert {"word", "excel", "powerpoint"} <= ids


def test_skill_patterns_use_catalogue_ids_only() -> None:
    catalog = skill_catalog()
    for language in ("ro", "en"):
        for row in load_jsonl("patterns", language, "skills.jsonl"):
            assert row["id"] in catalog, row


def test_a_misspelt_key_term_gets_credit(extract: Extract) -> None:
    text = "Experiență în negocire și vanzări."
    start = text.index("negocire")
    typo = Typo("negociere", "negocire", "negociere", 1, start, start + len("negocire"))
    without = {s.id for s in extract(text, language="ro").skills}
    with_typo = extract(text, language="ro", typos=[typo])
    assert "negotiation" not in without
    (skill,) = [s for s in with_typo.skills if s.id == "negotiation"]
    assert skill.evidence[0].text == "negocire"
    assert with_typo.typos == (typo,)


def test_a_misspelt_term_of_two_words(extract: Extract) -> None:
    text = "Skills: custmer servce"
    start = text.index("custmer")
    typo = Typo("customer service", "custmer servce", "customer service", 1, start, len(text))
    assert "customer_service" in {s.id for s in extract(text, typos=[typo]).skills}


# --- sections -------------------------------------------------------------------------


def _heading_rows() -> list[tuple[str, str]]:
    rows = []
    for language in ("ro", "en"):
        for row in load_jsonl("patterns", language, "sections.jsonl"):
            if row["label"] == "HEADING":
                rows.append((row["pattern"], row["id"]))
    return rows


@pytest.mark.parametrize(("heading", "kind"), _heading_rows())
def test_every_heading_variant(heading: str, kind: str) -> None:
    for text in (
        heading,
        heading.upper(),
        strip_diacritics(heading),
        heading + ":",
        "■ " + heading,
    ):
        assert classify_heading(Line(0, len(text), text)) == (kind, None), text


@pytest.mark.parametrize(
    ("line", "kind", "value"),
    [
        ("Permis de conducere: categoria B", "licence", "categoria B"),
        ("Limba(i) maternă(e) română", "mother_tongue", "română"),
        ("Mother tongue(s): Romanian", "mother_tongue", "Romanian"),
        ("Skills: Excel, CRM", "skills", "Excel, CRM"),
        ("Limbi străine: engleză, franceză", "languages", "engleză, franceză"),
    ],
)
def test_a_field_with_its_value_on_the_same_line(line: str, kind: str, value: str) -> None:
    found = classify_heading(Line(10, 10 + len(line), line))
    assert found is not None
    assert found[0] == kind and found[1] is not None and found[1].text == value
    assert line[found[1].start - 10 : found[1].end - 10] == value


def test_text_is_not_a_heading() -> None:
    for text in ("Experiență de 5 ani în vânzări", "Educația clienților", "Skills matter a lot"):
        assert classify_heading(Line(0, len(text), text)) is None


def test_a_heading_glued_to_the_line_before() -> None:
    text = (
        "Permis B, BE EXPERIENȚĂ PROFESIONALĂ\n2019 - 2020 Agent\n"
        "Own car EDUCATION\nI use MS OFFICE\n"
    )
    kinds = [(s.kind, [x.text for x in s.lines]) for s in find_sections(text)]
    assert kinds == [
        ("header", ["Permis B, BE"]),
        ("experience", ["2019 - 2020 Agent", "Own car"]),
        ("education", ["I use MS OFFICE"]),
    ]


def test_europass_headings_split_the_cv() -> None:
    text = """Curriculum Vitae Europass
INFORMAȚII PERSONALE Popescu Ana
LOCUL DE MUNCĂ VIZAT Manager de cont
EXPERIENȚA PROFESIONALĂ
2019 - 2020
EDUCAȚIE ȘI FORMARE
COMPETENȚE PERSONALE
Limba(i) maternă(e) română
Alte limbi străine cunoscute
Competențe de comunicare
Permis de conducere B
INFORMAȚII SUPLIMENTARE
"""
    kinds = [s.kind for s in sorted(find_sections(text), key=lambda s: s.start)]
    assert kinds == ["header", "personal", "desired", "experience", "education", "skills",
                     "mother_tongue", "languages", "skills", "licence", "other"]  # fmt: skip


# --- positions ------------------------------------------------------------------------


def test_overlapping_jobs_count_once(extract: Extract) -> None:
    text = """Work experience
Jan 2018 – Dec 2019 | Sales Agent — Altex
Jun 2019 – Jun 2020 | Cashier — Lidl
"""
    exp = extract(text).experience
    assert len(exp.positions) == 2
    assert exp.total_months == 30 and exp.sales_months == 30


def test_present_uses_the_document_date(extract: Extract) -> None:
    text = "Experiență\n03/2023 - prezent\nConsilier clienți — BCR\n"
    (position,) = extract(text, doc_date=datetime.date(2024, 1, 20)).experience.positions
    assert (position.end, position.current) == ("2024-01", True)


def test_a_creation_date_older_than_the_cv_is_ignored(extract: Extract) -> None:
    text = "Experiență\n03/2019 - prezent | Consilier clienți — BCR\n"
    (position,) = extract(text, doc_date=datetime.date(2000, 1, 1)).experience.positions
    today = datetime.date.today()
    assert position.end == f"{today.year:04d}-{today.month:02d}"


def test_a_future_end_is_kept_and_counted_up_to_the_document_date(extract: Extract) -> None:
    text = "Experiență\n03/2023 - 12/2024 | Consilier vânzări — BCR\n"
    experience = extract(text, doc_date=datetime.date(2024, 1, 20)).experience
    (position,) = experience.positions
    assert (position.start, position.end, position.current) == ("2023-03", "2024-12", False)
    assert experience.total_months == 11  # March 2023 to January 2024


def test_a_generated_pdf_keeps_its_dates_despite_reportlab_s_2000_stamp(nlp) -> None:
    # The browser test's CV: reportlab stamps 2000-01-01 as the creation date, which must
    # not become the end of the current job (the shortlist then showed 0 months of sales).
    from recruit.core.pipeline import analyse
    from tests.cvgen import render_pdf

    analysis = analyse(render_pdf(sample_cvs()["ro"], "single"), "cv.pdf")
    assert analysis.read.doc_date == datetime.date(2000, 1, 1)
    experience = analysis.profile.experience
    today = datetime.date.today()
    assert [(p.start, p.end, p.current) for p in experience.positions] == [
        ("2021-01", f"{today.year:04d}-{today.month:02d}", True),
        ("2017-03", "2020-12", False),
        ("2015-06", "2017-02", False),
    ]
    assert experience.sales_months == experience.total_months > 100


def test_education_lines_without_ranges(extract: Extract) -> None:
    text = (
        "Education\nB.A : Business Administration 2018 Kaplan University City , State\n"
        "Associate of Science : Business 1992 Northwestern Business College City , State\n"
    )
    education = extract(text).education
    assert education.highest == "bachelor"
    assert [(e.degree, e.institution, e.level) for e in education.entries] == [
        ("B.A : Business Administration", "Kaplan University City", "bachelor"),
        ("Associate of Science : Business", "Northwestern Business College City", "post_secondary"),
    ]


@pytest.mark.parametrize(
    "block",
    [
        "03/2019 – prezent\tKey Account Manager — Siemens SRL, București",
        "03/2019 – prezent | Key Account Manager | Siemens SRL",
        "Key Account Manager, Siemens SRL\nmartie 2019 – prezent",
        "03.2019 - prezent\nKey Account Manager\nSiemens SRL",
        "Key Account Manager 03/2019 to prezent Siemens SRL",
    ],
)
def test_title_and_employer_around_the_dates(extract: Extract, block: str) -> None:
    text = f"Experiență profesională\n{block}\n• Negocierea contractelor\n"
    (position,) = extract(text.replace("\t", " | ")).experience.positions
    assert (position.title, position.employer) == ("Key Account Manager", "Siemens SRL")
    assert (position.start, position.current) == ("2019-03", True)


def test_dates_wrapped_in_a_narrow_column(extract: Extract) -> None:
    text = (
        "Experience\nMar 2017 – Dec\n2020\nSales Agent — Altex\n"
        "februarie\n2015 –\nmartie 2017\nCasier — Lidl\n"
        "07/2013 –\n05/2014 Account Manager — Orange Romania, București\n"
    )
    positions = extract(text).experience.positions
    assert [(p.title, p.start, p.end) for p in positions] == [
        ("Sales Agent", "2017-03", "2020-12"),
        ("Casier", "2015-02", "2017-03"),
        ("Account Manager", "2013-07", "2014-05"),
    ]


def test_years_inside_a_sentence_are_no_job(extract: Extract) -> None:
    text = (
        "Experience\nIT Support Officer\nMarch 2011 to August 2015 Company Name\n"
        "Configure Windows server 2003-2008 with Active Directory and group policies.\n"
        "Design: DNS and DHCP servers in 2003-2008 Server.\n"
    )
    exp = extract(text).experience
    assert [(p.start, p.end) for p in exp.positions] == [("2011-03", "2015-08")]
    assert exp.total_months == 54


def test_a_title_alone_above_a_line_of_dates_and_employer(extract: Extract) -> None:
    text = (
        "Experience\nAccount Manager\nFebruary 2013 to Current Company Name City , State\n"
        "• Managed accounts\nMedia Coordinator\nJune 2012 to January 2013 Company Name\n"
    )
    positions = extract(text).experience.positions
    assert [(p.title, p.employer, p.sales) for p in positions] == [
        # "City , State" is where, not who: the employer stops before it.
        ("Account Manager", "Company Name", True),
        ("Media Coordinator", "Company Name", False),
    ]


def test_compact_entries_keep_their_own_titles(extract: Extract) -> None:
    text = (
        "Professional Experience\nIT Support Officer\nMarch 2011 to August 2015 Company Name\n"
        "System Administrator\nApril 2010 to January 2011 Company Name\n"
        "Lab Technician\nApril 2009 to March 2010 Company Name\n• Configured routers\n"
    )
    titles = [p.title for p in extract(text).experience.positions]
    assert titles == ["IT Support Officer", "System Administrator", "Lab Technician"]


def test_jobs_without_an_experience_heading(extract: Extract) -> None:
    text = (
        "Summary\nMarketing lead.\nPublic Relations Director , 01/2016 to Current Company Name\n"
        "Education\nBachelor of Arts 2001 - 2005\nProfessional Affiliations\n"
        "Public Relations Society of America- 2009 to present\n"
    )
    (position,) = extract(text).experience.positions
    assert (position.title, position.start) == ("Public Relations Director", "2016-01")


def test_sales_from_the_title_or_the_commercial_work(extract: Extract) -> None:
    text = (
        "Experience\n2019 - 2020 | Office Assistant — Alpha SRL\n"
        "• Sales support: prospecting new clients and negotiation of contracts\n"
        "2017 - 2018 | Operator — Beta SA\n• Answered customer calls\n"
        "2015 - 2016 | Agent vânzări — Gama SRL\n"
    )
    assert [p.sales for p in extract(text).experience.positions] == [True, False, True]


def test_dates_outside_the_experience_section_are_not_jobs(extract: Extract) -> None:
    text = "Educație\n2010 - 2014 Universitatea din București\nCursuri\n2019 - 2020 Curs Excel\n"
    assert extract(text).experience.positions == ()


# --- education -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("2006 – 2010 Liceul Teoretic Nr. 1, diplomă de bacalaureat", "secondary"),
        ("2006 – 2010 High school diploma, Lincoln High School", "secondary"),
        ("2010 – 2012 Școala postliceală sanitară", "post_secondary"),
        ("2010 – 2014 Facultatea de Științe Economice, licență", "bachelor"),
        ("2010 – 2014 BSc Economics, University of Leeds", "bachelor"),
        ("2010 – 2014 Studii superioare economice", "bachelor"),
        ("2010 – 2014 Universitatea Babeș-Bolyai, Facultatea de Business", "bachelor"),
        ("2006 – 2010 Colegiul Național „Emil Racoviță”", "secondary"),
        ("2006 – 2010 High school diploma — Emil Racoviță National College", "secondary"),
        ("2010 – 2012 Associate of Arts, Miami Dade College", "post_secondary"),
        ("2014 – 2016 Masterat în Marketing, ASE București", "master"),
        ("2014 – 2016 MBA, Bucharest Business School", "master"),
        ("2016 – 2020 Doctorat în Economie", "doctorate"),
        ("2016 – 2020 PhD in Economics, University of Bucharest", "doctorate"),
    ],
)
def test_education_levels(extract: Extract, line: str, level: str) -> None:
    assert extract(f"Educație și formare\n{line}\n").education.highest == level


def test_a_student_has_secondary_education_with_a_flag(extract: Extract) -> None:
    text = (
        "Studii\n2022 – prezent Student în anul III, Facultatea de Marketing\n"
        "2018 – 2022 Liceul Economic\n"
    )
    education = extract(text).education
    assert education.highest == "secondary" and education.incomplete
    done = extract("Studii\n2014 – 2018 Licență, Universitatea din Iași\n").education
    assert done.highest == "bachelor" and not done.incomplete


def test_education_entries_name_degree_and_institution(extract: Extract) -> None:
    text = "Education\n2013 – 2016\nBachelor of Economics — Babeș-Bolyai University, Cluj\n"
    (entry,) = extract(text).education.entries
    assert entry.degree == "Bachelor of Economics"
    assert entry.institution == "Babeș-Bolyai University"
    assert (entry.start, entry.end, entry.level) == ("2013-01", "2016-12", "bachelor")


# --- languages ------------------------------------------------------------------------


def test_europass_grid_takes_the_median(extract: Extract) -> None:
    text = """COMPETENȚE PERSONALE
Limba(i) maternă(e) română
Alte limbi străine cunoscute
ÎNȚELEGERE VORBIRE SCRIERE
Ascultare Citire Participare la conversație Discurs oral
engleză C1 C2 B1 B2 B2
franceză A2 A2 A1 A1 A2
Niveluri: A1 și A2: Utilizator elementar - B1 și B2: Utilizator independent - C1 și C2: Utilizator experimentat
"""  # noqa: E501
    assert [(x.code, x.level) for x in extract(text).languages] == [
        ("ro", "C2"),
        ("en", "B2"),
        ("fr", "A2"),
    ]


@pytest.mark.parametrize(
    ("line", "code", "level"),
    [
        ("Engleză - începător", "en", "A1"),
        ("Engleză - nivel mediu", "en", "B1"),
        ("Engleza - bine", "en", "B2"),
        ("Engleză - foarte bine", "en", "C1"),
        ("Germană: avansat", "de", "C1"),
        ("Italiană fluent", "it", "C1"),
        ("Spaniolă (nativ)", "es", "C2"),
        ("English - beginner", "en", "A1"),
        ("French – intermediate", "fr", "B1"),
        ("German: upper-intermediate", "de", "B2"),
        ("Spanish (advanced)", "es", "C1"),
        ("Romanian – native", "ro", "C2"),
        ("Russian: B2", "ru", "B2"),
        ("Mother tongue: Romanian", "ro", "C2"),
        ("Limba maternă: maghiară", "hu", "C2"),
    ],
)
def test_level_words(extract: Extract, line: str, code: str, level: str) -> None:
    heading = "Limbi străine" if any(c in line for c in "ăâîșț") or "Limba" in line else "Languages"
    found = extract(f"{heading}\n{line}\n").languages
    assert [(x.code, x.level) for x in found] == [(code, level)]


def test_languages_without_a_level_inside_the_section(extract: Extract) -> None:
    assert [(x.code, x.level) for x in extract("Languages\nEnglish, German\n").languages] == [
        ("en", None),
        ("de", None),
    ]


def test_a_language_named_in_passing_is_not_a_language_skill(extract: Extract) -> None:
    text = "Experience\n2019 - 2020 Sales Agent\n• Served English and German speaking clients\n"
    assert extract(text).languages == ()


# --- licence and car ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("Permis de conducere categoria B", ("B",)),
        ("Permis cat. B", ("B",)),
        ("Driving licence: B", ("B",)),
        ("Carnet de conducere B", ("B",)),
        ("Permis de conducere: categoriile B, BE și C", ("B", "BE", "C")),
        ("Driving license: Category B, C1", ("B", "C1")),
        ("Permisul de conducere cat. A, B", ("A", "B")),
        ("PERMIS DE CONDUCERE\nB", ("B",)),
        ("Driving licence\nCategory B\nA team player", ("B",)),
        ("Permis de conducere B (din 2012)", ("B",)),
        ("Fără permis de conducere", ()),
        ("No driving licence", ()),
        ("Permis de conducere: nu", ()),
    ],
)
def test_licence_phrasings(extract: Extract, text: str, categories: tuple[str, ...]) -> None:
    assert extract(text).driving_licence == categories


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("Permis B, mașină proprie", True),
        ("Posed autoturism personal", True),
        ("Dispun de masina proprie", True),
        ("Driving licence B, own car", True),
        ("Permis B, fără mașină proprie", False),
        ("Permis de conducere B", False),
    ],
)
def test_own_car(extract: Extract, text: str, own: bool) -> None:
    profile = extract(text)
    assert profile.own_car is own
    assert bool(profile.own_car_evidence) is own


# --- name ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Ana-Maria Popescu-Ionescu", "Ștefan Dumitrescu", "Ioana Țăranu", "POPESCU Ana-Maria",
     "ANA POPESCU", "Daniel O'Connor", "Mihai A. Vlădescu", "Cătălina Oprea-Chiriță"],
)  # fmt: skip
def test_names_with_diacritics_and_hyphens(extract: Extract, name: str) -> None:
    assert extract(f"{name}\nManager de cont\nExperiență\n").name == name
    assert extract(f"Curriculum Vitae\nNume: {name}\nTelefon: 0722 111 222\n").name == name
    assert extract(f"{name} | Account Manager\nExperience\n").name == name


@pytest.mark.parametrize(
    "first_line",
    [
        "Experiență profesională",
        "Curriculum Vitae",
        "Account Manager",
        "BPO TEAM LEADER",
        "Key Account Manager",
        "Strada Fabricii 12, Cluj-Napoca",
        "Cluj-Napoca, România",
        "Baia Mare",
        "linkedin.com/in/ana-popescu",
        "ana.popescu@example.ro",
        "Nume Prenume",
        "Your Name",
        "John Doe",
        "Lorem Ipsum",
        "First Name Last Name",
        "Informații personale",
        "Public Relations Manager",
        "Customer Service",
        "LIBRARY AIDE",
        "INDEPENDENT DISTRIBUTOR",
    ],
)
def test_no_name_rather_than_a_guess(extract: Extract, first_line: str) -> None:
    assert extract(f"{first_line}\nTelefon: 0722 111 222\nExperiență\n").name is None


def test_a_name_wrapped_a_word_a_line_at_the_top(extract: Extract) -> None:
    profile = extract("Maria\nIonescu\nSummary\nSales associate.\n")
    assert profile.name == "Maria Ionescu"
    assert [e.text for e in profile.name_evidence] == ["Maria", "Ionescu"]
    assert extract("Summary\nSales\nAssociate\n").name is None


@pytest.mark.parametrize(
    ("summary", "name"),
    [
        ("I write to apply. My name is Dan\nIonescu and I sell phones.", "Dan Ionescu"),
        ("Mă numesc Ana Pop și lucrez în vânzări.", "Ana Pop"),
        ("Numele meu este Ioana Maria Popescu.", "Ioana Maria Popescu"),
        ("My name is important to me, as is my word.", None),
    ],
)
def test_a_summary_that_says_the_name(extract: Extract, summary: str, name: str | None) -> None:
    assert extract(f"SALES AGENT\nSummary\n{summary}\nSkills\nExcel\n").name == name


def test_a_name_in_two_labelled_parts(extract: Extract) -> None:
    text = "Curriculum Vitae\nDate personale\nNume: Ionescu\nPrenume: Maria-Elena\nTelefon: 0744\n"
    profile = extract(text)
    assert profile.name == "Ionescu Maria-Elena"
    assert [e.text for e in profile.name_evidence] == ["Ionescu", "Maria-Elena"]
    assert extract("Curriculum Vitae\nNume: Ionescu\nTelefon: 0744\n").name is None


def test_old_europass(extract: Extract) -> None:
    text = """Curriculum vitae
Europass
Informaţii personale
Nume / Prenume Ionescu Maria-Elena
Adresă Str. Lalelelor nr. 5, Braşov
Experienţa profesională
Perioada 09/2016 - prezent
Funcţia sau postul ocupat Consilier vânzări
Activităţi şi responsabilităţi principale vânzarea produselor, casa de marcat
Numele şi adresa angajatorului Altex România SRL, Bd. Griviţei 10, Braşov
Tipul activităţii sau sectorul de activitate Comerţ
Perioada 2012 - 2016
Funcţia sau postul ocupat
Casier
Numele şi adresa angajatorului
Carrefour România SA
Educaţie şi formare
Perioada 2009 - 2012
Calificarea / diploma obţinută Licenţiat în economie
Disciplinele principale studiate / competenţe profesionale dobândite Marketing, vânzări
Numele şi tipul instituţiei de învăţământ / furnizorului de formare Universitatea Transilvania
Nivelul în clasificarea naţională sau internaţională ISCED 5A
Aptitudini şi competenţe personale
Limba(i) maternă(e) Română
Limba(i) străină(e) cunoscută(e)
Autoevaluare Înţelegere Vorbire Scriere
Engleză B2 Utilizator independent B2 Utilizator independent B1 Utilizator independent B1 Utilizator independent B2 Utilizator independent
Permis(e) de conducere Categoria B
""".translate(str.maketrans("şţŞŢ", "șțȘȚ"))  # noqa: E501
    profile = extract(text)
    assert profile.name == "Ionescu Maria-Elena"
    assert [(p.title, p.employer, p.start, p.end) for p in profile.experience.positions] == [
        ("Consilier vânzări", "Altex România SRL", "2016-09", "2024-06"),
        ("Casier", "Carrefour România SA", "2012-01", "2016-12"),
    ]
    (entry,) = profile.education.entries
    assert (entry.degree, entry.institution, entry.level) == (
        "Licențiat în economie",
        "Universitatea Transilvania",
        "bachelor",
    )
    assert [(x.code, x.level) for x in profile.languages] == [("ro", "C2"), ("en", "B2")]
    assert profile.driving_licence == ("B",)


def test_a_title_before_the_name_is_not_part_of_it(extract: Extract) -> None:
    assert extract("Ing. Ion Popescu\nExperiență\n").name == "Ion Popescu"
    assert extract("Dr. Ana Ene, MBA\nExperience\n").name == "Ana Ene"
    assert extract("Ana Ene.\nExperience\n").name == "Ana Ene"
    text = "Curriculum Vitae – Ana Ene | Account Manager\nExperience\n"
    profile = extract(text)
    assert profile.name == "Ana Ene"
    assert profile.name_evidence[0].start == text.index("Ana Ene")


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        ("SALES ASSOCIATE\nSummary\nFriendly and reliable.\n", "SALES ASSOCIATE"),
        ("Ana Ene | Key Account Manager\nana@example.ro\nExperience\n", "Key Account Manager"),
        ("Maria Pop\nConsilier bancar\n0722 111 222\nExperiență\n", "Consilier bancar"),
        ("Curriculum Vitae\nLocul de muncă vizat Manager de cont\nExperiență\n", "Manager de cont"),
        ("Curriculum Vitae\nMaria Pop\nStr. Vânzătorilor 12\nExperiență\n", None),
        ("Curriculum Vitae\nMaria Pop\nsales@example.ro\nExperience\n", None),
        ("Maria Pop\nExperience\nSales Associate, 2019 - 2021\n", None),
    ],
)
def test_the_headline_is_the_title_at_the_top_or_the_job_applied_for(
    extract: Extract, text: str, headline: str | None
) -> None:
    profile = extract(text)
    assert profile.headline == headline
    if headline:
        (evidence,) = profile.headline_evidence
        assert text[evidence.start : evidence.end] == headline


def test_europass_name_beside_its_heading(extract: Extract) -> None:
    text = "Curriculum Vitae\nINFORMAȚII PERSONALE Popescu Ana-Maria\nStrada Mare 1, Iași\n"
    profile = extract(text)
    assert profile.name == "Popescu Ana-Maria"
    assert profile.name_evidence[0].start == text.index("Popescu")


def test_a_placeholder_after_a_label_is_no_name(extract: Extract) -> None:
    assert extract("Curriculum Vitae\nNume: Nume Prenume\n").name is None
    assert extract("Curriculum Vitae\nName: ____________\n").name is None


def test_looks_like_name() -> None:
    assert looks_like_name("Elena Brătianu-Stoica")
    assert not looks_like_name("Elena")
    assert not looks_like_name("sales manager")


# --- whole CVs ------------------------------------------------------------------------


def test_a_cv_without_optional_sections(extract: Extract) -> None:
    profile = extract("Ion Popescu\nCaut un loc de muncă.\n")
    assert profile.name == "Ion Popescu"
    assert profile.experience.positions == () and profile.experience.total_months == 0
    assert profile.education.highest is None and profile.education.entries == ()
    assert profile.languages == () and profile.driving_licence == () and not profile.own_car
    assert profile.skills == ()
    assert profile.words == 7


def test_empty_and_odd_text_does_not_crash(extract: Extract) -> None:
    for text in ("", "\n\n", "•", "2019 -", "Experience\n", "A\nB\nC", "ï¼ Â â€‹"):
        profile = extract(text)
        assert profile.name is None
        assert profile.to_dict() == Profile.from_dict(profile.to_dict()).to_dict()


_PIECES = st.sampled_from(
    ["\n", " ", "-", "–", "/", ".", ":", "|", "•", "2019", "03/2020", "prezent", "Ian", "B",
     "C1", "Permis de conducere", "Experience", "Education", "Limba maternă", "engleză",
     "Ana-Maria", "Popescu", "Manager", "vânzări", "at", "ș", "İ", "ﬁ", "\t", "(", ")"]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_any_text_gives_a_profile_with_true_evidence(text: str) -> None:
    profile = extract_profile(text, doc_date=DOC_DATE)
    evidence = [*profile.name_evidence, *profile.licence_evidence, *profile.own_car_evidence]
    for group in (profile.skills, profile.experience.positions, profile.education.entries,
                  profile.languages):  # fmt: skip
        for item in group:
            evidence += item.evidence
    for ev in evidence:
        assert text[ev.start : ev.end] == ev.text
    assert profile.experience.total_months >= profile.experience.sales_months >= 0


def test_language_detection() -> None:
    assert detect_language(RO_CV) == "ro"
    assert detect_language(strip_diacritics(RO_CV)) == "ro"
    assert detect_language("Managed the accounts of the key clients for the bank") == "en"
    assert detect_language("") is None


def test_the_given_language_wins(extract: Extract) -> None:
    assert extract("Sales and negotiation", language="ro").language == "ro"


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("key", ["ro", "ro_plain", "ro_cedilla", "en"])
def test_the_sample_cvs_in_every_layout(extract: Extract, layout: str, key: str) -> None:
    text = expected_text(sample_cvs()[key], layout)
    profile = extract(text)
    assert fold(profile.name or "") in ("ana-maria popescu", "john smith")
    assert [(p.start, p.end) for p in profile.experience.positions] == [
        ("2021-01", "2024-06"),
        ("2017-03", "2020-12"),
        ("2015-06", "2017-02"),
    ]
    assert profile.experience.total_months == 109
    assert profile.education.highest == "bachelor"
    assert profile.driving_licence == ("B",)


def test_the_labelled_set_meets_the_target(nlp: dict[str, Language]) -> None:
    from bench.extraction import FIELDS, score
    from tests.labelled import labelled_cvs

    cvs = labelled_cvs()
    pairs = [
        (cv.truth, extract_profile(expected_text(cv.doc, cv.layout), doc_date=cv.doc_date))
        for cv in cvs
    ]
    counts = score(pairs, [f for f in FIELDS if f not in ("emails", "phones")])
    for field_name, c in counts.items():
        f1 = 2 * c["tp"] / (2 * c["tp"] + c["fp"] + c["fn"]) if c["tp"] else 0.0
        assert f1 >= 0.95, (field_name, c)


# --- real CVs ---------------------------------------------------------------------------


@pytest.mark.shared
def test_real_cvs_extract_without_inventing_names(extract: Extract) -> None:
    if not SHARED_CVS.exists():
        pytest.skip("../shared/data/cvs is not there")
    import pdfplumber

    # Two per category: pdfplumber needs about a second per file here.
    paths = [p for folder in sorted(SHARED_CVS.glob("livecareer/*/"))
             for p in sorted(folder.glob("*.pdf"))[:2]]  # fmt: skip
    assert len(paths) == 8
    with_positions = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        profile = extract(text)
        # These resumes open with a headline, not a name, and have no labelled name.
        assert profile.name is None, (path.name, profile.name)
        assert profile.language == "en"
        with_positions += bool(profile.experience.positions)
    assert with_positions >= 0.9 * len(paths)
