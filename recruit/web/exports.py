"""Shortlist exports a recruiter's spreadsheet opens as it is: CSV in their locale, typed XLSX.

Romanian Excel splits CSV on ";" and reads "7,5" as a number; English Excel wants "," and
"7.5". Both get a UTF-8 BOM, or Excel reads "Ștefănescu" as mojibake. The XLSX has numbers as
numbers and dates as dates, so sorting and filtering work without "convert to number".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from flask import url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from recruit.core.printable import unprintable
from recruit.db.models import Application
from recruit.web.permissions import candidate_view

# (header, value) per column, in order; values are typed (int, float, date, str or None).
COLUMNS = (
    ("rank", _l("Rank")),
    ("name", _l("Name")),
    ("email", _l("E-mail")),
    ("phone", _l("Phone")),
    ("status", _l("Status")),
    ("score", _l("Score")),
    ("knockouts", _l("Requirements not met")),
    ("headline", _l("Latest position")),
    ("sales_months", _l("Sales experience (months)")),
    ("education", _l("Education")),
    ("english", _l("English")),
    ("licence", _l("Driving licence")),
    ("language", _l("CV language")),
    ("typos", _l("Typos in key terms")),
    ("notes", _l("Notes")),
    ("applied", _l("Applied on")),
    ("link", _l("Candidate page")),
)


def header() -> list[str]:
    """Return the column titles in the current language."""
    return [str(title) for _, title in COLUMNS]


def row(
    rank: int,
    application: Application,
    notes: int,
    statuses: dict[str, Any],
    education: dict[str, Any],
    criteria: dict[str, str] | None = None,
) -> list[Any]:
    """Return one application's typed cells; blind review hides who the candidate is."""
    shown = candidate_view(application)
    values = {
        "rank": rank,
        "name": shown.name,
        "email": shown.email,
        "phone": shown.phone,
        "status": str(statuses.get(application.status, application.status)),
        "score": None if application.score is None else round(application.score, 1),
        # The must-haves missed, by their labels (the reader's language), not their ids.
        "knockouts": "; ".join(
            (criteria or {}).get(k, k) for k in application.knockouts.split(",") if k
        ),
        "headline": shown.headline,
        "sales_months": application.sales_months,
        "education": str(education.get(application.education, application.education or "")),
        "english": application.english_level,
        "licence": application.licence.replace(",", ", "),
        "language": application.language,
        "typos": application.typo_count,
        "notes": notes,
        "applied": application.created_at.date(),
        "link": url_for("recruiter.candidate", application_id=application.id, _external=True),
    }
    return [values[key] for key, _ in COLUMNS]


# --- CSV ----------------------------------------------------------------------------------


def csv_dialect() -> tuple[str, str]:
    """Return (delimiter, decimal mark) for the current language."""
    return (";", ",") if str(get_locale() or "en") == "ro" else (",", ".")


_PHONE = re.compile(r"^\+[0-9 ]{6,20}$")


# A cell starting with one of these runs as a formula when a spreadsheet opens the file (a tab
# or carriage return first is read past, so they count too).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """Return `text` without the control characters typed input may not hold (core.printable).

    Names are refused with them at input, but a CV's headline holds whatever the file did, and
    rows stored before that check may hold some: XML refuses them, spreadsheets hide them.
    """
    bad = set(unprintable(text, multiline=True))
    return "".join(c for c in text if c not in bad) if bad else text


def _csv_cell(value: Any, decimal: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}".replace(".", decimal)
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return value
    text = printable(value)
    # A cell starting so would run as a formula in a spreadsheet; a phone number ("+40 722...")
    # is digits after its "+" and computes nothing, so it keeps its form.
    if text[:1] in _FORMULA_START and not _PHONE.match(text):
        return "'" + text
    return text


def csv_lines(rows: list[list[Any]]) -> Iterator[str]:
    """Yield the CSV text (BOM, header, rows) in the current language's dialect.

    Everything that needs the request (the language, the rows' links) is read before the
    first line is yielded, so the response streams without holding the request or its
    database transaction open.
    """
    delimiter, decimal = csv_dialect()
    table = [header(), *rows]
    return _csv_text(table, delimiter, decimal)


def _csv_text(table: list[list[Any]], delimiter: str, decimal: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    yield "\ufeff"
    for cells in table:
        writer.writerow([_csv_cell(c, decimal) for c in cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _with_header(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    yield header()
    yield from rows


# --- XLSX ---------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_NS = "http://schemas.openxmlformats.org"


def _column(n: int) -> str:
    name = ""
    while n >= 0:
        name, n = chr(65 + n % 26) + name, n // 26 - 1
    return name


def _xlsx_cell(ref: str, value: Any) -> str:
    from xml.sax.saxutils import escape

    if value is None:
        return ""
    if isinstance(value, dt.date):
        # A serial day number with the built-in date format (style 1 below).
        return f'<c r="{ref}" s="1"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    # XML 1.0 cannot hold control characters: a name stored with one must not break the file.
    text = escape(printable(str(value)))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def xlsx_bytes(rows: Iterable[list[Any]]) -> bytes:
    """Write the header and rows as a one-sheet workbook with typed cells."""
    body = "".join(
        f'<row r="{r}">'
        + "".join(_xlsx_cell(f"{_column(c)}{r}", v) for c, v in enumerate(cells))
        + "</row>"
        for r, cells in enumerate(_with_header(rows), start=1)
    )
    rel = f"{_NS}/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{_NS}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="r1" Type="{rel}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_NS}/spreadsheetml/2006/main" '
        f'xmlns:r="{rel}"><sheets>'
        '<sheet name="Shortlist" sheetId="1" r:id="r1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="r1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="r2" Type="{rel}/styles" Target="styles.xml"/></Relationships>',
        # Style 0 is the default; style 1 shows a day number as a date (format 14, localised).
        "xl/styles.xml": f'<styleSheet xmlns="{_NS}/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" '
        'xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle '
        'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_NS}/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, xml in parts.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return buffer.getvalue()
