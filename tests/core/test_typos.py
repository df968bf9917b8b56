"""Key-term typos: what must be flagged, what never may be, and Romanian without diacritics."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from wordfreq import zipf_frequency

from recruit.core.typos import TypoReport, _vocabulary, find_typos
from tests.core.typos_corpus import cv_texts

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SHARED_CVS = SHARED_DATA / "cvs"
needs_shared = pytest.mark.skipif(not SHARED_CVS.is_dir(), reason="../shared/data/cvs absent")


def flags(text: str, language: str | None) -> list[tuple[str, str, str]]:
    return [(t.found, t.term, t.suggestion) for t in find_typos(text, language).typos]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Am negociat contarcte anuale.", "ro", ("contarcte", "contract", "contracte")),
        ("Am crescut vazari cu 20%.", "ro", ("vazari", "vânzare", "vânzări")),
        ("Skilled in negociation.", "en", ("negociation", "negotiation", "negotiation")),
        ("Tools: Word, Exel, PowerPoint.", "en", ("Exel", "Excel", "Excel")),
        ("Cunoștințe Exel avansate.", "ro", ("Exel", "Excel", "Excel")),
    ],
)
def test_the_classic_misspellings_are_flagged(
    text: str, language: str, expected: tuple[str, str, str]
) -> None:
    assert flags(text, language) == [expected]


def test_negocerii_points_to_negociere() -> None:
    [(found, term, suggestion)] = flags("Am condus negocerii dificile.", "ro")
    assert (found, term) == ("negocerii", "negociere")
    # One edit from the genitive "negocierii", two from the plural "negocieri".
    assert suggestion in {"negocierii", "negocieri"}


@pytest.mark.parametrize(
    ("kind", "language", "typo", "suggestion"),
    [
        ("deletion", "ro", "contrcte", "contracte"),
        ("insertion", "ro", "clientților", "clienților"),
        ("substitution", "ro", "negpcieri", "negocieri"),
        ("transposition", "ro", "rapaorte", "rapoarte"),
        ("doubled", "ro", "vânzzările", "vânzările"),
        ("deletion", "en", "negotiaton", "negotiation"),
        ("insertion", "en", "relationshiop", "relationship"),
        ("substitution", "en", "custoner", "customer"),
        ("transposition", "en", "negotaition", "negotiation"),
        ("doubled", "en", "managemment", "management"),
    ],
)
def test_each_kind_of_slip_in_both_languages(
    kind: str, language: str, typo: str, suggestion: str
) -> None:
    text = f"Lorem: {typo} și altele." if language == "ro" else f"Summary: {typo} and more."
    report = find_typos(text, language)
    [t] = report.typos
    assert (t.found, t.suggestion) == (typo, suggestion), kind
    assert text[t.start : t.end] == typo


def test_spans_pages_and_capitals() -> None:
    page1 = "Ana Popescu\nManager de cont\n"
    page2 = "Contarcte semnate cu clienții.\n"
    report = find_typos(page1 + page2, "ro", page_starts=(0, len(page1)))
    [t] = report.typos
    assert (t.page, t.start, t.end) == (2, len(page1), len(page1) + len("Contarcte"))
    assert t.suggestion == "Contracte"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Am contractat servicii; contractor independent; clientelă fidelă.", "ro"),
        ("Clientela firmei, contractarea și renegocierea contractelor.", "ro"),
        ("Subcontractor, negociabil, vânzătoare, ofertare personalizată.", "ro"),
        ("Worked as an independent contractor; loyal clientele.", "en"),
        ("Contracted, renegotiated, negotiable terms; excellent accountant.", "en"),
        ("Managerial skills, excelled at presentations, customised offers.", "en"),
    ],
)
def test_real_words_near_key_terms_are_not_flagged(text: str, language: str) -> None:
    assert flags(text, language) == []


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # The case: "contacte" is a word, but nobody negotiates commercial contacts.
        ("Negociere de contacte comerciale.", "ro", ("contacte", "contract", "contracte")),
        ("Negocierea contactelor de furnizare.", "ro", ("contactelor", "contract", "contractelor")),
        ("Am semnat contacte anuale.", "ro", ("contacte", "contract", "contracte")),
        ("Incheierea de contacte cu clientii.", "ro", ("contacte", "contract", "contracte")),
        ("Întocmirea de oferite comerciale.", "ro", ("oferite", "ofertă", "oferte")),
        ("Signed contacts with key clients.", "en", ("contacts", "contract", "contracts")),
        ("Account Manger at a retail bank.", "en", ("Manger", "manager", "Manager")),
        ("Sales Manger, telecom.", "ro", ("Manger", "manager", "Manager")),
        ("Handled compliant resolution.", "en", ("compliant", "complaint", "complaint")),
        ("Carried out marked research.", "en", ("marked", "market", "market")),
    ],
)
def test_real_words_are_flagged_where_the_context_names_the_key_term(
    text: str, language: str, expected: tuple[str, str, str]
) -> None:
    assert flags(text, language) == [expected]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # The word's own phrases: business contacts, contact details, the services offered.
        ("Menținerea permanentă a contactelor de afaceri cu clienții.", "ro"),
        ("Date de contact: telefon și e-mail.", "ro"),
        ("Produsele și serviciile oferite de companie.", "ro"),
        ("Dezvoltarea contactelor comerciale.", "ro"),
        ("Built a network of business contacts.", "en"),
        ("Project managed the CRM rollout; the account managed by me.", "en"),
        ("Customers complain about late deliveries; GDPR compliant processes.", "en"),
        # No phrase of the key term around it: a real word stays a word.
        ("Am păstrat contacte cu foștii colegi.", "ro"),
        ("Keep in contact with the marked accounts.", "en"),
        # A clause break parts the words: "negociere" does not govern the next line.
        ("Negociere\ncontacte: 0722 123 456", "ro"),
    ],
)
def test_real_words_in_their_own_context_are_not_flagged(text: str, language: str) -> None:
    assert flags(text, language) == []


def test_every_collocation_entry_names_a_key_term_or_lists_its_forms() -> None:
    from recruit.core.typos import _collocations

    col = _collocations()
    assert {t.lemma for t in col.terms} >= {"contract", "ofertă", "manager"}
    assert col.own[("ro", "contacte")].lemma == "contact"


def test_romanian_without_diacritics_is_counted_not_flagged() -> None:
    report = find_typos("Am crescut vanzarile si am negociat cu clientii din Bucuresti.", "ro")
    assert report.typos == ()
    assert report.missing_diacritics == 4  # vanzarile, si, clientii, Bucuresti


def test_diacritics_are_only_counted_for_romanian_documents() -> None:
    assert find_typos("Sales in Bucuresti and Cluj.", "en").missing_diacritics == 0


def test_bare_forms_that_are_words_are_not_missing_diacritics() -> None:
    # "data", "fata" and "mai" are words as written (the date, the girl, more).
    report = find_typos("Data angajării: mai 2020. Fata de la recepție.", "ro")
    assert report.missing_diacritics == 0


def test_properly_written_romanian_has_none_missing() -> None:
    text = "Negocieri cu clienții, creșterea vânzărilor și întocmirea ofertelor comerciale."
    assert find_typos(text, "ro") == TypoReport(typos=(), missing_diacritics=0, words=9)


def test_cedilla_forms_are_neither_typos_nor_missing_diacritics() -> None:
    text = "Relaţii cu clienţii, negocieri şi vânzări, prospectarea pieţei, ţinte lunare."
    report = find_typos(text, "ro")
    assert report.typos == ()
    assert report.missing_diacritics == 0


def test_the_spelling_before_1993_is_not_a_typo() -> None:
    text = "Vînzări, întîlniri cu clienții, vînzătoare, întîlnirile lunare."
    assert find_typos(text, "ro").typos == ()


@pytest.mark.parametrize(
    "text",
    [
        "Referințe: Mary Clint, Ana Contarescu, Elena Contescu.",
        "Contact: POPESCU Clinet, director.",
        "Referințe: Ioana Vânzaru, Banca Transilvania.",
        "Apple TV, DirecTV and LinkedIn; servicesÂ glued by the converter.",
    ],
)
def test_names_and_brands_are_not_flagged(text: str) -> None:
    assert flags(text, "ro") == []
    assert flags(text, "en") == []


@pytest.mark.parametrize(
    "text",
    [
        "E-mail: contarcte.vazari@negociation.ro",
        "Site: www.exel-contarcte.com/negocerii",
        "Profil: https://linkedin.com/in/ana-contarcte-vazari",
        "Profil: linkedin.com/in/negociation",
        "Twitter: @contarcte",
    ],
)
def test_emails_and_urls_are_not_flagged(text: str) -> None:
    assert flags(text, "ro") == []


def test_all_caps_acronyms_are_not_flagged() -> None:
    assert flags("CONTARCTE, EXEL, NEGOCIATION, SAPP, CRMM", "en") == []


def test_capitalised_typos_in_job_titles_are_flagged() -> None:
    assert [f[0] for f in flags("Key Acount Manager, Business Deveopment Manaer", "en")] == [
        "Acount",
        "Deveopment",
        "Manaer",
    ]
    assert flags("Manager Vazari", "ro") == [("Vazari", "vânzare", "Vânzări")]


def test_camel_case_is_compared_with_product_names_only() -> None:
    assert flags("Decks in PowerPiont.", "en") == [("PowerPiont", "PowerPoint", "PowerPoint")]


def test_a_word_split_by_a_stray_space_is_not_a_typo() -> None:
    assert flags("post installation ma nagement", "en") == []


def test_words_count_every_word_outside_addresses() -> None:
    assert find_typos("Am vândut 20 de telefoane. ana@x.ro", "ro").words == 4


def test_empty_and_unknown_language() -> None:
    assert find_typos("", None) == TypoReport((), 0, 0)
    assert flags("Negocieri și contarcte; negociation.", None) == [
        ("contarcte", "contract", "contracte"),
        ("negociation", "negotiation", "negotiation"),
    ]


def test_real_word_frequencies_are_wordfreqs() -> None:
    # The detector reads wordfreq's table directly for speed; it must agree with the API.
    zipf = _vocabulary().ro_zipf
    for word in ("contracte", "vânzări", "clienți", "negocieri"):
        assert zipf(word) == pytest.approx(zipf_frequency(word, "ro"), abs=0.01)


def test_generated_cvs_have_no_false_flags() -> None:
    texts = cv_texts(60, seed=1)
    assert all(find_typos(t, lang).typos == () for lang, t in texts)


def test_injected_typos_are_found_in_generated_cvs() -> None:
    rng = random.Random(3)
    found = total = 0
    for lang, text in cv_texts(40, seed=2):
        target = "contractele" if lang == "ro" else "contracts"
        if target not in text:
            continue
        i = text.index(target) + rng.randrange(2, len(target) - 1)
        typo = text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]  # swap two letters
        total += 1
        found += any(t.suggestion == target for t in find_typos(typo, lang).typos)
    assert total >= 5
    assert found == total


@pytest.mark.shared
@needs_shared
def test_the_romanian_article_has_only_glued_words_flagged() -> None:
    text = (SHARED_DATA / "domain" / "manager-de-cont-ro.txt").read_text(encoding="utf-8")
    report = find_typos(text, "ro")
    assert report.words > 3000
    # The article glues words ("afaceriși"): those are real flags; nothing else may be.
    assert all(t.found.endswith(("și", "si")) for t in report.typos), report.typos


@pytest.mark.shared
@needs_shared
def test_real_cvs_have_few_flags_and_keep_injected_ones() -> None:
    from recruit.core.reading import read_document

    words = 0
    flagged: list[str] = []
    for path in sorted(SHARED_CVS.rglob("*.pdf"))[:8]:
        doc = read_document(path.read_bytes(), path.name)
        report = find_typos(doc.text, doc.language, doc.page_starts or (0,))
        words += report.words
        flagged += [t.found for t in report.typos]
        if "management" in doc.text:
            i = doc.text.index("management")
            dirty = doc.text[:i] + "managment" + doc.text[i + len("management") :]
            hits = find_typos(dirty, doc.language, doc.page_starts or (0,)).typos
            assert any(t.start == i and t.suggestion == "management" for t in hits)
    assert words > 3000
    # These CVs do misspell key terms; every flag must be one of those real misspellings.
    assert set(flagged) <= {"Managment", "bussines", "Deposite"}


@pytest.mark.shared
@pytest.mark.skipif(
    not (SHARED_DATA / "taxonomy").is_dir(), reason="../shared/data/taxonomy absent"
)
@pytest.mark.parametrize("language", ["ro", "en"])
def test_real_occupation_names_are_rarely_flagged(language: str) -> None:
    # ESCO's occupation labels are full of rare trade words ("sablare", "digestor",
    # "lettings") that sit two edits from key terms; a few labels are misspelt themselves.
    path = SHARED_DATA / "taxonomy" / "esco_occupations_labels_en_ro.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    labels = [r[f"preferred_label_{language}"] for r in rows]
    labels += [a for r in rows for a in r[f"alt_labels_{language}"].split(" | ") if a]
    report = find_typos("\n".join(labels), language)
    assert report.words > 50_000
    assert len(report.typos) / report.words * 1000 < 0.2
