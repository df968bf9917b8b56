"""The demo's candidates: invented people whose CVs are real PDFs, read as any import is.

Each demo opening gets `PER_OPENING` CVs in Romanian and English: people from its own trade,
from neighbouring ones (account managers, bankers, shop and call-centre staff) and from
unrelated ones (cooks, programmers, nurses), with more or fewer years, skills, studies and
languages, so the first shortlist is a ranked list with a spread of scores. Everything is
drawn from a random generator seeded with the opening's role, so every run writes the same
files. Names, companies, e-mails (example.ro, example.com) and phone numbers are invented, and
each CV says in its footer that it is a demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from recruit.core.cvpdf import LAYOUTS, CvDocument, Section, render_pdf
from recruit.core.text import fold
from recruit.db.models import Opening
from recruit.services.ingest import ImportReport, Source, import_files
from recruit.storage import Storage

PER_OPENING = 30
RO, EN = 0, 1  # index of the Romanian and the English wording in every pair below

FIRST = (
    "Ana", "Andreea", "Ioana", "Elena", "Maria", "Cristina", "Alina", "Roxana", "Diana",
    "Raluca", "Bianca", "Laura", "Mihai", "Andrei", "Alexandru", "Bogdan", "Radu", "Vlad",
    "Cătălin", "Ștefan", "Tudor", "Sorin", "Florin", "Adrian", "Gabriel", "Paul",
)  # fmt: skip
LAST = (
    "Popescu", "Ionescu", "Dumitrescu", "Stan", "Georgescu", "Marin", "Tudose", "Rusu",
    "Munteanu", "Matei", "Constantinescu", "Șerban", "Lungu", "Barbu", "Niculescu", "Toma",
    "Dobre", "Crăciun", "Pavel", "Moldovan", "Ardeleanu", "Vasilescu", "Neagu", "Zamfir",
)  # fmt: skip
CITIES = ("București", "Cluj-Napoca", "Iași", "Timișoara", "Brașov", "Constanța", "Sibiu")
# Invented employers: (Romanian name, English name).
COMPANIES = {
    "telecom": (("Exemplu Telecom SRL", "Example Telecom"), ("Demo Mobil SA", "Demo Mobile")),
    "bank": (("Banca Exemplu SA", "Example Bank"), ("Demo Credit IFN", "Demo Credit")),
    "trade": (
        ("Exemplu Distribuție SRL", "Example Distribution"),
        ("Demo Logistic SRL", "Demo Logistics"),
    ),
    "software": (("Exemplu Soft SRL", "Example Software"), ("Demo Cloud SRL", "Demo Cloud")),
    "shop": (("Magazinele Exemplu SA", "Example Stores"), ("Demo Retail SRL", "Demo Retail")),
    "health": (("Clinica Exemplu", "Example Clinic"), ("Spitalul Demo", "Demo Hospital")),
    "food": (
        ("Restaurantul Exemplu", "Example Restaurant"),
        ("Demo Catering SRL", "Demo Catering"),
    ),
}


@dataclass(frozen=True)
class Trade:
    """What people of one trade write: titles, duties, skills, studies (Romanian, English)."""

    headline: tuple[str, str]
    titles: tuple[tuple[str, str], ...]  # latest first
    companies: str  # key of COMPANIES
    duties: tuple[tuple[str, str], ...]
    skills: tuple[tuple[str, str], ...]
    studies: tuple[tuple[str, str], ...]


TRADES = {
    "account_manager": Trade(
        ("Manager de cont — vânzări B2B", "Account manager — B2B sales"),
        (("Account Manager", "Account Manager"), ("Consultant vânzări", "Sales Consultant")),
        "trade",
        (
            (
                "Gestionez un portofoliu de clienți B2B din retail și industrie",
                "Manage a portfolio of B2B clients in retail and industry",
            ),
            (
                "Negociez contracte anuale și pregătesc oferte comerciale",
                "Negotiate yearly contracts and prepare commercial offers",
            ),
            (
                "Prospectez clienți noi prin apeluri la rece și întâlniri",
                "Prospect new clients through cold calls and meetings",
            ),
            (
                "Urmăresc încasările și raportez lunar vânzările în CRM",
                "Follow up payments and report sales monthly in the CRM",
            ),
            (
                "Am crescut vânzările anuale cu 15% prin dezvoltarea relațiilor cu clienții",
                "Grew yearly sales by 15% by building client relationships",
            ),
        ),
        (
            ("Negociere", "Negotiation"),
            ("CRM: Salesforce", "CRM: Salesforce"),
            ("MS Office, Excel avansat", "MS Office, advanced Excel"),
            ("Prezentări pentru clienți", "Client presentations"),
            ("Comunicare și sociabilitate", "Communication and sociability"),
            ("Rezistență la stres", "Stress resistance"),
        ),
        (
            ("Licență în Științe Economice", "Bachelor of Economics"),
            ("Licență în Marketing", "Bachelor of Marketing"),
        ),
    ),
    "key_account": Trade(
        ("Key Account Manager — clienți corporativi", "Key account manager — corporate clients"),
        (
            ("Key Account Manager", "Key Account Manager"),
            ("Business Development Manager", "Business Development Manager"),
        ),
        "telecom",
        (
            (
                "Gestionez clienții cheie corporativi și relația pe termen lung cu aceștia",
                "Manage key corporate accounts and long-term relationships with them",
            ),
            (
                "Prospectez companii și organizez întâlniri și prezentări",
                "Prospect companies and organise meetings and presentations",
            ),
            (
                "Negociez contracte-cadru pe trei ani și urmăresc derularea lor",
                "Negotiate three-year framework contracts and monitor them",
            ),
            (
                "Particip la expoziții și evenimente de profil",
                "Take part in trade exhibitions and events",
            ),
            (
                "Redactez corespondența de afaceri și rapoarte lunare",
                "Write business correspondence and monthly reports",
            ),
            ("Realizez studii de piață pentru ofertele noi", "Run market research for new offers"),
        ),
        (
            ("Negociere", "Negotiation"),
            ("HubSpot, Pipedrive", "HubSpot, Pipedrive"),
            ("PowerPoint, Excel", "PowerPoint, Excel"),
            ("Dezvoltarea afacerii", "Business development"),
        ),
        (
            ("Master în Management", "Master of Management"),
            ("Licență în Relații Economice Internaționale", "Bachelor of International Business"),
        ),
    ),
    "banker": Trade(
        ("Consilier bancar — persoane fizice și IMM", "Bank relationship officer — retail and SME"),
        (("Ofițer bancar", "Bank officer"), ("Consilier clientelă bancară", "Bank teller")),
        "bank",
        (
            (
                "Consiliez clienții despre credite, carduri și depozite",
                "Advise clients on loans, cards and deposits",
            ),
            (
                "Îndeplinesc planul de vânzări al agenției și țintele lunare",
                "Meet the branch's sales plan and monthly targets",
            ),
            (
                "Întocmesc documentele de creditare și rapoartele zilnice",
                "Prepare loan documents and daily reports",
            ),
            (
                "Monitorizez contractele de credit și scadențele",
                "Monitor loan contracts and due dates",
            ),
            (
                "Procesez cererile și comenzile de produse bancare",
                "Process requests and orders for banking products",
            ),
        ),
        (
            ("Produse bancare", "Banking products"),
            ("Excel", "Excel"),
            ("Operare PC", "Computer skills"),
            ("Comunicare", "Communication"),
        ),
        (
            ("Licență în Finanțe și Bănci", "Bachelor of Finance and Banking"),
            ("Licență în Contabilitate", "Bachelor of Accounting"),
        ),
    ),
    "telecom_retail": Trade(
        ("Vânzări în magazin de telefonie mobilă", "Mobile phone shop sales"),
        (
            ("Manager magazin", "Store Manager"),
            ("Consultant vânzări telefonie", "Retail Sales Associate"),
        ),
        "shop",
        (
            (
                "Consiliez clienții despre abonamente, telefoane și accesorii",
                "Advise customers on plans, phones and accessories",
            ),
            ("Fac portări și activez abonamente noi", "Handle number porting and new plans"),
            (
                "Încasez la casa de marcat și închid ziua de vânzări",
                "Take payments at the cash register and close the day's sales",
            ),
            (
                "Țin evidența stocului și fac inventarul lunar",
                "Keep the stock records and run the monthly inventory",
            ),
            (
                "Rezolv reclamațiile clienților cu răbdare",
                "Handle customer complaints with patience",
            ),
        ),
        (
            ("Vânzări", "Sales"),
            ("Răbdare", "Patience"),
            ("Lucru în echipă", "Teamwork"),
            ("Servicii pentru clienți", "Customer service"),
        ),
        (
            ("Diplomă de bacalaureat", "Baccalaureate diploma"),
            ("Licență în Comunicare", "Bachelor of Communication"),
        ),
    ),
    "customer_service": Trade(
        ("Relații cu clienții și call center", "Customer service and call centre"),
        (
            ("Specialist relații clienți", "Customer Service Representative"),
            ("Operator call center", "Call Centre Agent"),
        ),
        "telecom",
        (
            ("Preiau apelurile și e-mailurile clienților", "Handle incoming calls and e-mails"),
            (
                "Țin evidența clienților și a solicitărilor în CRM",
                "Keep client records and requests in the CRM",
            ),
            (
                "Pregătesc contractele și documentele clienților noi",
                "Prepare contracts and documents for new clients",
            ),
            ("Caut clienți noi prin apeluri la rece", "Find new clients through cold calling"),
            ("Consiliez clienții și negociez reînnoirile", "Advise clients and negotiate renewals"),
        ),
        (
            ("Word, Excel", "Word, Excel"),
            ("Comunicare", "Communication"),
            ("Sociabilitate", "Sociability"),
            ("Organizare", "Organisation"),
        ),
        (
            ("Licență în Litere", "Bachelor of Arts"),
            ("Diplomă de bacalaureat", "Baccalaureate diploma"),
        ),
    ),
    "cook": Trade(
        ("Bucătar", "Cook"),
        (("Bucătar", "Cook"), ("Ajutor de bucătar", "Kitchen Assistant")),
        "food",
        (
            (
                "Pregătesc meniul zilei și preparatele la comandă",
                "Prepare the daily menu and orders",
            ),
            (
                "Recepționez marfa și verific termenele de valabilitate",
                "Receive goods and check expiry dates",
            ),
            ("Respect normele de igienă HACCP", "Follow HACCP hygiene rules"),
        ),
        (("Gătit", "Cooking"), ("Lucru în echipă", "Teamwork"), ("Punctualitate", "Punctuality")),
        (("Școala profesională, specializarea bucătar", "Vocational school, cookery"),),
    ),
    "programmer": Trade(
        ("Programator Python", "Python developer"),
        (("Programator", "Software Developer"), ("Programator junior", "Junior Developer")),
        "software",
        (
            (
                "Dezvolt servicii web în Python și PostgreSQL",
                "Build web services in Python and PostgreSQL",
            ),
            (
                "Scriu teste automate și revizuiesc codul colegilor",
                "Write automated tests and review code",
            ),
            (
                "Mențin aplicații în Docker și Kubernetes",
                "Maintain applications on Docker and Kubernetes",
            ),
        ),
        (("Python, SQL, Git", "Python, SQL, Git"), ("Linux", "Linux"), ("Docker", "Docker")),
        (("Licență în Informatică", "Bachelor of Computer Science"),),
    ),
    "nurse": Trade(
        ("Asistent medical generalist", "Registered nurse"),
        (("Asistent medical", "Nurse"),),
        "health",
        (
            (
                "Administrez tratamentul prescris și monitorizez pacienții",
                "Give prescribed treatment and monitor patients",
            ),
            ("Completez fișele de observație", "Keep patient charts up to date"),
            ("Pregătesc instrumentarul pentru intervenții", "Prepare instruments for procedures"),
        ),
        (("Prim ajutor", "First aid"), ("Empatie", "Empathy"), ("Lucru în ture", "Shift work")),
        (("Școala postliceală sanitară", "Post-secondary nursing school"),),
    ),
}

# The trade each built-in role hires from; the rest of a demo opening's CVs come from the others.
HOME = {
    "account-manager": "account_manager",
    "corporate-account-manager": "key_account",
    "bank-account-manager": "banker",
    "telecom-retail-manager": "telecom_retail",
    "customer-service-manager": "customer_service",
}
NEAR = ("account_manager", "key_account", "banker", "telecom_retail", "customer_service")
FAR = ("cook", "programmer", "nurse")

WORDS = {  # section headings and labels (Romanian, English)
    "profile": ("Profil", "Profile"),
    "experience": ("Experiență profesională", "Professional experience"),
    "education": ("Educație și formare", "Education and training"),
    "skills": ("Competențe", "Skills"),
    "languages": ("Limbi străine", "Languages"),
    "licence": ("Permis de conducere", "Driving licence"),
    "licence_b": ("Categoria B", "Category B"),
    "present": ("prezent", "present"),
    "phone": ("Telefon", "Phone"),
    "english": ("Engleză", "English"),
    "french": ("Franceză", "French"),
    "german": ("Germană", "German"),
    "romanian": ("Română", "Romanian"),
    "since": ("Lucrez în domeniu din {year}.", "Working in the field since {year}."),
    "demo": (
        "CV demonstrativ: persoană și firme inventate (recruit demo)",
        "Demo CV: invented person and companies (recruit demo)",
    ),
}
# fmt: off
MONTHS = (
    ("ian.", "feb.", "mar.", "apr.", "mai", "iun.", "iul.", "aug.", "sept.", "oct.", "nov.",
     "dec."),
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
)
# fmt: on
THIS_YEAR = 2026  # the demo's "now": fixed, so the files are the same every year too


def _month(lang: int, year: int, month: int) -> str:
    return f"{MONTHS[lang][month - 1]} {year}"


def _cv(rng: random.Random, trade_id: str, number: int) -> CvDocument:
    """One invented person of `trade_id`: their CV, in Romanian or English."""
    trade = TRADES[trade_id]
    lang = EN if rng.random() < 0.4 else RO
    first, last = rng.choice(FIRST), rng.choice(LAST)
    handle = fold(f"{first}.{last}")  # an address without diacritics, lower-case
    domain = "example.com" if lang == EN else "example.ro"
    phone = f"07{rng.randint(20, 69)} 000 {number:03d}"
    city = rng.choice(CITIES)
    header = [
        f"{first} {last}",
        trade.headline[lang],
        f"{WORDS['phone'][lang]}: {phone} · E-mail: {handle}.{number}@{domain}",
        city,
    ]
    # Experience: one to three jobs, the latest in the trade's first title, back from now.
    years = rng.choice((1, 2, 3, 4, 6, 8, 10))
    jobs_total = 1 if years < 3 else rng.choice((2, 3))
    end: tuple[int, int] | None = None  # None: present
    year, month = THIS_YEAR, rng.randint(1, 10)
    lines: list[str] = []
    left = years * 12
    for j in range(jobs_total):
        span = left if j == jobs_total - 1 else max(6, left // (jobs_total - j))
        left -= span
        start_index = year * 12 + month - 1 - span
        start = (start_index // 12, start_index % 12 + 1)
        until = WORDS["present"][lang] if end is None else _month(lang, *end)
        title = trade.titles[min(j, len(trade.titles) - 1)][lang]
        company = rng.choice(COMPANIES[trade.companies])[lang]
        lines.append(f"{_month(lang, *start)} – {until}\t{title} — {company}, {city}")
        duties = rng.sample(trade.duties, rng.randint(1, len(trade.duties)))
        lines += [f"• {d[lang]}" for d in duties]
        end_index = start_index - rng.randint(1, 4)
        end = (end_index // 12, end_index % 12 + 1)
        year, month = end
    studies = []
    study_end = year - rng.randint(0, 2)
    if rng.random() < 0.8:
        title = rng.choice(trade.studies)[lang]
        studies.append(f"{study_end - 3} – {study_end}\t{title}")
    skills = [s[lang] for s in rng.sample(trade.skills, rng.randint(1, len(trade.skills)))]
    languages = [f"{WORDS['romanian'][lang]} — {'nativ' if lang == RO else 'native'}"]
    english = rng.choice(("A2", "B1", "B2", "C1", "C2", None))
    if english or lang == EN:
        languages.append(f"{WORDS['english'][lang]} — {english or 'B2'}")
    if rng.random() < 0.3:
        languages.append(f"{rng.choice((WORDS['french'], WORDS['german']))[lang]} — B1")
    main = [
        Section(WORDS["profile"][lang], [WORDS["since"][lang].format(year=THIS_YEAR - years)]),
        Section(WORDS["experience"][lang], lines),
    ]
    if studies:
        main.append(Section(WORDS["education"][lang], studies))
    side = [Section(WORDS["skills"][lang], skills), Section(WORDS["languages"][lang], languages)]
    if rng.random() < 0.7:
        side.append(Section(WORDS["licence"][lang], [WORDS["licence_b"][lang]]))
    return CvDocument(header=header, main=main, side=side, running_footer=WORDS["demo"][lang])


def demo_cvs(role_id: str, count: int = PER_OPENING, first_number: int = 1) -> list[Source]:
    """Return `count` invented CVs for an opening of `role_id`, as import sources (PDFs).

    About a third come from the role's own trade, half from neighbouring trades and the rest
    from unrelated ones; the same role always gives the same files.
    """
    rng = random.Random(f"recruit-demo/{role_id}")  # nosec B311 - invented people, no secret
    home = HOME.get(role_id, "account_manager")
    near = [t for t in NEAR if t != home]
    trades = [home] * (count // 3)
    trades += [near[k % len(near)] for k in range(count // 2)]
    trades += [FAR[k % len(FAR)] for k in range(count - len(trades))]
    rng.shuffle(trades)
    sources = []
    for k, trade_id in enumerate(trades):
        number = first_number + k
        doc = _cv(rng, trade_id, number)
        order = "rows" if rng.random() < 0.3 else "flow"
        data = render_pdf(doc, rng.choice(LAYOUTS), file_order=order)
        name = f"demo-{role_id}-{number:03d}.pdf"
        sources.append(Source(name, len(data), lambda data=data: data))
    return sources


def load_demo_candidates(
    session: Session, storage: Storage, openings: list[Opening], count: int = PER_OPENING
) -> dict[int, ImportReport]:
    """Store `count` invented CVs per opening as a bulk import does; their documents are queued.

    Returns each opening's import report (its `document_ids` are what a reader must read).
    """
    reports = {}
    for k, opening in enumerate(openings):
        sources = demo_cvs(opening.role_id, count, first_number=1 + k * count)
        reports[opening.id] = import_files(session, storage, opening, sources)
    return reports
