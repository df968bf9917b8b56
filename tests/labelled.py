"""Labelled evaluation CVs: structured content (`CvDocument`) with the true value of each field.

`labelled_cvs()` builds 60 CVs from small pools (Romanian with and without diacritics,
English; every date format of issue 4; grids, words and mother tongues for languages; licence
phrasings; optional sections left out) with a fixed seed, so the set is the same every run.
The truth is written next to the content as it is composed, never computed by the extractor.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from tests.cvgen import LAYOUTS, MONTHS_EN, MONTHS_RO, CvDocument, Section, strip_diacritics

DOC_DATE = datetime.date(2024, 6, 15)
TODAY = (DOC_DATE.year, DOC_DATE.month)

ABBR_RO = ["Ian", "Feb", "Mar", "Apr", "Mai", "Iun", "Iul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Truth:
    language: str
    name: str | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # E.164
    positions: tuple[tuple[str, str, str, str], ...]  # title, employer, start, end (YYYY-MM)
    total_months: int
    sales_months: int
    education: str | None
    languages: tuple[tuple[str, str | None], ...]
    licence: tuple[str, ...]
    own_car: bool
    skills: frozenset[str]


@dataclass
class LabelledCv:
    id: str
    layout: str
    doc: CvDocument
    truth: Truth
    doc_date: datetime.date = DOC_DATE
    notes: list[str] = field(default_factory=list)


# --- pools (title, employer, sales?, bullets with the skill ids they name) ----------------

JOBS_RO = [
    (
        "Manager de cont",
        "Banca Transilvania",
        True,
        [
            ("• Gestionarea portofoliului de clienți persoane juridice", {"client_portfolio"}),
            ("• Vânzarea de credite, carduri și depozite", {"sales", "loans", "cards", "deposits"}),
        ],
    ),
    (
        "Agent vânzări",
        "Orange România",
        True,
        [
            (
                "• Vânzarea de abonamente și portări către clienți noi",
                {"sales", "subscriptions", "prospecting"},
            ),
            ("• Lucrul cu casa de marcat și inventarul lunar", {"cash_register", "inventory"}),
        ],
    ),
    (
        "Consilier clienți",
        "Vodafone România",
        True,
        [
            ("• Soluționarea reclamațiilor clienților", {"complaint_handling"}),
            (
                "• Prezentarea ofertelor de telefoane mobile",
                {"phones_accessories", "presentations"},
            ),
        ],
    ),
    (
        "Key Account Manager",
        "Siemens SRL",
        True,
        [
            (
                "• Negocierea contractelor cu clienții cheie",
                {"negotiation", "contracts", "key_accounts"},
            ),
            (
                "• Întocmirea ofertelor comerciale și a rapoartelor lunare",
                {"commercial_offers", "reporting"},
            ),
        ],
    ),
    (
        "Reprezentant comercial",
        "Dedeman SRL",
        True,
        [
            ("• Prospectarea pieței și întâlniri cu clienții", {"prospecting", "meetings"}),
            ("• Realizarea planului de vânzări", {"sales_targets", "sales"}),
        ],
    ),
    (
        "Casier-vânzător",
        "Kaufland România",
        True,
        [
            ("• Încasări și operarea casei de marcat", {"payments", "cash_register"}),
        ],
    ),
    (
        "Contabil",
        "Expert Audit SRL",
        False,
        [
            (
                "• Înregistrarea documentelor contabile în evidență",
                {"documentation", "record_keeping"},
            ),
        ],
    ),
    (
        "Operator date",
        "Logistic Plus SA",
        False,
        [
            ("• Introducere date și arhivare", {"record_keeping", "documentation"}),
        ],
    ),
]
JOBS_EN = [
    (
        "Account Manager",
        "Orange Romania",
        True,
        [
            ("• Managed a client portfolio of 80 companies", {"client_portfolio"}),
            ("• Negotiated contracts and renewals", {"negotiation", "contracts"}),
        ],
    ),
    (
        "Sales Representative",
        "Coca-Cola HBC",
        True,
        [
            (
                "• Cold calling and lead generation for new accounts",
                {"cold_calling", "prospecting"},
            ),
            ("• Exceeded quarterly sales targets", {"sales_targets", "sales"}),
        ],
    ),
    (
        "Customer Service Manager",
        "Telekom Romania",
        True,
        [
            ("• Led the complaint handling team", {"complaint_handling"}),
            ("• Weekly reports for management", {"reporting"}),
        ],
    ),
    (
        "Relationship Manager",
        "ING Bank",
        True,
        [
            (
                "• Advised clients on loans, credit cards and savings accounts",
                {"consulting", "loans", "cards", "deposits"},
            ),
        ],
    ),
    (
        "Business Development Manager",
        "Endava",
        True,
        [
            ("• Business development in the DACH region", {"business_development"}),
            ("• Presentations at trade shows", {"presentations", "events_exhibitions"}),
        ],
    ),
    (
        "Junior Accountant",
        "PwC Romania",
        False,
        [
            ("• Prepared documentation for audits", {"documentation"}),
        ],
    ),
    (
        "Warehouse Operator",
        "DHL Supply Chain",
        False,
        [
            ("• Inventory counts and order processing", {"inventory", "order_processing"}),
        ],
    ),
]
SKILL_LINES_RO = [
    ("Negociere", {"negotiation"}),
    ("Lucru în echipă", {"teamwork"}),
    ("Rezistență la stres", {"stress_resistance"}),
    ("CRM: Salesforce, HubSpot", {"crm", "salesforce", "hubspot"}),
    ("Microsoft Excel, Word, PowerPoint", {"excel", "word", "powerpoint"}),
    ("Operare PC", {"pc_skills"}),
    ("Abilități de comunicare", {"communication"}),
    ("Punctualitate și seriozitate", {"punctuality"}),
    ("Răbdare", {"patience"}),
    ("Pipedrive", {"pipedrive"}),
    ("Corespondență de afaceri", {"business_correspondence"}),
]
SKILL_LINES_EN = [
    ("Negotiation", {"negotiation"}),
    ("Teamwork", {"teamwork"}),
    ("Stress resistance", {"stress_resistance"}),
    ("CRM: Salesforce, Pipedrive", {"crm", "salesforce", "pipedrive"}),
    ("MS Office: Excel, Word", {"ms_office", "excel", "word"}),
    ("Communication skills", {"communication"}),
    ("Punctuality", {"punctuality"}),
    ("Microsoft Dynamics", {"ms_dynamics"}),
    ("Customer service", {"customer_service"}),
    ("Time management and organization", {"organisation"}),
]
NAMES = [
    "Ana-Maria Popescu-Ionescu",
    "Ștefan Dumitrescu",
    "Ioana Țăranu",
    "Mihai-Andrei Vlădescu",
    "Alexandra Mureșan",
    "Radu Constantinescu",
    "Elena Brătianu-Stoica",
    "Cătălina Oprea",
    "Andrei Ilie",
    "Maria Stănescu",
    "George Enache",
    "Irina Chiriță-Pop",
]
NAMES_EN = ["John Smith", "Emily Clarke", "Daniel O'Connor", "Sarah Mitchell-Hayes", "Mark Evans"]
LANGS_RO = {"en": "Engleză", "fr": "Franceză", "de": "Germană", "it": "Italiană", "es": "Spaniolă"}
LANGS_EN = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "es": "Spanish",
    "ro": "Romanian",
}
WORDS_RO = [
    ("începător", "A1"),
    ("mediu", "B1"),
    ("avansat", "C1"),
    ("foarte bine", "C1"),
    ("bine", "B2"),
]
WORDS_EN = [
    ("beginner", "A1"),
    ("intermediate", "B1"),
    ("advanced", "C1"),
    ("fluent", "C1"),
    ("upper-intermediate", "B2"),
]
LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"]
# Skills a job title or headline names by itself.
TITLE_SKILLS = {
    "Agent vânzări": {"sales"},
    "Consilier clienți": {"consulting", "customer_service"},
    "Key Account Manager": {"key_accounts"},
    "Reprezentant comercial": {"sales"},
    "Casier-vânzător": {"sales", "cash_register"},
    "Sales Representative": {"sales"},
    "Customer Service Manager": {"customer_service"},
    "Customer Service Specialist": {"customer_service"},
    "Business Development Manager": {"business_development"},
}


def _months(start: tuple[int, int], end: tuple[int, int]) -> set[int]:
    return set(range(start[0] * 12 + start[1], end[0] * 12 + end[1] + 1))


def _fmt(value: tuple[int, int]) -> str:
    return f"{value[0]:04d}-{value[1]:02d}"


def _date_range(
    rng: random.Random, style: int, start: tuple[int, int], end: tuple[int, int] | None, lang: str
) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """Write a date range in one of the issue's formats; return it with the true months."""
    (sy, sm), current = start, end is None
    ey, em = end or TODAY
    present = (
        rng.choice(["prezent", "în prezent", "Prezent", "până în prezent"])
        if lang == "ro"
        else rng.choice(["present", "Present", "current", "now"])
    )
    if style == 0:
        return f"{sm:02d}/{sy} - {present if current else f'{em:02d}/{ey}'}", start, (ey, em)
    if style == 1:  # years only: January to December
        true_end = TODAY if current else (ey, 12)
        return f"{sy} – {present if current else ey}", (sy, 1), true_end
    if style == 2:
        names = ABBR_RO if lang == "ro" else [m[:3] for m in MONTHS_EN]
        return (
            f"{names[sm - 1]} {sy} - {present if current else f'{names[em - 1]} {ey}'}",
            start,
            (ey, em),
        )
    if style == 3:
        names = MONTHS_RO if lang == "ro" else MONTHS_EN
        return (
            f"{names[sm - 1]} {sy} – {present if current else f'{names[em - 1]} {ey}'}",
            start,
            (ey, em),
        )
    if style == 4:
        return f"{sm:02d}.{sy}-{present if current else f'{em:02d}.{ey}'}", start, (ey, em)
    if style == 5:
        end_text = present if current else f"28.{em:02d}.{ey}"
        return f"15.{sm:02d}.{sy} - {end_text}", start, (ey, em)
    if style == 6 and current:
        word = "din" if lang == "ro" else "since"
        return (
            f"{word} {MONTHS_RO[sm - 1] if lang == 'ro' else MONTHS_EN[sm - 1]} {sy}",
            start,
            TODAY,
        )
    if style == 7 and current:
        return f"{sy}-now", (sy, 1), TODAY
    return f"{sm:02d}/{sy} – {present if current else f'{em:02d}/{ey}'}", start, (ey, em)


def _career(
    rng: random.Random, count: int, overlap: bool
) -> list[tuple[tuple[int, int], tuple[int, int] | None]]:
    """Return (start, end) of `count` jobs, latest first; the latest may be current."""
    spans: list[tuple[tuple[int, int], tuple[int, int] | None]] = []
    end: tuple[int, int] | None = None if rng.random() < 0.6 else (2023, rng.randint(1, 12))
    cursor = TODAY if end is None else end
    for k in range(count):
        length = rng.randint(10, 40)
        start_index = cursor[0] * 12 + cursor[1] - 1 - length
        start = (start_index // 12, start_index % 12 + 1)
        spans.append((start, end if k == 0 else cursor))
        back = rng.randint(0, 6) if not (overlap and k == 0) else -rng.randint(4, 8)
        index = start_index - back
        cursor = (index // 12, index % 12 + 1)
    return spans


def _entry(rng: random.Random, title: str, employer: str, lang: str) -> str:
    city = rng.choice(["București", "Cluj-Napoca", "Iași", "Timișoara"])
    if lang == "en":
        return rng.choice(
            [f"{title} — {employer}, {city}", f"{title} | {employer}", f"{title} at {employer}"]
        )
    return rng.choice(
        [f"{title} — {employer}, {city}", f"{title} | {employer}", f"{title}, {employer}"]
    )


def _one(index: int, rng: random.Random) -> LabelledCv:
    lang = "en" if index % 3 == 2 else "ro"
    plain = lang == "ro" and index % 3 == 1  # Romanian typed without diacritics
    layout = LAYOUTS[index % len(LAYOUTS)]
    europass = layout == "europass"
    skills: set[str] = set()
    notes = []

    # Name: mostly in the header; sometimes a "Nume:" field; sometimes no name at all.
    name: str | None = rng.choice(NAMES if lang == "ro" else NAMES_EN)
    email = f"cv{index}@example.{'ro' if lang == 'ro' else 'com'}"
    phone_local = f"07{rng.randint(20, 89)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    phone = "+40" + phone_local.replace(" ", "")[1:]
    headline = (
        rng.choice(["Manager de cont", "Agent vânzări", "Consilier clienți"])
        if lang == "ro"
        else rng.choice(["Account Manager", "Sales Representative", "Customer Service Specialist"])
    )
    contact = (
        f"Telefon: {phone_local} · E-mail: {email}"
        if lang == "ro"
        else f"Phone: {phone_local} · E-mail: {email}"
    )
    header = [name, headline, contact]
    headline_skills = TITLE_SKILLS.get(headline, set())
    personal: list[str] = []
    if index % 11 == 5:
        header = ["Curriculum Vitae", headline, contact]  # no name anywhere: the truth is null
        name = None
        notes.append("no name")
    elif europass or index % 7 == 3:
        label = "Nume și prenume" if lang == "ro" else "Name"
        header = ["Curriculum Vitae"] if europass else [headline]
        headline_skills = set() if europass else headline_skills
        # Europass puts the bare name under its heading; other CVs label it.
        personal = [name if europass and index % 2 else f"{label}: {name}", contact]
        notes.append("name in personal section")
    if name and header[0] == name and index % 10 == 7:
        header[0] = name.upper()  # compared case-insensitively
        notes.append("name in capitals")
    heading = {
        "personal": "Informații personale" if lang == "ro" else "Personal information",
        "exp": rng.choice(
            [
                "Experiență profesională",
                "Experiența profesională",
                "Istoric profesional",
                "Experiență",
            ]
        )
        if lang == "ro"
        else rng.choice(["Work experience", "Professional experience", "Employment history"]),
        "edu": rng.choice(["Educație și formare", "Studii", "Educație"])
        if lang == "ro"
        else rng.choice(["Education and training", "Education"]),
        "skills": rng.choice(["Competențe", "Aptitudini", "Competențe personale"])
        if lang == "ro"
        else rng.choice(["Skills", "Key skills"]),
        "langs": rng.choice(["Limbi străine", "Competențe lingvistice"])
        if lang == "ro"
        else "Languages",
        "licence": "Permis de conducere" if lang == "ro" else "Driving licence",
    }

    # Experience.
    minimal = index % 13 == 12  # a CV without any optional section
    jobs_pool = JOBS_RO if lang == "ro" else JOBS_EN
    count = 0 if minimal else rng.randint(1, 4)
    spans = _career(rng, count, overlap=index % 4 == 0)
    picked = rng.sample(jobs_pool, count)
    exp_lines: list[str] = []
    positions = []
    all_months: set[int] = set()
    sales_months: set[int] = set()
    for k, ((start, end), (title, employer, sales, bullets)) in enumerate(
        zip(spans, picked, strict=True)
    ):
        style = (index + k) % 8
        text, true_start, true_end = _date_range(rng, style, start, end, lang)
        entry = _entry(rng, title, employer, lang)
        form = 3 if index % 10 == 9 else (index + k) % 3
        if form == 3:  # old Europass: labelled fields
            labels = (
                ("Perioada", "Funcția sau postul ocupat", "Numele și adresa angajatorului")
                if lang == "ro"
                else ("Dates", "Occupation or position held", "Name and address of employer")
            )
            exp_lines += [f"{labels[0]} {text}", f"{labels[1]} {title}", f"{labels[2]} {employer}"]
        elif form == 0:
            exp_lines.append(f"{text}\t{entry}")
        elif form == 1:
            exp_lines += [entry, text]  # title above the dates
        else:
            exp_lines.append(f"{text} | {entry}")
        for bullet, ids in bullets:
            exp_lines.append(bullet)
            skills |= ids
        skills |= TITLE_SKILLS.get(title, set())
        positions.append((title, employer, _fmt(true_start), _fmt(true_end)))
        months = _months(true_start, true_end)
        all_months |= months
        if sales:
            sales_months |= months
    # Education.
    edu_lines: list[str] = []
    education: str | None = None
    if not minimal and index % 9 != 4:
        choice = index % 6
        if lang == "ro":
            options = [
                ("2008 – 2012", "Liceul Teoretic „Mihai Eminescu”, Bacalaureat", "secondary"),
                (
                    "2012 – 2015",
                    "Licență în Științe Economice — Universitatea Babeș-Bolyai",
                    "bachelor",
                ),
                ("2015 – 2017", "Masterat în Marketing — ASE București", "master"),
                ("2013 – 2015", "Școala Postliceală Sanitară, asistent", "post_secondary"),
                (
                    "2022 – prezent",
                    "Student în anul III — Facultatea de Științe Economice",
                    "secondary",
                ),
                ("2016 – 2020", "Doctorat în Economie — Universitatea din București", "doctorate"),
            ]
        else:
            options = [
                (
                    "2008 – 2012",
                    "High school diploma — Mihai Eminescu National College",
                    "secondary",
                ),
                (
                    "2012 – 2015",
                    "Bachelor of Business Administration — University of Bucharest",
                    "bachelor",
                ),
                ("2015 – 2017", "MBA — Bucharest Business School", "master"),
                (
                    "2013 – 2015",
                    "Post-secondary school — Technical College of Commerce",
                    "post_secondary",
                ),
                (
                    "2022 – present",
                    "BA in Economics (in progress) — University of Bucharest",
                    "secondary",
                ),
                ("2016 – 2020", "PhD in Economics — University of Bucharest", "doctorate"),
            ]
        top = options[choice]
        entries = [top]
        if choice in (1, 2, 5):
            entries.append(options[0])  # and the high school before
        for when, what, _ in entries:
            edu_lines.append(f"{when}\t{what}")
        education = top[2]
    # Languages.
    lang_lines: list[str] = []
    languages: list[tuple[str, str | None]] = []
    if not minimal and index % 8 != 6:
        names = LANGS_RO if lang == "ro" else LANGS_EN
        foreign = rng.sample(
            [c for c in names if c != ("ro" if lang == "ro" else "en")], rng.randint(1, 2)
        )
        if lang == "ro":
            lang_lines.append(rng.choice(["Limba maternă: română", "Limba(i) maternă(e): română"]))
            languages.append(("ro", "C2"))
        else:
            lang_lines.append("English — native")
            languages.append(("en", "C2"))
        for k, code in enumerate(foreign):
            mode = (index + k) % 3
            if mode == 0:  # Europass grid: median of five levels
                grid = sorted(rng.choices(range(1, 6), k=5))
                levels = [LEVELS[g] for g in grid]
                rng.shuffle(levels)
                lang_lines.append(f"{names[code]} {' '.join(levels)}")
                languages.append((code, LEVELS[grid[2]]))
            elif mode == 1:
                word, level = rng.choice(WORDS_RO if lang == "ro" else WORDS_EN)
                lang_lines.append(f"{names[code]} - {word}")
                languages.append((code, level))
            else:
                level = rng.choice(LEVELS[:5])
                lang_lines.append(f"{names[code]}: {level}")
                languages.append((code, level))
    if lang_lines and (europass or index % 4 == 1):
        # The Europass self-assessment grid: its column headings and its legend.
        grid_head, grid_legend = (
            (
                (
                    "ÎNȚELEGERE VORBIRE SCRIERE",
                    "Ascultare Citire Participare la conversație Discurs oral",
                ),
                "Niveluri: A1 și A2: Utilizator elementar - B1 și B2: Utilizator independent - "
                "C1 și C2: Utilizator experimentat",
            )
            if lang == "ro"
            else (
                (
                    "UNDERSTANDING SPEAKING WRITING",
                    "Listening Reading Spoken interaction Spoken production",
                ),
                "Levels: A1 and A2: Basic user - B1 and B2: Independent user - "
                "C1 and C2: Proficient user",
            )
        )
        lang_lines[1:1] = list(grid_head)
        lang_lines.append(grid_legend)
        notes.append("Europass grid headings")
    # Licence and car.
    licence: tuple[str, ...] = ()
    own_car = False
    licence_lines: list[str] = []
    if not minimal and index % 5 != 3:
        cats = rng.choice([("B",), ("B",), ("A", "B"), ("B", "BE"), ("B", "C")])
        joined = ", ".join(cats)
        if lang == "ro":
            licence_lines.append(
                rng.choice(
                    [
                        f"Categoria {joined}",
                        f"Permis cat. {joined}",
                        f"Carnet de conducere {joined}",
                        joined,
                    ]
                )
            )
        else:
            licence_lines.append(
                rng.choice([f"Category {joined}", joined, f"Driving licence: {joined}"])
            )
        licence = cats
        if index % 2 == 0:
            licence_lines.append(
                rng.choice(["Mașină proprie", "Autoturism personal"]) if lang == "ro" else "Own car"
            )
            own_car = True
    # Skills section.
    skill_lines: list[str] = []
    if not minimal:
        for line, ids in rng.sample(SKILL_LINES_RO if lang == "ro" else SKILL_LINES_EN, 4):
            skill_lines.append(line)
            skills |= ids
    if licence and index % 6 == 1:
        # The licence as a line of the skills section rather than a section of its own.
        label = "Permis de conducere: categoria" if lang == "ro" else "Driving licence:"
        skill_lines.append(f"{label} {', '.join(licence)}")
        skill_lines += licence_lines[1:]
        licence_lines = []
        notes.append("licence among skills")
    summary: list[str] = []
    if not minimal and index % 4 == 2:
        # Languages named in passing are no language skills.
        summary = [
            "Lucrez zilnic cu clienți vorbitori de limba engleză și germană."
            if lang == "ro"
            else "Worked every day with German and French speaking clients."
        ]

    main: list[Section] = []
    side: list[Section] = []
    if summary:
        main.append(Section("Profil" if lang == "ro" else "Summary", summary))
    if personal:
        main.append(Section(heading["personal"], personal))
    if exp_lines:
        main.append(Section(heading["exp"], exp_lines))
    if edu_lines:
        main.append(Section(heading["edu"], edu_lines))
    for key, lines in (("skills", skill_lines), ("langs", lang_lines), ("licence", licence_lines)):
        if lines:
            (side if layout != "single" or key == "skills" else main).append(
                Section(heading[key], lines)
            )
    if minimal:
        main.append(
            Section(
                "Profil" if lang == "ro" else "Profile",
                ["Caut un loc de muncă." if lang == "ro" else "Looking for a new job."],
            )
        )
        skills = set()
        notes.append("no optional sections")
    skills |= headline_skills
    doc = CvDocument(header=header, main=main, side=side)
    if plain:
        doc = _plain(doc)
        name = strip_diacritics(name) if name else None
        positions = [tuple(strip_diacritics(p) for p in pos) for pos in positions]  # type: ignore[misc]
        notes.append("without diacritics")
    truth = Truth(
        language=lang,
        name=name,
        emails=(email,),
        phones=(phone,),
        positions=tuple(positions),  # type: ignore[arg-type]
        total_months=len(all_months),
        sales_months=len(sales_months),
        education=education,
        languages=tuple(languages),
        licence=licence,
        own_car=own_car,
        skills=frozenset(skills),
    )
    return LabelledCv(
        f"gen{index:02d}-{lang}{'-plain' if plain else ''}-{layout}",
        layout,
        doc,
        truth,
        notes=notes,
    )


def _plain(doc: CvDocument) -> CvDocument:
    def fix(text: str) -> str:
        return strip_diacritics(text)

    return CvDocument(
        header=[fix(t) for t in doc.header],
        main=[Section(fix(s.heading), [fix(t) for t in s.lines]) for s in doc.main],
        side=[Section(fix(s.heading), [fix(t) for t in s.lines]) for s in doc.side],
    )


def labelled_cvs(count: int = 60, seed: int = 4) -> list[LabelledCv]:
    """Return `count` labelled CVs, the same ones for the same seed."""
    rng = random.Random(seed)
    return [_one(index, rng) for index in range(count)]
