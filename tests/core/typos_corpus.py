"""Clean Romanian and English CV texts for the typo tests and `bench/typos.py`.

Written by us: CV-like lines about the account-manager roles, with the key terms in many
inflected forms, names, e-mails, URLs and acronyms. `cv_texts` assembles whole CVs from them
with a seeded generator so the bench has a corpus of any size.
"""

from __future__ import annotations

import random

RO_NAMES = [
    "Ana-Maria Popescu",
    "Ion Vasilescu",
    "Elena Contescu",
    "Mihai Clinciu",
    "Ioana Negoiță",
    "Andrei Vânătoru",
    "Cristina Ofrim",
    "Radu Sălăjan",
    "Alexandra Rădulescu",
    "Bogdan Ștefănescu",
]
EN_NAMES = [
    "John Smith",
    "Mary Clint",
    "Peter Contreras",
    "Laura Negus",
    "David Salesky",
    "Emma Exton",
    "James Carter",
    "Olivia Bennett",
    "Robert Mayer",
    "Sophie Turner",
]
RO_EMPLOYERS = [
    "Orange România",
    "Banca Transilvania",
    "Vodafone România",
    "Telekom Romania Mobile",
    "BRD Groupe Société Générale",
    "eMAG",
    "Dedeman",
    "ING Bank",
    "Altex România",
    "Raiffeisen Bank",
]
EN_EMPLOYERS = [
    "Orange Business Services",
    "Vodafone UK",
    "Barclays Bank",
    "Salesforce Inc.",
    "Contrex Logistics",
    "Exelon Corporation",
    "Carphone Warehouse",
    "HSBC",
    "Oracle",
    "Deloitte",
]
RO_TITLES = [
    "Manager de cont",
    "Key Account Manager",
    "Manager relații cu clienții",
    "Consultant vânzări",
    "Manager de clienți corporativi",
    "Reprezentant vânzări",
    "Manager servicii pentru clienți",
    "Agent vânzări telefonie mobilă",
    "Manager cont bancar",
    "Director de vânzări",
]
EN_TITLES = [
    "Account Manager",
    "Key Account Manager",
    "Customer Service Manager",
    "Sales Consultant",
    "Corporate Account Manager",
    "Sales Representative",
    "Client Relationship Manager",
    "Retail Store Manager",
    "Bank Account Manager",
    "Business Development Manager",
]
RO_LINES = [
    "Am negociat contracte anuale cu clienții corporativi și am monitorizat îndeplinirea "
    "obligațiilor contractuale.",
    "Gestionarea unui portofoliu de peste 80 de clienți din domeniul retail și HoReCa.",
    "Am crescut vânzările cu 25% față de anul anterior prin prospectarea de noi clienți.",
    "Negocierea contractelor de furnizare și a condițiilor comerciale cu partenerii.",
    "Întocmirea ofertelor comerciale și a rapoartelor lunare de vânzări pentru director.",
    "Organizarea întâlnirilor cu clienții cheie și prezentarea produselor companiei.",
    "Consilierea clienților cu privire la produsele bancare: credite, carduri și depozite.",
    "Procesarea comenzilor și urmărirea încasărilor de la clienți.",
    "Preluarea apelurilor și a e-mailurilor, rezolvarea reclamațiilor în termen.",
    "Vânzarea de telefoane mobile, accesorii și abonamente, portări de număr.",
    "Lucrul cu casa de marcat, participarea la inventar și menținerea ordinii în magazin.",
    "Am atins ținta lunară de vânzări în 11 din 12 luni și am primit bonusul anual.",
    "Dezvoltarea relațiilor de lungă durată cu clienții și fidelizarea acestora.",
    "Participarea la expoziții și evenimente de profil pentru promovarea serviciilor.",
    "Realizarea studiilor de piață și a sondajelor privind satisfacția clienților.",
    "Raportarea săptămânală a activității către managerul de vânzări regional.",
    "Am coordonat o echipă de cinci agenți de vânzări și consultanți.",
    "Semnarea contractelor de colaborare și actualizarea documentației în CRM.",
    "Corespondența de afaceri cu furnizorii și clienții externi, în română și engleză.",
    "Negocieri dificile cu achizitorii marilor rețele de magazine.",
    "Responsabilități: planificarea vizitelor, ofertarea și urmărirea plăților restante.",
    "Comunicare excelentă, sociabilitate, răbdare, punctualitate și rezistență la stres.",
    "Abilități de negociere și de prezentare, orientare către rezultate.",
    "Cunoștințe foarte bune de operare PC: Microsoft Office, Excel, PowerPoint, Outlook.",
    "Experiență în utilizarea aplicațiilor Salesforce, HubSpot și SAP.",
    "Analiza contractelor existente și renegocierea clauzelor nefavorabile.",
    "Clientela firmei a crescut de la 40 la 95 de companii în doi ani.",
    "Am contractat servicii de transport pentru depozitele regionale ale firmei.",
    "Vânzătorii din echipă au depășit obiectivele trimestriale stabilite de conducere.",
    "Menținerea bazei de clienți și identificarea oportunităților de vânzare suplimentară.",
    "Elaborarea strategiei comerciale anuale împreună cu departamentul de marketing.",
    "Gestionarea conturilor clienților corporativi și a comisioanelor aferente.",
    "Am redus numărul reclamațiilor cu 30% prin instruirea colegilor din echipă.",
    "Prezentări ale ofertelor în fața comitetelor de achiziții ale companiilor partenere.",
    "Întâlniri periodice cu clienții pentru evaluarea nivelului de satisfacție.",
]
EN_LINES = [
    "Negotiated annual contracts with corporate clients and monitored contractual obligations.",
    "Managed a portfolio of more than 80 clients in the retail and hospitality sectors.",
    "Grew sales by 25% year on year by prospecting new customers and upselling.",
    "Negotiation of supply contracts and commercial terms with partners.",
    "Prepared commercial proposals and monthly sales reports for the sales director.",
    "Organised meetings with key accounts and delivered product presentations.",
    "Advised customers on banking products: loans, credit cards and deposits.",
    "Processed customer orders and followed up payments and collections.",
    "Handled incoming calls and e-mails and resolved customer complaints on time.",
    "Sold mobile phones, accessories and subscriptions; handled number porting.",
    "Operated the cash register, took part in the inventory and kept the store tidy.",
    "Reached the monthly sales target in 11 of 12 months and earned the annual bonus.",
    "Built long-term relationships with customers and improved customer retention.",
    "Represented the company at trade exhibitions and industry events.",
    "Carried out market research and customer satisfaction surveys.",
    "Reported weekly on account activity to the regional sales manager.",
    "Coordinated a team of five sales representatives and consultants.",
    "Signed partnership contracts and kept the documentation up to date in the CRM.",
    "Business correspondence with suppliers and international clients.",
    "Led difficult negotiations with buyers from the largest retail chains.",
    "Responsibilities: planning client visits, preparing offers, chasing overdue payments.",
    "Excellent communication, teamwork, patience, punctuality and resilience under stress.",
    "Strong negotiation and presentation skills, results oriented.",
    "Very good computer skills: Microsoft Office, Excel, PowerPoint, Outlook.",
    "Hands-on experience with Salesforce, HubSpot, Pipedrive and SAP.",
    "Reviewed existing contracts and renegotiated unfavourable clauses.",
    "The client base grew from 40 to 95 companies in two years.",
    "Contracted transport services for the regional warehouses of the company.",
    "The salespeople in my team exceeded the quarterly targets set by management.",
    "Kept the customer base and identified cross-selling and upselling opportunities.",
    "Drew up the annual commercial strategy together with the marketing department.",
    "Managed corporate customer accounts and the related commissions.",
    "Cut the number of complaints by 30% by training colleagues in the team.",
    "Presented offers to the procurement committees of partner companies.",
    "Held regular meetings with customers to review their satisfaction.",
    "Worked as a subcontractor and later as an independent contractor for telecom operators.",
]
RO_EDUCATION = [
    "2013 – 2016 Licență în Științe Economice — Universitatea Babeș-Bolyai, Cluj-Napoca",
    "2016 – 2018 Master în Marketing și Vânzări — Academia de Studii Economice, București",
    "2009 – 2013 Diplomă de bacalaureat — Colegiul Național „Mihai Eminescu”, Iași",
    "2019 Curs de tehnici de negociere — Dale Carnegie Training România",
]
EN_EDUCATION = [
    "2013 – 2016 BA in Business Administration — University of Leeds",
    "2016 – 2018 MSc in Marketing and Sales Management — Bucharest University of Economics",
    "2009 – 2013 High school diploma — Emil Racoviță National College, Cluj-Napoca",
    "2019 Negotiation skills course — Dale Carnegie Training",
]


def _contact(name: str, rng: random.Random, ro: bool) -> list[str]:
    slug = name.lower().replace(" ", ".").replace("ș", "s").replace("ă", "a").replace("ț", "t")
    slug = slug.replace("â", "a").replace("î", "i")
    domain = rng.choice(["gmail.com", "yahoo.com", "contracte-vanzari.ro", "negociation.eu"])
    phone = "+40 722 123 456" if ro else "+44 7700 900123"
    link = f"linkedin.com/in/{slug.replace('.', '-')}-vanzari-contarcte"
    return [f"E-mail: {slug}@{domain} · Telefon: {phone}", f"{link} · www.{slug}.ro"]


def cv_text(language: str, rng: random.Random) -> str:
    """Return one CV text in `language` ("ro" or "en") drawn with `rng`."""
    ro = language == "ro"
    name = rng.choice(RO_NAMES if ro else EN_NAMES)
    lines = [name, rng.choice(RO_TITLES if ro else EN_TITLES), *_contact(name, rng, ro)]
    lines.append("Experiență profesională" if ro else "Professional experience")
    pool = RO_LINES if ro else EN_LINES
    for _ in range(rng.randint(2, 4)):
        start = rng.randint(2008, 2020)
        employer = rng.choice(RO_EMPLOYERS if ro else EN_EMPLOYERS)
        lines.append(
            f"{start} – {start + rng.randint(1, 4)} {rng.choice(RO_TITLES if ro else EN_TITLES)}"
            f" — {employer}"
        )
        lines.extend("• " + line for line in rng.sample(pool, rng.randint(3, 6)))
    lines.append("Educație și formare" if ro else "Education and training")
    lines.extend(rng.sample(RO_EDUCATION if ro else EN_EDUCATION, 2))
    lines.append("Competențe" if ro else "Skills")
    lines.extend(rng.sample(pool[20:25], 3))
    lines.append(
        "Limbi străine: engleză C1, franceză B1" if ro else "Languages: English C2, Romanian B2"
    )
    lines.append("Permis de conducere categoria B" if ro else "Driving licence: category B")
    return "\n".join(lines) + "\n"


def cv_texts(count: int, seed: int = 6) -> list[tuple[str, str]]:
    """Return `count` (language, text) CVs, alternating Romanian and English."""
    rng = random.Random(seed)
    return [(lang, cv_text(lang, rng)) for lang in ("ro", "en") * (count // 2 + 1)][:count]
