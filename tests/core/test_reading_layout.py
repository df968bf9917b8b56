"""Reading order on hand-placed pages: the layouts real CVs use beyond tests.cvgen's five."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from recruit.core.reading import read_document
from tests import cvgen

Row = tuple[float, float, str, str, float, bool]  # x, baseline, text, align, size, bold


def _pdf(rows: list[Row], *, shuffle: bool = False) -> bytes:
    """Draw `rows`; `shuffle` writes them bottom-up, the opposite of reading order."""
    cvgen._fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for x, y, text, align, size, bold in reversed(rows) if shuffle else rows:
        c.setFont(cvgen.BOLD if bold else cvgen.REGULAR, size)
        (c.drawRightString if align == "r" else c.drawString)(x, y, text)
    c.save()
    return buf.getvalue()


def _read(rows: list[Row]) -> list[str]:
    texts = {read_document(_pdf(rows, shuffle=s)).text for s in (False, True)}
    assert len(texts) == 1  # the file's order does not matter
    return texts.pop().split()


def _want(*parts: str) -> list[str]:
    return " ".join(parts).split()


BULLETS = [
    "• Gestionez un portofoliu de clienți corporativi cu venituri mari",
    "• Am crescut vânzările cu 18% în 2023 prin ofertare personalizată",
]


def _entries(dates: list[tuple[float, str]], titles: list[str], x: float) -> list[Row]:
    """Entries of a bold title with bullets below, each with a date at (x, align) beside it."""
    rows: list[Row] = []
    y = 780.0
    for (date_x, date), title in zip(dates, titles, strict=True):
        align = "r" if date_x > x else "l"
        rows += [(x, y, title, "l", 10, True), (date_x, y, date, align, 9, False)]
        for b in BULLETS:
            y -= 13
            rows.append((x, y, b, "l", 10, False))
        y -= 13
    return rows


def test_dates_flush_right_on_title_rows_follow_their_title() -> None:
    titles = ["Key Account Manager — Orange", "Sales Consultant — Vodafone România"]
    dates = [(545.0, "2021 – prezent"), (545.0, "iun. 2015 – feb. 2017")]
    want = [f"{t} {d} {' '.join(BULLETS)}" for (_, d), t in zip(dates, titles, strict=True)]
    assert _read(_entries(dates, titles, 50)) == _want(*want)


def test_dense_label_table_reads_row_by_row() -> None:
    pairs = [
        ("Nume", "Ana Popescu"),
        ("Adresă", "Str. Fabricii 12, Cluj-Napoca"),
        ("Telefon", "0722 123 456"),
        ("Naționalitate", "română"),
    ]
    rows: list[Row] = []
    for i, (label, value) in enumerate(pairs):
        rows += [
            (160, 780 - 13 * i, label, "r", 9, False),
            (175, 780 - 13 * i, value, "l", 10, False),
        ]
    assert _read(rows) == _want(*(f"{a} {b}" for a, b in pairs))


def test_dense_date_column_without_gaps() -> None:
    entries = [
        (
            "2013 – 2016",
            ["Licență în Științe Economice — Universitatea", "Babeș-Bolyai, Cluj-Napoca"],
        ),
        ("2009 – 2013", ["Diplomă de bacalaureat — Colegiul Național"]),
        ("2005 – 2009", ["Școala generală nr. 5"]),
    ]
    rows: list[Row] = []
    y = 780.0
    for date, lines in entries:
        rows.append((50, y, date, "l", 9, False))
        for line in lines:
            rows.append((130, y, line, "l", 10, False))
            y -= 13
    assert _read(rows) == _want(*(f"{d} {' '.join(ls)}" for d, ls in entries))


def test_dates_beside_bold_titles_and_bullets() -> None:
    titles = ["Key Account Manager", "Consultant"]
    dates = [(50.0, "2021 – prezent"), (50.0, "2015 – 2017")]
    want = [f"{d} {t} {' '.join(BULLETS)}" for (_, d), t in zip(dates, titles, strict=True)]
    assert _read(_entries(dates, titles, 140)) == _want(*want)


def test_sidebar_with_the_main_columns_leading_is_still_a_column() -> None:
    side = ["COMPETENȚE", "Negociere", "CRM Salesforce", "Excel avansat", "", "LIMBI", "Engleză C1"]
    main = [
        "EXPERIENȚĂ",
        "Key Account Manager — Orange România",
        "Gestionez un portofoliu de clienți corporativi",
        "cu venituri anuale de peste două milioane",
        "de euro și negociez contractele anuale.",
        "Consultant vânzări — Vodafone",
        "Consiliere pentru abonamente de telefonie",
    ]
    rows: list[Row] = []
    for i, text in enumerate(side):
        if text:
            rows.append((40, 780 - 13 * i, text, "l", 10, text.isupper()))
    for i, text in enumerate(main):
        rows.append((200, 780 - 13 * i, text, "l", 10, text.isupper()))
    assert _read(rows) == _want(*[t for t in side if t], *main)


def test_wrapped_europass_label() -> None:
    rows: list[Row] = [
        (170, 780, "Activități și responsabilități", "r", 9, False),
        (170, 769, "principale", "r", 9, False),
        (185, 780, "Gestionarea portofoliului de clienți corporativi,", "l", 10, False),
        (185, 767, "negocierea contractelor și urmărirea încasărilor.", "l", 10, False),
        (170, 745, "Numele angajatorului", "r", 9, False),
        (185, 745, "Orange România SA", "l", 10, False),
    ]
    assert _read(rows) == _want(
        "Activități și responsabilități principale",
        "Gestionarea portofoliului de clienți corporativi,",
        "negocierea contractelor și urmărirea încasărilor.",
        "Numele angajatorului Orange România SA",
    )


def test_letter_spaced_heading_and_tabbed_bullet() -> None:
    rows: list[Row] = [
        (50, 780, "E X P E R I E N Ț Ă   P R O F E S I O N A L Ă", "l", 11, True),
        (50, 760, "▪", "l", 10, False),
        (70, 760, "Negociere cu clienții", "l", 10, False),
    ]
    assert _read(rows) == ["EXPERIENȚĂ", "PROFESIONALĂ", "•", "Negociere", "cu", "clienții"]


def test_line_end_hyphens() -> None:
    rows: list[Row] = [
        (50, 780, "Am crescut vân-", "l", 10, False),
        (50, 767, "zările; vânzările cresc. Follow-", "l", 10, False),
        (50, 754, "up lunar, în Cluj-", "l", 10, False),
        (50, 741, "Napoca.", "l", 10, False),
    ]
    text = " ".join(_read(rows))
    assert "vânzările;" in text  # the document spells the word whole elsewhere
    assert "Follow-up" in text and "Cluj-Napoca." in text


def test_short_cell_centred_beside_a_tall_one_does_not_swallow_what_follows() -> None:
    # wkhtmltopdf CVs: a skills paragraph centred beside a long list, then full-width text.
    items = [f"Skill number {i}" for i in range(12)]
    rows: list[Row] = [(50, 780, "Highlights", "l", 10, False)]
    rows += [(435, 765 - 12 * i, item, "l", 10, False) for i, item in enumerate(items)]
    rows += [(50, 700, "SAP, Dynamics AX and Quickbooks.", "l", 10, False)]
    rows += [
        (50, 600, "Experience", "l", 10, False),
        (50, 585, "Finance Manager, 12/2011 to 05/2014", "l", 10, False),
        (
            50,
            570,
            "Provide financial reports for three plants in the region and more.",
            "l",
            10,
            False,
        ),
        (
            50,
            555,
            "Manage day to day operations, procurement, budget and the payroll of all plants.",
            "l",
            10,
            False,
        ),
    ]
    words = _read(rows)
    assert words.index("Experience") > words.index("number", words.index("11") - 2)
    assert words[-3:] == ["of", "all", "plants."]


def test_two_column_skill_list_ends_where_the_margin_text_starts() -> None:
    # Resume builders indent a two-column list of qualifications; "Experience" and the first
    # dates then sit at the margin, short enough to look like more of the left column.
    left = ["Critical thinking", "Eye for detail", "Verbal communication"]
    right = ["Territory growth", "Business development", "Strategic planning"]
    rows: list[Row] = [(40, 780, "Core Qualifications", "l", 11, False)]
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        rows += [(66, 766 - 12 * i, a, "l", 11, False), (220, 766 - 12 * i, b, "l", 11, False)]
    rows += [
        (40, 717, "Experience", "l", 11, False),
        (40, 705, "10/2015 to Current", "l", 11, False),
        (40, 693, "Product Specialist Company Name City , State", "l", 11, False),
        (66, 681, "Checked in vendors and verified the prices of every shelf", "l", 11, False),
    ]
    words = _read(rows)
    assert words.index("Experience") > words.index("planning")
    after = words.index("Current") + 1
    assert words[after : after + 2] == ["Product", "Specialist"]
