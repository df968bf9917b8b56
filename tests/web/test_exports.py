"""Shortlist exports: every column a recruiter asked for, in their locale, typed in XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl

from recruit import services
from tests.web import factories as f
from tests.web.test_recruiter import STRONG, WEAK


def _setup(session, blind: bool = False):
    recruiter = f.staff(session, "recruiter")
    o = f.opening(session, recruiter, blind=blind)
    ana = f.read_application(session, o, "Ana Ștefănescu", STRONG, typo=True)
    bogdan = f.read_application(session, o, "Bogdan Ionescu", WEAK, sales_months=6)
    ana.status = "shortlisted"
    ana.score = 87.26  # a score with decimals, to see the decimal mark
    services.review.add_note(session, ana, "Sună joi", recruiter)
    services.review.add_note(session, ana, "Are mașină", recruiter)
    session.commit()
    return recruiter, o, ana, bogdan


def _csv(client, o, language: str):
    response = client.get(
        f"/recruiter/openings/{o.id}/export.csv", headers={"Accept-Language": language}
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads UTF-8 (ș, ț) only with the BOM
    return text[1:]


def test_romanian_csv_splits_in_romanian_excel(wclient, session):
    recruiter, o, ana, bogdan = _setup(session)
    f.sign_in(wclient, recruiter)
    text = _csv(wclient, o, "ro")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    head = rows[0]
    assert head[:6] == ["Loc", "Nume", "E-mail", "Telefon", "Stare", "Scor"]
    first = dict(zip(head, rows[1], strict=True))
    assert first["Nume"] == "Ana Ștefănescu" and first["E-mail"] == ana.candidate.email
    assert first["Telefon"] == "+40722123456" and first["Stare"] == "Pe lista scurtă"
    assert first["Scor"] == "87,3" and first["Note"] == "2"
    assert first["Greșeli în termenii-cheie"] == "1"
    assert first["Pagina candidatului"].endswith(f"/recruiter/applications/{ana.id}")
    assert first["A aplicat pe"] == ana.created_at.date().isoformat()
    assert dict(zip(head, rows[2], strict=True))["Note"] == "0"


def test_english_csv_uses_commas_and_points(wclient, session):
    recruiter, o, ana, _ = _setup(session)
    f.sign_in(wclient, recruiter)
    rows = list(csv.reader(io.StringIO(_csv(wclient, o, "en"))))
    head = rows[0]
    assert head[:6] == ["Rank", "Name", "E-mail", "Phone", "Status", "Score"]
    first = dict(zip(head, rows[1], strict=True))
    assert first["Score"] == "87.3" and first["Status"] == "Shortlisted"


def test_xlsx_has_typed_cells(wclient, session):
    recruiter, o, ana, bogdan = _setup(session)
    bogdan.candidate.name = "Form\x01Ctrl"  # a control character must not break the sheet
    session.commit()
    f.sign_in(wclient, recruiter)
    response = wclient.get(
        f"/recruiter/openings/{o.id}/export.xlsx", headers={"Accept-Language": "ro"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    head = rows[0]
    first = dict(zip(head, rows[1], strict=True))
    assert isinstance(first["Scor"], float) and first["Scor"] == 87.3
    assert isinstance(first["Loc"], int) and first["Note"] == 2
    assert isinstance(first["A aplicat pe"], dt.datetime)  # a date cell, not text
    assert first["A aplicat pe"].date() == ana.created_at.date()
    assert first["Experiență în vânzări (luni)"] == 36
    assert dict(zip(head, rows[2], strict=True))["Nume"] == "FormCtrl"


def test_blind_review_hides_identity_in_exports(wclient, session):
    recruiter, o, ana, bogdan = _setup(session, blind=True)
    f.sign_in(wclient, recruiter)
    text = _csv(wclient, o, "en")
    assert "Bogdan" not in text and bogdan.candidate.email not in text
    table = list(csv.reader(io.StringIO(text)))
    rows = [dict(zip(table[0], r, strict=True)) for r in table[1:]]
    # Ana is shortlisted, so she is revealed; Bogdan is not, nor his e-mail or phone.
    hidden = next(r for r in rows if r["Name"] == f"Candidate #{bogdan.id}")
    assert (hidden["E-mail"], hidden["Phone"]) == ("", "")
    assert {r["Name"] for r in rows} == {"Ana Ștefănescu", f"Candidate #{bogdan.id}"}
    sheet = openpyxl.load_workbook(
        io.BytesIO(wclient.get(f"/recruiter/openings/{o.id}/export.xlsx").data)
    ).active
    assert "Bogdan" not in str(list(sheet.iter_rows(values_only=True)))
